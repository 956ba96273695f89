"""Per-student variants: stable seeds, JSON records, drawing numbers and item subsets."""

from __future__ import annotations

import json

import pytest

from encoder_kit.questions import (
    Variant,
    default_variant,
    derive_seed,
    find_question,
    is_recorded_answer,
    make_variant,
    record_answer,
    variant_from_environment,
)
from encoder_kit.questions.draw.variants import expected_variant

SHAPE = find_question("practice-shape-padded-batch")
ORDERING = find_question("practice-encoder-inside-order")


def test_seed_is_stable_and_depends_on_every_part() -> None:
    seed = derive_seed("nlp", "hw1", "ada", "q1")
    assert seed == derive_seed("nlp", "hw1", "ada", "q1")
    assert 0 <= seed < 2**64
    others = {
        derive_seed("nlp2", "hw1", "ada", "q1"),
        derive_seed("nlp", "hw2", "ada", "q1"),
        derive_seed("nlp", "hw1", "bob", "q1"),
        derive_seed("nlp", "hw1", "ada", "q2"),
    }
    assert seed not in others and len(others) == 4


@pytest.mark.parametrize(
    "parts", [("", "hw1", "ada", "q"), ("nlp", None, "ada", "q"), ("nlp", "hw|1", "ada", "q")]
)
def test_seed_refuses_missing_or_ambiguous_parts(parts: tuple) -> None:
    with pytest.raises(ValueError):
        derive_seed(*parts)


def test_same_identity_same_variant_in_notebook_and_grader() -> None:
    in_notebook = make_variant(SHAPE, "nlp", "hw1", "ada")
    in_grader = make_variant(SHAPE, "nlp", "hw1", "ada")
    assert in_notebook == in_grader
    assert in_notebook.identity == {"course": "nlp", "assignment": "hw1", "student": "ada"}


def test_values_come_from_the_declared_domains() -> None:
    drawn = [make_variant(SHAPE, "nlp", "hw1", f"s{i}").values for i in range(60)]
    assert {v["batch"] for v in drawn} <= {2, 4, 8, 16}
    assert all(17 <= v["seq_len"] <= 40 for v in drawn)
    assert len({(v["batch"], v["seq_len"]) for v in drawn}) > 10  # students do differ


def test_ordering_draws_a_subset_in_key_order() -> None:
    variant = make_variant(ORDERING, "nlp", "hw1", "ada")
    full = [item.id for item in ORDERING.items]
    assert list(variant.items) == [item for item in full if item in variant.items]
    # the file lists items scrambled (lint rule ordering-key-order), so the drawn subset,
    # kept in file order, does not reveal the key; the key holds the same items
    assert set(ORDERING.key(variant).items) == set(variant.items)
    view = ORDERING.student_view(variant)
    assert {entry["id"] for entry in view["items"]} == set(variant.items) | set(variant.distractors)


def test_a_dag_restricted_to_a_subset_keeps_indirect_constraints() -> None:
    from encoder_kit.questions import OrderKey

    key = OrderKey.from_spec({"a": [], "b": ["a"], "c": ["b"]}).restricted(["a", "c"])
    assert key.is_valid(["a", "c"]) and not key.is_valid(["c", "a"])


def test_variant_round_trips_through_json() -> None:
    for variant in (
        make_variant(SHAPE, "nlp", "hw1", "ada"),
        make_variant(ORDERING, "n", "h", "s"),
        default_variant(SHAPE),
    ):
        assert Variant.from_dict(json.loads(json.dumps(variant.to_dict()))) == variant


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not a dict", "must be a dict"),
        ({"seed": 1}, "no 'question_id'"),
        ({"question_id": "q", "seed": "7"}, "'seed' must be an integer"),
        ({"question_id": "q", "identity": {"student": "ada"}}, "'identity' must map"),
        ({"question_id": "q", "values": {"batch": 2.5}}, "'values' must map names to integers"),
        ({"question_id": "q", "items": "a,b"}, "'items' must be a list of ids"),
    ],
)
def test_from_dict_names_the_bad_field(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Variant.from_dict(data)  # type: ignore[arg-type]


def test_default_variant_uses_defaults_and_every_item() -> None:
    assert default_variant(SHAPE).values == {"batch": 4, "seq_len": 24}
    assert default_variant(ORDERING).items is None
    assert ORDERING.key(default_variant(ORDERING)).items == ORDERING.key().items


def test_expected_variant_detects_edits() -> None:
    variant = make_variant(SHAPE, "nlp", "hw1", "ada")
    assert expected_variant(SHAPE, variant) == variant


def test_variant_from_environment() -> None:
    environ = {
        "ENCODER_KIT_COURSE": "nlp",
        "ENCODER_KIT_ASSIGNMENT": "hw1",
        "ENCODER_KIT_STUDENT": "ada",
    }
    assert variant_from_environment(SHAPE, environ) == make_variant(SHAPE, "nlp", "hw1", "ada")
    assert variant_from_environment(SHAPE, {"ENCODER_KIT_COURSE": "nlp"}) is None


def test_record_answer_is_json_and_recognised() -> None:
    variant = make_variant(SHAPE, "nlp", "hw1", "ada")
    record = json.loads(json.dumps(record_answer(SHAPE, [2, 24, 768], variant)))
    assert record["question_id"] == SHAPE.id and record["variant"]["seed"] == variant.seed
    assert is_recorded_answer(record)
    assert not is_recorded_answer({"cause": "a", "fix": "b"})
    assert not is_recorded_answer(["a", "b"])


def test_prompt_shows_the_students_numbers() -> None:
    variant = make_variant(SHAPE, "nlp", "hw1", "ada")
    prompt = SHAPE.student_view(variant)["prompt"]
    assert f"A batch of {variant.values['batch']} sentences" in prompt
    assert f"{variant.values['seq_len']} word pieces" in prompt
