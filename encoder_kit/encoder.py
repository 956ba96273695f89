"""FrozenEncoder: a pre-trained sentence encoder as a frozen scikit-learn feature extractor.

>>> from encoder_kit import FrozenEncoder
>>> X = FrozenEncoder().fit_transform(["I was charged twice", "The app crashes on start"])
>>> X.shape, X.dtype.name
((2, 384), 'float32')
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from . import models
from .cache import encode_through_cache, get_cache, namespace_for
from .encoding import encode_texts
from .inputs import check_texts
from .progress import wants_progress


class TruncationWarning(UserWarning):
    """Some texts were longer than the maximum length and were cut."""


class FrozenEncoder(TransformerMixin, BaseEstimator):
    """Turn texts into fixed sentence vectors with a frozen pre-trained encoder.

    ``fit`` learns nothing (the encoder stays frozen); ``transform`` returns a float32 array
    of shape (n_texts, hidden_size), equal to ``SentenceTransformer.encode`` on the same
    texts. The model is loaded on first use and shared within the process; vectors are
    cached on disk (see :mod:`encoder_kit.cache`), so a text is encoded once.

    Parameters
    ----------
    model : a packaged name ("all-MiniLM-L6-v2"), a local model folder, or a hub name.
    normalize : scale each vector to unit length (cosine-ready).
    batch_size : texts per forward pass.
    max_length : word pieces kept per text (None: the model's own limit, 256 for MiniLM).
    device : "cpu", "cuda", ... (None: sentence-transformers' choice).
    cache : None (the default folder), False (off), or a folder path.
    show_progress : show a tqdm bar; None: for 1,000 texts or more to encode, and only in a
        terminal, never in a notebook kernel; never while grading (see
        :mod:`encoder_kit.progress`).
    """

    def __init__(
        self,
        model: str = models.DEFAULT_MODEL,
        *,
        normalize: bool = True,
        batch_size: int = 32,
        max_length: int | None = None,
        device: str | None = None,
        cache: bool | str | os.PathLike | None = None,
        show_progress: bool | None = None,
    ) -> None:
        self.model = model
        self.normalize = normalize
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.cache = cache
        self.show_progress = show_progress

    # -- scikit-learn protocol ---------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = []
        tags.non_deterministic = False
        return tags

    def fit(self, X: Sequence[str], y: Any = None) -> FrozenEncoder:
        """Check the inputs and the model; learn nothing (the encoder is frozen)."""
        check_texts(X, allow_empty=True)
        self._check_params()
        info = self._info()
        self.embedding_dim_ = info.hidden_size
        self.max_length_ = self._effective_max_length(info)
        self.model_fingerprint_ = info.fingerprint
        return self

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Encode ``X`` (a list, tuple, array or Series of strings) into an (n, d) array."""
        texts = check_texts(X, allow_empty=True)
        self._check_params()
        info = self._info()
        max_length = self._effective_max_length(info)
        if not texts:
            return np.empty((0, info.hidden_size), dtype=np.float32)
        found = encode_through_cache(
            get_cache(self.cache), [namespace_for(info.fingerprint, self.normalize, max_length)],
            texts, lambda missing: self._encode(missing, max_length))
        # one concatenate of the 1-D rows: faster than np.stack for many cached rows
        out = np.concatenate(found.rows[0]).reshape(len(texts), -1).astype(np.float32,
                                                                          copy=False)
        n_cut = int(found.truncated.sum())
        if n_cut:
            warnings.warn(
                f"{n_cut} of {len(texts)} texts were longer than {max_length} word pieces and "
                f"were truncated to {max_length}; pass max_length=... (up to the model's "
                "limit) or split long texts to keep more",
                TruncationWarning,
                stacklevel=2,
            )
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns: ``frozenencoder0`` ... ``frozenencoder{d-1}``."""
        dim = getattr(self, "embedding_dim_", None) or self._info().hidden_size
        return np.asarray([f"frozenencoder{i}" for i in range(dim)], dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        # Only parameters and fitted facts: the model lives in a process-wide registry.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_model")}

    # -- helpers ---------------------------------------------------------------------
    def _check_params(self) -> None:
        if not isinstance(self.batch_size, (int, np.integer)) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if self.max_length is not None and (
            not isinstance(self.max_length, (int, np.integer)) or self.max_length < 2
        ):
            raise ValueError(
                f"max_length must be None or an integer >= 2 (word pieces, with [CLS] and "
                f"[SEP]), got {self.max_length!r}"
            )

    def _info(self) -> models.ModelInfo:
        return models.encoder_info(self.model, self.device)

    def _effective_max_length(self, info: models.ModelInfo) -> int:
        if self.max_length is None:
            return info.max_length
        if self.max_length > info.max_positions:
            raise ValueError(
                f"max_length={self.max_length} exceeds what model {self.model!r} can read "
                f"({info.max_positions} positions); use max_length <= {info.max_positions}"
            )
        return int(self.max_length)

    def _encode(self, texts: list[str], max_length: int) -> tuple[list[np.ndarray], np.ndarray]:
        """The vectors of ``texts`` (for the one cache namespace), and which texts were cut."""
        st = models.load_sentence_transformer(self.model, self.device)
        vectors, cut = encode_texts(
            st, texts, max_length=max_length, batch_size=int(self.batch_size),
            normalize=self.normalize, show_progress=wants_progress(self.show_progress, len(texts)),
        )
        return [vectors], cut
