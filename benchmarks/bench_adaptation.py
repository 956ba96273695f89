"""Frozen features are not always enough: TF-IDF, frozen, hybrid and fine-tuned (issue 16).

On the official train / test splits of sst2, trec, banking77 and sms_spam (../shared/data),
one run each:

- ``features``: TF-IDF + LogisticRegression, ``make_classifier()`` (frozen) and
  ``make_classifier(features="hybrid")``; the frozen vectors of train + test are encoded once
  first (timed apart: ``encode s``), so the fit + predict seconds of frozen and hybrid are those
  of a warm cache.
- ``fine-tune``: ``FineTunedClassifier(train_layers=2 | "all")``, 10 % of the training split
  held out for early stopping, a training time budget per run (``--max-minutes``; the
  schedule is cut to fit it, see FineTunedClassifier's ``max_seconds``).
- ``compare``: ``encoder_kit.compare`` on the first 5,000 Banking77 training texts, 5 folds,
  without the fine-tuned row, with a new (cold) embedding cache.
- ``choose``: the ``C`` of the TF-IDF and hybrid heads, on an 80/20 split of each training
  split (the test splits are never used to choose).

Every result is appended to ``--out`` (JSON lines) with the load average before and after;
``--table`` prints the markdown table of RESULTS.md from that file.

Run (from the repository root):
    .venv/bin/python benchmarks/bench_adaptation.py features
    .venv/bin/python benchmarks/bench_adaptation.py fine-tune --sets sst2 --layers all --max-minutes 18
    .venv/bin/python benchmarks/bench_adaptation.py compare
    .venv/bin/python benchmarks/bench_adaptation.py table
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from common import Timer, machine
from common import read_csv as _read_csv
from sklearn.metrics import accuracy_score, f1_score

SETS = ["sst2", "trec", "banking77", "sms_spam"]
SMOKE = int(os.environ.get("BENCH_SMOKE", "0"))  # > 0: only that many texts per split (a check)
DEFAULT_OUT = Path(tempfile.gettempdir()) / "encoder-kit-adaptation.jsonl"


def read_csv(name: str, split: str) -> tuple[list[str], list[str]]:
    texts, labels = _read_csv(name, split)
    if SMOKE:
        texts, labels = _subset(texts, labels, SMOKE)
    return texts, labels


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _record(out: Path, row: dict) -> None:
    row = {**row, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(out, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    print(json.dumps(row), flush=True)


def _subset(texts: list[str], labels: list[str], limit: int | None) -> tuple[list, list]:
    if not limit or limit >= len(texts):
        return texts, labels
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(np.arange(len(texts)), train_size=limit, random_state=0,
                               stratify=labels)
    keep = np.sort(keep)
    return [texts[i] for i in keep], [labels[i] for i in keep]


def _scores(truth: list[str], predicted) -> dict:
    return {"accuracy": float(accuracy_score(truth, predicted)),
            "macro_f1": float(f1_score(truth, predicted, average="macro"))}


def run_features(sets: list[str], out: Path) -> None:
    from encoder_kit import FrozenEncoder, make_classifier

    for name in sets:
        tr_x, tr_y = read_csv(name, "train")
        te_x, te_y = read_csv(name, "test")
        base = {"part": "features", "set": name, "train": len(tr_x), "test": len(te_x)}
        load = _load()
        with Timer() as t:
            FrozenEncoder(show_progress=False).transform(tr_x + te_x)
        _record(out, {**base, "method": "encode", "seconds": round(t.seconds, 1),
                      "load_before": load, "load_after": _load()})
        for method, clf in [("tfidf", make_classifier(features="tfidf")),
                            ("frozen", make_classifier(show_progress=False)),
                            ("hybrid", make_classifier(features="hybrid", show_progress=False))]:
            load = _load()
            with Timer() as fit:
                clf.fit(tr_x, tr_y)
            with Timer() as predict:
                predicted = clf.predict(te_x)
            _record(out, {**base, "method": method, **_scores(te_y, predicted),
                          "fit_seconds": round(fit.seconds, 2),
                          "predict_seconds": round(predict.seconds, 2),
                          "load_before": load, "load_after": _load()})


def run_fine_tune(sets: list[str], layers: list[str], max_minutes: float | None,
                  train_limit: int | None, epochs: int, learning_rate: float, out: Path,
                  validation_fraction: float | None = 0.1) -> None:
    from encoder_kit import FineTunedClassifier

    for name in sets:
        tr_x, tr_y = _subset(*read_csv(name, "train"), train_limit)
        te_x, te_y = read_csv(name, "test")
        for layer in layers:
            train_layers = "all" if layer == "all" else int(layer)
            clf = FineTunedClassifier(
                train_layers=train_layers, epochs=epochs, learning_rate=learning_rate,
                validation_fraction=validation_fraction, patience=2, random_state=0,
                max_seconds=None if max_minutes is None else 60 * max_minutes)
            load = _load()
            with Timer() as fit:
                clf.fit(tr_x, tr_y)
            with Timer() as predict:
                predicted = clf.predict(te_x)
            _record(out, {
                "part": "fine-tune", "set": name, "method": f"fine-tuned ({layer})",
                "train": len(tr_x), "test": len(te_x), **_scores(te_y, predicted),
                "fit_seconds": round(fit.seconds, 1), "train_seconds": clf.train_seconds_,
                "predict_seconds": round(predict.seconds, 1), "steps": clf.n_steps_,
                "epochs_done": clf.history_[-1]["epoch"] if clf.history_ else None,
                "best_step": clf.best_step_, "stop_reason": clf.stop_reason_,
                "history": clf.history_, "max_minutes": max_minutes, "epochs": epochs,
                "learning_rate": learning_rate, "validation_fraction": validation_fraction,
                "load_before": load, "load_after": _load()})


def run_compare(n: int, out: Path) -> None:
    tr_x, tr_y = read_csv("banking77", "train")
    rng = np.random.RandomState(0)
    keep = np.sort(rng.permutation(len(tr_x))[:n])
    texts, labels = [tr_x[i] for i in keep], [tr_y[i] for i in keep]
    with tempfile.TemporaryDirectory(prefix="encoder-kit-cold-cache-") as cache:
        os.environ["ENCODER_KIT_CACHE"] = cache  # cold: every vector is encoded
        import encoder_kit

        load = _load()
        with Timer() as t:
            table = encoder_kit.compare(texts, labels, cv=5, show_progress=False)
    print(table.to_string())
    _record(out, {"part": "compare", "set": "banking77", "texts": len(texts),
                  "seconds": round(t.seconds, 1), "table": table.round(4).to_dict("index"),
                  "load_before": load, "load_after": _load()})


def run_choose(sets: list[str], out: Path) -> None:
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from encoder_kit import FrozenEncoder
    from encoder_kit.hybrid import HybridFeatures, tfidf_vectorizer

    for name in sets:
        x, y = read_csv(name, "train")
        a, b = train_test_split(np.arange(len(x)), test_size=0.2, random_state=0, stratify=y)
        xa, ya = [x[i] for i in a], [y[i] for i in a]
        xb, yb = [x[i] for i in b], [y[i] for i in b]
        grid = [("tfidf", tfidf_vectorizer(), (1.0, 3.0, 10.0, 30.0, 100.0))]
        for weight in (1.0, 2.0):
            grid.append((f"hybrid, frozen_weight={weight:g}",
                         HybridFeatures(FrozenEncoder(show_progress=False), frozen_weight=weight),
                         (3.0, 10.0, 30.0)))
        for kind, features, values in grid:
            fa = clone(features).fit(xa)
            Xa, Xb = fa.transform(xa), fa.transform(xb)
            for c in values:
                with Timer() as t:
                    head = LogisticRegression(C=c, max_iter=3000).fit(Xa, ya)
                _record(out, {"part": "choose", "set": name, "method": kind, "C": c,
                              **_scores(yb, head.predict(Xb)), "fit_seconds": round(t.seconds, 2)})


def print_table(out: Path) -> None:
    if not out.is_file():
        print(f"no results in {out} yet: run the parts first (features, fine-tune, compare)")
        return
    rows = [json.loads(line) for line in open(out, encoding="utf-8") if line.strip()]
    latest: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row["part"] in ("features", "fine-tune"):
            latest[(row["set"], row["method"])] = row
    methods = ["tfidf", "frozen", "hybrid", "fine-tuned (2)", "fine-tuned (all)"]
    print("| data set (train / test) | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for name in SETS:
        cells = []
        for method in methods:
            row = latest.get((name, method))
            if row is None:
                cells.append("not run")
                continue
            if method.startswith("fine"):
                cells.append(f"{row['accuracy']:.2%} ({row['train_seconds'] / 60:.1f} min, "
                             f"{row['steps']} steps, {row['stop_reason']})")
            else:
                seconds = row["fit_seconds"] + row["predict_seconds"]
                cells.append(f"{row['accuracy']:.2%} ({seconds:.1f} s)")
        encode = latest.get((name, "encode"))
        sizes = next((f"{r['train']:,} / {r['test']:,}" for (s, _), r in latest.items()
                      if s == name), "")
        label = (f"{name} ({sizes})" if sizes else name) + (
            f", encode {encode['seconds']:.0f} s" if encode else "")
        print(f"| {label} | " + " | ".join(cells) + " |")
    choose = [r for r in rows if r["part"] == "choose"]
    if choose:
        print("\n| data set | features | " + " | ".join(f"C={c:g}" for c in
                                                        sorted({r["C"] for r in choose})) + " |")
        values = sorted({r["C"] for r in choose})
        print("|---|---|" + "---|" * len(values))
        for name in SETS:
            for kind in dict.fromkeys(r["method"] for r in choose):
                found = {r["C"]: r for r in choose if r["set"] == name and r["method"] == kind}
                if found:
                    print(f"| {name} | {kind} | " + " | ".join(
                        f"{found[c]['accuracy']:.2%}" if c in found else "" for c in values)
                        + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=["features", "fine-tune", "compare", "choose", "table"])
    parser.add_argument("--sets", nargs="+", default=SETS, choices=SETS)
    parser.add_argument("--layers", nargs="+", default=["2", "all"])
    parser.add_argument("--max-minutes", type=float, default=None,
                        help="training time budget of each fine-tuning run")
    parser.add_argument("--train-limit", type=int, default=None,
                        help="fine-tune on a stratified subset of this many training texts")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--validation-fraction", type=float, default=0.1,
                        help="held out for early stopping; 0: none (the full schedule)")
    parser.add_argument("--texts", type=int, default=5000, help="texts for the compare part")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if args.part != "table":
        print(f"machine: {machine()}; load average {_load()}", flush=True)
    if args.part == "features":
        run_features(args.sets, args.out)
    elif args.part == "fine-tune":
        run_fine_tune(args.sets, args.layers, args.max_minutes, args.train_limit, args.epochs,
                      args.learning_rate, args.out, args.validation_fraction or None)
    elif args.part == "compare":
        run_compare(args.texts, args.out)
    elif args.part == "choose":
        run_choose(args.sets, args.out)
    print_table(args.out)


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    main()
