"""Exports take late penalties off as nbgrader's CSV does, and honour ``--assignment``."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder import Result
from autograder.course.commands.results.export import _canvas, final_score
from autograder.exports import gradescope_results


class FakeGradebook:
    """What the Canvas export reads of nbgrader's Gradebook: assignments, students and
    submissions (score and late penalty); a missing submission raises, as nbgrader's does."""

    def __init__(self) -> None:
        self.assignments = [SimpleNamespace(name="hw1", max_score=8.0),
                            SimpleNamespace(name="hw2", max_score=10.0)]
        self.students = [SimpleNamespace(id="ada", first_name="Ada", last_name="Lovelace"),
                         SimpleNamespace(id="ben", first_name="", last_name="")]
        self._subs = {("hw1", "ada"): (8.0, 0.0), ("hw1", "ben"): (6.0, 2.5),
                      ("hw2", "ada"): (3.0, 5.0)}

    def find_submission(self, assignment: str, student: str) -> SimpleNamespace:
        score, penalty = self._subs[(assignment, student)]  # KeyError: no submission
        return SimpleNamespace(score=score, late_submission_penalty=penalty)


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_final_score_takes_the_penalty_off_never_below_zero() -> None:
    assert final_score(SimpleNamespace(score=6.0, late_submission_penalty=2.5)) == 3.5
    assert final_score(SimpleNamespace(score=3.0, late_submission_penalty=5.0)) == 0.0
    assert final_score(SimpleNamespace(score=4.0, late_submission_penalty=None)) == 4.0


def test_canvas_writes_the_penalised_score(tmp_path: Path) -> None:
    _canvas(FakeGradebook(), tmp_path / "canvas.csv")
    rows = _rows(tmp_path / "canvas.csv")
    assert rows[0][5:] == ["hw1", "hw2"] and rows[1][5:] == ["8", "10"]
    by_id = {row[3]: row[5:] for row in rows[2:]}
    assert by_id == {"ada": ["8", "0"], "ben": ["3.5", ""]}  # ben has no hw2: empty, not 0
    assert rows[2][0] == "Lovelace, Ada" and rows[3][0] == "ben"


def test_canvas_honours_the_assignment_filter(tmp_path: Path) -> None:
    _canvas(FakeGradebook(), tmp_path / "canvas.csv", ["hw2"])
    rows = _rows(tmp_path / "canvas.csv")
    assert rows[0][5:] == ["hw2"]
    assert {row[3]: row[5:] for row in rows[2:]} == {"ada": ["0"], "ben": [""]}


def test_gradescope_total_takes_the_penalty_off_and_says_so() -> None:
    results = [Result(1.0, 4.0, "ok", question_id="q1"), Result(0.5, 4.0, "half",
                                                                 question_id="q2")]
    data = gradescope_results(results, penalty=2.5)
    assert data["score"] == pytest.approx(3.5)
    assert [t["score"] for t in data["tests"]] == [4.0, 2.0]
    assert "Late submission: 2.5 point(s)" in data["output"]
    assert gradescope_results(results)["score"] == pytest.approx(6.0)
    assert "output" not in gradescope_results(results)
