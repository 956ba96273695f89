"""``encoder-kit course feedback``: nbgrader's generate_feedback with hidden tests removed and results labelled.

nbgrader's own feedback shows every test cell as graded, hidden tests included. Here the
feedback chain is ``GetGrades``, ``LabelTests`` (drops the hidden part of every test cell and
labels it "Public test" or "Hidden test"), ``ReadableResults`` (the student's answer in words,
points and wrapped feedback per question), ``DropGradingRecords``, ``ClearMarkScheme`` and the
HTML header, whatever the course's config says. What the feedback shows is then scanned
(every cell but the student's own answers, which hold the key when they are right): no
graded key or explanation, no hidden-test or mark-scheme marker, no hidden test data. One
finding and the assignment's feedback files are removed and ``FeedbackLeakError`` lists
them. ::

    feedback(Course.open("exercises"), "hw1-pipeline").files["ada"]   # [.../hw1-pipeline.html]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from autograder.course.coursedir import Course, CourseError, scripts_on_path

from .options import common_parser, open_course, where
from .release import MARKERS, hidden_snippets

_TAG = re.compile(r"<[^>]+>")


class FeedbackLeakError(CourseError):
    """Feedback files would have given something away; none were kept."""


@dataclass
class FeedbackReport:
    """Feedback files written, by student."""

    assignment: str
    files: dict[str, list[Path]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


class TooEarlyError(CourseError):
    """Explanations asked for before the due date (or with none set)."""


def due_date(course: Course, assignment: str) -> datetime | None:
    """The assignment's due date in the gradebook (naive UTC, as nbgrader keeps it)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gradebook:
        return gradebook.find_assignment(assignment).duedate


def check_past_due(course: Course, assignment: str, now: datetime | None = None) -> datetime:
    """The due date, when it has passed; ``TooEarlyError`` (naming the fix) otherwise."""
    due = due_date(course, assignment)
    if due is None:
        raise TooEarlyError(
            f"{assignment} has no due date, so explanations cannot be released after it: set "
            f"one (nbgrader db assignment add {assignment} --duedate '2026-12-01 17:00:00 UTC')"
            " and wait for it; nothing was written")
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if now < due:
        raise TooEarlyError(
            f"{assignment} is due {due:%Y-%m-%d %H:%M} UTC: explanations give the answers "
            "away, so they are released only after the due date (and after the last "
            "extension); run this again then. Nothing was written")
    return due


def _feedback_config(course: Course, with_explanations: bool = False) -> object:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearMarkScheme, GetGrades

    from autograder.course.preprocessors import DropGradingRecords, LabelTests, ReadableResults

    config = course.config.copy()
    config.GenerateFeedback.preprocessors = [GetGrades, LabelTests, ReadableResults,
                                             DropGradingRecords, ClearMarkScheme,
                                             CSSHTMLHeaderPreprocessor]
    config.ReadableResults.question_path = [str(p) for p in course.question_path()]
    config.ReadableResults.course_id = course.course_id
    config.ReadableResults.with_explanations = with_explanations
    return config


def _shown_text(notebook: Path, course: Course | None = None) -> str:
    """What the feedback shows of a notebook, apart from the student's own answer cells."""
    import nbformat
    from nbgrader import utils
    from nbgrader.preprocessors import ClearMarkScheme

    from autograder.course.preprocessors import DropGradingRecords, LabelTests, ReadableResults

    nb = nbformat.read(notebook, as_version=4)
    readable = ReadableResults()
    if course is not None:
        readable.question_path = [str(p) for p in course.question_path()]
        readable.course_id = course.course_id
    resources = {"nbgrader": {"student": notebook.parent.parent.name,
                              "assignment": notebook.parent.name}}
    for step in (LabelTests(), readable, DropGradingRecords(), ClearMarkScheme()):
        nb, _ = step.preprocess(nb, resources)
    parts = []
    for cell in nb.cells:
        if utils.is_solution(cell):
            continue  # the student's own answer: a correct one is the key, and that is fine
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts += [output.get("text", ""), output.get("ename", ""), output.get("evalue", "")]
            parts += list(output.get("traceback", []))
            parts += [str(v) for v in (output.get("data") or {}).values()]
    return "\n".join(parts)


def scan_feedback(course: Course, assignment: str, students: list[str],
                  keys_allowed: bool = False) -> list[str]:
    """Every leak in the feedback of ``students``: keys, explanations, hidden-test code or
    markers, hidden data (the students' own answers are not counted). ``keys_allowed``
    (explanations released after the due date) skips the keys and explanations only."""
    from encoder_kit.questions.files.leaks import leaks_in_text

    questions = course.graded_questions()
    _, snippets = hidden_snippets(course.hidden_dir())
    problems = []
    for student in students:
        for notebook in sorted(course.folder("autograded", student, assignment).glob("*.ipynb")):
            where = str(course.folder("feedback", student, assignment) / notebook.stem) + ".html"
            text = _shown_text(notebook, course)
            found = set() if keys_allowed else {
                leak.question_id for leak in leaks_in_text(text, where, questions,
                                                           include_feedback=False)}
            problems += [f"{where}: holds the explanation or key of graded question {qid!r}"
                         for qid in sorted(found)]
            flat = " ".join(text.split())
            problems += [f"{where}: holds the marker {m!r}" for m in MARKERS if m in flat]
            leaked = [s for s in snippets if s in flat]
            if leaked:
                problems.append(f"{where}: holds {len(leaked)} sentence(s) of the hidden test "
                                "data")
        html_folder = course.folder("feedback", student, assignment)
        for page in sorted(html_folder.glob("*.html")):
            raw = html.unescape(_TAG.sub("", page.read_text(encoding="utf-8", errors="ignore")))
            problems += [f"{page}: holds the marker {m!r}" for m in MARKERS[2:]
                         if m in raw]
    return problems


def feedback(course: Course, assignment: str, with_explanations: bool = False,
             now: datetime | None = None) -> FeedbackReport:
    """Write feedback for every autograded submission of ``assignment``, then check it.

    ``with_explanations`` adds each question's explanation (the student's own version's),
    and is refused (``TooEarlyError``, nothing written) before the due date or without one.
    """
    from nbgrader.apps import NbGraderAPI

    scripts_on_path()
    course.source(assignment)
    if with_explanations:
        check_past_due(course, assignment, now)
    report = FeedbackReport(assignment)
    graded = {s for s in course.submissions(assignment)
              if course.folder("autograded", s, assignment).is_dir()}
    report.missing = sorted(set(course.submissions(assignment)) - graded)
    if not graded:
        raise CourseError(f"no autograded submissions of {assignment!r}: grade them first "
                          f"(encoder-kit course grade {assignment})")
    config = _feedback_config(course, with_explanations)
    api = NbGraderAPI(course.coursedir(), config=config)
    outcome = api.generate_feedback(assignment, force=True)
    if not outcome.get("success"):
        detail = (outcome.get("error") or outcome.get("log") or "").strip()[-3000:]
        raise CourseError(f"nbgrader generate_feedback failed for {assignment}:\n{detail}")
    written = [course.folder("feedback", s, assignment) for s in sorted(graded)]
    problems = scan_feedback(course, assignment, sorted(graded), keys_allowed=with_explanations)
    if problems:
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)
        raise FeedbackLeakError(
            f"feedback for {assignment} was NOT kept: {len(problems)} problem(s) (the files "
            "were removed):\n- " + "\n- ".join(problems)
        )
    for student, folder in zip(sorted(graded), written, strict=True):
        report.files[student] = sorted(folder.glob("*.html"))
    return report


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course feedback ASSIGNMENT``"""
    course = open_course(args)
    report = feedback(course, args.assignment, with_explanations=args.with_explanations)
    count = sum(len(files) for files in report.files.values())
    print(f"feedback for {args.assignment}: {count} file(s) for {len(report.files)} "
          f"student(s), hidden test code removed, public and hidden results labelled, "
          + ("with each question's explanation (past the due date), checked for hidden data"
             if args.with_explanations else "checked for keys and hidden data")
          + " -> "
          f"{where(course.folder('feedback'))}/<student>/{args.assignment}/")
    if report.missing:
        print(f"  not autograded yet, so no feedback: {', '.join(report.missing)}")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("feedback", parents=[common_parser()], help="feedback files per "
                         "student, hidden tests removed, public and hidden results labelled")
    p.add_argument("assignment")
    p.add_argument("--with-explanations", action="store_true",
                   help="add each question's explanation; refused before the due date")
    p.set_defaults(func=run)
