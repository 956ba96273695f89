"""Every scenario of the unit is graded (issue 12, item 1): each scenario maps to the graded
item(s) that assess it and the assignment whose source notebook grades them.

A scenario fails here when its item is missing from exercises/questions, is not graded, is
not drawn per student (a pool of 3 versions or more, or numbers that differ per student), is
of the wrong kind, or has no show cell and points-bearing hidden test cell in the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder import reference_answer
from encoder_kit.questions import load_questions, make_variant

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
QUESTIONS = {q.id: q for q in load_questions(EXERCISES / "questions")}


@dataclass(frozen=True)
class Scenario:
    """One scenario of issue 12's item 1: the items that grade it, where, and of what kind."""

    text: str
    assignment: str
    items: tuple[str, ...]
    kind: str
    concept: str


SCENARIOS = [
    Scenario("what training on labelled data changes in the model (encoder and head, or the "
             "head only when frozen)", "hw3-adaptation", ("hw3-choice-what-training-changes",),
             "choice", "C3"),
    Scenario("the order of the two-stage adaptation steps, with distractors", "hw3-adaptation",
             ("hw3-order-two-stage",), "ordering", "C2"),
    Scenario("the two data sets and their roles", "hw1-pipeline", ("hw1-choice-two-stages",),
             "choice", "C2"),
    Scenario("the shape of one sequence's output (no batch axis)", "hw2-shapes",
             ("hw2-shape-one-sequence",), "shape", "C4"),
    Scenario("the shape with a batch", "hw2-shapes",
             ("hw2-shape-minilm-batch", "graded-shape-hidden-states"), "shape", "C4"),
    Scenario("the encoder's internal order", "hw1-pipeline", ("hw1-order-encoder-steps",),
             "ordering", "C5"),
    Scenario("the frozen feature extractor architecture", "hw3-adaptation",
             ("hw3-choice-frozen-architecture",), "choice", "C3"),
    Scenario("the NER system design", "hw5-ner", ("hw5-design-ner",), "design", "C10"),
    Scenario("a training failure to diagnose", "hw3-adaptation",
             ("graded-diagnosis-truncation", "hw3-diagnosis-learning-rate"), "diagnosis", "C11"),
    Scenario("a training failure to diagnose (token-level)", "hw5-ner",
             ("hw5-diagnosis-sentence-head",), "diagnosis", "C11"),
    Scenario("layer-wise hidden states: a probing result to interpret", "hw2-shapes",
             ("hw2-choice-probing",), "choice", "C7"),
    Scenario("masked-language-model pre-training: why it works, what it predicts", "hw2-shapes",
             ("hw2-choice-mlm",), "choice", "C8"),
    # issue 16: the measured trade-off of benchmarks/RESULTS.md ("Adaptation")
    Scenario("a measured comparison (TF-IDF, frozen, hybrid, fine-tuned) and a constraint: "
             "what to ship", "hw3-adaptation", ("hw3-choice-measured-tradeoff",), "choice", "C3"),
    Scenario("what fine-tuning costs (parameters trained, optimiser memory, training time)",
             "hw3-adaptation", ("hw3-numeric-fine-tune-cost",), "numeric", "C3"),
    Scenario("catastrophic forgetting: the task improves, what else the encoder did collapses",
             "hw3-adaptation", ("hw3-diagnosis-forgetting",), "diagnosis", "C3"),
]

STUDENTS = [f"student-{n}" for n in range(12)]


def _kind(question) -> str:
    return question.version_kind if question.kind == "pool" else question.kind


def _answers(question) -> list:
    """The right answers of a sample of students (as text, to compare)."""
    return [repr(reference_answer(question, make_variant(question, "course", "hw", s)))
            for s in STUDENTS]


def _cells(assignment: str) -> dict[str, nbformat.NotebookNode]:
    [path] = (EXERCISES / "source" / assignment).glob("*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    return {cell.metadata.get("nbgrader", {}).get("grade_id", f"#{n}"): cell
            for n, cell in enumerate(notebook.cells)}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.text[:40] for s in SCENARIOS])
def test_each_scenario_is_graded_per_student_in_its_assignment(scenario: Scenario) -> None:
    cells = _cells(scenario.assignment)
    shown = [cell.source for cell in cells.values() if cell.cell_type == "code"]
    for item in scenario.items:
        question = QUESTIONS.get(item)
        assert question is not None, f"{scenario.text}: no graded item {item!r}"
        assert question.graded and question.points > 0, item
        assert _kind(question) == scenario.kind, item
        assert scenario.concept in question.concepts, item
        if question.kind == "pool":
            assert len(question.versions) >= 3, item
        assert len(set(_answers(question))) > 1, f"{item}: every student has one right answer"
        test = cells.get(f"test-{item}")
        assert test is not None, f"{scenario.text}: {scenario.assignment} has no test-{item}"
        assert f'grade_cell("{item}")' in test.source, item
        assert test.metadata["nbgrader"]["points"] == question.points, item
        assert any(f'show("{item}")' in source for source in shown), item


def test_the_ordering_scenarios_have_distractors() -> None:
    for item in ("hw3-order-two-stage", "hw1-order-encoder-steps"):
        assert all(version.distractors for version in QUESTIONS[item].versions), item


def test_one_sequence_has_no_batch_axis_and_a_batch_has_one() -> None:
    """The one-sequence item asks for an n x d matrix; the batch items for a batch axis."""
    single = QUESTIONS["hw2-shape-one-sequence"]
    for student in STUDENTS:
        variant = make_variant(single, "course", "hw", student)
        assert len(single.member(variant).expected_shape(variant)) == 2
    for item in ("hw2-shape-minilm-batch", "graded-shape-hidden-states"):
        question = QUESTIONS[item]
        variant = make_variant(question, "course", "hw", "student-0")
        assert len(question.expected_shape(variant)) >= 3, item


def test_every_new_scenario_pool_is_in_exactly_one_assignment() -> None:
    """An item graded twice would count twice; every item of scenarios.yaml is graded once."""
    new = [q.id for q in load_questions(EXERCISES / "questions" / "scenarios.yaml")]
    assert new, "exercises/questions/scenarios.yaml holds no question"
    found = {item: [a.name for a in (EXERCISES / "source").iterdir()
                    if f"test-{item}" in _cells(a.name)] for item in new}
    assert all(len(places) == 1 for places in found.values()), found
