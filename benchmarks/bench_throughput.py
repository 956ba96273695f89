"""FrozenEncoder against raw SentenceTransformer.encode, same texts, same run (no cache).

Run: .venv/bin/python benchmarks/bench_throughput.py

Both sides run alternately, three rounds each, and the best round of each is compared
(the least disturbed by other work on the machine). A ratio above 1 means FrozenEncoder
is faster.
"""

from __future__ import annotations

import numpy as np
from common import Timer, machine, read_csv

from encoder_kit import FrozenEncoder
from encoder_kit.models import load_sentence_transformer


def compare(name: str, texts: list[str], rounds: int = 3) -> None:
    st = load_sentence_transformer()
    enc = FrozenEncoder(cache=False, show_progress=False)
    ours, theirs = [], []
    for _ in range(rounds):
        with Timer() as t:
            a = enc.transform(texts)
        ours.append(t.seconds)
        with Timer() as t:
            b = st.encode(texts, batch_size=32, normalize_embeddings=True)
        theirs.append(t.seconds)
    cosine = float(np.min((a * b).sum(1)))
    o, r = min(ours), min(theirs)
    print(f"| {name} | {len(texts)} | {len(texts) / r:.0f} | {len(texts) / o:.0f} | "
          f"{r / o:.2f} | {cosine:.6f} |", flush=True)


def main() -> None:
    import warnings

    warnings.simplefilter("ignore")  # truncation notices for the few long SMS
    print(f"machine: {machine()}\n")
    print("| texts | n | SentenceTransformer.encode texts/s | FrozenEncoder texts/s | ratio | "
          "min cosine |")
    print("|---|---|---|---|---|---|")
    banking, _ = read_csv("banking77", "test")
    compare("short: Banking77 test (first 2,000)", banking[:2000])
    sst, _ = read_csv("sst2", "test")
    sms, _ = read_csv("sms_spam", "test")
    mixed = [t for pair in zip(sst[:1000], sms[:1000], strict=True) for t in pair]
    compare("mixed: SST-2 + SMS test (1,000 + 1,000)", mixed)


if __name__ == "__main__":
    main()
