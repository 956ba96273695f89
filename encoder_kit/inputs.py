"""Validation of text inputs, shared by every estimator that reads text.

>>> check_texts(("a", "b"))
['a', 'b']
>>> check_texts("a")
Traceback (most recent call last):
...
TypeError: expected a list of texts, got a single string; wrap it in a list: ['a']
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np


def describe(value: Any) -> str:
    """``repr(value)``, cut to 40 characters: short enough to quote in an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_unicode(text: str, name: str) -> str:
    """Return ``text``, or raise ``ValueError`` if it holds a lone surrogate.

    Python strings may hold surrogates (from ``errors="surrogateescape"`` or ``"\\ud800"``),
    but they are not valid Unicode, and the tokenizers refuse them with an obscure TypeError.

    >>> check_unicode("a\\ud800", "X[0]")
    Traceback (most recent call last):
    ...
    ValueError: X[0] holds a lone surrogate ('\\ud800' at position 1), which is not valid ...
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"{name} holds a lone surrogate ({text[error.start]!r} at position {error.start}), "
            "which is not valid Unicode and cannot be tokenized; replace it first, e.g. "
            "text.encode('utf-8', 'replace').decode('utf-8')"
        ) from None
    return text


def check_texts(X: Any, *, allow_empty: bool = True, name: str = "X") -> list[str]:
    """Return ``X`` as a list of str, or raise an error that says what is wrong and how to fix it.

    Accepts a list, tuple, 1-D numpy array, pandas Series or one-column DataFrame of strings.
    """
    if X is None:
        raise TypeError(f"{name} is None; pass a list of texts, e.g. {name}=['first text', ...]")
    if isinstance(X, str):
        raise TypeError(
            f"expected a list of texts, got a single string; wrap it in a list: [{describe(X)}]"
        )
    if isinstance(X, (bytes, bytearray)):
        raise TypeError(
            f"{name} is bytes; decode it and wrap it in a list: [data.decode('utf-8')]"
        )
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # a pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} is a DataFrame with {X.shape[1]} columns; pass the text column, "
                f"e.g. df['text']"
            )
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray) and X.ndim != 1:
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        else:
            raise ValueError(
                f"{name} must be one-dimensional (one text per row), got an array of shape "
                f"{X.shape}"
            )
    if isinstance(X, dict) or not isinstance(X, Iterable):
        raise TypeError(
            f"{name} must be a list, tuple, numpy array or pandas Series of strings, got "
            f"{type(X).__name__}"
        )
    texts = list(X.tolist() if hasattr(X, "tolist") else X)
    for i, item in enumerate(texts):
        if isinstance(item, str):
            check_unicode(item, f"{name}[{i}]")
            continue
        if isinstance(item, np.str_):
            texts[i] = str(item)
            continue
        if item is None or (isinstance(item, float) and math.isnan(item)):
            raise ValueError(
                f"{name}[{i}] is a missing value ({item!r}); drop or fill missing texts first, "
                "e.g. series.fillna('') or [t for t in texts if t is not None]"
            )
        if isinstance(item, (bytes, bytearray)):
            raise TypeError(f"{name}[{i}] is bytes; decode it first: value.decode('utf-8')")
        raise TypeError(
            f"{name}[{i}] is {type(item).__name__} ({describe(item)}), not a string; "
            "convert it with str() if it is meant as text"
        )
    if not texts and not allow_empty:
        raise ValueError(f"{name} is empty; pass at least one text")
    return texts
