"""The grading protocol: the names and records that pass between a grading kernel and the grader.

A graded notebook talks to the grader through a few agreed names, and only through them:

- environment variables the grader sets for a kernel (``STUDENT_ENV`` and the rest below);
- files beside the notebook: the answers file (``ANSWERS_FILENAME``, whose format is
  :mod:`encoder_kit.questions.files.answers_file`) and the public questions file
  (``PUBLIC_FILENAME``, :mod:`encoder_kit.questions.files.released`);
- two MIME types in the cells' outputs: a ``SubmissionRecord`` (``SUBMISSION_MIME``), which
  ``grade_cell`` displays in a grading kernel instead of scoring, and a ``ResultRecord``
  (``RESULT_MIME``), which the grader writes back into the test cell (and ``grade_cell``
  displays when it scores in the notebook itself); the instructor's report reads those;
- which cells are tests (``is_test_cell``).

Records travel as JSON: ``to_json`` gives plain data, ``from_json`` reads untrusted data
(a record a notebook forged or broke is ``None``, never an exception), so a ``str`` subclass
that "equals" every label arrives in the grader as a plain string.

>>> record = SubmissionRecord("q1", saved=False, answer=["b", "a"])
>>> record.to_json()
{'question_id': 'q1', 'saved': False, 'answer': ['b', 'a']}
>>> SubmissionRecord.from_json(record.to_json()) == record
True
>>> SubmissionRecord.from_json({"question_id": 3}) is None
True
>>> is_test_cell({"cell_type": "code", "metadata": {"nbgrader": {"grade": True}}})
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from encoder_kit.progress import GRADING_ENV
from encoder_kit.questions import QUESTION_PATH_ENV
from encoder_kit.questions.draw.variants import IDENTITY_ENVIRONMENT
from encoder_kit.questions.files.answers_file import ANSWERS_ENV, ANSWERS_FILENAME
from encoder_kit.questions.files.released import PUBLIC_FILENAME as _PUBLIC_FILENAME
from encoder_kit.questions.kinds.common import Visibility

__all__ = [
    "ANSWERS_ENV",
    "ANSWERS_FILENAME",
    "ASSIGNMENT_ENV",
    "CACHE_ENV",
    "COURSE_ENV",
    "GRADER_SCORES_ENV",
    "HANDED_OVER",
    "HIDDEN_DATA_ENV",
    "HIDDEN_INPUTS_ENV",
    "PUBLIC_FILENAME",
    "QUESTION_PATH_ENV",
    "RESULT_MIME",
    "STUDENT_ENV",
    "SUBMISSION_MIME",
    "ResultRecord",
    "SubmissionRecord",
    "Visibility",
    "is_test_cell",
    "plain",
    "read_result_records",
    "submission_records",
]

# -- environment: set by the grader for the kernels it starts ---------------------------------
# (names the lower layers read are defined there and only re-exported here)
STUDENT_ENV = IDENTITY_ENVIRONMENT["student"]  # whose variant the kernel shows and grades
ASSIGNMENT_ENV = IDENTITY_ENVIRONMENT["assignment"]
COURSE_ENV = IDENTITY_ENVIRONMENT["course"]
HIDDEN_DATA_ENV = "ENCODER_KIT_HIDDEN_DATA"  # the instructor's hidden test sets (with labels)
HIDDEN_INPUTS_ENV = "ENCODER_KIT_HIDDEN_INPUTS"  # their inputs without labels (grading kernels)
GRADER_SCORES_ENV = GRADING_ENV  # "1": grade_cell hands over, the grader scores (no bars)
CACHE_ENV = "ENCODER_KIT_CACHE"              # the embedding cache folder

# -- files beside the notebook ----------------------------------------------------------------
PUBLIC_FILENAME = _PUBLIC_FILENAME  # format: encoder_kit.questions.files.released

# -- outputs ----------------------------------------------------------------------------------
RESULT_MIME = "application/vnd.encoder-kit.result+json"
SUBMISSION_MIME = "application/vnd.encoder-kit.submission+json"
HANDED_OVER = "{}: handed to the grader, which scores it after the notebook ran"
MAX_ANSWER_CHARS = 2000


def is_test_cell(cell: Mapping[str, Any]) -> bool:
    """A code cell nbgrader grades by running it (a test), not a student's answer cell."""
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get(
        "solution")


def plain(value: Any) -> Any:
    """``value`` as JSON data for a record (other objects, or long ones, as a short repr).

    >>> plain([1, "a"]), plain({1, 2})
    ([1, 'a'], '{1, 2}')
    """
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = None
    if text is not None and len(text) <= MAX_ANSWER_CHARS:
        return value
    return repr(value)[:MAX_ANSWER_CHARS]


@dataclass(frozen=True)
class SubmissionRecord:
    """What ``grade_cell`` hands the grader from a grading kernel (``SUBMISSION_MIME``).

    ``saved``: grade the answer saved in the answers file; else ``answer`` (given in code),
    or for a coding question ``collected`` (what its check gathered from the student's
    object, e.g. predictions on the hidden inputs) or ``error`` (why the check failed).
    """

    question_id: str
    saved: bool = False
    answer: Any = None
    collected: dict[str, Any] | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"question_id": self.question_id, "saved": self.saved}
        if self.saved:
            return data
        if self.collected is not None:
            data["collected"] = self.collected
        elif self.error is not None:
            data["error"] = self.error
        else:
            data["answer"] = self.answer
        return data

    @classmethod
    def from_json(cls, data: Any) -> SubmissionRecord | None:
        """The record in ``data`` (untrusted), or None when it is not one."""
        if not isinstance(data, Mapping) or not isinstance(data.get("question_id"), str):
            return None
        collected = data.get("collected")
        error = data.get("error")
        return cls(
            question_id=data["question_id"],
            saved=data.get("saved") is True,
            answer=data.get("answer"),
            collected=dict(collected) if isinstance(collected, Mapping) else None,
            error=error if isinstance(error, str) else None,
        )


# the parts of a Result's details that item statistics need: the version a pool drew, the
# options a choice picked, the cause and fix a diagnosis chose, an ordering's first step out
# of place. All of them restate the student's own answer; none holds a key.
ANALYSIS_KEYS: tuple[str, ...] = ("version", "picked", "chosen", "first_problem")


@dataclass(frozen=True)
class ResultRecord:
    """The grader's verdict on one question, as a test cell's output (``RESULT_MIME``)."""

    question_id: str
    answer: Any = None
    score: float = 0.0
    points: float = 0.0
    max_points: float = 0.0
    flags: list[str] = field(default_factory=list)
    student: str = ""
    #: what item statistics read (see ``ANALYSIS_KEYS``): never a key or a feedback text
    analysis: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, question_id: str, result: Any, answer: Any = None,
           extra_flags: Iterable[str] = ()) -> ResultRecord:
        """The record of an ``autograder.Result`` (the student from ``STUDENT_ENV``)."""
        details = result.details if isinstance(result.details, Mapping) else {}
        return cls(question_id=question_id, answer=plain(answer), score=result.score,
                   points=result.points, max_points=result.max_points,
                   flags=list(dict.fromkeys((*result.flags, *extra_flags))),
                   student=os.environ.get(STUDENT_ENV, ""),
                   analysis={k: plain(details[k]) for k in ANALYSIS_KEYS if k in details})

    def to_json(self) -> dict[str, Any]:
        return {"question_id": self.question_id, "answer": self.answer, "score": self.score,
                "points": self.points, "max_points": self.max_points,
                "flags": list(self.flags), "student": self.student,
                "analysis": dict(self.analysis)}

    @classmethod
    def from_json(cls, data: Any) -> ResultRecord | None:
        """The record in ``data``, or None when it is not one."""
        if not isinstance(data, Mapping):
            return None
        flags = data.get("flags")

        def number(name: str) -> float:
            value = data.get(name, 0)
            return float(value) if isinstance(value, int | float) and not isinstance(
                value, bool) else 0.0

        return cls(question_id=str(data.get("question_id", "?")), answer=data.get("answer"),
                   score=number("score"), points=number("points"),
                   max_points=number("max_points"),
                   flags=[str(f) for f in flags] if isinstance(flags, list) else [],
                   student=str(data.get("student", "")),
                   analysis={k: v for k, v in analysis.items() if k in ANALYSIS_KEYS}
                   if isinstance(analysis := data.get("analysis"), Mapping) else {})


def submission_records(cell: Mapping[str, Any]) -> list[SubmissionRecord]:
    """The submission records a cell displayed, in order (malformed ones left out)."""
    found = []
    for output in cell.get("outputs", []):
        if output.get("output_type") != "display_data":
            continue
        record = SubmissionRecord.from_json((output.get("data") or {}).get(SUBMISSION_MIME))
        if record is not None:
            found.append(record)
    return found


def read_result_records(notebook: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The result records (as JSON data) in an autograded notebook, in cell order."""
    data = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [output["data"][RESULT_MIME]
            for cell in data.get("cells", []) for output in cell.get("outputs", [])
            if RESULT_MIME in (output.get("data") or {})]
