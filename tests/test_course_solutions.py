"""The source notebooks' solution cells answer the version each student draws.

Every answer cell of exercises/source/*/*.ipynb that calls ``solution_for`` is run (its
solution region, with a stand-in ``answer`` that records the value) as several students, in
the notebook's folder, and the value is graded against that student's variant: full marks
each time. With the question files out of reach (as in a grading kernel) the table in the
cell is enough; with them and no table, ``solution_for`` reads the key.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograder import grade
from autograder.course.notebook.solutions import course_question_folders, solution_for
from encoder_kit.questions import find_question, make_variant

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
COURSE_ID = "encoder-kit-course"
STUDENTS = ("ada", "ben", "kim", "lou", "student-7", "student-8")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)\n### END SOLUTION", re.S)


def _solution_cells() -> list[tuple[str, str, str]]:
    """(assignment, question id, solution code) of every cell that uses solution_for."""
    found = []
    for path in sorted((EXERCISES / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            match = SOLUTION.search(cell.source)
            if match and "solution_for(" in match.group(1):
                question_id = re.search(r'answer\("([^"]+)"', match.group(1)).group(1)
                found.append((path.parent.name, question_id, match.group(1)))
    return found


CELLS = _solution_cells()


def test_the_pools_of_hw1_to_hw3_and_hw5_use_drawn_solutions() -> None:
    ids = {question_id for _, question_id, _ in CELLS}
    assert {"hw1-choice-two-stages", "hw2-shape-one-sequence", "hw3-order-two-stage",
            "hw5-design-ner", "hw5-diagnosis-sentence-head"} <= ids


@pytest.mark.parametrize(("assignment", "question_id", "code"), CELLS,
                         ids=[f"{a}:{q}" for a, q, _ in CELLS])
def test_each_solution_earns_full_marks_for_every_student(
        assignment: str, question_id: str, code: str, monkeypatch) -> None:
    question = find_question(question_id, [EXERCISES / "questions"])
    monkeypatch.chdir(EXERCISES / "source" / assignment)
    monkeypatch.delenv("ENCODER_KIT_QUESTION_PATH", raising=False)  # as in a grading kernel
    monkeypatch.setenv("ENCODER_KIT_COURSE", COURSE_ID)
    monkeypatch.setenv("ENCODER_KIT_ASSIGNMENT", assignment)
    for student in STUDENTS:
        monkeypatch.setenv("ENCODER_KIT_STUDENT", student)
        saved: dict[str, object] = {}
        exec(code, {"answer": saved.__setitem__})  # noqa: S102
        variant = make_variant(question, COURSE_ID, assignment, student)
        result = grade(question, saved[question_id], variant)
        # (a design's justification is graded by hand, apart from these points)
        assert result.score == 1.0, (student, result.feedback)
        if question.version_kind != "design":  # a design's solution adds a justification
            # the instructor's way: no table, the key read from the course's questions/
            assert course_question_folders()
            assert solution_for(question_id) == saved[question_id], student
