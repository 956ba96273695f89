"""The item-validity figures of issue 11 (benchmarks/bench_item_validity.py) meet their targets.

A copied correct answer, mapped to another student's view by the texts that student sees,
earns full credit on at most 35 % of (graded slot, student pair); the right option is the
strictly longest in at most chance + 10 points of the single-answer groups.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_item_validity as bench  # noqa: E402

from encoder_kit.questions import load_bank, load_questions  # noqa: E402


def test_answers_are_mapped_by_the_texts_the_other_student_sees() -> None:
    view_a = {"options": [{"id": "k7", "text": "Freeze  the encoder"}, {"id": "m2", "text": "X"}]}
    view_b = {"options": [{"id": "p4", "text": "Freeze the encoder"}, {"id": "k7", "text": "Y"}]}
    assert bench.map_answer("k7", "choice", view_a, view_b) == "p4"
    assert bench.map_answer("m2", "choice", view_a, view_b) is None  # B does not see "X"
    items_a = {"items": [{"id": "a", "text": "Split"}, {"id": "b", "text": "Embed"}]}
    items_b = {"items": [{"id": "q", "text": "Embed"}, {"id": "r", "text": "Pool"}]}
    assert bench.map_answer(["a", "b"], "ordering", items_a, items_b) == ["q"]
    palette_a = {"palette": [{"id": "c1", "label": "Encoder"}, {"id": "c2", "label": "Head"}]}
    palette_b = {"palette": [{"id": "z9", "label": "Head"}, {"id": "z8", "label": "Encoder"}]}
    design = {"components": ["c1", "c2"], "connections": [["c1", "c2"]], "justification": "t"}
    assert bench.map_answer(design, "design", palette_a, palette_b) == {
        "components": ["z8", "z9"],
        "connections": [["z8", "z9"]],
    }
    assert bench.map_answer([4, 9, 768], "shape", {}, {}) == [4, 9, 768]


def test_every_graded_slot_of_the_course_is_measured() -> None:
    slots = bench.graded_slots()
    assert len(slots) >= 12
    assert {assignment for assignment, _ in slots} >= {"hw1-pipeline", "hw2-shapes", "hw5-ner"}


def test_a_copied_answer_rarely_earns_full_credit() -> None:
    rows, overall = bench.sharing([f"s{number:03d}" for number in range(40)])
    assert overall <= 0.35, rows
    assert all(row["shared"] <= 0.5 for row in rows), rows


def test_the_right_option_is_not_the_longest_more_often_than_chance_allows() -> None:
    questions = list(load_bank()) + list(load_questions(ROOT / "exercises" / "questions"))
    cue = bench.longest_option(questions)
    assert cue["groups"] >= 40
    assert cue["rate"] <= cue["chance"] + 0.10, cue["which"]
