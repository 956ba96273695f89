"""Named-entity tagging on frozen features: hand-made baseline, layer choices, default TokenTagger.

Run from the repository root (prints Markdown):

    .venv/bin/python benchmarks/bench_ner.py            # test F1 table, per-type report, speed
    .venv/bin/python benchmarks/bench_ner.py --select   # the validation grid behind the defaults

Data: wikigold (seeded 80/20 sentence split: indices shuffled with random.Random(0), first 80 %
train) and WNUT-17 (train -> test; --select: train -> dev, and wikigold's train part split
80/20 again). Settings are chosen with --select only; the test sets are only reported.
Word vectors are cached in a fresh temporary folder (or --cache DIR), filled once at the
start, so every row reuses one encoding; the throughput section uses its own empty cache.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time

import numpy as np
from common import Timer, machine
from ner_common import HandTagger, evaluate, wikigold, wnut17

import encoder_kit.tagger as tagger_module
from encoder_kit import TokenEncoder, TokenTagger
from encoder_kit.tagger import linear_head

HAND_C = 1.0  # chosen with --select


def frozen(**params):
    """A TokenTagger with LogisticRegression on the frozen vectors only, unless ``params`` add."""
    return lambda: TokenTagger(**{"word_features": None, "context": 0, "head": linear_head(),
                                  **params})


ROWS = [
    ("hand-made word features (word, shape, affixes, neighbours), LR", lambda: HandTagger(HAND_C)),
    ("frozen, last layer, LR", frozen(layers="last")),
    ("frozen, second-to-last layer, LR", frozen(layers="second_to_last")),
    ("frozen, last four layers concatenated, LR", frozen(layers="concat_last_4")),
    ("frozen, mean of the last four layers, LR", frozen(layers="mean_last_4")),
    ("frozen, mean of last four + vectors of the words either side (context=1), LR",
     frozen(layers="mean_last_4", context=1)),
    ("the row above + casing/shape flags (the default features), LR",
     frozen(layers="mean_last_4", context=1, word_features="shape")),
    ("the row above + all hand-made features (word, affixes, neighbours), LR",
     frozen(layers="mean_last_4", context=1, word_features="all")),
    ("**default `TokenTagger()`**: default features, MLP head", lambda: TokenTagger()),
]
DEFAULT_ROW = 8


@contextlib.contextmanager
def shape_weight(value: float):
    old, tagger_module.SHAPE_WEIGHT = tagger_module.SHAPE_WEIGHT, value
    try:
        yield
    finally:
        tagger_module.SHAPE_WEIGHT = old


def select_rows():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    def lr(C):
        return lambda: LogisticRegression(C=C, tol=1e-3, max_iter=1000)

    def mlp(units, alpha):
        return lambda: MLPClassifier((units,), alpha=alpha, early_stopping=True, max_iter=100,
                                     random_state=0)

    rows = [(f"hand-made features, LogisticRegression(C={c})", lambda c=c: HandTagger(c), 10.0)
            for c in (0.3, 1.0, 3.0)]
    for layers, context, shape, head, name, weight in [
        ("second_to_last", 0, None, lr(0.03), "LR(C=0.03)", 10.0),
        ("concat_last_4", 0, None, lr(0.03), "LR(C=0.03)", 10.0),
        ("mean_last_4", 0, None, lr(0.03), "LR(C=0.03)", 10.0),
        ("mean_last_4", 1, None, lr(0.03), "LR(C=0.03)", 10.0),
        ("concat_last_4", 0, "shape", lr(0.03), "LR(C=0.03)", 10.0),
        ("mean_last_4", 1, "shape", lr(0.03), "LR(C=0.03)", 1.0),
        ("mean_last_4", 1, "shape", lr(0.03), "LR(C=0.03)", 10.0),
        ("mean_last_4", 1, "shape", lr(0.1), "LR(C=0.1)", 10.0),
        ("mean_last_4", 1, "shape", lr(0.01), "LR(C=0.01)", 10.0),
        ("mean_last_4", 1, None, mlp(512, 1e-2), "MLP(512, alpha=0.01)", 10.0),
        ("mean_last_4", 0, "shape", mlp(512, 1e-2), "MLP(512, alpha=0.01)", 10.0),
        ("mean_last_4", 1, "shape", mlp(512, 1e-2), "MLP(512, alpha=0.01)", 10.0),
        ("mean_last_4", 1, "shape", mlp(256, 1e-2), "MLP(256, alpha=0.01)", 10.0),
        ("mean_last_4", 1, "shape", mlp(512, 1e-1), "MLP(512, alpha=0.1)", 10.0),
    ]:
        label = (f"layers={layers}, context={context}, word_features={shape}"
                 + (f" (shape weight {weight:g})" if shape else "") + f", {name}")
        rows.append((label, lambda a=layers, b=context, c=shape, d=head: TokenTagger(
            layers=a, context=b, word_features=c, head=d()), weight))
    return rows


def prewarm(datasets, cache: str) -> None:
    sentences = [s for train, test in datasets.values() for s in train[0] + test[0]]
    with Timer() as t:
        TokenEncoder(layers=[3, 4, 5, 6], cache=cache, show_progress=False).transform(sentences)
    print(f"encoded {len(sentences)} sentences (layers 3-6, once for every row) in "
          f"{t.seconds:.0f} s\n", flush=True)


def run_table(datasets, rows, cache: str) -> dict:
    names = list(datasets)
    print("| features | " + " | ".join(f"{n} F1 argmax | {n} F1 Viterbi" for n in names)
          + " | fit s (" + " / ".join(names) + ") |")
    print("|---|" + "---|---|" * len(names) + "---|")
    fitted = {}
    for row in rows:
        name, make = row[0], row[1]
        weight = row[2] if len(row) > 2 else tagger_module.SHAPE_WEIGHT
        cells, times = [], []
        for data_name, (train, test) in datasets.items():
            with shape_weight(weight):
                scores = evaluate(lambda m=make: _with_cache(m(), cache), train, test)
            fitted[(name, data_name)] = scores.pop("model")
            cells += [f"{scores['argmax']:.3f}", f"{scores['viterbi']:.3f}"]
            times.append(f"{scores['fit_s']:.0f}")
        print(f"| {name} | " + " | ".join(cells) + f" | {' / '.join(times)} |", flush=True)
    return fitted


def markdown(table) -> str:
    lines = ["| type | " + " | ".join(table.columns) + " |", "|---|" + "---|" * len(table.columns)]
    for label, row in table.iterrows():
        cells = [f"{v:.0f}" if col == "support" else f"{v:.3f}" for col, v in row.items()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _with_cache(model, cache: str):
    return model.set_params(cache=cache) if isinstance(model, TokenTagger) else model


def throughput(tagger: TokenTagger, name: str, sentences: list[list[str]]) -> None:
    fresh = tempfile.mkdtemp(prefix="bench-ner-cold-")
    try:
        tagger.set_params(decoding="viterbi")
        tagger.encoder_.set_params(cache=fresh, show_progress=False)
        speeds = []
        for _ in ("cold", "warm"):
            with Timer() as t:
                tagger.predict(sentences)
            speeds.append(len(sentences) / t.seconds)
        words = sum(map(len, sentences))
        print(f"| {name} | {len(sentences)} | {words} | {speeds[0]:.0f} | {speeds[1]:.0f} |",
              flush=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--select", action="store_true", help="validation grid, not test")
    parser.add_argument("--only", choices=["wikigold", "wnut17"])
    parser.add_argument("--cache", help="embedding cache folder (default: a temporary one)")
    parser.add_argument("--limit", type=int, help="first N sentences of each split (smoke test)")
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")  # convergence notices of the heads
    started = time.perf_counter()
    cache = args.cache or tempfile.mkdtemp(prefix="bench-ner-cache-")
    datasets = {"wikigold": wikigold(args.select), "WNUT-17": wnut17(args.select)}
    if args.only:
        datasets = {k: v for k, v in datasets.items() if k.lower().replace("-", "") == args.only}
    if args.limit:
        datasets = {k: tuple((s[:args.limit], t[:args.limit]) for s, t in v)
                    for k, v in datasets.items()}
    print(f"machine: {machine()}; {'validation' if args.select else 'test'} sets: "
          + ", ".join(f"{k} {len(tr[0])} train / {len(te[0])} scored sentences"
                      for k, (tr, te) in datasets.items()) + "\n")
    try:
        prewarm(datasets, cache)
        fitted = run_table(datasets, select_rows() if args.select else ROWS, cache)
        if not args.select:
            default = ROWS[DEFAULT_ROW][0]
            for data_name, (_, test) in datasets.items():
                table = fitted[(default, data_name)].set_params(decoding="viterbi").report(*test)
                print(f"\nDefault TokenTagger, {data_name} test, per type:\n")
                print(markdown(table))
            print("\n| default TokenTagger.predict | sentences | words | sentences/s, cold cache"
                  " | sentences/s, warm cache |\n|---|---|---|---|---|")
            for data_name, (_, test) in datasets.items():
                throughput(fitted[(default, data_name)], f"{data_name} test", test[0])
    finally:
        if not args.cache:
            shutil.rmtree(cache, ignore_errors=True)
    print(f"\ntotal: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
