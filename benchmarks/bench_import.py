"""`import encoder_kit` wall time, against an empty interpreter start.

Run: .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from common import machine


def wall(code: str, n: int = 15) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    empty = wall("pass")
    package = wall("import encoder_kit")
    print(f"machine: {machine()}\n")
    print("| measure | median of 15 |\n|---|---|")
    print(f"| `python -c pass` | {empty * 1000:.0f} ms |")
    print(f"| `python -c 'import encoder_kit'` | {package * 1000:.0f} ms |")
    print(f"| import encoder_kit alone | {(package - empty) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
