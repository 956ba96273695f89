"""Keys stay with instructors: graded questions never reach the wheel, views or feedback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import grade
from autograder.reference import reference_answer
from encoder_kit.questions import find_leaks, load_bank, load_questions

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
GRADED = load_questions(EXERCISES / "questions")
BANK_FOLDER = ROOT / "encoder_kit" / "questions" / "bank"


def test_instructor_folder_holds_graded_questions_only() -> None:
    assert GRADED and all(question.graded for question in GRADED)
    kinds = {getattr(q, "version_kind", q.kind) for q in GRADED}  # a pool: its versions' kind
    assert kinds >= {"ordering", "shape", "choice", "diagnosis", "numeric"}
    assert not {q.id for q in GRADED} & {q.id for q in load_bank()}


def test_every_graded_question_has_secrets_to_scan_for() -> None:
    for question in GRADED:
        for member in getattr(question, "versions", None) or [question]:
            assert " ".join(member.explanation.split()) in question.secret_strings()
        assert len(question.secret_strings()) >= 3, question.id


def test_graded_secrets_are_not_in_the_practice_bank() -> None:
    assert find_leaks([BANK_FOLDER], GRADED) == []


def test_the_scanner_finds_a_planted_secret(tmp_path: Path) -> None:
    secret = GRADED[0].secret_strings()[0]
    notebook = tmp_path / "release" / "hw1.ipynb"
    notebook.parent.mkdir()
    # in a notebook the text is split into JSON-escaped source lines
    words = secret.split()
    half = len(words) // 2
    lines = [" ".join(words[:half]) + "\n", " ".join(words[half:])]
    notebook.write_text(json.dumps({"cells": [{"source": lines}]}))
    archive = tmp_path / "pkg.whl"
    with zipfile.ZipFile(archive, "w") as wheel:
        wheel.writestr("pkg/notes.txt", f"prefix {secret} suffix")
    leaks = find_leaks([tmp_path / "release", archive], GRADED)
    assert {leak.location for leak in leaks} == {str(notebook), f"{archive}!pkg/notes.txt"}
    assert all(leak.question_id == GRADED[0].id for leak in leaks)


def test_student_views_of_graded_questions_hold_no_secret() -> None:
    for question in GRADED:
        view = json.dumps(question.student_view())
        assert [s for s in question.secret_strings() if s in view] == [], question.id


def test_feedback_on_graded_questions_never_holds_the_explanation_or_key() -> None:
    for question in GRADED:
        answer = reference_answer(question)
        kind = getattr(question, "version_kind", question.kind)
        wrong = list(reversed(answer)) if kind == "ordering" else None
        for attempt in (answer, wrong, "nonsense"):
            feedback = grade(question, attempt).feedback
            for secret in question.secret_strings(include_feedback=False):
                assert secret not in feedback, (question.id, attempt)


def _source_copy(destination: Path) -> Path:
    """The files setuptools packages, copied so that the build leaves the checkout alone."""
    source = destination / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("encoder_kit", "autograder", "exercises"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.cfg", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    if not (source / "README.md").exists():
        (source / "README.md").write_text("# encoder-kit\n")
    return source


@pytest.mark.slow
def test_the_wheel_holds_no_graded_key(tmp_path: Path) -> None:
    source = _source_copy(tmp_path)
    out = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = out.glob("encoder_kit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.startswith("encoder_kit/questions/bank/") for name in names)
    graded_files = {path.name for path in (EXERCISES / "questions").iterdir()}
    assert not [n for n in names if n.startswith("exercises/") or Path(n).name in graded_files]
    assert find_leaks([wheel], GRADED) == []
    # the scan does read the packaged files: practice secrets are found there
    assert find_leaks([wheel], load_bank()[:1])


# The released notebooks and the feedback files of the course are scanned for every graded key
# in tests/test_course_roundtrip.py, on a real release and real feedback.
