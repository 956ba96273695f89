"""``grade_cell``: the one call in a hidden test cell. Grade a question, print, return points.

Give the cell the question's points and make the call its last line: nbgrader reads the
returned number as partial credit. Without an answer, the answer saved in
``encoder-kit-answers.json`` (by ``answer()`` or a widget) is graded; a code question gets
the student's object (``grade_cell("hw4-code-classifier-accuracy", clf)``).

Nothing reaches stderr and nothing raises: a missing or malformed answers file, an unknown
id or a crashing answer is a zero whose feedback says why. In a kernel the cell also
displays the result as ``application/vnd.encoder-kit.result+json`` (question, answer,
score, flags): the instructor's report reads it, and feedback files drop it.

>>> grade_cell("practice-pipeline-order", ["tokens", "embeddings", "encoder", "head", "output"])
From text to a prediction: 1 / 1 point(s)
Correct: every step is in a valid order.
1.0
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from typing import Any

from autograder.course.protocol import (
    GRADER_SCORES_ENV,
    HANDED_OVER,
    RESULT_MIME,
    SUBMISSION_MIME,
    ResultRecord,
    SubmissionRecord,
    plain,
)

__all__ = ["SAVED", "grade_cell", "grade_question", "short_paths"]


class _Saved:
    """The default answer of ``grade_cell``: the one saved in the answers file."""

    def __repr__(self) -> str:
        return "SAVED"


SAVED: Any = _Saved()


def _answer_file_flag(question_id: str, path: Any) -> str | None:
    """Why the saved answer cannot be read: missing file, malformed file, or no answer."""
    from encoder_kit.questions.files.answers_file import AnswerFileError, answers_path, load_answer

    target = answers_path(path)
    if not target.exists():
        return "answers-file-missing"
    try:
        load_answer(question_id, path)
    except AnswerFileError as error:
        if "no saved answer" not in str(error):
            return "answers-file-malformed"
        # save_answer moves a damaged file aside before it writes a new one
        damaged = target.with_name(target.name + ".damaged").exists()
        return "answers-file-malformed" if damaged else "not-answered"
    return None


def short_paths(text: str, path: Any) -> str:
    """The feedback with the answers file named, not its full path on the grading machine."""
    from encoder_kit.questions.files.answers_file import answers_path

    target = answers_path(path)
    return text.replace(str(target), target.name)


def grade_question(question_id: str, answer: Any, path: Any) -> tuple[Any, Any, tuple[str, ...]]:
    """Grade ``answer`` (or ``SAVED``: the answers file at ``path``) to ``question_id``:
    (Result, the answer graded, extra flags for the instructor); never raises."""
    from autograder import Result, grade
    from autograder.saved import grade_saved
    from encoder_kit.questions import find_question, variant_from_environment
    from encoder_kit.questions.files.answers_file import load_answer

    flags: tuple[str, ...] = ()
    try:
        question = find_question(question_id)
    except Exception as error:  # an unknown id is the instructor's mistake: say so, score 0
        return Result.zero(f"grade_cell({question_id!r}): {error}"), None, ("grading-error",)
    if answer is SAVED:
        flag = _answer_file_flag(question.id, path)
        flags = (flag,) if flag else ()
        shown = None if flag else load_answer(question.id, path).answer
        return grade_saved(question, path), shown, flags
    try:
        result = grade(question, answer, variant_from_environment(question))
    except Exception as error:  # the student's answer broke the grader: a zero, not a crash
        result = Result.zero(
            f"Your answer could not be graded ({type(error).__name__}: {error}).",
            max_points=question.points,
            question_id=question.id,
        )
        flags = ("grading-error",)
    return result, answer, flags


def _collect(question_id: str, answer: Any) -> SubmissionRecord:
    """What the grader's process needs to score ``question_id`` (see scoring.py)."""
    if answer is SAVED:
        return SubmissionRecord(question_id, saved=True)
    try:
        from encoder_kit.questions import find_question

        question = find_question(question_id)
    except Exception:  # not a coding question: its key is not here; the grader grades it
        return SubmissionRecord(question_id, answer=plain(answer))
    from autograder.course.checks import SPLIT

    try:
        if question.test in SPLIT:
            return SubmissionRecord(question_id, collected=SPLIT[question.test][0](answer))
        # a check of the object itself, run here
        from autograder import grade

        result = grade(question, answer)
        return SubmissionRecord(question_id, collected={"score": result.score,
                                                        "feedback": result.feedback})
    except AssertionError as error:
        return SubmissionRecord(question_id, error=str(error) or "A check of your code failed.")
    except Exception as error:  # the student's object failed: a zero that says why
        return SubmissionRecord(question_id,
                                error=f"Your code raised {type(error).__name__}: {error}")


def grade_cell(question_id: str, answer: Any = SAVED, *, path: Any = None) -> float:
    """Grade ``question_id`` (the saved answer, or ``answer``); print; return the points."""
    if os.environ.get(GRADER_SCORES_ENV) == "1":
        captured = io.StringIO()
        with contextlib.redirect_stderr(captured), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            record = _collect(question_id, answer)
        try:
            from IPython.display import display

            display({SUBMISSION_MIME: record.to_json()}, raw=True)
        except ImportError:  # pragma: no cover
            pass
        print(HANDED_OVER.format(question_id))
        return 0.0
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result, graded, extra = grade_question(question_id, answer, path)
    title = question_id
    with contextlib.suppress(Exception):
        from encoder_kit.questions import find_question

        title = find_question(question_id).title
    print(f"{title}: {result.points:g} / {result.max_points:g} point(s)")
    if result.feedback:
        print(short_paths(result.feedback, path))
    if captured.getvalue().strip():
        print(captured.getvalue().rstrip())
    _display_record(question_id, result, graded, extra)
    return round(float(result.points), 6)


def _display_record(question_id: str, result: Any, graded: Any, extra: tuple[str, ...]) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return
    if get_ipython() is None:
        return
    record = ResultRecord.of(question_id, result, graded, extra)
    display({RESULT_MIME: record.to_json()}, raw=True)
