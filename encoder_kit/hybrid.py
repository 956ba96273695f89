"""Hybrid features: TF-IDF word n-grams and frozen sentence vectors side by side.

A frozen sentence encoder knows what words mean but blurs rare, exact cues (a product code,
an intent's key word, a spam template); TF-IDF keeps exactly those and knows nothing of
meaning. :class:`HybridFeatures` puts both in one matrix so that one linear model can use
either:

- **TF-IDF block**: word uni- and bi-grams, sublinear term frequency (``1 + log tf``),
  each row scaled to unit length (scikit-learn's ``norm="l2"``).
- **Frozen block**: the encoder's sentence vectors, unit length (``FrozenEncoder(normalize=True)``).

Both blocks therefore have rows of norm 1, whatever the vocabulary size or the vector size, and
neither swamps the other in the linear model's penalty; ``tfidf_weight`` and ``frozen_weight``
scale a block's rows (to norm = the weight) when one should count more. The heads' ``C`` (10)
is a common choice for TF-IDF, not yet tuned here; with it the hybrid beats the better of
TF-IDF and frozen on all four benchmark sets (benchmarks/RESULTS.md, "Adaptation";
``bench_adaptation.py choose`` compares other values on training splits only).

>>> from encoder_kit.hybrid import HybridFeatures
>>> X = HybridFeatures().fit_transform(["refund my order", "the app crashes"])
>>> X.shape[0], X.shape[1] > 384
(2, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils.validation import check_is_fitted

from .inputs import check_texts

__all__ = ["FEATURE_KINDS", "HybridFeatures", "feature_pipeline", "hybrid_head", "tfidf_head",
           "tfidf_vectorizer"]

#: ``make_classifier(features=...)`` accepts these.
FEATURE_KINDS = ("frozen", "tfidf", "hybrid")
#: Inverse regularisation of the logistic regressions on TF-IDF and on hybrid features
#: (a common value, not tuned yet; see benchmarks/RESULTS.md, "Adaptation").
TFIDF_C = 10.0
HYBRID_C = 10.0


def tfidf_vectorizer(ngram_range: tuple[int, int] = (1, 2), min_df: int | float = 1,
                     max_features: int | None = None) -> TfidfVectorizer:
    """The TF-IDF settings used here: word n-grams, sublinear tf, unit-length rows, float32."""
    return TfidfVectorizer(ngram_range=ngram_range, min_df=min_df, max_features=max_features,
                           sublinear_tf=True, strip_accents="unicode", dtype=np.float32)


def tfidf_head() -> ClassifierMixin:
    """A fresh copy of the default head on TF-IDF features."""
    return LogisticRegression(C=TFIDF_C, max_iter=3000)


def hybrid_head() -> ClassifierMixin:
    """A fresh copy of the default head on hybrid features."""
    return LogisticRegression(C=HYBRID_C, max_iter=3000)


class HybridFeatures(TransformerMixin, BaseEstimator):
    """TF-IDF of word n-grams and frozen sentence vectors, side by side (a sparse matrix).

    Parameters
    ----------
    encoder : the frozen encoder (a transformer from texts to vectors); ``None``:
        ``FrozenEncoder()``. Pass ``FrozenEncoder(model=..., max_length=...)`` to choose. Its
        vectors are scaled to unit length here in any case.
    tfidf_weight, frozen_weight : norm of each block's rows (1 and 1: equal footing).
    ngram_range, min_df, max_features : the TF-IDF vocabulary (word n-grams).

    Output: ``scipy.sparse.csr_matrix`` of shape (n_texts, vocabulary + vector size);
    ``get_feature_names_out`` names the columns ``tfidf__<n-gram>`` and the encoder's own names.
    """

    def __init__(
        self,
        encoder: Any = None,
        *,
        tfidf_weight: float = 1.0,
        frozen_weight: float = 1.0,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float = 1,
        max_features: int | None = None,
    ) -> None:
        self.encoder = encoder
        self.tfidf_weight = tfidf_weight
        self.frozen_weight = frozen_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = []
        return tags

    def fit(self, X: Sequence[str], y: Any = None) -> HybridFeatures:
        """Learn the TF-IDF vocabulary and weights from ``X``; the encoder stays frozen."""
        texts = check_texts(X, allow_empty=False)
        self._check_params()
        self.tfidf_ = tfidf_vectorizer(tuple(self.ngram_range), self.min_df,
                                       self.max_features).fit(texts)
        self.encoder_ = clone(self.encoder) if self.encoder is not None else _frozen_encoder()
        self.encoder_.fit(texts)
        return self

    def transform(self, X: Sequence[str]) -> sparse.csr_matrix:
        """Both blocks for ``X``: ``[tfidf_weight * tfidf(X), frozen_weight * vectors(X)]``."""
        check_is_fitted(self, "tfidf_")
        texts = check_texts(X, allow_empty=True)
        words = self.tfidf_.transform(texts).astype(np.float32) * float(self.tfidf_weight)
        vectors = np.asarray(self.encoder_.transform(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)  # unit rows, whatever the encoder
        block = sparse.csr_matrix(vectors * float(self.frozen_weight))
        return sparse.hstack([words, block], format="csr", dtype=np.float32)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``tfidf__<n-gram>`` for the TF-IDF columns, then the encoder's column names."""
        check_is_fitted(self, "tfidf_")
        words = [f"tfidf__{w}" for w in self.tfidf_.get_feature_names_out()]
        return np.asarray(words + list(self.encoder_.get_feature_names_out()), dtype=object)

    def _check_params(self) -> None:
        for name in ("tfidf_weight", "frozen_weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not value >= 0:
                raise ValueError(f"{name} must be a number >= 0 (1.0: unit-length rows), "
                                 f"got {value!r}")
        if self.tfidf_weight == 0 and self.frozen_weight == 0:
            raise ValueError("tfidf_weight and frozen_weight are both 0, so every feature is 0; "
                             "set at least one of them > 0")
        if self.encoder is not None and not (hasattr(self.encoder, "fit")
                                             and hasattr(self.encoder, "transform")):
            raise TypeError(f"encoder must be a transformer with fit and transform (e.g. "
                            f"FrozenEncoder()), got {type(self.encoder).__name__}")


def _frozen_encoder(**params: Any) -> Any:
    from .encoder import FrozenEncoder

    return FrozenEncoder(**params)


def _check_head(head: Any, default: Any) -> Any:
    if head is None:
        return default()
    if not (hasattr(head, "fit") and hasattr(head, "predict")):
        raise TypeError(f"head must be a scikit-learn classifier (with fit and predict), got "
                        f"{type(head).__name__}; e.g. head=LogisticRegression()")
    return clone(head)


def feature_pipeline(features: str, head: Any = None, **encoder_params: Any) -> Pipeline:
    """The Pipeline behind ``make_classifier(features=...)`` for "tfidf" and "hybrid".

    "tfidf": ``TfidfVectorizer`` (see :func:`tfidf_vectorizer`) and ``tfidf_head()``;
    "hybrid": ``HybridFeatures(FrozenEncoder(**encoder_params))`` and ``hybrid_head()``.
    """
    if features == "tfidf":
        if encoder_params:
            raise TypeError(f"features='tfidf' uses no encoder, so {sorted(encoder_params)} "
                            "cannot apply; drop them, or use features='hybrid'")
        return make_pipeline(tfidf_vectorizer(), _check_head(head, tfidf_head))
    if features == "hybrid":
        return make_pipeline(HybridFeatures(_frozen_encoder(**encoder_params)),
                             _check_head(head, hybrid_head))
    raise ValueError(f"features must be one of {', '.join(map(repr, FEATURE_KINDS))}, got "
                     f"{features!r}")
