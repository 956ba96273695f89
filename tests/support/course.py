"""Helpers shared by the course tests: a scratch copy of the course, sample submissions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "exercises"
SAMPLES = EXERCISES / "samples"  # product data: `encoder-kit course demo` grades them


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


def copy_sample(assignment: str, sample: str, target: Path, student: str) -> None:
    """Copy the sample ``sample`` into ``target`` as ``student``'s submission.

    Each student draws his own version of every pool, and a sample's answer cells hold the
    literal answers of its own student's versions; so for hw1-pipeline the copy's answer cells
    are written again, as ``sample`` would have written them for ``student``
    (``exercises/tools/build_fixtures.py``, ``hw1_sample``).
    """
    import importlib.util

    import nbformat

    shutil.copytree(SAMPLES / assignment / sample, target, dirs_exist_ok=True)
    if assignment != "hw1-pipeline" or student == sample:
        return
    spec = importlib.util.spec_from_file_location(
        "build_fixtures", EXERCISES / "tools" / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    spec = module.hw1_sample(sample, student)
    cells = spec["cells"]
    [path] = target.glob("*.ipynb")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in cells:
            cell.source = cells[grade_id]
    nbformat.write(nb, path)
    # the widgets' answers file holds variant records for its student: write it for this one
    answers = target / "encoder-kit-answers.json"
    text = json.dumps(module.widget_answers(student), indent=1)
    if spec.get("answers") == "widget":
        answers.write_text(text)
    elif spec.get("answers") == "malformed":
        answers.write_text(text[: len(text) // 2])
