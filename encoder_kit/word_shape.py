"""Hand-made word features: the casing and shape signal that an uncased encoder cannot see.

An uncased model lower-cases its input, so "Apple" and "apple" reach it as the same word
pieces. Names depend on capital letters, so a tagger on such a model gains from being told
the casing back. ``word_features`` returns one dict of features per word, ready for
scikit-learn's ``DictVectorizer``, and ``shape_matrix`` a small dense 0/1 matrix of the
casing and shape flags alone (of each word and its neighbours), which sits well next to
dense encoder vectors:

- ``"shape"``: casing and shape only (``Xxxxx``, ``XX``, ``dd-dd``, ...), of the word and its
  neighbours, plus whether the word opens the sentence (where capitals say little);
- ``"all"``: the classic hand-made tagger: shape features plus the word itself, its prefixes
  and suffixes, and the neighbouring words.

>>> word_shape("McDonald's"), short_shape("McDonald's")
("XxXxxxxx'x", "XxXx'x")
>>> word_features(["Ada", "wrote"], "shape")[0]["shape"]
'Xx'
>>> shape_matrix(["Ada", "wrote"]).shape == (2, len(SHAPE_COLUMNS))
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

KINDS = ("shape", "all")
_URL = re.compile(r"^(https?://|www\.)", re.IGNORECASE)


def word_shape(word: str) -> str:
    """Each letter as X or x, each digit as d; other characters kept (at most 20)."""
    out = []
    for ch in word[:20]:
        if ch.isupper():
            out.append("X")
        elif ch.isalpha():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


def short_shape(word: str) -> str:
    """``word_shape`` with runs of the same symbol collapsed: "Lovelace" -> "Xx"."""
    return re.sub(r"(.)\1+", r"\1", word_shape(word))


def _casing(word: str) -> str:
    if not any(ch.isalpha() for ch in word):
        return "digits" if any(ch.isdigit() for ch in word) else "symbols"
    if word.isupper():
        return "upper"
    if word.istitle():
        return "title"
    if word.islower():
        return "lower"
    return "mixed"


CASINGS = ("upper", "title", "lower", "mixed", "digits", "symbols")
_FLAGS = ("first_word", "title_inside", "has_digit", "has_hyphen", "mention", "hashtag", "url",
          "short")
SHAPE_COLUMNS = tuple(f"casing[{o}]={c}" for o in ("-1", "0", "+1") for c in CASINGS) + _FLAGS


def shape_matrix(words: Sequence[str]) -> np.ndarray:
    """A (n_words, len(SHAPE_COLUMNS)) float32 0/1 matrix: casing of each word and its
    neighbours, and the word's own shape flags."""
    n, k = len(words), len(CASINGS)
    out = np.zeros((n, len(SHAPE_COLUMNS)), dtype=np.float32)
    for i, word in enumerate(words):
        column = CASINGS.index(_casing(word))
        for block, j in enumerate((i + 1, i, i - 1)):  # word i is the left neighbour of i + 1
            if 0 <= j < n:
                out[j, block * k + column] = 1.0
        own = _own(word, i)
        out[i, 3 * k:] = [own[f] for f in _FLAGS]
    return out


def _own(word: str, position: int) -> dict[str, float | str]:
    casing = _casing(word)
    return {
        "shape": short_shape(word),
        "casing": casing,
        "first_word": float(position == 0),
        "title_inside": float(position > 0 and casing in ("title", "mixed")),
        "has_digit": float(any(ch.isdigit() for ch in word)),
        "has_hyphen": float("-" in word),
        "mention": float(word.startswith("@")),
        "hashtag": float(word.startswith("#")),
        "url": float(bool(_URL.match(word))),
        "short": float(len(word) <= 3),
    }


def word_features(words: Sequence[str], kind: str = "shape") -> list[dict[str, float | str]]:
    """One feature dict per word of a sentence (see the module docstring for ``kind``)."""
    if kind not in KINDS:
        raise ValueError(f"word features kind={kind!r} is not known; use one of {KINDS}")
    n = len(words)
    shapes = [short_shape(w) for w in words]
    casings = [_casing(w) for w in words]
    lowered = [w.lower() for w in words] if kind == "all" else []
    rows: list[dict[str, float | str]] = []
    for i, word in enumerate(words):
        row = _own(word, i)
        for offset in (-1, 1):
            j = i + offset
            row[f"shape[{offset:+d}]"] = shapes[j] if 0 <= j < n else "<edge>"
            row[f"casing[{offset:+d}]"] = casings[j] if 0 <= j < n else "<edge>"
        if kind == "all":
            low = lowered[i]
            row["word"] = low
            for k in (2, 3, 4):
                row[f"prefix{k}"] = low[:k]
                row[f"suffix{k}"] = low[-k:]
            for offset in (-2, -1, 1, 2):
                j = i + offset
                row[f"word[{offset:+d}]"] = lowered[j] if 0 <= j < n else "<edge>"
        rows.append(row)
    return rows
