"""``encoder-kit course gradebook``: the gradebook as a plain-text table, one row per
student, one column per assignment.

>>> print(format_table(["student", "hw1"], [["ada", "8 / 8"], ["ben", "4.86 / 8"]]))
student  hw1
-------  --------
ada      8 / 8
ben      4.86 / 8
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from ..options import common_parser, open_course


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[Any]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def gradebook_table(course: Any, assignments: Sequence[str] | None = None) -> str:
    """Scores of every student in every (or the named) assignment, from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gradebook:
        chosen = [a for a in gradebook.assignments if not assignments or a.name in assignments]
        header = ["student", *(a.name for a in chosen)]
        rows = []
        for student in gradebook.students:
            row = [student.id]
            for assignment in chosen:
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.append("-")
                    continue
                mark = " *" if submission.needs_manual_grade else ""
                row.append(f"{submission.score:.4g} / {submission.max_score:g}{mark}")
            rows.append(row)
    note = "\n(* waiting for grading by hand; - not submitted)"
    return format_table(header, rows) + note


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course gradebook [ASSIGNMENT...]``"""
    print(gradebook_table(open_course(args), args.assignment or None))
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("gradebook", parents=[common_parser()], help="print the gradebook as "
                         "a table")
    p.add_argument("assignment", nargs="*")
    p.set_defaults(func=run)
