"""Test functions for the practice bank's ``code`` questions (graded locally, no key to hide).

Each takes the student's function and returns ``(score, feedback)``; a failed check raises
``AssertionError`` with a message for the student. Plain Python lists keep them free of
numpy and torch.

>>> def mean_pool(vectors, mask):
...     kept = [v for v, m in zip(vectors, mask) if m]
...     return [sum(column) / len(kept) for column in zip(*kept)]
>>> check_mean_pool(mean_pool)
(1.0, 'Correct: padding is left out of the average.')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any


def _close(got: Any, want: Sequence[float]) -> bool:
    try:
        values = [float(value) for value in got]
    except (TypeError, ValueError):
        return False
    return len(values) == len(want) and all(
        math.isclose(a, b, abs_tol=1e-6) for a, b in zip(values, want, strict=True)
    )


def check_mean_pool(mean_pool: Callable[..., Any]) -> tuple[float, str]:
    """Three cases: no padding, padding at the end, a single real token."""
    cases = [
        ([[1.0, 2.0], [3.0, 4.0]], [1, 1], [2.0, 3.0]),
        ([[1.0, 1.0], [3.0, 5.0], [9.0, 9.0]], [1, 1, 0], [2.0, 3.0]),
        ([[4.0, -2.0], [0.5, 0.5], [0.5, 0.5]], [1, 0, 0], [4.0, -2.0]),
    ]
    for vectors, mask, want in cases:
        got = mean_pool(vectors, mask)
        if not _close(got, want):
            hint = " Padding (mask 0) must not count." if 0 in mask else ""
            raise AssertionError(
                f"mean_pool({vectors}, {mask}) returned {got!r}; expected {want}.{hint}"
            )
    return 1.0, "Correct: padding is left out of the average."


def check_align_labels(align_labels: Callable[..., Any]) -> tuple[float, str]:
    """Special tokens and continuation pieces get -100; a word's first piece its label."""
    cases = [
        ([3, 0, 5], [None, 0, 1, 1, 2, None], [-100, 3, 0, -100, 5, -100]),
        ([1, 2], [None, 0, 0, 0, 1, None], [-100, 1, -100, -100, 2, -100]),
        ([0], [None, 0, None, None], [-100, 0, -100, -100]),
    ]
    passed = 0
    messages = []
    for labels, word_ids, want in cases:
        got = align_labels(labels, word_ids)
        if list(got) == want:
            passed += 1
        else:
            messages.append(
                f"align_labels({labels}, {word_ids}) returned {got!r}; expected {want}."
            )
    if passed == len(cases):
        return 1.0, "Correct: each word's label sits on its first piece only."
    return passed / len(cases), " ".join(messages)


def check_bio_spans(bio_to_spans: Callable[..., Any]) -> tuple[float, str]:
    """Entities as (type, start, end) with end exclusive, decoded as seqeval does."""
    cases = [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),
        (["O", "B-ORG", "I-ORG", "I-ORG"], [("ORG", 1, 4)]),
        (["B-LOC", "B-LOC"], [("LOC", 0, 1), ("LOC", 1, 2)]),
        (["O", "I-PER", "I-PER", "B-ORG", "I-LOC"], [("PER", 1, 3), ("ORG", 3, 4), ("LOC", 4, 5)]),
    ]
    passed, messages = 0, []
    for tags, want in cases:
        got = [tuple(span) for span in bio_to_spans(tags)]
        if got == want:
            passed += 1
        else:
            messages.append(f"bio_to_spans({tags}) returned {got!r}; expected {want}.")
    if passed == len(cases):
        return 1.0, "Correct: every entity has the right type and boundaries."
    return passed / len(cases), " ".join(messages)
