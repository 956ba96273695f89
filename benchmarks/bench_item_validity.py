"""Item validity (issue 11): how often a copied answer carries over, how often length cues.

Run: .venv/bin/python benchmarks/bench_item_validity.py [--students 40] [--markdown]

1. **Sharing.** For every graded slot of the course (the ids that ``grade_cell(...)`` calls
   in the notebooks of exercises/source name and that exercises/questions defines; code
   questions excluded) and every ordered pair (A, B) of ``--students`` simulated students
   (s000, s001, ...; course ``encoder-kit-course``, assignment = the notebook's folder, as
   the course draws them): A's correct answer (``reference_answer`` of A's version and
   variant) is mapped to B's view BY THE TEXTS B SEES (choice: option texts; diagnosis:
   cause and fix texts; ordering: item texts; design: component labels, arrows by their
   labels; shape and numeric: the value as is; whatever B does not see is dropped) and
   graded with ``autograder.grade`` as B's answer for B's variant. The figure is the share
   of (slot, ordered pair) that earns full credit, overall and per slot. Target <= 35 %.
2. **Longest option.** Over the practice bank and the course together, the share of
   single-answer groups (choice questions with exactly one correct option; diagnosis causes;
   diagnosis fixes; every version of a pool counts) whose right option is the strictly
   longest text, against chance (the mean of 1/n over the groups). Target <= chance + 10.

Prints a table per figure; ``--markdown`` prints the RESULTS.md section instead.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from common import REPO, machine

sys.path.insert(0, str(REPO))

from autograder import grade, reference_answer  # noqa: E402
from encoder_kit.questions import (  # noqa: E402
    QuestionPool,
    load_bank,
    load_questions,
    make_variant,
)

COURSE = "encoder-kit-course"
GRADE_CALL = re.compile(r"\bgrade_cell\(\s*[\"']([a-z0-9][a-z0-9_-]*)[\"']")
COMMAND = "python benchmarks/bench_item_validity.py --students 40 --markdown"


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def graded_slots(root: Path = REPO / "exercises") -> list[tuple[str, Any]]:
    """(assignment, question) for every graded slot the course's notebooks grade."""
    questions = {q.id: q for q in load_questions(root / "questions")}
    slots: list[tuple[str, Any]] = []
    for folder in sorted(p for p in (root / "source").iterdir() if p.is_dir()):
        seen: list[str] = []
        for notebook in sorted(folder.glob("*.ipynb")):
            cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            for cell in cells:
                source = "".join(cell.get("source", []))
                seen += [qid for qid in GRADE_CALL.findall(source) if qid not in seen]
        for question_id in seen:
            question = questions.get(question_id)
            if question is not None and question.kind != "code" and question.graded:
                slots.append((folder.name, question))
    return slots


def _member(question: Any, variant: Any) -> Any:
    return question.member(variant) if isinstance(question, QuestionPool) else question


def _texts(view: dict[str, Any], field: str, key: str = "text") -> dict[str, str]:
    return {entry["id"]: _norm(entry[key]) for entry in view.get(field) or []}


def map_answer(answer: Any, kind: str, view_a: dict[str, Any], view_b: dict[str, Any]) -> Any:
    """A's answer in B's ids, matched by the texts B sees; what B does not see is dropped."""

    def by_text(field: str, key: str = "text") -> dict[str, str]:
        ids_b = {text: entry_id for entry_id, text in _texts(view_b, field, key).items()}
        return {entry_id: ids_b[text] for entry_id, text in _texts(view_a, field, key).items()
                if text in ids_b}

    if kind in ("shape", "numeric"):
        return answer
    if kind == "choice":
        mapping = by_text("options")
        if isinstance(answer, list):
            return [mapping[a] for a in answer if a in mapping]
        return mapping.get(answer)
    if kind == "diagnosis":
        causes, fixes = by_text("causes"), by_text("fixes")
        mapped = {}
        if answer["cause"] in causes:
            mapped["cause"] = causes[answer["cause"]]
        if answer["fix"] in fixes:
            mapped["fix"] = fixes[answer["fix"]]
        return mapped
    if kind == "ordering":
        mapping = by_text("items")
        return [mapping[a] for a in answer if a in mapping]
    if kind == "design":
        mapping = by_text("palette", "label")
        return {
            "components": [mapping[c] for c in answer.get("components", []) if c in mapping],
            "connections": [
                [mapping[s], mapping[t]]
                for s, t in answer.get("connections", [])
                if s in mapping and t in mapping
            ],
        }
    raise ValueError(f"no mapping for {kind} answers")


def sharing(students: list[str]) -> tuple[list[dict[str, Any]], float]:
    """Per slot: pairs, full-credit pairs, versions drawn and distinct answers."""
    rows = []
    total = shared = 0
    for assignment, question in graded_slots():
        variants = {s: make_variant(question, COURSE, assignment, s) for s in students}
        views = {s: question.student_view(v) for s, v in variants.items()}
        answers = {s: reference_answer(question, v) for s, v in variants.items()}
        kind = _member(question, variants[students[0]]).kind
        cache: dict[tuple[str, str], bool] = {}
        full = pairs = 0
        for a in students:
            for b in students:
                if a == b:
                    continue
                mapped = map_answer(answers[a], kind, views[a], views[b])
                key = (b, json.dumps(mapped, sort_keys=True, default=str))
                if key not in cache:
                    cache[key] = grade(question, mapped, variants[b]).correct
                full += cache[key]
                pairs += 1
        rows.append({
            "slot": question.id,
            "assignment": assignment,
            "kind": kind + (" pool" if isinstance(question, QuestionPool) else ""),
            "versions": len({v.version for v in variants.values()}),
            "answers": len({json.dumps(a, sort_keys=True, default=str) for a in answers.values()}),
            "shared": full / pairs,
        })
        total += pairs
        shared += full
    return rows, shared / total if total else 0.0


def _single_answer_groups(questions: Iterable[Any]) -> Iterable[tuple[str, list[Any]]]:
    for question in questions:
        members = question.versions if isinstance(question, QuestionPool) else [question]
        for member in members:
            if member.kind == "choice" and sum(o.correct for o in member.options) == 1:
                yield member.id, member.options
            elif member.kind == "diagnosis":
                yield f"{member.id} causes", member.causes
                yield f"{member.id} fixes", member.fixes


def longest_option(questions: Iterable[Any]) -> dict[str, Any]:
    """Share of single-answer groups whose right option is the strictly longest text."""
    groups = list(_single_answer_groups(questions))
    longest = []
    for name, options in groups:
        right = next(o for o in options if o.correct)
        others = [len(_norm(o.text)) for o in options if o is not right]
        if len(_norm(right.text)) > max(others):
            longest.append(name)
    chance = sum(1 / len(options) for _, options in groups) / len(groups) if groups else 0.0
    return {
        "groups": len(groups),
        "longest": len(longest),
        "rate": len(longest) / len(groups) if groups else 0.0,
        "chance": chance,
        "which": longest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--markdown", action="store_true", help="print the RESULTS.md section")
    args = parser.parse_args()
    students = [f"s{number:03d}" for number in range(args.students)]
    started = time.perf_counter()
    rows, overall = sharing(students)
    bank = list(load_bank())
    course = list(load_questions(REPO / "exercises" / "questions"))
    cues = {
        "bank and course": longest_option(bank + course),
        "practice bank": longest_option(bank),
        "course": longest_option(course),
    }
    seconds = time.perf_counter() - started
    pairs = args.students * (args.students - 1)

    lines = []
    if args.markdown:
        lines += [
            "### Shared answers and length cues",
            "",
            f"    .venv/bin/{COMMAND}",
            "",
            f"{machine()}, {seconds:.0f} s. {args.students} simulated "
            f"students (s000..s{args.students - 1:03d}), {pairs} ordered pairs per slot; A's "
            "correct answer is mapped to B's view by the texts B sees and graded as B's "
            "answer with `autograder.grade` for B's variant.",
            "",
        ]
    lines += [
        "| slot | assignment | kind | versions drawn | distinct answers "
        "| copied answer full credit |",
        "|---|---|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| `{row['slot']}` | {row['assignment']} | {row['kind']} | {row['versions']} | "
            f"{row['answers']} | {row['shared']:.1%} |"
        )
    lines.append(
        f"| **all {len(rows)} graded slots** | | | | | **{overall:.1%}** (target <= 35 %) |"
    )
    lines += [
        "",
        "| single-answer groups | groups | right option strictly longest | chance | "
        "excess over chance |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, cue in cues.items():
        lines.append(
            f"| {name} | {cue['groups']} | {cue['longest']} ({cue['rate']:.1%}) | "
            f"{cue['chance']:.1%} | {100 * (cue['rate'] - cue['chance']):+.1f} points |"
        )
    lines += ["", "Target: the bank and the course together at most chance + 10 points."]
    if not args.markdown:
        lines += ["", f"{seconds:.1f} s on {machine()}"]
        if cues["bank and course"]["which"]:
            lines += ["", "Right option longest in: " + ", ".join(cues["bank and course"]["which"])]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
