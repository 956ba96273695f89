"""Exports agree with nbgrader's own CSV on a class with late and hand-graded submissions;
a roster maps nbgrader ids to Canvas students; the Gradescope autograder zip, run as
Gradescope's container runs it, gives the scores ``encoder-kit course grade`` gives."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.course.commands.release import release
from autograder.course.commands.results.export import export, read_roster
from autograder.course.commands.results.gradescope import build_autograder
from autograder.course.coursedir import Course, CourseError
from encoder_kit.cli import main
from tests.support.course import SAMPLES, copy_course, submit

pytestmark = pytest.mark.slow

ASSIGNMENT = "hw1-pipeline"
STUDENTS = ["ada", "ben", "fay"]
ON_TIME = "2025-03-01 12:00:00.000000 UTC"  # the samples say 2025-03-03: late
DUE = "2025-03-02 00:00:00"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """hw1 graded for three students: ben on time, ada and fay late (penalty method
    "zero"); then ben and ada get a grade by hand through nbgrader's Gradebook API."""
    from nbgrader.api import Gradebook

    root = copy_course(tmp_path_factory.mktemp("class") / "course")
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    course = Course.open(root)
    release(course, ASSIGNMENT)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    submit(root, ASSIGNMENT, STUDENTS)
    (root / "submitted" / "ben" / ASSIGNMENT / "timestamp.txt").write_text(ON_TIME)
    assert main(["course", "grade", ASSIGNMENT, "--course", str(root), "--workers", "2"]) == 0
    with Gradebook(course.db_url, course.course_id) as gradebook:
        auto = {s: {g.name: float(g.score or 0) for g in
                    gradebook.find_submission(ASSIGNMENT, s).notebooks[0].grades}
                for s in STUDENTS}
        penalties = {s: float(gradebook.find_submission(ASSIGNMENT, s)
                              .late_submission_penalty or 0) for s in STUDENTS}
        notebook = gradebook.find_submission(ASSIGNMENT, "ada").notebooks[0].name
        hand = {}
        for student in ("ben", "ada"):
            grade = sorted(gradebook.find_submission(ASSIGNMENT, student).notebooks[0].grades,
                           key=lambda g: g.name)[0]
            grade.manual_score = float(grade.max_score) / 2 if grade.score else \
                float(grade.max_score)
            hand[student] = (grade.name, grade.manual_score)
        gradebook.db.commit()
    return {"course": Course.open(root), "auto": auto, "penalties": penalties, "hand": hand,
            "notebook": notebook}


def test_canvas_and_gradescope_agree_with_nbgraders_csv(graded: dict, tmp_path: Path) -> None:
    assert graded["penalties"]["ben"] == 0
    assert sum(graded["auto"]["ben"].values()) > 0 and sum(graded["auto"]["ada"].values()) > 0
    assert graded["penalties"]["ada"] > 0 or sum(graded["auto"]["ada"].values()) == 0
    report = export(graded["course"], tmp_path / "out", [ASSIGNMENT])
    nbgrader_rows = {r["student_id"]: r for r in _rows(report.grades_csv)}
    assert sorted(nbgrader_rows) == STUDENTS
    with open(report.canvas_csv, newline="", encoding="utf-8") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][5:] == [ASSIGNMENT]
    canvas_scores = {row[2]: float(row[5]) for row in canvas[2:]}
    for student, row in nbgrader_rows.items():
        final = float(row["score"])
        assert canvas_scores[student] == pytest.approx(final), student
        data = json.loads((tmp_path / "out" / "gradescope" / ASSIGNMENT / student /
                           "results.json").read_text())
        assert data["score"] == pytest.approx(final), student
        assert sum(t["score"] for t in data["tests"]) == pytest.approx(float(row["raw_score"]))
    # the hand grade counts: ben (on time) has it in all three
    name, manual = graded["hand"]["ben"]
    expected = sum(graded["auto"]["ben"].values()) - graded["auto"]["ben"][name] + manual
    assert float(nbgrader_rows["ben"]["score"]) == pytest.approx(expected)
    assert float(nbgrader_rows["ada"]["late_submission_penalty"]) == pytest.approx(
        graded["penalties"]["ada"])


def test_roster_maps_ids_and_a_missing_student_stops_the_export(graded: dict,
                                                                  tmp_path: Path) -> None:
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("nbgrader_id,sis_id,name\nada,S-001,\"Lovelace, Ada\"\n"
                           "ben,S-002,Ben B\nfay,S-003,Fay F\n")
    report = export(graded["course"], tmp_path / "out", [ASSIGNMENT], read_roster(roster_file))
    with open(report.canvas_csv, newline="", encoding="utf-8") as handle:
        canvas = list(csv.reader(handle))
    by_sis = {row[2]: row for row in canvas[2:]}
    assert sorted(by_sis) == ["S-001", "S-002", "S-003"]
    assert by_sis["S-001"][0] == "Lovelace, Ada" and by_sis["S-001"][3] == "S-001"
    finals = {r["student_id"]: float(r["score"]) for r in _rows(report.grades_csv)}
    assert float(by_sis["S-002"][5]) == pytest.approx(finals["ben"])

    roster_file.write_text("nbgrader_id,sis_id\nada,S-001\n")
    with pytest.raises(CourseError, match="ben, fay"):
        export(graded["course"], tmp_path / "partial", [ASSIGNMENT], read_roster(roster_file))
    assert not (tmp_path / "partial").exists()  # nothing half-written
    assert main(["course", "export", "--course", str(graded["course"].root), "--to",
                 str(tmp_path / "cli"), "--roster", str(roster_file)]) == 1


def test_gradescope_zip_grades_a_submission_like_the_course_grader(graded: dict,
                                                                   tmp_path: Path) -> None:
    zip_path = build_autograder(graded["course"], ASSIGNMENT, tmp_path / "autograder.zip")
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "gradescope.json",
                "course/nbgrader_config.py", "course/gradebook.db"} <= names
        assert any(n.startswith("course/hidden/") for n in names)
        assert not any(n.startswith(("course/submitted", "course/autograded",
                                     "course/samples")) for n in names)
        mode = archive.getinfo("run_autograder").external_attr >> 16
        assert mode & stat.S_IXUSR
        config = archive.read("course/nbgrader_config.py").decode()
        assert "c.SandboxedExecute.memory_mb = 4096.0" in config  # the limits travel
        setup = archive.read("setup.sh").decode()
        assert "pip install" in setup and "warm-cache" in setup

    # Gradescope's container: /autograder/{source,submission,results} + run_autograder
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    os.chmod(root / "run_autograder", 0o755)
    (root / "submission").mkdir()
    for path in (SAMPLES / ASSIGNMENT / "ada").iterdir():
        if path.suffix in (".ipynb", ".json"):
            shutil.copy(path, root / "submission" / path.name)
    (root / "submission_metadata.json").write_text(json.dumps(
        {"users": [{"email": "ada@example.edu", "sid": "ada", "name": "Ada"}]}))
    (root / "results").mkdir()
    env = {**os.environ, "ENCODER_KIT_GRADESCOPE_ROOT": str(root),
           "ENCODER_KIT_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, text=True,
                          capture_output=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    auto = graded["auto"]["ada"]
    assert {t["name"]: t["score"] for t in data["tests"]} == pytest.approx(auto)
    assert data["score"] == pytest.approx(sum(auto.values()))
    visibilities = {t["visibility"] for t in data["tests"]}
    assert visibilities <= {"visible", "hidden"} and "hidden" in visibilities
    manifest = json.loads((root / "source" / "gradescope.json").read_text()) \
        if (root / "source" / "gradescope.json").exists() else None
    assert manifest and {t["name"] for t in data["tests"] if t["visibility"] == "hidden"} \
        == set(manifest["hidden_tests"])
    assert not (root / "source" / "course").exists()  # moved out before student code ran
