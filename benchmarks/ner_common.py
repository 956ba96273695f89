"""Data splits and the hand-feature baseline shared by the NER benchmark (bench_ner.py)."""

from __future__ import annotations

import random
import sys
import time

import numpy as np
from common import SHARED_DATA
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from encoder_kit.conll import read_conll, repair_iob2
from encoder_kit.tagger import viterbi_iob2
from encoder_kit.word_shape import word_features

Split = tuple[list[list[str]], list[list[str]]]


def _read(*parts: str) -> Split:
    path = SHARED_DATA.joinpath(*parts)
    if not path.is_file():
        sys.exit(f"{path} not found: the benchmarks need ../shared/data "
                 "(or ENCODER_KIT_SHARED_DATA)")
    return read_conll(path)


def wikigold(validation: bool = False) -> tuple[Split, Split]:
    """The seeded 80/20 sentence split (``random.Random(0)``); train and test.

    With ``validation``: the first 80 % of that training part and the remaining 20 % of it,
    for choosing settings without looking at the test part.
    """
    sentences, tags = _read("wikigold", "wikigold.conll")
    order = list(range(len(sentences)))
    random.Random(0).shuffle(order)
    train, test = order[:int(0.8 * len(order))], order[int(0.8 * len(order)):]
    if validation:
        train, test = train[:int(0.8 * len(train))], train[int(0.8 * len(train)):]
    pick = lambda ids: ([sentences[i] for i in ids], [tags[i] for i in ids])  # noqa: E731
    return pick(train), pick(test)


def wnut17(validation: bool = False) -> tuple[Split, Split]:
    """The official train and test files (with ``validation``: train and dev)."""
    scored = "dev.conll" if validation else "test.conll"
    return _read("wnut17", "train.conll"), _read("wnut17", scored)


def f1(gold: list[list[str]], predicted: list[list[str]]) -> float:
    return float(f1_score(gold, predicted, mode="strict", scheme=IOB2, zero_division=0))


class HandTagger:
    """The classic baseline: word, shape, affix and neighbour features, one LogisticRegression."""

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, sentences: list[list[str]], tags: list[list[str]]) -> HandTagger:
        rows = [f for words in sentences for f in word_features(words, "all")]
        self.vectorizer = DictVectorizer(dtype=np.float32).fit(rows)
        self.head = LogisticRegression(C=self.C, max_iter=1000, tol=1e-3).fit(
            self.vectorizer.transform(rows), [t for row in tags for t in row])
        return self

    def predict(self, sentences: list[list[str]], decoding: str = "viterbi") -> list[list[str]]:
        rows = [f for words in sentences for f in word_features(words, "all")]
        probs = self.head.predict_proba(self.vectorizer.transform(rows))
        classes = [str(c) for c in self.head.classes_]
        out, at = [], 0
        for words in sentences:
            block, at = np.log(np.clip(probs[at:at + len(words)], 1e-12, None)), at + len(words)
            out.append(viterbi_iob2(block, classes) if decoding == "viterbi"
                       else repair_iob2([classes[i] for i in block.argmax(axis=1)]))
        return out


def evaluate(make, train: Split, test: Split) -> dict:
    """Fit ``make()`` on train; F1 on test with argmax (+ repair) and Viterbi decoding."""
    start = time.perf_counter()
    model = make().fit(*train)
    seconds = time.perf_counter() - start
    scores: dict = {"fit_s": seconds, "model": model}
    for decoding in ("argmax", "viterbi"):
        if isinstance(model, HandTagger):
            predicted = model.predict(test[0], decoding)
        else:
            predicted = model.set_params(decoding=decoding).predict(test[0])
        scores[decoding] = f1(test[1], predicted)
    return scores
