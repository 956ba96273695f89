"""``grade`` turns any question and answer into a ``Result``; ``check`` does it in a test cell.

``grade(question, answer, variant=None)`` accepts a question object or its id, and either a
bare answer or the record a widget saved (``{"question_id", "answer", "variant"}``, see
``encoder_kit.questions.record_answer``). ``variant`` is the grader's own idea of the
student's variant; see ``variant_check`` for what happens when the two disagree.

A question pool (``kind: pool``) is graded against the version its variant drew, with the
pool's points and id; the result's ``details`` name the ``version``. An answer recorded for
another version than the one the identity draws is withheld like any variable question.

``check(question_id, answer)`` is for nbgrader test cells: it prints the feedback, returns
the points earned (nbgrader reads a number as partial credit, so give the cell the
question's points) and never writes to stderr, which nbgrader would score as 0. It also
never raises: an unknown id or a broken answer prints a message and returns 0.0.

>>> from encoder_kit.questions import load_bank
>>> q = next(q for q in load_bank() if q.id == "practice-pipeline-order")
>>> grade(q, ["tokens", "embeddings", "encoder", "head", "output"]).score
1.0
>>> check("no-such-question", [])  # doctest: +ELLIPSIS
check('no-such-question'): no question with id 'no-such-question' in the practice bank; ...
0.0
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from encoder_kit.questions import (
    QuestionPool,
    Variant,
    find_question,
    is_recorded_answer,
    variant_from_environment,
)
from encoder_kit.questions.kinds.schema import QuestionBase

from .choice import grade_choice_question
from .code_kind import grade_code_question
from .design import grade_design_question
from .diagnosis import grade_diagnosis_question
from .numeric import grade_numeric_question
from .ordering import grade_ordering_question
from .result import Result
from .shapes import grade_shape_question
from .variant_check import WITHHELD_MESSAGE, resolve_variant

GRADERS: dict[str, Callable[[Any, Any, Any], Result]] = {
    "ordering": grade_ordering_question,
    "shape": grade_shape_question,
    "choice": grade_choice_question,
    "design": grade_design_question,
    "diagnosis": grade_diagnosis_question,
    "numeric": grade_numeric_question,
    "code": grade_code_question,
}
PathLike = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def _as_question(question: Any, path: PathLike | None = None) -> Any:
    if isinstance(question, QuestionBase | QuestionPool):
        return question
    if isinstance(question, str):
        return find_question(question, path)
    raise TypeError(
        f"a question is given by its id (text, e.g. 'practice-pipeline-order') or as a question "
        f"object, not {question!r}"
    )


def _as_variant(variant: Any, question: Any) -> Variant | None:
    if variant is None or isinstance(variant, Variant):
        chosen = variant
    elif isinstance(variant, Mapping):
        chosen = Variant.from_dict(variant)
    else:
        raise TypeError(f"variant must be a Variant or its dict, not {type(variant).__name__}")
    if chosen is not None and chosen.question_id != question.id:
        raise ValueError(f"the variant is for question {chosen.question_id!r}, not {question.id!r}")
    if isinstance(question, QuestionPool) and chosen is not None:
        question.member(chosen)  # a ValueError names a missing or unknown version
    return chosen


def _grade_drawn(question: Any, answer: Any, variant: Variant | None) -> Result:
    """Grade with the kind's grader; a pool's answer against the version ``variant`` drew."""
    if isinstance(question, QuestionPool):
        member = question.member(variant)
        result = GRADERS[member.kind](member, answer, variant)
        return result.replace(details={**result.details, "version": member.id})
    return GRADERS[question.kind](question, answer, variant)


def _score_or_none(question: Any, answer: Any, variant: Variant) -> float | None:
    """The score against a variant, or None when the variant names no known version."""
    try:
        if isinstance(question, QuestionPool):
            question.member(variant)
    except ValueError:
        return None
    return _grade_drawn(question, answer, variant).score


def grade(question: Any, answer: Any, variant: Variant | Mapping[str, Any] | None = None) -> Result:
    """Grade ``answer`` to ``question`` (an object or an id) for the grader's ``variant``.

    A bad answer (None, empty, wrong type, unknown or repeated ids, unreadable text) gives a
    zero ``Result`` whose feedback says what to fix. An unknown question id raises
    ``QuestionNotFoundError``; a question or variant of the wrong type raises ``TypeError``.
    """
    question = _as_question(question)
    grader_variant = _as_variant(variant, question)
    base = {
        "max_points": question.points,
        "question_id": question.id,
        "visibility": question.visibility,
    }
    recorded = None
    if is_recorded_answer(answer):
        if answer["question_id"] != question.id:
            return Result.zero(
                f"This answer was saved for question {answer['question_id']!r}, not "
                f"{question.id!r}; submit the answer file of this question.",
                flags=("wrong-question",),
                **base,
            )
        try:
            recorded = Variant.from_dict(answer["variant"]) if answer["variant"] else None
        except ValueError as error:
            return Result.zero(
                f"The saved answer is damaged ({error}); your instructor will review it.",
                flags=("variant-unreadable",),
                **base,
            )
        answer = answer["answer"]
    decision = resolve_variant(question, recorded, grader_variant)
    if decision.withheld:
        details = dict(decision.details)
        for name, candidate in (
            ("score_as_recorded", recorded),
            ("score_as_graded", grader_variant),
        ):
            if candidate is not None:
                details[name] = _score_or_none(question, answer, candidate)
        return Result.zero(WITHHELD_MESSAGE, flags=decision.flags, details=details, **base)
    result = _grade_drawn(question, answer, decision.variant)
    return result.replace(
        flags=result.flags + decision.flags,
        details={**result.details, **decision.details},
        **base,
    )


def check(
    question_id: str,
    answer: Any,
    *,
    variant: Variant | Mapping[str, Any] | None = None,
    path: PathLike | None = None,
) -> float:
    """Grade in an nbgrader test cell: print the feedback, return the points earned.

    Questions are found on ``path``, then ``$ENCODER_KIT_QUESTION_PATH``, then the practice
    bank. Without ``variant``, the identity in ``$ENCODER_KIT_COURSE``, ``_ASSIGNMENT`` and
    ``_STUDENT`` (when all are set) gives the grader's variant.
    """
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            question = _as_question(question_id, path)
            if variant is None:
                variant = variant_from_environment(question)
            result = grade(question, answer, variant)
    except Exception as error:  # a traceback would go to stderr; report on stdout instead
        print(f"check({question_id!r}): {error}")
        return 0.0
    finally:
        if captured.getvalue():
            print(captured.getvalue(), end="")
    print(f"{question.title}: {result.points:g} / {result.max_points:g} point(s)")
    print(result.feedback)
    return float(result.points)
