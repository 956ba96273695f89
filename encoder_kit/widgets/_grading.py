"""The widgets' link to the question bank and the grading engine.

Questions come from :mod:`encoder_kit.questions` and answers are graded by
``autograder.grade``; the guarded helpers (find a question by id with a message a student can
act on, a grading error as a zero with a message) live on the grading side,
:mod:`autograder.saved`, and are re-exported here. This module adds what only a widget needs:
reading the parts of a Result.
"""

from __future__ import annotations

from typing import Any

from autograder.saved import UnknownQuestionError, grade_answer, resolve_question, zero_result

__all__ = ["UnknownQuestionError", "grade_answer", "resolve_question", "result_parts",
           "zero_result"]


def result_parts(result: Any) -> dict[str, Any]:
    """Score (0-1), points, max points and feedback lines of a Result."""
    feedback = getattr(result, "feedback", "") or ""
    lines = [line for line in str(feedback).splitlines() if line.strip()]
    return {"score": float(getattr(result, "score", 0.0)),
            "points": float(getattr(result, "points", 0.0)),
            "max_points": float(getattr(result, "max_points", 1.0)),
            "feedback": lines}
