"""``report``: for the instructor, how the class did on each question of an assignment.

Writes, under ``reports/<assignment>/``:

- ``scores.png``: one histogram per graded cell (share of the points earned, 0 to 1);
- ``report.md``: per graded cell the mean and the number of full, partial and zero scores;
  per question the most common wrong answers (orderings, shapes, choices, ...), with how
  many students gave each and the score it earned; and, by student, every flag the grader
  raised (answers file missing or malformed, variant mismatch, grading errors) and every
  test cell that failed with an error;
- ``wrong_answers.json``: the same answers as data.

Scores come from the gradebook; answers from the results that ``grade_cell`` records in the
autograded notebooks. ::

    report(Course.open("exercises"), "hw1-pipeline").wrong["hw1-choice-two-stages"]
    # [("b", 3, 0.0), ...]: the answer, how many gave it, the score it earned
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coursedir import Course, CourseError
from .export import read_records

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


def test_errors(notebook: Path) -> list[str]:
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
            flags[student] += test_errors(notebook)
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
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _markdown(report: Report, scores: dict[str, tuple[float, list[float]]]) -> str:
    lines = [f"# {report.assignment}: how the class did", "",
             "| graded cell | points | mean | full | partial | zero |", "|---|---|---|---|---|---|"]
    for name, (maximum, shares) in scores.items():
        full = sum(s >= 1 - 1e-9 for s in shares)
        zero = sum(s <= 1e-9 for s in shares)
        mean = sum(shares) / len(shares) if shares else 0.0
        lines.append(f"| {name} | {maximum:g} | {mean:.0%} | {full} | "
                     f"{len(shares) - full - zero} | {zero} |")
    lines += ["", f"![scores]({report.plot.name})", "", "## Most common wrong answers", ""]
    if not report.wrong:
        lines.append("None recorded.")
    for qid, answers in report.wrong.items():
        lines.append(f"**{qid}**")
        lines += [f"- {n} x `{json.dumps(answer)}` (score {score:.0%})"
                  for answer, n, score in answers]
        lines.append("")
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
    _plot(scores, result.plot, f"{assignment}: scores per graded cell")
    result.markdown.write_text(_markdown(result, scores), encoding="utf-8")
    (out / "wrong_answers.json").write_text(json.dumps(
        {qid: [{"answer": a, "count": n, "score": s} for a, n, s in answers]
         for qid, answers in result.wrong.items()}, indent=1), encoding="utf-8")
    return result
