"""Saved answers, for widget users: the answers file and ``grade_saved``.

The answers file's format is a contract between the widgets and the grader, so it lives in
:mod:`encoder_kit.questions.files.answers_file`; grading the saved answers lives on the grading side,
:mod:`autograder.saved`. This module keeps the names a notebook imports from the widgets
(``from encoder_kit.widgets import grade_saved``).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = save_answer("demo-q", ["b", "a"], kind="ordering", attempts=1, path=folder)
>>> load_answer("demo-q", path=folder).answer
['b', 'a']
"""

from __future__ import annotations

from typing import Any

from encoder_kit.questions.files.answers_file import (
    ANSWERS_FILENAME,
    FORMAT,
    VERSION,
    AnswerFileError,
    SavedAnswer,
    answers_path,
    load_answer,
    save_answer,
)

__all__ = ["ANSWERS_FILENAME", "FORMAT", "VERSION", "AnswerFileError", "SavedAnswer",
           "answers_path", "grade_saved", "load_answer", "save_answer"]


def grade_saved(question: Any, path: Any = None, *, variant: Any = None,
                show: bool = False) -> Any:
    """Grade the saved answer to ``question``; never raises (see
    :func:`autograder.saved.grade_saved`)."""
    from autograder.saved import grade_saved as grade

    return grade(question, path, variant=variant, show=show)
