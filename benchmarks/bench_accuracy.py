"""Accuracy of make_classifier() (train split, then test split) and the MTEB protocol check.

Run: .venv/bin/python benchmarks/bench_accuracy.py

MTEB's Banking77 protocol: LogisticRegression(max_iter=100) on 8 training examples per label
(616 texts), 10 runs with different samples, accuracy on the full test split, mean of the runs.
Published all-MiniLM-L6-v2 figure: 79.75.
"""

from __future__ import annotations

import numpy as np
from common import Timer, machine, read_csv
from sklearn.linear_model import LogisticRegression

from encoder_kit import FrozenEncoder, make_classifier

SETS = [("banking77", "test"), ("sst2", "test"), ("sms_spam", "test"), ("trec", "test")]


def mteb_banking77(n_runs: int = 10, per_label: int = 8) -> tuple[float, float]:
    tr_x, tr_y = read_csv("banking77", "train")
    te_x, te_y = read_csv("banking77", "test")
    enc = FrozenEncoder(show_progress=False)
    Xtr, Xte = enc.transform(tr_x), enc.transform(te_x)
    tr_y, te_y = np.asarray(tr_y), np.asarray(te_y)
    rng = np.random.RandomState(42)
    idx = np.arange(len(tr_y))
    scores = []
    for _ in range(n_runs):
        rng.shuffle(idx)
        chosen, count = [], {}
        for i in idx:
            if count.get(tr_y[i], 0) < per_label:
                chosen.append(i)
                count[tr_y[i]] = count.get(tr_y[i], 0) + 1
        head = LogisticRegression(max_iter=100).fit(Xtr[chosen], tr_y[chosen])
        scores.append(float(np.mean(head.predict(Xte) == te_y)))
    return 100 * float(np.mean(scores)), 100 * float(np.std(scores))


def main() -> None:
    print(f"machine: {machine()}\n")
    print("| data set | train | test | make_classifier() test accuracy | fit + predict s |")
    print("|---|---|---|---|---|")
    for name, split in SETS:
        tr_x, tr_y = read_csv(name, "train")
        te_x, te_y = read_csv(name, split)
        with Timer() as t:
            clf = make_classifier(show_progress=False).fit(tr_x, tr_y)
            accuracy = clf.score(te_x, te_y)
        print(f"| {name} | {len(tr_x):,} | {len(te_x):,} | {accuracy:.2%} | {t.seconds:.1f} |",
              flush=True)
    mean, std = mteb_banking77()
    print(f"\nMTEB protocol, Banking77: {mean:.2f} ± {std:.2f} "
          f"(published 79.75; difference {mean - 79.75:+.2f} points)")


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    main()
