"""``encoder-kit course demo``: the whole workflow on the sample submissions.

Copies the course (``exercises/``: config, sources, questions, hidden data) into a scratch
folder, then runs, as an instructor would: warm-cache, release, "submit" the samples
(``exercises/samples/<assignment>/<student>/``), grade, feedback, export and report,
and prints the gradebook and where every file went. The original course is never written.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from autograder.course.coursedir import CONFIG_FILE, CourseError
from autograder.course.protocol import ANSWERS_FILENAME

from . import feedback, grade, release
from .options import whole_workers
from .results import export, gradebook, report
from .setup import warm_cache

MARK = ".encoder-kit-demo"
COPIED = ("source", "questions", "code-questions", "hidden")
SAMPLES = "exercises/samples"  # the sample submissions, beside the course they belong to
STEPS = (warm_cache, release, grade, feedback, report, export, gradebook)


def _prepare(into: Path, template: Path) -> None:
    if not (template / CONFIG_FILE).is_file():
        raise CourseError(f"no course to copy at {template} (no {CONFIG_FILE}); pass "
                          "--template with the course folder, e.g. --template exercises")
    if into.exists():
        if not (into / MARK).exists():
            raise CourseError(f"{into} exists and is not a demo course made by this command; "
                              "choose another --into folder or remove it yourself")
        shutil.rmtree(into)
    into.mkdir(parents=True)
    (into / MARK).write_text("made by `encoder-kit course demo`; safe to delete\n")
    shutil.copy(template / CONFIG_FILE, into / CONFIG_FILE)
    ignore = shutil.ignore_patterns(f"{ANSWERS_FILENAME}*", ".ipynb_checkpoints",
                                    "__pycache__")
    for name in COPIED:
        if (template / name).is_dir():
            shutil.copytree(template / name, into / name, ignore=ignore)


def _submit(into: Path, submissions: Path, assignment: str) -> list[str]:
    students = sorted(p.name for p in (submissions / assignment).iterdir() if p.is_dir())
    for student in students:
        target = into / "submitted" / student / assignment
        shutil.copytree(submissions / assignment / student, target)
    return students


def _steps_parser() -> argparse.ArgumentParser:
    """The parser of the verbs the demo runs: each verb's own, so that its defaults hold."""
    parser = argparse.ArgumentParser(prog="encoder-kit course")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for step in STEPS:
        step.add_parser(verbs)
    return parser


def run_demo(into: Path, template: Path, submissions: Path, workers: int | None = None) -> int:
    """Run the demo; 0 when every step worked."""
    if not submissions.is_dir():
        raise CourseError(f"no sample submissions at {submissions}; pass --submissions with "
                          "a folder of <assignment>/<student>/ folders")
    assignments = sorted(p.name for p in submissions.iterdir() if p.is_dir())
    _prepare(into, template)
    course = str(into)

    def run(*words: str) -> int:
        """One `encoder-kit course ...` step, parsed by the real command line (its defaults
        are the command's own, so the demo never drifts from the flags)."""
        args = _steps_parser().parse_args([*words, "--course", course])
        return int(args.func(args) or 0)

    print(f"== a copy of the course in {into}")
    run("warm-cache")
    print(f"\n== release {', '.join(assignments)}")
    run("release", *assignments)
    for assignment in assignments:
        students = _submit(into, submissions, assignment)
        print(f"\n== {len(students)} sample submissions of {assignment} "
              f"({', '.join(students)}) -> submitted/")
        status = run("grade", assignment, *(["--workers", str(workers)] if workers else []))
        if status not in (0, 1):
            return status
        run("feedback", assignment)
        run("report", assignment)
    print("\n== export")
    run("export")
    print("\n== the gradebook")
    run("gradebook")
    print(f"\nreports: {into / 'reports'}/<assignment>/report.md and scores.png; "
          f"feedback: {into / 'feedback'}; exports: {into / 'exports'}")
    print(f"it is a plain nbgrader course: `cd {into} && nbgrader list`, or start `jupyter "
          "lab` there and open the Formgrader (Nbgrader menu)")
    return 0


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course demo``"""
    return run_demo(Path(args.into), Path(args.template), Path(args.submissions), args.workers)


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("demo", help="the whole workflow on the sample submissions, in a "
                         "copy of the course")
    p.add_argument("--into", default="build/course-demo", help="where the demo course goes "
                   "(replaced if it exists)")
    p.add_argument("--template", default="exercises", help="the course to copy")
    p.add_argument("--submissions", default=SAMPLES,
                   help="sample submissions: <assignment>/<student>/ folders")
    p.add_argument("--workers", "-j", type=whole_workers, default=None)
    p.set_defaults(func=run)
