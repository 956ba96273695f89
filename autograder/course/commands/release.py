"""``encoder-kit course release``: nbgrader's generate_assignment, then proof that no key
left with it.

Before nbgrader runs, every question a source notebook names (``show``, ``answer``,
``grade_cell``, ``check_answered``) must exist on the course's question path, and every test
cell that calls ``grade_cell`` must carry exactly that question's points (nbgrader reads the
returned points as partial credit of the cell). The students' view of those questions goes
to ``encoder-kit-questions.json`` in the source folder, so that nbgrader releases it beside
the notebooks (and autograde restores it from there).

After nbgrader runs, the release folder is scanned for: any secret of any graded question
(``find_leaks``), solution, hidden-test and mark-scheme markers, answers files left by a run
of the source notebooks, and hidden test data (files and their sentences). One finding and
the release folder is removed and ``ReleaseError`` lists every finding. ::

    report = release(Course.open("exercises"), "hw1-pipeline")
    report.release_dir, report.questions

>>> QUESTION_CALL.findall('show("hw1-a"); grade_cell("hw4-b", clf)')
[('show', 'hw1-a'), ('grade_cell', 'hw4-b')]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course.coursedir import Course, CourseError
from autograder.course.nbgrader_hooks import (  # noqa: F401 (MARKERS, hidden_snippets: API)
    MARKERS,
    ReleaseLeakError,
    hidden_snippets,
    release_leaks,
)
from autograder.course.notebook.public import write_public_questions
from autograder.course.protocol import ANSWERS_FILENAME, PUBLIC_FILENAME

from .options import common_parser, open_course, where

QUESTION_CALL = re.compile(
    r"\b(show|answer|grade_cell|check_answered)\(\s*[\"']([a-z0-9][a-z0-9_-]*)[\"']"
)


class ReleaseError(CourseError):
    """The assignment was not released; the message lists every problem found."""


@dataclass
class ReleaseReport:
    """What ``release`` did."""

    assignment: str
    release_dir: Path
    notebooks: list[str]
    questions: list[str]
    public_file: Path
    checked: list[str] = field(default_factory=list)


def _cells(notebook: Path) -> list[dict[str, Any]]:
    return json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def referenced_questions(source: Path) -> dict[str, list[str]]:
    """``{question id: [where it is used]}`` for every question the notebooks name."""
    found: dict[str, list[str]] = {}
    for notebook in sorted(source.glob("*.ipynb")):
        for index, cell in enumerate(_cells(notebook)):
            for _, question_id in QUESTION_CALL.findall(_source(cell)):
                found.setdefault(question_id, []).append(f"{notebook.name} cell {index + 1}")
    return found


def check_source(course: Course, assignment: str) -> tuple[list[Any], list[str]]:
    """The questions the source notebooks use, and every problem with them."""
    source = course.source(assignment)
    problems: list[str] = []
    questions: dict[str, Any] = {}
    for question_id, places in referenced_questions(source).items():
        try:
            questions[question_id] = course.find_question(question_id)
        except LookupError as error:
            problems.append(f"{places[0]}: {error}")
    for notebook in sorted(source.glob("*.ipynb")):
        for index, cell in enumerate(_cells(notebook)):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            graded = [qid for call, qid in QUESTION_CALL.findall(_source(cell))
                      if call == "grade_cell" and qid in questions]
            if not graded:
                continue
            points = float(meta.get("points", 0)) if meta.get("grade") else None
            expected = sum(questions[qid].points for qid in graded)
            if points is None:
                problems.append(f"{notebook.name} cell {index + 1} calls grade_cell but is not "
                                f"an autograder test cell; mark it as one with {expected:g} "
                                "points")
            elif abs(points - expected) > 1e-9:
                problems.append(f"{notebook.name} cell {index + 1} ({meta.get('grade_id')}) "
                                f"gives {points:g} points, but {', '.join(graded)} is worth "
                                f"{expected:g}; set the cell's points to {expected:g}")
    return list(questions.values()), problems


def find_release_leaks(course: Course, folder: Path, include_feedback: bool = True) -> list[str]:
    """Every way ``folder`` gives away a key, a solution, a hidden test or hidden data (the
    check nbgrader's GenerateAssignment runs too: ``nbgrader_hooks.CheckReleaseLeaks``).

    Feedback files are scanned with ``include_feedback=False``: they may hold the feedback
    of the options a student chose, never the explanation or a key.
    """
    return release_leaks(folder, course.graded_questions(), course.hidden_dir(),
                         include_feedback)


def release(course: Course, assignment: str) -> ReleaseReport:
    """Generate the student version of ``assignment`` and check it; ReleaseError if unsafe."""
    source = course.source(assignment)
    questions, problems = check_source(course, assignment)
    if problems:
        raise ReleaseError(f"{assignment} was not released:\n- " + "\n- ".join(problems))
    shown = [q for q in questions if q.kind != "code"]
    write_public_questions(shown, source, course.course_id, assignment)
    coursedir = course.coursedir()
    ignore = [*coursedir.ignore, ANSWERS_FILENAME, f"{ANSWERS_FILENAME}.*"]
    api = course.api(ignore=ignore)
    outcome = api.generate_assignment(assignment, force=True, create=True)
    target = course.folder("release", ".", assignment)
    if not outcome.get("success"):
        log = outcome.get("log") or ""
        if "ReleaseLeakError: " in log:  # nbgrader's own generate step ran the leak check
            found = log.split("ReleaseLeakError: ", 1)[1].split("\n[", 1)[0]
            raise ReleaseError(" ".join(found.split("\n", 1)[:1]) + "\n" + "\n".join(
                line.strip() for line in found.splitlines()[1:] if line.strip())
                + f"\n(nbgrader removed {target})")
        detail = (outcome.get("error") or log).strip()[-3000:]
        raise ReleaseError(f"nbgrader generate_assignment failed for {assignment}:\n{detail}")
    leaks = find_release_leaks(course, target)
    if leaks:
        shutil.rmtree(target, ignore_errors=True)
        raise ReleaseError(
            f"{assignment} was NOT released: {len(leaks)} problem(s) in {target} (the folder "
            "was removed):\n- " + "\n- ".join(leaks)
        )
    return ReleaseReport(
        assignment=assignment,
        release_dir=target,
        notebooks=sorted(p.name for p in target.glob("*.ipynb")),
        questions=sorted(q.id for q in questions),
        public_file=target / PUBLIC_FILENAME,
        checked=["graded keys and feedback of every graded question", "solution, hidden-test "
                 "and mark-scheme markers", "answers files", "hidden test data"],
    )


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course release ASSIGNMENT...``"""
    course = open_course(args)
    for assignment in args.assignment:
        report = release(course, assignment)
        print(f"released {assignment}: {', '.join(report.notebooks)} and "
              f"{report.public_file.name} ({len(report.questions)} graded questions) "
              f"-> {where(report.release_dir)}")
        print(f"  checked: no {'; no '.join(report.checked)}")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("release", parents=[common_parser()], help="generate the student "
                         "version and check that no key, hidden test or solution is in it")
    p.add_argument("assignment", nargs="+")
    p.set_defaults(func=run)
