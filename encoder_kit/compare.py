"""compare(texts, labels): which features suit *your* data? One call, one table.

Cross-validates, on the same folds, a logistic regression on TF-IDF word n-grams, on frozen
sentence vectors (``make_classifier()``), on both side by side (hybrid, see
:mod:`encoder_kit.hybrid`) and, if asked, a :class:`~encoder_kit.FineTunedClassifier`. It
returns a pandas DataFrame, one row per method: accuracy and macro F1 (mean and standard
deviation over the folds), fit and predict seconds (mean per fold). The frozen vectors are
computed once per distinct text before the folds (and come from the embedding cache when it has
them), not once per fold; the ``encode_seconds`` column shows that one-off cost on the rows that
use it. :func:`plot_comparison` draws the table (in a notebook: ``plot_comparison(table)``).

Because the module is callable, ``encoder_kit.compare(texts, labels)`` works however it was
imported.

>>> from encoder_kit import compare
>>> table = compare(texts, labels, cv=5)  # doctest: +SKIP
>>> table[["accuracy_mean", "macro_f1_mean", "fit_seconds"]]  # doctest: +SKIP
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .inputs import check_texts

__all__ = ["compare", "plot_comparison"]

METHODS = ("tfidf", "frozen", "hybrid", "fine-tuned")
_COLUMNS = ["accuracy_mean", "accuracy_std", "macro_f1_mean", "macro_f1_std", "fit_seconds",
            "predict_seconds", "encode_seconds", "folds"]


def compare(
    texts: Sequence[str],
    labels: Sequence[Any],
    *,
    cv: int | Any = 5,
    include_fine_tuned: bool = False,
    time_budget: float | None = None,
    fine_tuned_params: Mapping[str, Any] | None = None,
    encoder: Any = None,
    random_state: int | None = 0,
    show_progress: bool | None = None,
) -> Any:
    """Cross-validate TF-IDF, frozen, hybrid (and optionally fine-tuned) classifiers.

    Parameters
    ----------
    texts, labels : the data (any label type).
    cv : number of folds (stratified and shuffled with ``random_state`` when every class has
        that many texts, else plain shuffled folds), or a scikit-learn splitter.
    include_fine_tuned : add a ``FineTunedClassifier(**fine_tuned_params)`` row (slow: it
        trains an encoder per fold).
    time_budget : seconds for the fine-tuned row, all folds together (``None``: no limit);
        each fold's training gets an equal share (``max_seconds``), so its schedule is cut to
        fit, and loading and predicting come on top.
    fine_tuned_params : parameters of the fine-tuned classifier (default: its defaults).
    encoder : the frozen encoder for the frozen and hybrid rows (``None``: ``FrozenEncoder()``).
    random_state : seed of the folds.
    show_progress : a bar over the fits (``None``: in a terminal or a notebook, never while
        grading).

    Returns a pandas DataFrame indexed by method ("tfidf", "frozen", "hybrid", "fine-tuned")
    with the columns accuracy_mean, accuracy_std, macro_f1_mean, macro_f1_std, fit_seconds,
    predict_seconds (means per fold), encode_seconds (the one-off frozen encoding of all
    texts, on the rows that use it) and folds.
    """
    import pandas as pd
    from sklearn.base import clone
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline

    from .classify import default_head
    from .encoder import FrozenEncoder
    from .fine_tuned import FineTunedClassifier, _progress_bar
    from .hybrid import HybridFeatures, hybrid_head, tfidf_head, tfidf_vectorizer

    texts = check_texts(texts, allow_empty=False, name="texts")
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != len(texts):
        raise ValueError(f"labels must hold one label per text ({len(texts)}), got shape "
                         f"{y.shape}")
    if len(set(y.tolist())) < 2:
        raise ValueError("labels hold a single class; comparing classifiers needs at least two")
    if time_budget is not None and not time_budget > 0:
        raise ValueError(f"time_budget must be a number of seconds > 0, or None; got "
                         f"{time_budget!r}")
    splits = list(_splitter(cv, y, random_state).split(np.zeros(len(y)), y))

    base = clone(encoder) if encoder is not None else FrozenEncoder()
    start = time.perf_counter()
    unique = list(dict.fromkeys(texts))
    table = _VectorTable(unique, base.fit(unique).transform(unique))
    encode_seconds = time.perf_counter() - start

    candidates: dict[str, Any] = {
        "tfidf": make_pipeline(tfidf_vectorizer(), tfidf_head()),
        "frozen": make_pipeline(table, default_head()),
        "hybrid": make_pipeline(HybridFeatures(table), hybrid_head()),
    }
    if include_fine_tuned:
        params = dict(fine_tuned_params or {})
        if time_budget is not None:
            params["max_seconds"] = float(time_budget) / len(splits)
        params.setdefault("show_progress", False)
        candidates["fine-tuned"] = FineTunedClassifier(**params)

    text_array = np.asarray(texts, dtype=object)
    bar = _progress_bar(len(candidates) * len(splits), show_progress)
    rows = {}
    try:
        for name, estimator in candidates.items():
            scores = []
            for train, test in splits:
                model = clone(estimator)
                t0 = time.perf_counter()
                model.fit(list(text_array[train]), y[train])
                t1 = time.perf_counter()
                predicted = model.predict(list(text_array[test]))
                t2 = time.perf_counter()
                truth = y[test]
                scores.append((accuracy_score(truth, predicted),
                               f1_score(truth, predicted, average="macro"), t1 - t0, t2 - t1))
                if bar is not None:
                    bar.set_description(f"compare: {name}")
                    bar.update(1)
            s = np.asarray(scores, dtype=float)
            rows[name] = [s[:, 0].mean(), s[:, 0].std(), s[:, 1].mean(), s[:, 1].std(),
                          s[:, 2].mean(), s[:, 3].mean(),
                          encode_seconds if name in ("frozen", "hybrid") else 0.0, len(splits)]
    finally:
        if bar is not None:
            bar.close()
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=_COLUMNS)
    frame.index.name = "method"
    frame["folds"] = frame["folds"].astype(int)
    frame.attrs.update(n_texts=len(texts), n_classes=int(len(set(y.tolist()))))
    return frame


def plot_comparison(table: Any, ax: Any = None) -> Any:
    """Bars of accuracy and macro F1 (with their standard deviation); seconds per fold by the names.

    Returns the matplotlib Axes. In a notebook: ``plot_comparison(compare(texts, labels))``.
    """
    from .extras import require_extra

    require_extra("widgets", ("matplotlib",), "plot_comparison")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.6 + 0.7 * len(table)))
    scores = table[["accuracy_mean", "macro_f1_mean"]].rename(
        columns={"accuracy_mean": "accuracy", "macro_f1_mean": "macro F1"})
    errors = table[["accuracy_std", "macro_f1_std"]].to_numpy().T
    scores.plot.barh(ax=ax, xerr=errors, capsize=3)
    ax.set_xlim(max(0.0, float(scores.to_numpy().min()) - 0.1), 1.0)
    ax.invert_yaxis()
    costs = table["fit_seconds"] + table["predict_seconds"]
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels([f"{name}\n{cost:.1f} s per fold" for name, cost in zip(
        table.index, costs, strict=True)])
    ax.set_xlabel(f"cross-validated score ({int(table['folds'].iloc[0])} folds)")
    ax.set_ylabel("")
    ax.legend(loc="lower right")
    return ax


def _splitter(cv: Any, y: np.ndarray, random_state: int | None) -> Any:
    from sklearn.model_selection import KFold, StratifiedKFold

    if hasattr(cv, "split"):
        return cv
    if isinstance(cv, bool) or not isinstance(cv, (int, np.integer)) or cv < 2:
        raise ValueError(f"cv must be an integer >= 2 or a scikit-learn splitter, got {cv!r}")
    if cv > len(y):
        raise ValueError(f"cv={cv} folds need at least {cv} texts, got {len(y)}")
    _, counts = np.unique(y.astype(str), return_counts=True)
    if counts.min() >= cv:
        return StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return KFold(n_splits=cv, shuffle=True, random_state=random_state)


class _VectorTable:
    """A frozen encoder whose vectors were computed before the folds: a lookup by text.

    It follows the transformer protocol that Pipeline and HybridFeatures need; cloning it
    returns the same table (the vectors are data, not parameters).
    """

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.row = {t: i for i, t in enumerate(texts)}
        self.vectors = vectors

    def __sklearn_clone__(self) -> _VectorTable:
        return self

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {}

    def fit(self, X: Sequence[str], y: Any = None) -> _VectorTable:
        return self

    def transform(self, X: Sequence[str]) -> np.ndarray:
        return self.vectors[[self.row[t] for t in X]]

    def fit_transform(self, X: Sequence[str], y: Any = None) -> np.ndarray:
        return self.transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"frozenencoder{i}" for i in range(self.vectors.shape[1])],
                          dtype=object)


class _CallableModule(types.ModuleType):
    """``encoder_kit.compare`` is this module once it is imported; calling it calls compare()."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
