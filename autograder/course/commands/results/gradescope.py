"""``encoder-kit course gradescope ASSIGNMENT``: a Gradescope autograder zip for one assignment.

Gradescope runs an autograder inside its own container, once per submission: it unpacks the
zip into ``/autograder/source``, runs ``setup.sh`` once when the image is built, then for
each submission ``/autograder/run_autograder`` (a copy of the zip's), which must write
``/autograder/results/results.json``. The zip holds:

- ``setup.sh``: installs encoder-kit (from PyPI, this version, by default; with ``--wheel``
  a wheel built from this checkout, shipped in the zip) and warms the embedding cache;
- ``run_autograder``: grades ``/autograder/submission`` (the student's notebook and
  ``encoder-kit-answers.json``) with the same engine as ``encoder-kit course grade``: the
  course's limits, sandboxed kernel and hidden data;
- ``course/``: the course files grading needs (config, with the limits in force where the
  zip was made written into it; the assignment's source, questions, hidden data; a
  gradebook that knows the assignment). ``run_autograder`` moves it out of
  ``/autograder/source`` into a private folder before any student code runs, and the
  sandbox hides that folder from the kernel, as the course grader hides the course;
- ``gradescope.json``: the assignment and which test cells hold hidden tests.

``results.json`` has one test per graded cell; cells with hidden tests get Gradescope's
``hidden`` visibility, public ones ``visible``. The student's id (per-student variants) is
the answers file's identity, else Gradescope's ``sid``, else the e-mail's local part.
``ENCODER_KIT_GRADESCOPE_ROOT`` replaces ``/autograder`` (tests lay a folder out the same way).

    python -m autograder.course.commands.results.gradescope     # what run_autograder runs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from autograder.course.coursedir import CONFIG_FILE, Course, CourseError
from autograder.course.protocol import ANSWERS_FILENAME

from ..options import common_parser, open_course, where

ROOT_ENV = "ENCODER_KIT_GRADESCOPE_ROOT"
PYTHON_ENV = "ENCODER_KIT_PYTHON"
MANIFEST = "gradescope.json"
COURSE_FOLDERS = ("questions", "code-questions", "hidden")
HIDDEN_MARK = "BEGIN HIDDEN TESTS"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
cd /autograder/source
if ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-venv python3-pip
fi
python3 -m venv /autograder/venv    # its own environment (no clash with the image's Python)
PYTHON=/autograder/venv/bin/python
"$PYTHON" -m pip install --upgrade pip
WHEEL=$(ls encoder_kit-*.whl 2>/dev/null | head -n 1 || true)
if [ -n "$WHEEL" ]; then
    "$PYTHON" -m pip install "./$WHEEL[course]"
else
    "$PYTHON" -m pip install "encoder-kit[course]=={version}"
fi
# encode the exercise data once, so that each submission grades in seconds
"$PYTHON" -m encoder_kit.cli course warm-cache --course /autograder/source/course
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes /autograder/results/results.json.
set -uo pipefail
PYTHON="${ENCODER_KIT_PYTHON:-/autograder/venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
exec "$PYTHON" -m autograder.course.commands.results.gradescope \\
    --root "${ENCODER_KIT_GRADESCOPE_ROOT:-/autograder}"
"""


def _hidden_tests(source: Path) -> list[str]:
    """grade ids of the source's test cells that hold hidden tests."""
    import nbformat

    hidden = []
    for path in sorted(source.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and HIDDEN_MARK in cell.source:
                hidden.append(meta["grade_id"])
    return hidden


def _stage_course(course: Course, assignment: str, into: Path, allow_unconfined: bool) -> None:
    """The course files grading needs, released once so the gradebook knows the assignment."""
    from autograder.course.sandbox.limits import Limits

    from ..release import release

    ignore = shutil.ignore_patterns(f"{ANSWERS_FILENAME}*", ".ipynb_checkpoints", "__pycache__")
    into.mkdir(parents=True)
    shutil.copy(course.root / CONFIG_FILE, into / CONFIG_FILE)
    with open(into / CONFIG_FILE, "a", encoding="utf-8") as handle:
        handle.write(
            "\n# Added by `encoder-kit course gradescope`: the gradebook stays in this folder "
            "(a\n# user-level db_url of the machine that built the zip must not reach it).\n"
            "c.CourseDirectory.db_url = 'sqlite:///' + str(COURSE / 'gradebook.db')\n")
        limits = Limits.for_course(course.config)  # system, user and course config
        handle.write(
            "# the limits in force where the zip was made (user-level config included)\n"
            f"c.Execute.timeout = {limits.cell_timeout!r}\n"
            f"c.SandboxedExecute.notebook_timeout = {limits.notebook_timeout!r}\n"
            f"c.SandboxedExecute.memory_mb = {limits.memory_mb!r}\n"
            f"c.SandboxedExecute.max_processes = {limits.max_processes!r}\n"
            f"c.SandboxedExecute.max_output = {limits.output_bytes!r}\n")
        if allow_unconfined:
            handle.write("# --allow-unconfined: grade even where the container cannot confine "
                         "the kernel\nc.SandboxedExecute.allow_unconfined = True\n")
    for name in COURSE_FOLDERS:
        if (course.root / name).is_dir():
            shutil.copytree(course.root / name, into / name, ignore=ignore)
    shutil.copytree(course.source(assignment), into / "source" / assignment, ignore=ignore)
    staged = Course.open(into)
    release(staged, assignment)  # leak-checked; creates the gradebook with the assignment
    shutil.rmtree(into / "release", ignore_errors=True)


def _build_wheel(into: Path) -> Path:
    """A wheel of the encoder-kit checkout this module runs from."""
    import autograder

    checkout = Path(autograder.__file__).resolve().parents[1]  # anchored on the package
    if not (checkout / "pyproject.toml").is_file():
        raise CourseError(f"--wheel builds encoder-kit from its source checkout, but {checkout} "
                          "has no pyproject.toml (an installed package); leave --wheel out "
                          "to install encoder-kit from PyPI in setup.sh")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-"
                           "isolation", "-w", str(into), str(checkout)],
                          capture_output=True, text=True)
    wheels = sorted(into.glob("encoder_kit-*.whl"))
    if done.returncode != 0 or not wheels:
        raise CourseError(f"could not build the encoder-kit wheel:\n{done.stderr[-2000:]}")
    return wheels[-1]


def build_autograder(course: Course, assignment: str, out: str | Path | None = None, *,
                     wheel: bool = False, allow_unconfined: bool = False) -> Path:
    """Write the Gradescope autograder zip of ``assignment``; returns its path."""
    from encoder_kit import __version__

    target = Path(out) if out else course.root / "exports" / f"gradescope-{assignment}.zip"
    course.source(assignment)
    with tempfile.TemporaryDirectory(prefix="encoder-kit-gradescope-") as scratch:
        staging = Path(scratch) / "zip"
        _stage_course(course, assignment, staging / "course", allow_unconfined)
        notebooks = sorted(p.name for p in (staging / "course" / "source" / assignment)
                           .glob("*.ipynb"))
        manifest = {"assignment": assignment, "notebooks": notebooks,
                    "hidden_tests": _hidden_tests(course.source(assignment)),
                    "encoder_kit": __version__}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        (staging / "setup.sh").write_text(SETUP_SH.format(version=__version__))
        (staging / "run_autograder").write_text(RUN_AUTOGRADER)
        if wheel:
            _build_wheel(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(staging.rglob("*")):
                if path.is_file():
                    name = str(path.relative_to(staging))
                    info = zipfile.ZipInfo.from_file(path, name)
                    if name in ("setup.sh", "run_autograder"):
                        info.external_attr = (0o755 | stat.S_IFREG) << 16
                    archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
        partial.replace(target)
    return target


# -- inside Gradescope's container ----------------------------------------------------------
def _student_id(submission: Path, root: Path) -> str:
    for path in sorted(submission.rglob(ANSWERS_FILENAME)):
        try:
            answers = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
            for answer in answers.values():
                student = (answer.get("variant") or {}).get("identity", {}).get("student")
                if student:
                    return str(student)
        except (ValueError, AttributeError):
            pass
    try:
        users = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        user = (users.get("users") or [{}])[0]
    except (OSError, ValueError, AttributeError):
        user = {}
    for value in (user.get("sid"), (user.get("email") or "").split("@")[0]):
        if value:
            return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(value))
    return "student"


def _place_submission(submission: Path, target: Path, notebooks: list[str]) -> None:
    """The student's files as nbgrader's submitted/<student>/<assignment>/ folder."""
    target.mkdir(parents=True)
    found = sorted(p for p in submission.rglob("*") if p.is_file()
                   and ".ipynb_checkpoints" not in p.parts)
    given = [p for p in found if p.suffix == ".ipynb"]
    for path in found:
        name = path.name
        if path.suffix == ".ipynb" and len(given) == 1 and len(notebooks) == 1:
            name = notebooks[0]  # Gradescope keeps the uploaded name; nbgrader needs its own
        if not (target / name).exists():
            shutil.copy(path, target / name)


def _results(course: Course, assignment: str, student: str, hidden: set[str]) -> list[Any]:
    from dataclasses import replace

    from nbgrader.api import Gradebook

    from .export import submission_results

    with Gradebook(course.db_url, course.course_id) as gradebook:
        results = submission_results(course, gradebook, assignment, student)
    return [replace(r, visibility="hidden" if r.question_id in hidden else "visible")
            for r in results]


def run_submission(root: str | Path = "/autograder") -> Path:
    """Grade ``root/submission`` with the course in ``root/source``; write results.json."""
    from autograder.exports import gradescope_results

    root = Path(root)
    results_file = root / "results" / "results.json"
    results_file.parent.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((root / "source" / MANIFEST).read_text(encoding="utf-8"))
    assignment = manifest["assignment"]
    private = Path(tempfile.mkdtemp(prefix="encoder-kit-grading-"))
    os.chmod(private, 0o700)
    work = private / "course"
    # the course (hidden data, questions) leaves the folder the submission can name
    shutil.move(str(root / "source" / "course"), str(work))
    student = _student_id(root / "submission", root)
    _place_submission(root / "submission", work / "submitted" / student / assignment,
                      manifest["notebooks"])
    command = [sys.executable, "-m", "encoder_kit.cli", "course", "grade", assignment,
               "--course", str(work), "--workers", "1", "--student", student]
    done = subprocess.run(command, capture_output=True, text=True)
    log = (done.stdout + done.stderr).strip()
    course = Course.open(work)
    try:
        results = _results(course, assignment, student, set(manifest["hidden_tests"]))
    except Exception as error:  # not graded: say so, score 0, never a traceback of the key
        data = {"score": 0.0, "output": (f"This submission could not be graded ({error}). "
                                         "Ask your instructor.\n\n" + log[-3000:]).strip(),
                "tests": []}
    else:
        data = gradescope_results(results)
        if done.returncode != 0:
            data["output"] = ("Grading reported a problem:\n" + log[-3000:]).strip()
    results_file.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return results_file


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course gradescope ASSIGNMENT``"""
    course = open_course(args)
    path = build_autograder(course, args.assignment, args.out, wheel=args.wheel,
                            allow_unconfined=args.allow_unconfined)
    print(f"Gradescope autograder for {args.assignment} -> {where(path)}")
    print("  upload it as the assignment's autograder (Configure Autograder -> Zip file); "
          "students submit their notebook and encoder-kit-answers.json")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("gradescope", parents=[common_parser()], help="a Gradescope "
                         "autograder zip that grades one assignment with this engine")
    p.add_argument("assignment")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="the zip to write (default: <course>/exports/gradescope-ASSIGNMENT.zip)")
    p.add_argument("--wheel", action="store_true",
                   help="ship a wheel of this encoder-kit checkout in the zip and install it "
                        "(default: setup.sh installs this version from PyPI)")
    p.add_argument("--allow-unconfined", action="store_true",
                   help="let run_autograder grade where Gradescope's container cannot confine "
                        "the kernel (c.SandboxedExecute.allow_unconfined in the zip's config)")
    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """What ``run_autograder`` runs: grade the submission under ``--root``."""
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", default=os.environ.get(ROOT_ENV, "/autograder"))
    args = parser.parse_args(argv)
    print(f"results -> {run_submission(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
