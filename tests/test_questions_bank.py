"""The practice bank as a whole: schema, coverage, keys, and a right and a wrong answer each."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from autograder import grade
from autograder.reference import reference_answer
from encoder_kit.questions import (
    CONCEPTS,
    QUESTION_KINDS,
    OrderKey,
    load_bank,
    make_variant,
)

BANK = load_bank()
IDS = [question.id for question in BANK]


def mean_pool(vectors, mask):
    kept = [v for v, m in zip(vectors, mask, strict=True) if m]
    return [sum(column) / len(kept) for column in zip(*kept, strict=True)]


def align_labels(labels, word_ids):
    aligned, previous = [], None
    for word in word_ids:
        aligned.append(-100 if word is None or word == previous else labels[word])
        previous = word
    return aligned


def bio_to_spans(tags):
    spans, start, kind = [], None, None
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and (prefix != "I" or label != kind):
            spans.append((kind, start, index))
            start = None
        if prefix == "B" or (prefix == "I" and start is None):
            start, kind = index, label
    return spans


CODE_SOLUTIONS = {
    "mean_pool": mean_pool,
    "align_labels": align_labels,
    "bio_to_spans": bio_to_spans,
}


def right_answer(question, variant=None):
    if question.kind == "code":
        return CODE_SOLUTIONS[question.answer_name]
    return reference_answer(question, variant)


def wrong_answer(question, variant=None):
    kind = question.kind
    if kind == "ordering":
        return list(reversed(reference_answer(question, variant)))
    if kind == "shape":
        shape = reference_answer(question, variant)
        return [*shape[:-1], shape[-1] + 1]
    if kind == "numeric":
        return reference_answer(question, variant) + 1000.5
    if kind == "choice":
        wrong = [option.id for option in question.options if not option.correct]
        return wrong if question.multiple else wrong[0]
    if kind == "diagnosis":
        return {
            "cause": next(o.id for o in question.causes if not o.correct),
            "fix": next(o.id for o in question.fixes if not o.correct),
        }
    if kind == "design":
        return {"components": list(question.forbidden) or [question.palette[-1].id]}
    return lambda *args: None  # code


def test_size_and_unique_ids() -> None:
    assert len(BANK) >= 45
    assert len(set(IDS)) == len(IDS)
    assert all(question.id.startswith("practice-") for question in BANK)


def test_every_kind_is_used() -> None:
    assert set(QUESTION_KINDS) <= {question.kind for question in BANK}


def test_every_concept_has_at_least_three_questions() -> None:
    counts = Counter(concept for question in BANK for concept in question.concepts)
    assert {concept: counts[concept] for concept in CONCEPTS if counts[concept] < 3} == {}


def test_bank_holds_practice_questions_only() -> None:
    assert not any(question.graded for question in BANK)


def test_choice_questions_have_a_right_option_and_feedback_everywhere() -> None:
    for question in BANK:
        groups = {"choice": ["options"], "diagnosis": ["causes", "fixes"]}.get(question.kind, [])
        for group in groups:
            options = getattr(question, group)
            assert any(option.correct for option in options), (question.id, group)
            assert all(option.feedback.strip() for option in options), (question.id, group)


def test_ordering_keys_are_valid_and_distractors_explained() -> None:
    orderings = [question for question in BANK if question.kind == "ordering"]
    assert any(q.prerequisites for q in orderings) and any(q.order for q in orderings)
    for question in orderings:
        key = question.key()
        assert isinstance(key, OrderKey)
        assert key.is_valid(key.linearize([])), question.id
        assert question.distractors, f"{question.id} has no distractor"
        assert all(d.feedback.strip() for d in question.distractors)


def test_shape_and_design_distractors_have_feedback() -> None:
    for question in BANK:
        if question.kind == "shape":
            assert question.mistakes and all(m.feedback.strip() for m in question.mistakes)
        if question.kind == "design":
            assert all(c.feedback.strip() for c in question.palette)


@pytest.mark.parametrize("question", BANK, ids=IDS)
def test_a_right_and_a_wrong_answer(question) -> None:
    right = grade(question, right_answer(question))
    assert right.score == 1.0, right.feedback
    wrong = grade(question, wrong_answer(question))
    assert wrong.score < 1.0
    assert wrong.feedback.strip()


@pytest.mark.parametrize("question", [q for q in BANK if q.is_variable], ids=lambda q: q.id)
def test_every_drawn_variant_is_gradable(question) -> None:
    for student in range(25):
        variant = make_variant(question, "course", "practice", f"student-{student}")
        assert grade(question, right_answer(question, variant), variant).score == 1.0
        assert grade(question, wrong_answer(question, variant), variant).score < 1.0
        view = question.student_view(variant)
        assert "{" not in view["prompt"], view["prompt"]  # every placeholder filled


KEY_FIELDS = {
    "correct",
    "feedback",
    "explanation",
    "order",
    "prerequisites",
    "expected",
    "mistakes",
    "required",
    "forbidden",
    "connections",
    "rubric",
    "test",
    "method",
}


def _keys(value):
    if isinstance(value, dict):
        for key, entry in value.items():
            yield key
            yield from _keys(entry)
    elif isinstance(value, list):
        for entry in value:
            yield from _keys(entry)


@pytest.mark.parametrize("question", BANK, ids=IDS)
def test_student_view_is_json_and_holds_no_key(question) -> None:
    view = question.student_view()
    text = json.dumps(view)
    assert not KEY_FIELDS & set(_keys(view)), KEY_FIELDS & set(_keys(view))
    for secret in question.secret_strings():
        assert secret not in text, secret
    if question.kind == "ordering":
        shown = [entry["id"] for entry in view["items"]]
        key = question.key()
        assert not key.is_valid([item for item in shown if item in key.ancestors])


def test_wrong_answer_feedback_never_states_the_full_key() -> None:
    for question in BANK:
        if question.kind in ("shape", "numeric"):
            result = grade(question, wrong_answer(question))
            expected = reference_answer(question)
            assert (
                str(tuple(expected) if question.kind == "shape" else expected)
                not in result.feedback
            )
