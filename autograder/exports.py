"""Export a list of ``Result``s: nbgrader partial credit, Gradescope ``results.json``, CSV.

>>> results = [Result(1.0, 2, "Correct.", question_id="q1"),
...            Result(0.5, 2, "Half.", question_id="q2")]
>>> nbgrader_points(results)
3.0
>>> gradescope_results(results)["tests"][1]["score"]
1.0
>>> to_csv(results).splitlines()[0]
'question_id,score,points,max_points,visibility,flags,feedback'
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .result import Result

# Gradescope's names for when a test result is shown
_GRADESCOPE_VISIBILITY = {"visible": "visible", "hidden": "hidden", "after_due": "after_due_date"}
CSV_COLUMNS = ("question_id", "score", "points", "max_points", "visibility", "flags", "feedback")


def _checked(results: Iterable[Result]) -> list[Result]:
    found = list(results)
    for result in found:
        if not isinstance(result, Result):
            raise TypeError(f"expected Result objects, got {type(result).__name__}")
    return found


def nbgrader_points(results: Iterable[Result]) -> float:
    """The points to return from a test cell (nbgrader's partial credit): their sum.

    Never above the summed maximum (nbgrader rejects that) and rounded to 6 places.
    """
    found = _checked(results)
    earned = sum(result.points for result in found)
    return round(min(earned, sum(result.max_points for result in found)), 6)


def gradescope_results(results: Iterable[Result], *, output: str = "",
                       penalty: float = 0.0) -> dict[str, Any]:
    """Gradescope's ``results.json`` data: ``score`` and one test per result.

    Each test has ``name``, ``score``, ``max_score``, ``output`` (the student feedback) and
    ``visibility``. Details and flags stay out: they are for the instructor. A late
    ``penalty`` (points) is taken off the total, never below 0, and said in ``output``:
    Gradescope takes the top-level ``score`` over the sum of the tests.
    """
    found = _checked(results)
    tests = [
        {
            "name": result.question_id or f"question {index}",
            "score": round(result.points, 6),
            "max_score": result.max_points,
            "output": result.feedback,
            "visibility": _GRADESCOPE_VISIBILITY[result.visibility],
        }
        for index, result in enumerate(found, 1)
    ]
    total = sum(r.points for r in found)
    data: dict[str, Any] = {"score": round(max(0.0, total - penalty), 6), "tests": tests}
    if penalty:
        output = (f"Late submission: {penalty:g} point(s) taken off the {total:g} earned.\n"
                  + output).strip()
    if output:
        data["output"] = output
    return data


def write_gradescope_results(
    results: Iterable[Result], path: str | os.PathLike[str] = "/autograder/results/results.json",
    *, penalty: float = 0.0,
) -> Path:
    """Write ``results.json`` (Gradescope's default location unless ``path`` is given)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(gradescope_results(results, penalty=penalty), indent=2),
                      encoding="utf-8")
    return target


def to_csv(results: Iterable[Result], path: str | os.PathLike[str] | None = None) -> str:
    """One row per result (columns ``CSV_COLUMNS``); also written to ``path`` when given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in _checked(results):
        writer.writerow(
            [
                result.question_id,
                f"{result.score:.6g}",
                f"{result.points:.6g}",
                f"{result.max_points:g}",
                result.visibility,
                ";".join(result.flags),
                result.feedback,
            ]
        )
    if path is not None:
        Path(path).write_text(buffer.getvalue(), encoding="utf-8")
    return buffer.getvalue()
