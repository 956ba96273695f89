"""``grade_order``: partial credit for putting steps in order (see ``ordering_methods``).

The answer is a list of item ids; it may miss items or hold distractors (ids outside the
key). Distractors are taken out before a Moodle method scores the rest, and each one then
costs 1/n (as in ``dag_lcs``, where a distractor is one deletion). For a partial-order key
(a DAG), Moodle methods compare the answer with the valid order closest to it. Feedback names
the first step out of place, never the whole key.

Bad answers (None, not a list, empty, repeated ids, non-text ids, and unknown ids when
``distractors`` is given) give a zero ``Result`` whose feedback says what to fix. A bad key
or method is the instructor's mistake and raises ``ValueError`` / ``TypeError``.

>>> key = ["tokens", "embeddings", "encoder", "head", "output"]
>>> swapped = ["tokens", "embeddings", "head", "encoder", "output"]
>>> grade_order(swapped, key).score
0.6
>>> grade_order(swapped, key, method="relative_all").score
0.9
>>> print(grade_order(swapped, key).feedback)
Step 3, 'head', comes too early: a step that must come before it is missing or placed after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from encoder_kit.questions.kinds.order_key import KeySpec, OrderKey

from .answers import AnswerError, id_list, known_ids
from .ordering_methods import MOODLE_METHODS, dag_lcs
from .result import Result

METHODS: tuple[str, ...] = (*MOODLE_METHODS, "dag_lcs")


def grade_order(
    answer: Any,
    key: KeySpec | OrderKey,
    method: str = "dag_lcs",
    *,
    distractors: Iterable[str] | None = None,
    labels: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
    max_points: float = 1.0,
) -> Result:
    """Score an ordering ``answer`` against ``key`` (a list, or item -> items before it).

    ``distractors``: the ids that belong nowhere; when given, any other unknown id is an
    error, when ``None`` every id outside the key counts as a distractor. ``labels`` maps ids
    to the text shown in feedback; ``notes`` maps ids to extra feedback for that item.
    """
    order_key = OrderKey.from_spec(key)
    if method not in METHODS:
        raise ValueError(f"unknown ordering method {method!r}; use one of {', '.join(METHODS)}")
    labels = labels or {}
    try:
        ids = id_list(answer, "ordering")
        if distractors is not None:
            known_ids(ids, set(order_key.items) | set(distractors), "items")
    except AnswerError as error:
        return Result.zero(str(error), max_points=max_points, details={"method": method})

    used_distractors = [item for item in ids if item not in order_key.ancestors]
    seq = [item for item in ids if item in order_key.ancestors]
    n = len(order_key.items)
    details: dict[str, Any] = {
        "method": method,
        "distractors_used": used_distractors,
        "missing": n - len(seq),
    }
    if method == "dag_lcs":
        score, details["edits"] = dag_lcs(seq, order_key, len(used_distractors))
    else:
        raw = MOODLE_METHODS[method](seq, order_key.linearize(seq))
        if method == "all_or_nothing" and used_distractors:
            raw = 0.0
        score = max(0.0, raw - len(used_distractors) / n)
    message, first = first_problem(ids, order_key, labels, notes or {})
    details["first_problem"] = first
    return Result(score=score, max_points=max_points, feedback=message, details=details)


def first_problem(
    ids: list[str], key: OrderKey, labels: Mapping[str, str], notes: Mapping[str, str]
) -> tuple[str, str | None]:
    """Feedback on the first step out of place (or the missing count) and that step's id."""
    seen: set[str] = set()
    for position, item in enumerate(ids, 1):
        name = labels.get(item, item)
        if item not in key.ancestors:
            message = f"Step {position}, {name!r}, does not belong in this process."
        elif not key.ancestors[item] <= seen:
            message = (
                f"Step {position}, {name!r}, comes too early: a step that must come before it "
                "is missing or placed after it."
            )
        else:
            seen.add(item)
            continue
        if item in notes:
            message += " " + notes[item]
        return message, item
    missing = len(key.items) - len(seen)
    if missing:
        return (
            f"The steps you placed are in a valid order, but {missing} step(s) are missing.",
            None,
        )
    return "Correct: every step is in a valid order.", None


def grade_ordering_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade an ``OrderingQuestion`` (the variant decides which items and distractors count)."""
    return grade_order(
        answer,
        question.key(variant),
        question.method,
        distractors=question.distractor_ids(variant),
        labels=question.texts(),
        notes=question.feedback_for(),
        max_points=question.points,
    )
