"""Grade what a notebook saved: the answers file, read back when the notebook is graded.

A widget's Check and the course's ``answer()`` save each answer, with the variant the
student was shown, in the answers file (:mod:`encoder_kit.questions.files.answers_file`).
``grade_saved`` reads it back and grades it with :func:`autograder.grade`. Nothing here
raises for what a student did: a missing, empty or malformed file, an unknown question id or
an answer that breaks the grader is a zero whose feedback says what happened and what to do.
The widgets (``encoder_kit.widgets.grade_saved``) and the course's ``grade_cell`` both use it.

>>> import tempfile
>>> grade_saved("practice-pipeline-order", tempfile.mkdtemp()).points
0.0
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from typing import Any

from encoder_kit.questions import (
    QuestionNotFoundError,
    QuestionPool,
    find_question,
    variant_from_environment,
)
from encoder_kit.questions.files.answers_file import AnswerFileError, load_answer
from encoder_kit.questions.kinds.schema import QuestionBase

from .result import Result

__all__ = ["UnknownQuestionError", "grade_answer", "grade_saved", "resolve_question",
           "zero_result"]


class UnknownQuestionError(LookupError):
    """A question id that is not in the bank (or on ``$ENCODER_KIT_QUESTION_PATH``)."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0]) if self.args else ""


def resolve_question(question: Any) -> Any:
    """A question object: ``question`` itself, or the question with that id."""
    if isinstance(question, QuestionBase | QuestionPool):  # a pool: a graded slot
        return question
    if not isinstance(question, str) or not question.strip():
        raise UnknownQuestionError(
            f"{question!r} is not a question id; pass an id from the question bank as text, "
            "e.g. 'practice-pipeline-order'")
    try:
        return find_question(question.strip())
    except QuestionNotFoundError as err:
        raise UnknownQuestionError(str(err)) from None


def zero_result(question: Any, message: str) -> Result:
    """A zero Result for ``question`` (or None) carrying ``message``."""
    fields: dict[str, Any] = {}
    if question is not None:
        fields = {"max_points": question.points, "question_id": question.id,
                  "visibility": question.visibility}
    return Result.zero(message, **fields)


def grade_answer(question: Any, answer: Any, *, variant: Any = None) -> Result:
    """``autograder.grade`` with a guard: any failure is a zero that says what happened
    (and nothing reaches stderr, which nbgrader scores as a failed cell)."""
    from autograder import grade  # looked up per call: the package's name, as tests patch it

    try:
        with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbgrader scores any stderr output as 0
            return grade(question, answer, variant)
    except Exception as err:
        return zero_result(question, f"This answer could not be graded ({type(err).__name__}: "
                                     f"{err}); change it and press Check again.")


def grade_saved(question: Any, path: str | os.PathLike | None = None, *, variant: Any = None,
                show: bool = False) -> Result:
    """Grade the saved answer to ``question`` (an id or a question object); never raises.

    The saved record (answer and the variant the student was shown) goes to
    ``autograder.grade``, which compares that variant with ``variant`` (by default the one for
    ``$ENCODER_KIT_COURSE`` / ``_ASSIGNMENT`` / ``_STUDENT`` when they are set). A missing,
    empty or malformed answers file, an unknown question id, or an answer that cannot be
    graded gives a zero Result whose feedback says what happened and what to do. With
    ``show=True`` the points and feedback are printed (to stdout: nbgrader scores any stderr
    output as a failure).
    """
    try:
        question_obj = resolve_question(question)
    except LookupError as err:
        result = zero_result(None, str(err))
    else:
        try:
            saved = load_answer(question_obj.id, path)
        except AnswerFileError as err:
            result = zero_result(question_obj, str(err))
        else:
            if variant is None:
                variant = variant_from_environment(question_obj)
            record = {"question_id": question_obj.id, "answer": saved.answer,
                      "variant": saved.variant}
            result = grade_answer(question_obj, record, variant=variant)
    if show:
        print(f"{result.question_id or question}: {result.points:g} / {result.max_points:g} "
              f"point(s)\n{result.feedback}")
    return result
