"""The widgets' link to the question bank and the grading engine.

Questions come from :mod:`encoder_kit.questions` and answers are graded by
``autograder.grade``; this module only adds what a widget needs on top: finding a question by
id with a message a student can act on, a guard so that a grading error becomes a zero with a
message, and reading the parts of a Result.
"""

from __future__ import annotations

from typing import Any


class UnknownQuestionError(LookupError):
    """A question id that is not in the bank (or on ``$ENCODER_KIT_QUESTION_PATH``)."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0]) if self.args else ""


def resolve_question(question: Any) -> Any:
    """A question object: ``question`` itself, or the question with that id."""
    from encoder_kit.questions import QuestionNotFoundError, find_question
    from encoder_kit.questions.schema import QuestionBase

    if isinstance(question, QuestionBase):
        return question
    if not isinstance(question, str) or not question.strip():
        raise UnknownQuestionError(
            f"{question!r} is not a question id; pass an id from the question bank as text, "
            "e.g. 'practice-pipeline-order'")
    try:
        return find_question(question.strip())
    except QuestionNotFoundError as err:
        raise UnknownQuestionError(str(err)) from None


def zero_result(question: Any, message: str) -> Any:
    """A zero Result for ``question`` (or None) carrying ``message``."""
    from autograder import Result

    fields: dict[str, Any] = {}
    if question is not None:
        fields = {"max_points": question.points, "question_id": question.id,
                  "visibility": question.visibility}
    return Result.zero(message, **fields)


def grade_answer(question: Any, answer: Any, *, variant: Any = None) -> Any:
    """``autograder.grade`` with a guard: any failure is a zero that says what happened."""
    import contextlib
    import io
    import warnings

    from autograder import grade

    try:
        with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbgrader scores any stderr output as 0
            return grade(question, answer, variant)
    except Exception as err:
        return zero_result(question, f"This answer could not be graded ({type(err).__name__}: "
                                     f"{err}); change it and press Check again.")


def result_parts(result: Any) -> dict[str, Any]:
    """Score (0-1), points, max points and feedback lines of a Result."""
    feedback = getattr(result, "feedback", "") or ""
    lines = [line for line in str(feedback).splitlines() if line.strip()]
    return {"score": float(getattr(result, "score", 0.0)),
            "points": float(getattr(result, "points", 0.0)),
            "max_points": float(getattr(result, "max_points", 1.0)),
            "feedback": lines}
