"""BERT's masked-language-modelling recipe, applied to word pieces (concept C8).

Of the word pieces (never [CLS] or [SEP]) about 15 % are chosen as prediction targets; each
chosen one becomes [MASK] with probability 0.8, a random word piece with 0.1, and stays as it
was with 0.1. The encoder is trained to predict the original piece at every chosen position.
A seed makes the draw repeatable. The MaskingExplorer widget shows what this module computes.

>>> pieces = ["[CLS]", "the", "parcel", "arrived", "late", "[SEP]"]
>>> steps = mask_pieces(pieces, seed=3, vocab=["apple", "river"])
>>> [s.position for s in steps if s.chosen]
[4]
>>> recipe_counts(pieces, repeats=200, vocab=["apple"]).most_common(1)[0][0]
'[MASK]'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["MASK_RATE", "MASK_SPLIT", "SPECIAL", "MaskStep", "mask_pieces", "ordinary_vocabulary",
           "recipe_counts"]

#: Word pieces the recipe never chooses.
SPECIAL = frozenset({"[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"})
#: The share of ordinary word pieces chosen as prediction targets (BERT: 15 %).
MASK_RATE = 0.15
#: What becomes of a chosen piece: [MASK], a random piece, unchanged (BERT: 80/10/10).
MASK_SPLIT = (0.8, 0.1, 0.1)


@dataclass(frozen=True)
class MaskStep:
    """What happened to one position."""

    position: int
    original: str
    chosen: bool
    action: str  # "special", "kept (not chosen)", "[MASK]", "random", "unchanged"
    becomes: str


def mask_pieces(pieces: Sequence[str], *, seed: int = 0, rate: float = MASK_RATE,
                vocab: Sequence[str] = ("the",),
                split: tuple[float, float, float] = MASK_SPLIT) -> list[MaskStep]:
    """Apply the recipe: choose ``max(1, round(rate * n))`` of the n ordinary pieces, then
    [MASK] / random piece from ``vocab`` / unchanged with the probabilities in ``split``.

    Raises ValueError for a rate outside (0, 1] or a sentence without ordinary pieces.
    """
    if not 0 < rate <= 1:
        raise ValueError(f"The masking rate must be between 0 and 1, got {rate}.")
    rng = np.random.default_rng(seed)
    candidates = [i for i, p in enumerate(pieces) if p not in SPECIAL]
    if not candidates:
        raise ValueError("The sentence has no word pieces to mask: type some words.")
    count = max(1, int(round(rate * len(candidates))))
    chosen = set(rng.choice(candidates, size=count, replace=False).tolist())
    steps = []
    for i, piece in enumerate(pieces):
        if i not in chosen:
            action = "special" if piece in SPECIAL else "kept (not chosen)"
            steps.append(MaskStep(i, piece, False, action, piece))
            continue
        draw = rng.random()
        if draw < split[0]:
            steps.append(MaskStep(i, piece, True, "[MASK]", "[MASK]"))
        elif draw < split[0] + split[1]:
            steps.append(MaskStep(i, piece, True, "random", str(vocab[rng.integers(len(vocab))])))
        else:
            steps.append(MaskStep(i, piece, True, "unchanged", piece))
    return steps


def recipe_counts(pieces: Sequence[str], *, repeats: int = 1000, rate: float = MASK_RATE,
                  vocab: Sequence[str] = ("the",)) -> Counter:
    """How often each action happened to chosen positions over ``repeats`` seeds (0, 1, ...)."""
    counts: Counter = Counter()
    for seed in range(repeats):
        counts.update(s.action for s in mask_pieces(pieces, seed=seed, rate=rate, vocab=vocab)
                      if s.chosen)
    return counts


def ordinary_vocabulary(tokenizer: Any) -> list[str]:
    """The tokenizer's ordinary word pieces, sorted: lower-case words of three letters or more
    (no special, unused, ``##`` or punctuation entries), the random replacements to draw from.
    """
    return sorted(t for t in tokenizer.get_vocab() if t.isalpha() and t.islower() and len(t) > 2)
