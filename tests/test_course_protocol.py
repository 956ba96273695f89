"""The grading protocol: the records a kernel hands the grader, and the grader writes back."""

from __future__ import annotations

import json

import pytest
from nbformat.v4 import new_code_cell, new_output

from autograder import Result
from autograder.course import protocol
from autograder.course.protocol import (
    RESULT_MIME,
    SUBMISSION_MIME,
    ResultRecord,
    SubmissionRecord,
    is_test_cell,
    submission_records,
)


@pytest.mark.parametrize("record", [
    SubmissionRecord("q1", saved=True),
    SubmissionRecord("q1", answer=["b", "a"]),
    SubmissionRecord("q1", answer=None),
    SubmissionRecord("hw4", collected={"predictions": ["parks", "roads"]}),
    SubmissionRecord("hw4", error="Your code raised ValueError: no"),
])
def test_a_submission_record_survives_json(record: SubmissionRecord) -> None:
    data = json.loads(json.dumps(record.to_json()))
    assert SubmissionRecord.from_json(data) == record


@pytest.mark.parametrize("data", [None, "q1", [], {"question_id": 7}, {"saved": True}])
def test_what_is_no_submission_record_reads_as_none(data: object) -> None:
    assert SubmissionRecord.from_json(data) is None


def test_forged_fields_of_a_submission_record_are_dropped() -> None:
    record = SubmissionRecord.from_json({"question_id": "q", "saved": "yes", "error": 3,
                                         "collected": ["not", "a", "dict"]})
    assert record == SubmissionRecord("q", saved=False)


def test_a_result_record_holds_the_result_and_the_student(monkeypatch) -> None:
    monkeypatch.setenv(protocol.STUDENT_ENV, "ada")
    result = Result(0.5, 2.0, "Half.", flags=("variant-mismatch",))
    record = ResultRecord.of("q1", result, answer={1, 2}, extra_flags=("not-answered",))
    assert record.to_json() | {"question_id": "q1", "answer": "{1, 2}", "score": 0.5,
                               "points": 1.0, "max_points": 2.0,
                               "flags": ["variant-mismatch", "not-answered"],
                               "student": "ada"} == record.to_json()
    assert ResultRecord.from_json(record.to_json()) == record
    assert ResultRecord.from_json({"score": "all", "flags": "x"}).score == 0.0


def test_records_are_read_from_a_cells_display_outputs() -> None:
    cell = new_code_cell("grade_cell('q1')", metadata={"nbgrader": {"grade": True,
                                                                    "solution": False}})
    cell.outputs = [
        new_output("display_data", data={SUBMISSION_MIME: {"question_id": "q1",
                                                           "saved": True}}),
        new_output("display_data", data={SUBMISSION_MIME: "forged"}),
        new_output("display_data", data={RESULT_MIME: {"question_id": "q1"}}),
    ]
    assert submission_records(cell) == [SubmissionRecord("q1", saved=True)]
    assert is_test_cell(cell)
    assert not is_test_cell(new_code_cell("x = 1"))
