"""Choose make_classifier's default head by cross-validation on the training sets only.

Run: .venv/bin/python benchmarks/bench_heads.py   (prints a Markdown table)

Each candidate head is scored by 5-fold stratified cross-validation on the Banking77 training
set (frozen all-MiniLM-L6-v2 features, unit length); the test split is used only to report,
never to choose.
"""

from __future__ import annotations

import sys

import numpy as np
from common import Timer, machine, read_csv
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

from encoder_kit import FrozenEncoder

CANDIDATES = {
    "LogisticRegression(C=1)": lambda: LogisticRegression(C=1, max_iter=2000),
    "LogisticRegression(C=10)": lambda: LogisticRegression(C=10, max_iter=2000),
    "LogisticRegression(C=30)": lambda: LogisticRegression(C=30, max_iter=3000),
    "LogisticRegression(C=100)": lambda: LogisticRegression(C=100, max_iter=3000),
    "StandardScaler + LogisticRegression(C=1)": lambda: make_pipeline(
        StandardScaler(), LogisticRegression(C=1, max_iter=3000)),
    "LinearSVC(C=1)": lambda: LinearSVC(C=1),
    "LinearSVC(C=3)": lambda: LinearSVC(C=3),
    "SVC(rbf, C=1)": lambda: SVC(C=1),
    "SVC(rbf, C=2)": lambda: SVC(C=2),
    "SVC(rbf, C=3)": lambda: SVC(C=3),
    "SVC(rbf, C=5)": lambda: SVC(C=5),
    "SVC(rbf, C=3, gamma=2)": lambda: SVC(C=3, gamma=2),
    "SVC(rbf, C=10)": lambda: SVC(C=10),
    "SVC(rbf, C=30)": lambda: SVC(C=30),
    "SVC(rbf, C=10, gamma=2)": lambda: SVC(C=10, gamma=2),
    "SVC(rbf, C=10, gamma=0.5)": lambda: SVC(C=10, gamma=0.5),
    "Calibrated SVC(rbf, C=3) (sigmoid, 5-fold)": lambda: CalibratedClassifierCV(
        SVC(C=3), ensemble=False),
    "soft vote: LogisticRegression(C=30) + calibrated SVC(rbf, C=3)": lambda: VotingClassifier(
        [("lr", LogisticRegression(C=30, max_iter=3000)),
         ("svc", CalibratedClassifierCV(SVC(C=3), ensemble=False))], voting="soft"),
    "KNeighbors(k=10, cosine)": lambda: KNeighborsClassifier(10, metric="cosine", weights="distance"),
    "MLP(512)": lambda: MLPClassifier((512,), early_stopping=True, random_state=0, max_iter=300),
}


def main() -> None:
    only = sys.argv[1:]  # names to run: each argument must equal a candidate's name
    enc = FrozenEncoder()
    tr_x, tr_y = read_csv("banking77", "train")
    te_x, te_y = read_csv("banking77", "test")
    with Timer() as t:
        Xtr, Xte = enc.transform(tr_x), enc.transform(te_x)
    print(f"features: {Xtr.shape} + {Xte.shape} in {t.seconds:.1f} s ({machine()})\n")
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    print("| head | 5-fold CV accuracy on train | test accuracy | fit seconds |")
    print("|---|---|---|---|")
    for name, make in CANDIDATES.items():
        if only and name not in only:
            continue
        cv_scores = cross_val_score(make(), Xtr, tr_y, cv=cv, n_jobs=1)
        with Timer() as t:
            head = make().fit(Xtr, tr_y)
        test = float(np.mean(head.predict(Xte) == np.asarray(te_y)))
        print(f"| {name} | {cv_scores.mean():.2%} ± {cv_scores.std():.2%} | {test:.2%} | "
              f"{t.seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
