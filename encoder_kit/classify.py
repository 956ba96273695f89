"""make_classifier: a FrozenEncoder feeding a scikit-learn head, as one Pipeline.

The default head was chosen by 5-fold cross-validation on the Banking77 training set (see
benchmarks/RESULTS.md): a logistic regression with weak regularisation (C=30) on the
unit-length sentence vectors. An RBF SVC scores a little higher (``make_classifier(head=SVC(C=3))``)
but has no ``predict_proba`` of its own and needs five examples per class to calibrate one;
the logistic regression gives probabilities, fits in seconds and works from two examples.

>>> from encoder_kit import make_classifier
>>> clf = make_classifier()
>>> [name for name, _ in clf.steps]
['frozenencoder', 'logisticregression']
"""

from __future__ import annotations

from typing import Any

from sklearn.base import ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from .encoder import FrozenEncoder

DEFAULT_C = 30.0


def default_head() -> ClassifierMixin:
    """A fresh copy of the default head (chosen by measurement, see benchmarks/RESULTS.md)."""
    return LogisticRegression(C=DEFAULT_C, max_iter=3000)


def make_classifier(head: Any = None, features: str = "frozen", **encoder_params: Any) -> Pipeline:
    """A Pipeline of ``FrozenEncoder(**encoder_params)`` and ``head`` (default: default_head()).

    The head is cloned, so the estimator you pass is never fitted in place. ``features``:
    "frozen" (this pipeline), "tfidf" or "hybrid" (see :mod:`encoder_kit.hybrid`).
    """
    if features != "frozen":
        from .hybrid import feature_pipeline

        return feature_pipeline(features, head, **encoder_params)
    if head is None:
        head = default_head()
    elif not (hasattr(head, "fit") and hasattr(head, "predict")):
        raise TypeError(
            f"head must be a scikit-learn classifier (with fit and predict), got "
            f"{type(head).__name__}; e.g. make_classifier(head=LogisticRegression())"
        )
    else:
        head = clone(head)
    return make_pipeline(FrozenEncoder(**encoder_params), head)
