"""The embedding cache: cold against warm, and the wall time of a warm fresh process.

Run: .venv/bin/python benchmarks/bench_cache.py

Cold: a new cache folder, so every text is encoded and stored. Warm: the same texts again,
all hits. Fresh process: a new interpreter that transforms 10,000 cached texts, timed from
the outside (interpreter start included), and whether it imported torch.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from common import Timer, machine, read_csv

from encoder_kit import FrozenEncoder


def main() -> None:
    banking, _ = read_csv("banking77", "train")
    texts = banking[:10_000]
    folder = tempfile.mkdtemp(prefix="ek-bench-cache-")
    os.environ["ENCODER_KIT_CACHE"] = folder
    enc = FrozenEncoder(show_progress=False)
    enc.transform(["load the model first, so that cold time is encoding, not loading"])
    with Timer() as cold:
        enc.transform(texts)
    with Timer() as warm:
        enc.transform(texts)
    code = ("import sys\nfrom encoder_kit import FrozenEncoder\n"
            "sys.path.insert(0, 'benchmarks')\nfrom common import read_csv\n"
            "texts = read_csv('banking77', 'train')[0][:10000]\n"
            "X = FrozenEncoder().transform(texts)\n"
            "print(X.shape[0], 'torch' in sys.modules)")
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={**os.environ, "ENCODER_KIT_CACHE": folder})
        walls.append(time.perf_counter() - start)
    n, torch_loaded = out.stdout.split()
    print(f"machine: {machine()}\n")
    print("| measure | value |\n|---|---|")
    print(f"| cold: encode + store {len(texts):,} texts | {cold.seconds:.2f} s |")
    print(f"| warm: {len(texts):,} hits, same process | {warm.seconds:.3f} s |")
    print(f"| cold / warm | {cold.seconds / warm.seconds:.0f}x |")
    print(f"| fresh process, {int(n):,} cached texts, wall incl. interpreter start "
          f"(best of 3; all 3) | {min(walls):.2f} s; {', '.join(f'{w:.2f}' for w in walls)} |")
    print(f"| torch imported in that process | {torch_loaded} |")


if __name__ == "__main__":
    main()
