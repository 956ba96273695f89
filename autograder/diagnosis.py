"""Grade a ``diagnosis`` question: a cause and a fix, each with its own feedback.

The answer is ``{"cause": id, "fix": id}``. The cause is worth ``cause_weight`` of the
score (half by default) and the fix the rest; a part left out scores 0 for that part.

>>> from encoder_kit.questions import load_bank
>>> q = next(q for q in load_bank() if q.kind == "diagnosis")
>>> grade_diagnosis_question(q, {"cause": "no-such-cause"}).score
0.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .answers import AnswerError, one_id
from .choice import verdict
from .result import Result

_EXAMPLE = '{"cause": "<cause id>", "fix": "<fix id>"}'


def grade_diagnosis_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade a ``DiagnosisQuestion``."""
    try:
        chosen = _parts(answer, question)
    except AnswerError as error:
        return Result.zero(str(error), max_points=question.points)
    weights = {"cause": question.cause_weight, "fix": 1.0 - question.cause_weight}
    score, lines = 0.0, []
    for part, options in (("cause", question.causes), ("fix", question.fixes)):
        if chosen[part] is None:
            lines.append(f"{part.capitalize()}: none chosen.")
            continue
        option = next(o for o in options if o.id == chosen[part])
        score += weights[part] if option.correct else 0.0
        lines.append(f"{part.capitalize()}: {verdict(option.correct)}. {option.feedback}")
    return Result(score, question.points, "\n".join(lines), {"chosen": chosen})


def _parts(answer: Any, question: Any) -> dict[str, str | None]:
    if not isinstance(answer, Mapping):
        raise AnswerError(f"A diagnosis answer is a dict such as {_EXAMPLE}, not {answer!r}.")
    extra = sorted(set(map(str, answer)) - {"cause", "fix"})
    if extra:
        raise AnswerError(f"Unexpected key(s) {extra} in the answer; use only {_EXAMPLE}.")
    if answer.get("cause") in (None, "") and answer.get("fix") in (None, ""):
        raise AnswerError(f"The answer is empty: choose a cause and a fix, e.g. {_EXAMPLE}.")
    chosen: dict[str, str | None] = {}
    for part, options in (("cause", question.causes), ("fix", question.fixes)):
        value = answer.get(part)
        known = {option.id for option in options}
        chosen[part] = None if value in (None, "") else one_id(value, known, part)
    return chosen
