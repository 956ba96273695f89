"""Result validation and the three exports: nbgrader partial credit, Gradescope, CSV."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from autograder import Result, gradescope_results, nbgrader_points, to_csv, write_gradescope_results


class TestResult:
    def test_points_follow_score(self) -> None:
        result = Result(score=0.25, max_points=4)
        assert result.points == 1.0
        assert result.replace(score=1.0).points == 4.0

    @pytest.mark.parametrize(("score", "clamped"), [(-0.5, 0.0), (1.5, 1.0), (1, 1.0)])
    def test_scores_are_clamped(self, score: float, clamped: float) -> None:
        assert Result(score=score).score == clamped

    @pytest.mark.parametrize(
        "fields",
        [
            {"score": math.nan},
            {"score": "1"},
            {"score": True},
            {"score": 1, "max_points": -1},
            {"score": 1, "max_points": math.inf},
            {"score": 1, "visibility": "public"},
        ],
    )
    def test_invalid_fields_raise(self, fields: dict) -> None:
        with pytest.raises(ValueError):
            Result(**fields)

    def test_feedback_must_be_text(self) -> None:
        with pytest.raises(TypeError):
            Result(score=1, feedback=None)  # type: ignore[arg-type]

    def test_to_dict_is_json(self) -> None:
        result = Result(0.5, 2, "Half.", {"method": "dag_lcs"}, "after_due", ("flag",), "q1")
        data = json.loads(json.dumps(result.to_dict()))
        assert data["points"] == 1.0 and data["flags"] == ["flag"]

    def test_zero(self) -> None:
        result = Result.zero("Nothing to grade.", max_points=3, question_id="q")
        assert (result.score, result.points, result.max_points) == (0.0, 0.0, 3.0)


RESULTS = [
    Result(1.0, 2, "Correct.", question_id="q1"),
    Result(0.5, 2, 'Half, with "quotes".\nSecond line.', question_id="q2", visibility="hidden"),
    Result(
        0.0, 1, "Withheld.", question_id="q3", visibility="after_due", flags=("variant-mismatch",)
    ),
]


def test_nbgrader_points_is_the_sum_and_never_above_the_maximum() -> None:
    assert nbgrader_points(RESULTS) == 3.0
    thirds = [Result(1 / 3, 1) for _ in range(3)]
    assert nbgrader_points(thirds) <= 3.0
    assert nbgrader_points([]) == 0.0


def test_gradescope_fields() -> None:
    data = gradescope_results(RESULTS, output="Graded by encoder-kit.")
    assert data["score"] == 3.0
    assert data["output"] == "Graded by encoder-kit."
    assert [t["visibility"] for t in data["tests"]] == ["visible", "hidden", "after_due_date"]
    first = data["tests"][0]
    assert set(first) == {"name", "score", "max_score", "output", "visibility"}
    assert (first["name"], first["score"], first["max_score"]) == ("q1", 2.0, 2.0)
    assert "variant-mismatch" not in json.dumps(data)  # flags are for the instructor


def test_write_gradescope_results(tmp_path) -> None:
    path = write_gradescope_results(RESULTS, tmp_path / "results" / "results.json")
    assert json.loads(path.read_text())["tests"][1]["score"] == 1.0


def test_csv_round_trip(tmp_path) -> None:
    text = to_csv(RESULTS, tmp_path / "grades.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[1]["feedback"] == 'Half, with "quotes".\nSecond line.'
    assert rows[2]["flags"] == "variant-mismatch"
    assert (tmp_path / "grades.csv").read_text() == text


@pytest.mark.parametrize("export", [nbgrader_points, gradescope_results, to_csv])
def test_exports_refuse_non_results(export) -> None:
    with pytest.raises(TypeError, match="expected Result objects"):
        export([0.5])
