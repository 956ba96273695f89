"""Helpers shared by the course tests: a scratch copy of the course, sample submissions."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXERCISES = REPO / "exercises"
SAMPLES = REPO / "tests" / "fixtures" / "submissions"


def copy_course(target: Path) -> Path:
    """The course's config, sources, questions and hidden data, copied to ``target``."""
    target.mkdir(parents=True)
    shutil.copy(EXERCISES / "nbgrader_config.py", target)
    for name in ("source", "questions", "code-questions", "hidden"):
        shutil.copytree(EXERCISES / name, target / name,
                        ignore=shutil.ignore_patterns("encoder-kit-answers.json*"))
    return target


def submit(root: Path, assignment: str, students: list[str] | None = None) -> list[str]:
    """Copy sample submissions into ``root/submitted/<student>/<assignment>``."""
    chosen = students or sorted(p.name for p in (SAMPLES / assignment).iterdir() if p.is_dir())
    for student in chosen:
        shutil.copytree(SAMPLES / assignment / student, root / "submitted" / student / assignment)
    return chosen


def scores(course, assignment: str) -> dict[str, float]:
    """``{student: total score}`` of ``assignment`` in the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(assignment)}
