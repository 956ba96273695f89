"""``encoder-kit course export``: grades out of the gradebook, in three forms.

- ``grades.csv``: nbgrader's own CSV export (one row per student and assignment);
- ``canvas.csv``: a Canvas gradebook import: ``Student, ID, SIS User ID, SIS Login ID,
  Section`` and one column per assignment, with a ``Points Possible`` row. Canvas matches
  rows on the SIS ids: by default the nbgrader student ids; where they differ, ``--roster
  roster.csv`` (columns ``nbgrader_id, sis_id`` and optionally ``name``, ``login_id``,
  ``section``) maps each nbgrader id to the Canvas student. A student in the gradebook but
  not in the roster stops the export before any file is written, naming them;
- ``gradescope/<assignment>/<student>/results.json``: Gradescope's autograder results, one
  test per graded cell (score, maximum, the cell's printed feedback), made with
  ``autograder.exports.gradescope_results``.

Every number comes from the gradebook (manual scores included) and late penalties are taken
off as nbgrader's own CSV takes them off (``final_score``), so the three agree with it and
with each other; ``--assignment`` limits all three. ::

    export(Course.open("exercises")).gradescope   # [.../gradescope/hw1-pipeline/ada/results.json, ...]
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course.coursedir import Course, scripts_on_path
from autograder.course.protocol import read_result_records

from ..options import common_parser, open_course, where

CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


@dataclass
class ExportReport:
    """Files written by ``export``."""

    folder: Path
    grades_csv: Path
    canvas_csv: Path
    gradescope: list[Path] = field(default_factory=list)


def _cell_outputs(course: Course, student: str, assignment: str) -> dict[str, str]:
    """``{grade id: printed output}`` from the autograded notebooks."""
    import nbformat

    texts: dict[str, str] = {}
    folder = course.folder("autograded", student, assignment)
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if not grade_id or cell.cell_type != "code":
                continue
            parts = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    parts.append(output.get("text", ""))
                elif output.get("output_type") == "error":
                    parts.append(f"{output.get('ename')}: {output.get('evalue')}")
            texts[grade_id] = "".join(parts).strip()
    return texts


def submission_results(course: Course, gradebook: Any, assignment: str, student: str) -> list:
    """One ``Result`` per graded cell of a submission, with the gradebook's scores."""
    from autograder import Result

    outputs = _cell_outputs(course, student, assignment)
    submission = gradebook.find_submission(assignment, student)
    results = []
    for notebook in submission.notebooks:
        comments = {c.name: c for c in notebook.comments}
        for grade in sorted(notebook.grades, key=lambda g: g.name):
            maximum = float(grade.max_score or 0)
            score = float(grade.score or 0)
            feedback = outputs.get(grade.name, "")
            comment = comments.get(grade.name)
            if comment is not None and comment.manual_comment:
                feedback = (feedback + "\n\nGrader's comment: " + comment.manual_comment).strip()
            if grade.needs_manual_grade:
                feedback = (feedback + "\n\n(Waiting for grading by hand.)").strip()
            results.append(Result(score / maximum if maximum else 0.0, maximum, feedback,
                                  question_id=grade.name))
    return results


def final_score(submission: Any) -> float:
    """What the student finally gets: the score less the late penalty, never below 0 (the
    ``score`` column of nbgrader's own CSV export)."""
    penalty = float(submission.late_submission_penalty or 0)
    return max(0.0, float(submission.score or 0) - penalty)


@dataclass(frozen=True)
class RosterEntry:
    """One Canvas student as the roster names them."""

    sis_id: str
    name: str = ""
    login_id: str = ""
    section: str = ""


def read_roster(path: str | Path) -> dict[str, RosterEntry]:
    """``{nbgrader id: RosterEntry}`` from a CSV with ``nbgrader_id`` and ``sis_id`` columns
    (optional: ``name``, ``login_id``, ``section``); CourseError names what is wrong."""
    from autograder.course.coursedir import CourseError

    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in ("nbgrader_id", "sis_id") if c not in columns]
        if missing:
            raise CourseError(f"roster {path} lacks the column(s) {', '.join(missing)}; its "
                              "header must be nbgrader_id,sis_id[,name,login_id,section]")
        roster: dict[str, RosterEntry] = {}
        for line, row in enumerate(reader, 2):
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            if not row.get("nbgrader_id") or not row.get("sis_id"):
                raise CourseError(f"roster {path} line {line}: nbgrader_id and sis_id must "
                                  "both be given")
            if row["nbgrader_id"] in roster:
                raise CourseError(f"roster {path} line {line}: {row['nbgrader_id']!r} is "
                                  "listed twice")
            roster[row["nbgrader_id"]] = RosterEntry(
                row["sis_id"], row.get("name", ""), row.get("login_id", ""),
                row.get("section", ""))
    return roster


def check_roster(gradebook: Any, roster: dict[str, RosterEntry] | None) -> None:
    """CourseError when a student of the gradebook is missing from the roster."""
    from autograder.course.coursedir import CourseError

    if roster is None:
        return
    missing = sorted(s.id for s in gradebook.students if s.id not in roster)
    if missing:
        raise CourseError(f"{len(missing)} student(s) of the gradebook are not in the roster: "
                          f"{', '.join(missing)}; add a row (nbgrader_id,sis_id,...) for each "
                          "and export again (nothing was written)")


def _canvas(gradebook: Any, path: Path, assignments: list[str] | None = None,
            roster: dict[str, RosterEntry] | None = None) -> None:
    check_roster(gradebook, roster)
    chosen = [a for a in gradebook.assignments if not assignments or a.name in assignments]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_FIXED, *(a.name for a in chosen)])
        writer.writerow(["Points Possible", "", "", "", "", *(f"{a.max_score:g}"
                                                              for a in chosen)])
        for student in gradebook.students:
            name = ", ".join(p for p in (student.last_name, student.first_name) if p)
            row = [name or student.id, "", student.id, student.id, ""]
            if roster is not None:
                entry = roster[student.id]
                row = [entry.name or name or student.id, "", entry.sis_id,
                       entry.login_id or entry.sis_id, entry.section]
            for assignment in chosen:
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except Exception:  # no submission: an empty cell, not a zero
                    row.append("")
                else:
                    row.append(f"{final_score(submission):.6g}")
            writer.writerow(row)


def export(course: Course, folder: str | Path | None = None,
           assignments: list[str] | None = None,
           roster: dict[str, RosterEntry] | None = None) -> ExportReport:
    """Write grades.csv, canvas.csv and Gradescope results into ``folder`` (``roster``: the
    nbgrader id -> Canvas student map, see ``read_roster``)."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    from autograder import write_gradescope_results

    scripts_on_path()
    out = Path(folder) if folder else course.root / "exports"
    report = ExportReport(out, out / "grades.csv", out / "canvas.csv")
    with Gradebook(course.db_url, course.course_id) as gradebook:
        check_roster(gradebook, roster)  # before anything is written
        out.mkdir(parents=True, exist_ok=True)
        plugin = CsvExportPlugin(config=course.config)
        plugin.to = str(report.grades_csv)
        plugin.assignment = list(assignments or [])
        plugin.export(gradebook)
        _canvas(gradebook, report.canvas_csv, assignments, roster)
        for assignment in gradebook.assignments:
            if assignments and assignment.name not in assignments:
                continue
            for submission in assignment.submissions:
                student = submission.student.id
                results = submission_results(course, gradebook, assignment.name, student)
                target = out / "gradescope" / assignment.name / student / "results.json"
                penalty = float(submission.late_submission_penalty or 0)
                report.gradescope.append(write_gradescope_results(results, target,
                                                                  penalty=penalty))
    return report


read_records = read_result_records  # the results grade_cell recorded (see the protocol)


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course export``"""
    course = open_course(args)
    roster = read_roster(args.roster) if args.roster else None
    report = export(course, args.to, args.assignment or None, roster)
    print(f"exported the gradebook -> {where(report.folder)}")
    print(f"  {report.grades_csv.name} (nbgrader's CSV), {report.canvas_csv.name} (Canvas "
          f"import), gradescope/<assignment>/<student>/results.json "
          f"({len(report.gradescope)} submission(s))")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("export", parents=[common_parser()], help="grades.csv, canvas.csv "
                         "and Gradescope results.json per submission")
    p.add_argument("--to", default=None, help="output folder (default: <course>/exports)")
    p.add_argument("--assignment", action="append", default=[],
                   help="export only this assignment (repeat for several)")
    p.add_argument("--roster", default=None, metavar="CSV",
                   help="map nbgrader ids to Canvas students: a CSV with columns "
                        "nbgrader_id,sis_id[,name,login_id,section]; every student of the "
                        "gradebook must be in it")
    p.set_defaults(func=run)
