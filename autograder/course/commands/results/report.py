"""``encoder-kit course report``: for the instructor, how the class did on each question of an assignment.

Writes, under ``reports/<assignment>/``:

- ``scores.png``: one histogram per graded cell (share of the points earned, 0 to 1);
- ``report.md``: per graded cell the mean and the number of full, partial and zero scores;
  per question the most common wrong answers (orderings, shapes, choices, ...), with how
  many students gave each and the score it earned; and, by student, every flag the grader
  raised (answers file missing or malformed, variant mismatch, grading errors) and every
  test cell that failed with an error;
- ``wrong_answers.json``: the same answers as data;
- in ``report.md``, the grader's notes per student, by kind (limits, tampering, ...: see
  :mod:`autograder.course.notes`);
- ``item_statistics.png`` / ``item_statistics.json`` and a table in ``report.md``: per
  graded item, facility, discrimination (item against the rest of the assignment, and the
  upper-lower 27 % index), the share choosing each option, an ordering's most common first
  wrong step, and flags (too easy, too hard, low or negative discrimination, a distractor
  nobody chose), as Moodle's quiz statistics report computes them
  (:mod:`autograder.item_stats`).

Scores come from the gradebook; answers from the results that ``grade_cell`` records in the
autograded notebooks. ::

    report(Course.open("exercises"), "hw1-pipeline").wrong["hw1-choice-two-stages"]
    # [("b", 3, 0.0), ...]: the answer, how many gave it, the score it earned
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import item_stats
from autograder.course.coursedir import Course, CourseError
from autograder.course.notes import Note, count_kinds, load_notes
from autograder.course.protocol import read_result_records as read_records

from ..options import common_parser, open_course, where

TOP = 5


@dataclass
class Report:
    """What ``report`` found and wrote."""

    assignment: str
    folder: Path
    plot: Path
    markdown: Path
    scores: dict[str, list[float]] = field(default_factory=dict)
    wrong: dict[str, list[tuple[Any, int, float]]] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)
    items: list[item_stats.ItemStats] = field(default_factory=list)
    items_plot: Path | None = None
    notes: dict[str, list[Note]] = field(default_factory=dict)  # the grader's, by student


def cell_scores(course: Course, assignment: str) -> dict[str, tuple[float, list[float]]]:
    """``{grade id: (max points, [share earned per submission])}`` from the gradebook."""
    from nbgrader.api import Gradebook

    found: dict[str, tuple[float, list[float]]] = {}
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for submission in gradebook.find_assignment(assignment).submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    maximum = float(grade.max_score or 0)
                    share = float(grade.score or 0) / maximum if maximum else 0.0
                    found.setdefault(grade.name, (maximum, []))[1].append(share)
    return dict(sorted(found.items()))


def failed_test_cells(notebook: Path) -> list[str]:
    """``"<grade id>: <error>"`` for every autograder test cell that raised."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    found = []
    for cell in data.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or meta.get("solution") or cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                evalue = " ".join(str(output.get("evalue", "")).split())
                found.append(f"{meta.get('grade_id')}: {output.get('ename')}: {evalue[:90]}")
    return found


def wrong_answers(course: Course, assignment: str) -> tuple[dict[str, list[tuple[Any, int, float]]],
                                                            dict[str, list[str]]]:
    """Most common wrong answers per question, and the flags raised per student."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    scores: dict[tuple[str, str], float] = {}
    flags: dict[str, list[str]] = defaultdict(list)
    for student in course.submissions(assignment):
        for notebook in sorted(course.folder("autograded", student, assignment).glob("*.ipynb")):
            flags[student] += failed_test_cells(notebook)
            for record in read_records(notebook):
                qid = record.get("question_id", "?")
                flags[student] += [f"{qid}: {flag}" for flag in record.get("flags", [])]
                if record.get("score", 0) >= 1 or record.get("answer") is None:
                    continue
                key = json.dumps(record["answer"], sort_keys=True)
                counts[qid][key] += 1
                scores[(qid, key)] = float(record.get("score", 0))
    wrong = {qid: [(json.loads(key), n, scores[(qid, key)]) for key, n in c.most_common(TOP)]
             for qid, c in sorted(counts.items())}
    return wrong, {s: f for s, f in sorted(flags.items()) if f}


def _item_name(grade_id: str, recorded: set[str]) -> str:
    """A test cell ``test-<question id>`` is named by its question when one was recorded."""
    question_id = grade_id.removeprefix("test-")
    return question_id if question_id in recorded else grade_id


def item_inputs(course: Course, assignment: str) -> item_stats.ItemInputs:
    """Per student and graded item: the points (gradebook, manual grades included) and,
    from the result records, what each student chose (options, version, first wrong step)."""
    from nbgrader.api import Gradebook

    pairs: list[tuple[str, dict[str, Any]]] = []
    for student in course.submissions(assignment):
        for notebook in sorted(course.folder("autograded", student, assignment).glob("*.ipynb")):
            for record in read_records(notebook):
                pairs.append((student, {
                    "question_id": record.get("question_id", "?"),
                    "points": record.get("points", 0), "max_points": record.get("max_points", 0),
                    "details": record.get("analysis") or {}}))
    recorded = {data["question_id"] for _, data in pairs}
    questions: dict[str, Any] = {}
    for question_id in sorted(recorded):
        try:
            questions[question_id] = course.find_question(question_id)
        except LookupError:  # a record for a question no longer on the path: no options
            pass
    inputs = item_stats.collect(pairs, questions)
    # the gradebook is the authority on points (late penalties aside, manual grades count)
    inputs.scores, inputs.max_points = {}, {}
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for submission in gradebook.find_assignment(assignment).submissions:
            row = inputs.scores.setdefault(submission.student.id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    name = _item_name(grade.name, recorded)
                    row[name] = float(grade.score or 0)
                    inputs.max_points[name] = float(grade.max_score or 0)
    for item in [i for i, top in inputs.max_points.items() if top <= 0]:  # 0-point checks
        del inputs.max_points[item]
        for row in inputs.scores.values():
            row.pop(item, None)
    return inputs


def describe_scores(scores: dict[str, tuple[float, list[float]]]) -> str:
    """The score plot in words (its text alternative): per graded cell, how the class scored.

    >>> print(describe_scores({"q1": (2.0, [1.0, 0.5, 0.0, 1.0])}))
    Histograms of the share of the points per graded cell, 1 cell.
    q1 (2 pt): 4 submissions, mean 62%, 2 full, 1 partial, 1 zero.
    """
    lines = [f"Histograms of the share of the points per graded cell, {len(scores)} cell"
             + ("s." if len(scores) != 1 else ".")]
    for name, (maximum, shares) in scores.items():
        mean, full, partial, zero = _cell_summary(shares)
        lines.append(f"{name} ({maximum:g} pt): {len(shares)} submissions, mean {mean:.0%}, "
                     f"{full} full, {partial} partial, {zero} zero.")
    return "\n".join(lines)


def _cell_summary(shares: list[float]) -> tuple[float, int, int, int]:
    """Mean share of the points, and how many submissions got full, partial and zero."""
    full = sum(s >= 1 - 1e-9 for s in shares)
    zero = sum(s <= 1e-9 for s in shares)
    mean = sum(shares) / len(shares) if shares else 0.0
    return mean, full, len(shares) - full - zero, zero


def _plot(scores: dict[str, tuple[float, list[float]]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(scores)
    columns = min(3, max(1, len(names)))
    rows = (len(names) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 2.6 * rows), squeeze=False)
    for axis in axes.flat[len(names):]:
        axis.set_visible(False)
    for axis, name in zip(axes.flat, names, strict=False):
        maximum, shares = scores[name]
        axis.hist(shares, bins=[i / 10 for i in range(11)], color="#3b6ea8", edgecolor="white")
        axis.set_title(f"{name} ({maximum:g} pt)", fontsize=9)
        axis.set_xlim(0, 1)
        axis.set_xlabel("share of the points", fontsize=8)
        axis.set_ylabel("submissions", fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Description": describe_scores(scores)})
    plt.close(figure)


def _markdown(report: Report, scores: dict[str, tuple[float, list[float]]]) -> str:
    lines = [f"# {report.assignment}: how the class did", "",
             "| graded cell | points | mean | full | partial | zero |", "|---|---|---|---|---|---|"]
    for name, (maximum, shares) in scores.items():
        mean, full, partial, zero = _cell_summary(shares)
        lines.append(f"| {name} | {maximum:g} | {mean:.0%} | {full} | {partial} | {zero} |")
    lines += ["", f"![Score distribution per graded cell]({report.plot.name})", "",
              describe_scores(scores), "", "## Most common wrong answers", ""]
    if not report.wrong:
        lines.append("None recorded.")
    for qid, answers in report.wrong.items():
        lines.append(f"**{qid}**")
        lines += [f"- {n} x `{json.dumps(answer)}` (score {score:.0%})"
                  for answer, n, score in answers]
        lines.append("")
    lines += ["## Item statistics", "",
              "Facility is the mean share of the points; discrimination correlates the item "
              "with the rest of the assignment (below 0.2: it hardly separates students who "
              "know the unit from those who do not; below 0: check the key).", "", "```",
              item_stats.format_table(report.items), "```", ""]
    if report.items_plot is not None:
        lines += [f"![item statistics]({report.items_plot.name})", "",
                  item_stats.describe_plot(report.items), ""]
    lines += ["## The grader's notes", ""]
    counts = count_kinds(report.notes)
    if counts:
        lines += ["By kind: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".", ""]
        for student, notes in report.notes.items():
            lines.append(f"- {student}:")
            lines += [f"  - [{note.kind}] {note.text}" for note in notes]
        lines.append("")
    else:
        lines += ["None.", ""]
    lines += ["## Flags for the instructor", ""]
    lines += [f"- {student}: {', '.join(flags)}" for student, flags in report.flags.items()]
    if not report.flags:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def report(course: Course, assignment: str, folder: str | Path | None = None) -> Report:
    """Write the plot and the summary of ``assignment``'s grades."""
    scores = cell_scores(course, assignment)
    if not scores:
        raise CourseError(f"no grades for {assignment!r} in the gradebook yet: grade the "
                          f"submissions first (encoder-kit course grade {assignment})")
    out = Path(folder) if folder else course.root / "reports" / assignment
    out.mkdir(parents=True, exist_ok=True)
    result = Report(assignment, out, out / "scores.png", out / "report.md",
                    scores={k: v[1] for k, v in scores.items()})
    result.wrong, result.flags = wrong_answers(course, assignment)
    result.notes = load_notes(course, assignment)
    _plot(scores, result.plot, f"{assignment}: scores per graded cell")
    result.items = item_inputs(course, assignment).statistics()
    if result.items:
        result.items_plot = item_stats.plot(result.items, out / "item_statistics.png",
                                            f"{assignment}: item statistics")
    (out / "item_statistics.json").write_text(json.dumps(
        [s.to_dict() for s in result.items], indent=1), encoding="utf-8")
    result.markdown.write_text(_markdown(result, scores), encoding="utf-8")
    (out / "wrong_answers.json").write_text(json.dumps(
        {qid: [{"answer": a, "count": n, "score": s} for a, n, s in answers]
         for qid, answers in result.wrong.items()}, indent=1), encoding="utf-8")
    return result


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course report ASSIGNMENT``"""
    course = open_course(args)
    result = report(course, args.assignment, args.to)
    print(f"report for {args.assignment}: {len(result.scores)} graded cells, "
          f"{sum(len(v) for v in result.wrong.values())} common wrong answer(s), "
          f"{len(result.flags)} student(s) flagged -> {where(result.folder)}")
    flagged = [s for s in result.items if s.flags]
    print(f"  item statistics: {len(result.items)} item(s), {len(flagged)} flagged"
          + "".join(f"\n    {s.item}: {', '.join(s.flags)}" for s in flagged))
    print(f"  {result.plot.name} (score distributions), {result.markdown.name} (summary), "
          "wrong_answers.json, item_statistics.png/.json")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("report", parents=[common_parser()], help="score distributions, "
                         "the most common wrong answers and item statistics")
    p.add_argument("assignment")
    p.add_argument("--to", default=None, help="output folder (default: <course>/reports/A)")
    p.set_defaults(func=run)
