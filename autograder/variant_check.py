"""Decide which variant an answer is graded against, and when not to grade it at all.

The widget saves the variant it showed next to the answer; the grader derives the variant
from the identity it knows. The rules, in order:

1. a recorded variant that its own identity would not produce was edited: flag
   ``variant-tampered``;
2. a recorded identity that differs from the grader's: flag ``variant-mismatch``;
3. on either flag, a question whose numbers, items or version (a pool) vary per student is
   **withheld**:
   score 0, feedback saying the instructor will review it, and the scores against both
   variants in ``details`` (instructor only). A question that is the same for everyone is
   graded normally and keeps the flag.

Otherwise the grader's variant is used, else the recorded one, else the default.

>>> from encoder_kit.questions import load_bank, make_variant
>>> q = next(q for q in load_bank() if q.kind == "shape" and q.is_variable)
>>> mine, theirs = make_variant(q, "c", "a", "ada"), make_variant(q, "c", "a", "bob")
>>> resolve_variant(q, recorded=theirs, grader=mine).withheld
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from encoder_kit.questions.draw.variants import Variant, expected_variant

WITHHELD_MESSAGE = (
    "Your answer was saved for a different version of this question than the one the grader "
    "expects, so it was not scored automatically. Your instructor has been notified and will "
    "review it."
)


@dataclass(frozen=True)
class VariantDecision:
    """The variant to grade with, the flags raised, and whether the grade is withheld."""

    variant: Variant | None
    flags: tuple[str, ...] = ()
    withheld: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def _same_draw(a: Variant, b: Variant) -> bool:
    return (a.seed, a.values, a.items, a.distractors, a.version) == (
        b.seed,
        b.values,
        b.items,
        b.distractors,
        b.version,
    )


def _expected(question: Any, recorded: Variant) -> Variant | None:
    """The variant the recorded identity draws (None when the identity cannot draw one)."""
    try:
        return expected_variant(question, recorded)
    except ValueError:  # an identity no seed can be derived from: an edited record
        return None


def resolve_variant(
    question: Any, recorded: Variant | None, grader: Variant | None
) -> VariantDecision:
    """Apply the rules of the module docstring."""
    flags: list[str] = []
    details: dict[str, Any] = {}
    expected = _expected(question, recorded) if recorded is not None else None
    if recorded is not None and (expected is None or not _same_draw(recorded, expected)):
        flags.append("variant-tampered")
        details["recorded_variant"] = recorded.to_dict()
    if (
        recorded is not None
        and grader is not None
        and (recorded.identity != grader.identity or recorded.seed != grader.seed)
    ):
        flags.append("variant-mismatch")
        details["recorded_identity"] = recorded.identity
        details["grader_identity"] = grader.identity
    chosen = grader if grader is not None else recorded
    if "variant-tampered" in flags and grader is None:
        chosen = None
    withheld = bool(flags) and question.is_variable
    return VariantDecision(chosen, tuple(flags), withheld, details)
