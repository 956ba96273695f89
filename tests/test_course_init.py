"""``encoder-kit course init``: a new course from the shipped one (or empty), ready for
nbgrader: the course id given, a gradebook, no samples or instructor leftovers."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course.commands.setup.init import init_course
from autograder.course.coursedir import Course, CourseError
from encoder_kit.cli import main
from tests.support.course import EXERCISES


def test_init_copies_the_shipped_course_with_a_new_id_and_a_gradebook(tmp_path: Path) -> None:
    target = tmp_path / "nlp"
    assert main(["course", "init", str(target), "--course-id", "nlp-101"]) == 0
    course = Course.open(target)
    assert course.course_id == "nlp-101"
    assert (target / "gradebook.db").is_file()
    shipped = sorted(p.name for p in (EXERCISES / "source").iterdir() if p.is_dir())
    assert sorted(p.name for p in (target / "source").iterdir()) == shipped
    assert (target / "questions" / "graded.yaml").is_file()
    assert (target / "hidden").is_dir()
    assert not (target / "samples").exists() and not (target / "tools").exists()
    assert not list(target.rglob("encoder-kit-answers.json*"))
    assert not list(target.rglob(".ipynb_checkpoints"))
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gradebook:
        assert gradebook.students == [] and gradebook.assignments == []
    # the course id the grading kernels see follows the new id
    assert course.environment["ENCODER_KIT_COURSE"] == "nlp-101"


def test_init_empty_makes_only_the_config_and_folders(tmp_path: Path) -> None:
    course = init_course(tmp_path / "blank", "blank-course", empty=True)
    assert course.course_id == "blank-course"
    assert sorted(p.name for p in course.root.iterdir() if p.is_dir()) == [
        "code-questions", "hidden", "questions", "source"]
    assert not any((course.root / "source").iterdir())
    assert (course.root / "gradebook.db").is_file()


def test_init_refuses_a_non_empty_folder_and_a_bad_id(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(CourseError, match="not empty"):
        init_course(tmp_path / "busy", "x")
    assert (tmp_path / "busy" / "notes.txt").read_text() == "mine"
    with pytest.raises(CourseError, match="--course-id"):
        init_course(tmp_path / "new", "bad id")
    assert not (tmp_path / "new").exists()
