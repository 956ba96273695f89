"""Grade a ``numeric`` question: a number, within ``tolerance``, with feedback for common slips.

>>> from encoder_kit.questions import parse_question
>>> q = parse_question({"kind": "numeric", "id": "hs", "title": "Hidden states",
...     "prompt": "How many hidden states?", "concepts": ["C4"], "expected": 13,
...     "explanation": "Twelve layers plus the embeddings.",
...     "mistakes": [{"value": 12, "feedback": "Count the embedding output too."}]})
>>> [grade_numeric_question(q, a).score for a in (13, "13", 12)]
[1.0, 1.0, 0.0]
>>> grade_numeric_question(q, "thirteen").feedback
"Cannot read 'thirteen' as a number: write digits, e.g. 13 or 0.25."
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

from .answers import AnswerError
from .result import Result

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,155 but not 0,25


def parse_number(answer: Any) -> float:
    """A finite number from a number or a text such as ``"13"`` or ``"1,155"``."""
    if isinstance(answer, bool) or answer is None:
        raise AnswerError(f"Cannot read {answer!r} as a number: write digits, e.g. 13 or 0.25.")
    if isinstance(answer, numbers.Real):
        value = float(answer)
    elif isinstance(answer, str):
        text = answer.strip().replace("_", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif "," in text:
            raise AnswerError(
                f"Cannot read {answer!r} as a number: write decimals with a dot, e.g. 0.25."
            )
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(
                f"Cannot read {answer!r} as a number: write digits, e.g. 13 or 0.25."
            ) from None
    else:
        raise AnswerError(f"A numeric answer is a number, not {type(answer).__name__}.")
    if not math.isfinite(value):
        raise AnswerError(f"{answer!r} is not a finite number.")
    return value


def grade_numeric_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade a ``NumericQuestion`` with the numbers of ``variant``."""
    try:
        given = parse_number(answer)
    except AnswerError as error:
        return Result.zero(str(error), max_points=question.points)
    tolerance = max(question.tolerance, 1e-9)
    expected = question.expected_value(variant)
    details: dict[str, Any] = {"answer": given}
    if abs(given - expected) <= tolerance:
        return Result(1.0, question.points, "Correct.", details)
    for mistake in question.mistakes:
        if abs(given - question.mistake_value(mistake, variant)) <= tolerance:
            details["mistake"] = str(mistake.value)
            return Result(mistake.credit, question.points, mistake.feedback, details)
    direction = "high" if given > expected else "low"
    return Result(
        0.0, question.points, f"Not the expected value: yours is too {direction}.", details
    )
