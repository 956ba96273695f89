"""Every submitted student appears in the gradebook and the exports: a notebook the grader
cannot read (not JSON), or one nbgrader refuses (cell metadata changed), is recorded with 0
and a flag (an "unreadable" note, a formgrader comment, a banner in the autograded
notebook); grading again after a fix replaces the record."""

from __future__ import annotations

import csv
import shutil
import sys

import nbformat
import pytest
from support.course import copy_course, copy_sample, scores

from autograder.course.coursedir import Course
from autograder.course.notes import load_notes
from encoder_kit.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux",
                                                   reason="the sandbox is Linux-only")]
HW1 = "hw1-pipeline"
NOTEBOOK = f"{HW1}.ipynb"


def test_ungradable_notebooks_are_recorded_with_zero_and_flagged(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    assert main(["course", "release", HW1, "--course", str(root)]) == 0
    submitted = root / "submitted"
    copy_sample(HW1, "ada", submitted / "ada" / HW1, "ada")
    copy_sample(HW1, "ada", submitted / "cut" / HW1, "cut")
    text = (submitted / "cut" / HW1 / NOTEBOOK).read_text()
    (submitted / "cut" / HW1 / NOTEBOOK).write_text(text[: len(text) // 2])
    copy_sample(HW1, "ada", submitted / "meta" / HW1, "meta")
    nb = nbformat.read(submitted / "meta" / HW1 / NOTEBOOK, as_version=4)
    for cell in nb.cells:  # a grade flag on an answer cell: nbgrader refuses the notebook
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            meta.update(grade=True, points=100)
            break
    nbformat.write(nb, submitted / "meta" / HW1 / NOTEBOOK)
    capsys.readouterr()

    assert main(["course", "grade", HW1, "--course", str(root), "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "recorded as 0" in out and "cut" in out
    course = Course.open(root)
    assert scores(course, HW1) == {"ada": 8.0, "cut": 0.0, "meta": 0.0}
    notes = load_notes(course, HW1)
    assert any(n.kind == "unreadable" and "not a readable notebook" in n.text
               for n in notes["cut"])
    assert any(n.kind == "unreadable" for n in notes["meta"])
    placeholder = nbformat.read(root / "autograded" / "cut" / HW1 / NOTEBOOK, as_version=4)
    assert "could not be graded" in placeholder.cells[0].source
    assert (root / "autograded" / "cut" / HW1 / f"{NOTEBOOK}.submitted").read_text() == \
        text[: len(text) // 2]
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gradebook:  # formgrader's comment
        submission = gradebook.find_submission(HW1, "cut")
        comments = [c.auto_comment for nb in submission.notebooks for c in nb.comments]
    assert comments and all("Recorded with 0 points" in (c or "") for c in comments)

    assert main(["course", "export", "--course", str(root)]) == 0
    rows = {row[2]: row for row in csv.reader(open(root / "exports" / "canvas.csv"))}
    assert rows["cut"][-1] == "0" and rows["meta"][-1] == "0" and rows["ada"][-1] == "8"

    # the student resubmits a good notebook: grading again replaces the record and note
    shutil.rmtree(submitted / "cut" / HW1)
    copy_sample(HW1, "ada", submitted / "cut" / HW1, "cut")
    assert main(["course", "grade", HW1, "--course", str(root), "--student", "cut",
                 "--force"]) == 0
    assert scores(course, HW1)["cut"] == 8.0
    assert not [n for n in load_notes(course, HW1).get("cut", []) if n.kind == "unreadable"]
    assert "could not be graded" not in (root / "autograded" / "cut" / HW1 /
                                          NOTEBOOK).read_text()
