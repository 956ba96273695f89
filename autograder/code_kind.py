"""Grade a ``code`` question by calling its test function on the student's object.

(Named ``code_kind`` after the question kind: a module named ``code`` would shadow the
standard library's.)

The question's ``test`` names ``module:function``. The function receives the answer and
returns ``None`` or ``True`` (passed), ``False`` (failed), a score in [0, 1], or a
``(score, feedback)`` pair; an ``AssertionError`` scores 0 with its message as feedback.
Any other exception from the student's code scores 0 and says what was raised.

>>> from encoder_kit.questions import find_question
>>> q = find_question("practice-code-mean-pool")
>>> grade_code_question(q, None).feedback
'No answer: define mean_pool and pass it, e.g. check("practice-code-mean-pool", mean_pool).'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .result import Result


def load_test(reference: str) -> Callable[[Any], Any]:
    """The function named by ``"module:function"``; ``ImportError`` says what is missing."""
    module_name, _, function_name = reference.partition(":")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        raise ImportError(
            f"cannot load the test {reference!r} ({error}); it must be importable where "
            "grading runs"
        ) from None
    return function


def grade_code_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Run the question's test on ``answer`` and turn its outcome into a ``Result``."""
    if answer is None:
        return Result.zero(
            f"No answer: define {question.answer_name} and pass it, e.g. "
            f'check("{question.id}", {question.answer_name}).',
            max_points=question.points,
        )
    test = load_test(question.test)
    try:
        outcome = test(answer)
    except AssertionError as error:
        return Result.zero(str(error) or "A check of your code failed.", max_points=question.points)
    except Exception as error:  # the student's code failing is a zero, not a crash
        return Result.zero(
            f"Your code raised {type(error).__name__}: {error}", max_points=question.points
        )
    feedback = ""
    if isinstance(outcome, tuple) and len(outcome) == 2:
        outcome, feedback = outcome
    if outcome is None or outcome is True:
        score = 1.0
    elif outcome is False:
        score = 0.0
    else:
        score = float(outcome)
    feedback = str(feedback) or ("Correct: every check passed." if score >= 1 else "Not yet.")
    return Result(score, question.points, feedback)
