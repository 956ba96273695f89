"""A full-marks answer for a question, built from its key (instructor side: solutions, tests).

It answers in exactly the format a widget produces, so it doubles as documentation of
that format. Code questions have no answer in their file (their test function defines
success), so they raise ``ValueError``. For a question pool it answers the version the
variant drew (the first version without a variant).

>>> from encoder_kit.questions import find_question
>>> reference_answer(find_question("practice-pipeline-order"))
['tokens', 'embeddings', 'encoder', 'head', 'output']
"""

from __future__ import annotations

from typing import Any


def reference_answer(question: Any, variant: Any = None) -> Any:
    """An answer to ``question`` (for ``variant``) that ``grade`` scores 1.0."""
    if question.kind == "pool":
        return reference_answer(question.member(variant), variant)
    kind = question.kind
    if kind == "ordering":
        return question.key(variant).linearize([])
    if kind == "shape":
        return list(question.expected_shape(variant))
    if kind == "numeric":
        return question.expected_value(variant)
    if kind == "choice":
        correct = question.correct_ids()
        return correct if question.multiple else correct[0]
    if kind == "diagnosis":
        return {
            "cause": next(o.id for o in question.causes if o.correct),
            "fix": next(o.id for o in question.fixes if o.correct),
        }
    if kind == "design":
        return question.reference_answer()
    raise ValueError(
        f"question {question.id!r} is a {kind} question: its test function, not its file, "
        "defines a correct answer"
    )
