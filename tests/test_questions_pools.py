"""Question pools (issue 11): loading, drawing a version, student views, grading, variables.

Uses its own YAML (not the course's), so it does not depend on the content being written.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

import autograder
from autograder import grade, reference_answer
from encoder_kit.questions import (
    QuestionPool,
    Variant,
    default_variant,
    find_question,
    load_questions,
    make_variant,
    parse_questions_text,
    record_answer,
)
from encoder_kit.questions.draw.variables import Variable, draw_values, variable_space
from encoder_kit.questions.draw.variants import expected_variant
from encoder_kit.questions.files.loader import QuestionFormatError


def _choice(version_id: str, right: str, wrong: str, ids: str) -> dict[str, Any]:
    right_id, wrong_id, other_id = ids.split()
    return {
        "id": version_id,
        "kind": "choice",
        "prompt": f"Scenario {version_id}: which approach?",
        "explanation": f"The explanation of {version_id} says why {right}.",
        "options": [
            {"id": right_id, "text": right, "correct": True, "feedback": f"Right: {right}."},
            {"id": wrong_id, "text": wrong, "feedback": f"Not so: {wrong}."},
            {"id": other_id, "text": f"Something else for {version_id}", "feedback": "No."},
        ],
    }


VERSIONS = [
    _choice("slot--support", "Pre-train on the web text, adapt on the e-mails", "Only e-mails",
            "k7 m2 p4"),
    _choice("slot--legal", "Adapt a legal encoder on the labelled contracts", "Only rules",
            "m2 p4 k7"),
    _choice("slot--news", "Train a head on frozen vectors of the articles", "Only keywords",
            "p4 k7 m2"),
    _choice("slot--clinic", "Fine-tune on the labelled clinical notes", "Only regexes",
            "k7 p4 m2"),
]
POOL = {
    "id": "slot",
    "kind": "pool",
    "graded": True,
    "points": 2,
    "concepts": ["C2"],
    "title": "Which data for which stage",
    "versions": VERSIONS,
}
NUMERIC_POOL = {
    "id": "count",
    "kind": "pool",
    "graded": True,
    "points": 1,
    "concepts": ["C9"],
    "title": "Positions",
    "versions": [
        {
            "id": "count--pieces",
            "kind": "numeric",
            "prompt": "{words} words in {pieces} word pieces: how many positions?",
            "explanation": "Two special tokens are added to the word pieces.",
            "variables": {
                "words": {"min": 8, "max": 30},
                "pieces": {"plus": "words", "min": 3, "max": 12},
            },
            "expected": "pieces + 2",
            "mistakes": [
                {"value": "words + 2", "feedback": "Word pieces take positions, not words."},
                {"value": "pieces", "feedback": "The special tokens take positions too."},
            ],
        },
        {
            "id": "count--layers",
            "kind": "numeric",
            "prompt": "A model with {n} layers: how many hidden states?",
            "explanation": "The embedding output is a hidden state as well.",
            "variables": {"n": {"choices": [6, 12, 24]}},
            "expected": "n + 1",
        },
        {
            "id": "count--width",
            "kind": "numeric",
            "prompt": "{m} heads of {d} dimensions: how wide is the layer?",
            "explanation": "The heads' widths add up to the hidden size.",
            "variables": {"m": {"choices": [4, 8, 12]}, "d": {"choices": [32, 64]}},
            "expected": "m * d",
        },
    ],
}
STUDENTS = [f"s{number:03d}" for number in range(40)]


def _load(*entries: dict[str, Any]) -> list[Any]:
    return parse_questions_text(json.dumps({"questions": list(entries)}), "pools.yaml")


def _pool() -> QuestionPool:
    return _load(POOL)[0]


def _error(*entries: dict[str, Any]) -> QuestionFormatError:
    with pytest.raises(QuestionFormatError) as caught:
        _load(*entries)
    return caught.value


# -- loading -------------------------------------------------------------------------------


def test_a_pool_loads_and_versions_inherit_the_slot_fields() -> None:
    pool = _pool()
    assert isinstance(pool, QuestionPool) and pool.kind == "pool"
    assert pool.version_kind == "choice" and pool.is_variable
    assert [v.id for v in pool.versions] == [v["id"] for v in VERSIONS]
    for version in pool.versions:
        assert (version.points, version.graded, version.concepts) == (2.0, True, ["C2"])
        assert version.title == "Which data for which stage"


def test_a_version_may_keep_its_own_title_and_concepts() -> None:
    versions = [dict(VERSIONS[0], title="Own title", concepts=["C3"]), *VERSIONS[1:3]]
    pool = _load(dict(POOL, versions=versions))[0]
    assert pool.versions[0].title == "Own title" and pool.versions[0].concepts == ["C3"]
    assert pool.versions[1].title == POOL["title"]


def test_fewer_than_three_versions_is_an_error_naming_the_slot() -> None:
    error = _error(dict(POOL, versions=VERSIONS[:2]))
    assert (error.source, error.question_id, error.field) == ("pools.yaml", "slot", "versions")
    assert "at least 3" in str(error)


def test_mixed_kinds_is_an_error_naming_the_version() -> None:
    numeric = NUMERIC_POOL["versions"][1] | {"id": "slot--numbers"}
    error = _error(dict(POOL, versions=[*VERSIONS[:3], numeric]))
    assert (error.question_id, error.field) == ("slot--numbers", "kind")
    assert "numeric" in str(error) and "choice" in str(error)


def test_a_version_with_other_points_is_an_error() -> None:
    error = _error(dict(POOL, versions=[*VERSIONS[:2], dict(VERSIONS[2], points=3)]))
    assert (error.question_id, error.field) == ("slot--news", "points")
    assert "leave 'points' out" in str(error)


def test_a_version_with_other_grading_is_an_error() -> None:
    error = _error(dict(POOL, versions=[dict(VERSIONS[0], graded=False), *VERSIONS[1:]]))
    assert (error.question_id, error.field) == ("slot--support", "graded")


def test_duplicate_version_ids_are_errors() -> None:
    twice = _error(dict(POOL, versions=[*VERSIONS[:3], VERSIONS[0]]))
    assert (twice.question_id, twice.field) == ("slot--support", "id")
    as_slot = _error(dict(POOL, versions=[*VERSIONS[:3], dict(VERSIONS[3], id="slot")]))
    assert (as_slot.question_id, as_slot.field) == ("slot", "id")
    beside = dict(VERSIONS[0], graded=True, points=1, concepts=["C2"], title="Alone")
    clash = _error(POOL, beside)
    assert (clash.question_id, clash.field) == ("slot--support", "id")


def test_duplicate_ids_across_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(json.dumps({"questions": [POOL]}))
    other = dict(VERSIONS[1], graded=True, points=2, concepts=["C2"], title="Copy")
    (tmp_path / "b.yaml").write_text(json.dumps({"questions": [other]}))
    with pytest.raises(QuestionFormatError) as caught:
        load_questions(tmp_path)
    assert caught.value.question_id == "slot--legal" and "a.yaml" in str(caught.value)


def test_a_pool_inside_a_pool_is_an_error() -> None:
    inner = dict(POOL, id="slot--inner")
    error = _error(dict(POOL, versions=[*VERSIONS[:3], inner]))
    assert (error.question_id, error.field) == ("slot--inner", "kind")
    assert "nested" in str(error)


def test_an_error_inside_a_version_names_the_version_and_its_field() -> None:
    broken = dict(VERSIONS[1])
    broken["options"] = [dict(option, correct=False) for option in broken["options"]]
    error = _error(dict(POOL, versions=[VERSIONS[0], broken, VERSIONS[2]]))
    assert (error.question_id, error.field) == ("slot--legal", "options")


def test_find_question_finds_the_slot_and_a_version(tmp_path: Path) -> None:
    (tmp_path / "pools.yaml").write_text(json.dumps({"questions": [POOL]}))
    assert isinstance(find_question("slot", tmp_path), QuestionPool)
    version = find_question("slot--news", tmp_path)
    assert version.kind == "choice" and version.id == "slot--news"


# -- drawing -------------------------------------------------------------------------------


def test_the_draw_is_deterministic_and_uses_every_version() -> None:
    pool = _pool()
    drawn = [make_variant(pool, "nlp", "hw1", student) for student in STUDENTS]
    assert drawn == [make_variant(pool, "nlp", "hw1", student) for student in STUDENTS]
    assert {variant.version for variant in drawn} == set(pool.version_ids())
    assert all(variant.question_id == "slot" for variant in drawn)


def test_the_draw_follows_the_agreed_recipe() -> None:
    import random

    from encoder_kit.questions import derive_seed

    pool = _pool()
    for student in STUDENTS[:10]:
        rng = random.Random(derive_seed("nlp", "hw1", student, "slot"))
        assert make_variant(pool, "nlp", "hw1", student).version == rng.choice(pool.version_ids())


def test_a_pool_variant_round_trips_and_old_records_still_read() -> None:
    variant = make_variant(_load(NUMERIC_POOL)[0], "nlp", "hw1", "ada")
    assert variant.version is not None
    assert Variant.from_dict(json.loads(json.dumps(variant.to_dict()))) == variant
    old = {k: v for k, v in variant.to_dict().items() if k != "version"}
    assert Variant.from_dict(old).version is None
    with pytest.raises(ValueError, match="version"):
        Variant.from_dict(dict(variant.to_dict(), version=3))


def test_default_variant_is_the_first_version() -> None:
    pool = _load(NUMERIC_POOL)[0]
    variant = default_variant(pool)
    assert variant.version == "count--pieces" and variant.values == {"words": 8, "pieces": 11}
    assert expected_variant(pool, variant) == variant


def test_a_numeric_version_draws_its_numbers_after_the_version() -> None:
    pool = _load(NUMERIC_POOL)[0]
    for student in STUDENTS:
        variant = make_variant(pool, "nlp", "hw1", student)
        member = pool.member(variant)
        assert set(variant.values) == set(member.variables)
        if member.id == "count--pieces":
            assert 3 <= variant.values["pieces"] - variant.values["words"] <= 12


# -- what a student sees -------------------------------------------------------------------


def _secrets(pool: QuestionPool) -> list[str]:
    return pool.secret_strings()


def test_a_student_view_is_the_drawn_version_under_the_slot_id_without_a_key() -> None:
    pool = _pool()
    for student in STUDENTS:
        variant = make_variant(pool, "nlp", "hw1", student)
        view = pool.student_view(variant)
        member = pool.member(variant)
        assert view["id"] == "slot" and view["kind"] == "choice"
        assert view["prompt"] == member.prompt
        assert {o["id"] for o in view["options"]} == {o.id for o in member.options}
        dumped = json.dumps(view)
        assert "correct" not in dumped and "feedback" not in dumped
        assert not [secret for secret in _secrets(pool) if secret in dumped]


def test_secret_strings_cover_every_version() -> None:
    pool = _pool()
    secrets = pool.secret_strings()
    for version in pool.versions:
        assert version.explanation in secrets
        assert set(version.secret_strings()) <= set(secrets)


def test_the_release_leak_check_sees_every_versions_key(tmp_path: Path) -> None:
    from encoder_kit.questions import find_leaks

    pool = _pool()
    leaked = tmp_path / "notebook.txt"
    leaked.write_text(f"hint: {pool.versions[2].explanation}")
    assert [leak.question_id for leak in find_leaks([leaked], [pool])] == ["slot"]


# -- grading -------------------------------------------------------------------------------


def test_grade_dispatches_to_the_drawn_version() -> None:
    pool = _pool()
    for student in STUDENTS[:12]:
        variant = make_variant(pool, "nlp", "hw1", student)
        right = reference_answer(pool, variant)
        result = grade(pool, right, variant)
        assert result.score == 1.0 and result.max_points == 2.0
        assert result.question_id == "slot" and result.details["version"] == variant.version
        assert right == next(o.id for o in pool.member(variant).options if o.correct)


def test_a_copied_answer_is_graded_against_the_copiers_own_version() -> None:
    pool = _pool()
    support = make_variant(pool, "nlp", "hw1", "s000")
    for student in STUDENTS:
        other = make_variant(pool, "nlp", "hw1", student)
        copied = grade(pool, reference_answer(pool, support), other)
        assert copied.details["version"] == other.version
        same_key = reference_answer(pool, other) == reference_answer(pool, support)
        assert copied.correct == same_key


def test_a_pool_is_graded_from_a_recorded_answer_and_by_id(tmp_path: Path) -> None:
    (tmp_path / "pools.yaml").write_text(json.dumps({"questions": [NUMERIC_POOL]}))
    pool = load_questions(tmp_path)[0]
    variant = make_variant(pool, "nlp", "hw1", "ada")
    record = json.loads(json.dumps(record_answer(pool, reference_answer(pool, variant), variant)))
    assert grade(pool, record, variant).score == 1.0
    assert autograder.check("count", record, variant=variant, path=tmp_path) == 1.0


def test_a_recorded_answer_for_another_version_is_withheld_and_flagged() -> None:
    pool = _pool()
    mine = make_variant(pool, "nlp", "hw1", "s000")
    other_version = next(v for v in pool.version_ids() if v != mine.version)
    edited = Variant(mine.question_id, mine.seed, mine.identity, mine.values, version=other_version)
    answer = reference_answer(pool.version(other_version))
    result = grade(pool, record_answer(pool, answer, edited), mine)
    assert result.score == 0.0 and "variant-tampered" in result.flags
    assert result.details["score_as_recorded"] == 1.0
    assert result.details["score_as_graded"] == 0.0


def test_an_answer_recorded_for_another_student_is_withheld() -> None:
    pool = _pool()
    mine = make_variant(pool, "nlp", "hw1", "s000")
    theirs = make_variant(pool, "nlp", "hw1", "s001")
    result = grade(pool, record_answer(pool, reference_answer(pool, theirs), theirs), mine)
    assert result.score == 0.0 and "variant-mismatch" in result.flags


def test_an_unknown_or_missing_version_is_refused_or_withheld() -> None:
    pool = _pool()
    mine = make_variant(pool, "nlp", "hw1", "s000")
    invented = Variant(mine.question_id, mine.seed, mine.identity, {}, version="slot--moon")
    with pytest.raises(ValueError, match="no version 'slot--moon'"):
        grade(pool, "k7", invented)
    record = record_answer(pool, "k7", invented)
    result = grade(pool, record, mine)
    assert result.score == 0.0 and "variant-tampered" in result.flags
    assert result.details["score_as_recorded"] is None
    with pytest.raises(ValueError, match="names no version"):
        grade(pool, "k7", Variant("slot", mine.seed, mine.identity, {}))


def test_a_record_with_an_identity_no_seed_comes_from_is_tampered() -> None:
    pool = _pool()
    mine = make_variant(pool, "nlp", "hw1", "s000")
    record = record_answer(pool, "k7", mine)
    record["variant"]["identity"]["student"] = "s0|0"
    result = grade(pool, record, mine)
    assert result.score == 0.0 and "variant-tampered" in result.flags


def test_reference_answer_of_a_pool_without_variant_is_the_first_versions() -> None:
    pool = _pool()
    assert reference_answer(pool) == reference_answer(pool.versions[0])


# -- variables that are always possible and never collide ----------------------------------


def _numeric(**fields: Any) -> dict[str, Any]:
    return {
        "id": "tokens",
        "kind": "numeric",
        "title": "Positions",
        "concepts": ["C9"],
        "prompt": "{words} words in {pieces} pieces: how many positions?",
        "explanation": "Two special tokens are added to the word pieces.",
        "expected": "pieces + 2",
        **fields,
    }


MISTAKES = [
    {"value": "words + 2", "feedback": "Word pieces take positions, not words."},
    {"value": "pieces", "feedback": "The special tokens take positions too."},
    {"value": "pieces + 1", "feedback": "There are two special tokens."},
]


def test_independent_draws_that_collide_are_a_load_error_naming_the_draw() -> None:
    error = _error(
        _numeric(
            variables={"words": {"choices": [9, 11, 14]}, "pieces": {"choices": [13, 17, 19]}},
            mistakes=MISTAKES,
        )
    )
    assert error.question_id == "tokens" and error.field == "mistakes"
    assert "pieces=13, words=11" in str(error) and "both 13" in str(error)


def test_a_mistake_equal_to_the_answer_in_some_draw_is_a_load_error() -> None:
    error = _error(
        _numeric(
            variables={
                "words": {"min": 8, "max": 12},
                "pieces": {"plus": "words", "min": 0, "max": 4},
            },
            mistakes=MISTAKES[:1],
        )
    )
    assert "accepted as correct" in str(error) and "pieces=8, words=8" in str(error)


def test_derived_variables_keep_every_draw_possible_and_distinct() -> None:
    question = _load(
        _numeric(
            variables={
                "words": {"min": 8, "max": 30},
                "pieces": {"plus": "words", "min": 3, "max": 12},
            },
            mistakes=MISTAKES,
        )
    )[0]
    for student in STUDENTS:
        values = make_variant(question, "nlp", "hw1", student).values
        assert values["pieces"] >= values["words"] + 3


def test_constraints_are_satisfied_by_every_draw() -> None:
    question = _load(
        _numeric(
            variables={
                "words": {"min": 8, "max": 20, "default": 10},
                "pieces": {"min": 8, "max": 40, "default": 20},
            },
            constraints=["pieces >= words + 3"],
            mistakes=MISTAKES,
        )
    )[0]
    draws = [make_variant(question, "nlp", "hw1", student).values for student in STUDENTS]
    assert all(v["pieces"] >= v["words"] + 3 for v in draws)
    assert draws == [make_variant(question, "nlp", "hw1", s).values for s in STUDENTS]


def test_defaults_that_break_a_constraint_are_a_load_error() -> None:
    error = _error(
        _numeric(
            variables={"words": {"min": 8, "max": 20}, "pieces": {"min": 8, "max": 40}},
            constraints=["pieces >= words + 3"],
        )
    )
    assert error.field == "variables" and "defaults" in str(error)


@pytest.mark.parametrize(
    ("variables", "constraints", "field", "message"),
    [
        ({"a": {"plus": "b", "min": 0, "max": 2}, "b": {"plus": "a", "min": 0, "max": 2}},
         [], "variables", "cycle"),
        ({"pieces": {"plus": "nothing", "min": 0, "max": 2}, "words": 3}, [], "variables",
         "not a variable"),
        ({"pieces": {"min": 9, "max": 12}, "words": 3}, ["pieces > later"], "variables",
         "not declared"),
        ({"pieces": {"min": 9, "max": 12}, "words": 3}, ["pieces + 1"], "constraints",
         "not a comparison"),
    ],
)
def test_bad_variable_definitions_are_load_errors(
    variables: dict[str, Any], constraints: list[str], field: str, message: str
) -> None:
    entry = _numeric(variables=variables, constraints=constraints)
    if "a" in variables:
        entry["prompt"] = "{a} and {b}"
        entry["expected"] = "a + b"
    error = _error(entry)
    assert error.field == field and message in str(error)


def _shape(**fields: Any) -> dict[str, Any]:
    return {
        "id": "batch-shape",
        "kind": "shape",
        "title": "A batch",
        "concepts": ["C4"],
        "prompt": "{batch} sentences of {seq_len} pieces through BERT-base.",
        "explanation": "One 768-wide vector per piece per sentence.",
        "expected": "[batch, seq_len, 768]",
        **fields,
    }


def test_shape_mistakes_that_collide_in_some_draw_are_load_errors() -> None:
    mistakes = [
        {"mistake": "swapped", "shape": "[seq_len, batch, 768]", "feedback": "Batch comes first."},
    ]
    error = _error(
        _shape(
            variables={"batch": {"choices": [4, 8]}, "seq_len": {"min": 6, "max": 9}},
            mistakes=mistakes,
        )
    )
    assert error.field == "mistakes" and "batch=8, seq_len=8" in str(error)
    two = [
        {"mistake": "plus_two", "shape": "[batch, seq_len + 2, 768]", "feedback": "No specials."},
        {"mistake": "batch_up", "shape": "[batch + 2, seq_len + 2, 768]", "feedback": "Wrong."},
        {"mistake": "same", "shape": "[batch, seq_len + 2, 768]", "feedback": "Same again."},
    ]
    clash = _error(_shape(variables={"batch": 4, "seq_len": {"min": 6, "max": 9}}, mistakes=two))
    assert "'plus_two' and 'same'" in str(clash)


def test_a_negative_dimension_in_some_draw_is_a_load_error() -> None:
    error = _error(
        _shape(
            expected="[batch, seq_len - 8, 768]",
            variables={"batch": 4, "seq_len": {"min": 6, "max": 12, "default": 10}},
        )
    )
    assert error.field == "expected" and "seq_len=6" in str(error)


def test_large_spaces_are_sampled_and_still_checked() -> None:
    specs = {"a": Variable(min=0, max=10**6), "b": Variable(plus="a", min=1, max=10**3)}
    draws = list(variable_space(specs, []))
    assert 2000 <= len(draws) <= 2010 and all(d["b"] > d["a"] for d in draws)
    error = _error(
        _numeric(
            prompt="{words} and {pieces}",
            variables={"words": {"min": 1, "max": 10**6}, "pieces": {"min": 1, "max": 10**6}},
            mistakes=[{"value": "words", "feedback": "Not the words."}],
            expected="pieces",
        )
    )
    assert error.field == "mistakes"


def test_redraws_are_deterministic_and_bounded() -> None:
    import random

    specs = {"a": Variable(min=0, max=9)}
    assert draw_values(specs, ["a == 7"], random.Random(1)) == {"a": 7}
    with pytest.raises(ValueError, match="no draw"):
        draw_values(specs, ["a > 100"], random.Random(1))


def test_existing_draws_without_new_fields_are_unchanged() -> None:
    """A question without 'plus' or 'constraints' draws exactly as before the change."""
    import random

    from encoder_kit.questions import derive_seed

    question = _load(
        _shape(variables={"batch": {"choices": [2, 4, 8, 16]}, "seq_len": {"min": 17, "max": 40}})
    )[0]
    for student in STUDENTS[:10]:
        rng = random.Random(derive_seed("c", "a", student, "batch-shape"))
        batch = rng.choice([2, 4, 8, 16])
        seq_len = rng.randint(17, 40)
        assert make_variant(question, "c", "a", student).values == {
            "batch": batch,
            "seq_len": seq_len,
        }


def test_the_course_numeric_and_shape_items_load_and_never_collide() -> None:
    """The course files' numeric and shape entries pass the load-time draw check."""
    import yaml

    root = Path(__file__).resolve().parents[1] / "exercises" / "questions"
    checked = 0
    for path in sorted(root.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text())["questions"]:
            kinds = [entry.get("kind")] + [v.get("kind") for v in entry.get("versions", [])]
            if {"numeric", "shape"} & set(kinds):
                parse_questions_text(textwrap.dedent(json.dumps([entry])), str(path))
                checked += 1
    assert checked >= 4


# -- the released questions file -----------------------------------------------------------


def test_the_public_file_draws_the_same_version_and_numbers_as_the_grader(
    tmp_path: Path,
) -> None:
    from autograder.course.notebook.public import (
        PublicQuestion,
        read_public_questions,
        write_public_questions,
    )
    from encoder_kit.questions import find_leaks

    constrained = _load(
        _numeric(
            variables={
                "words": {"min": 8, "max": 20, "default": 10},
                "pieces": {"min": 8, "max": 40, "default": 20},
            },
            constraints=["pieces >= words + 3"],
            mistakes=MISTAKES,
            graded=True,
        )
    )[0]
    questions = [_pool(), _load(NUMERIC_POOL)[0], constrained]
    write_public_questions(questions, tmp_path, "nlp", "hw1")
    assert find_leaks([tmp_path], questions) == []
    released = read_public_questions(tmp_path)["questions"]
    assert [v["id"] for v in released["slot"]["versions"]] == [v["id"] for v in VERSIONS]
    for question in questions:
        stand_in = PublicQuestion(released[question.id])
        for student in STUDENTS:
            who = {"course": "nlp", "assignment": "hw1", "student": student}
            grader = make_variant(question, "nlp", "hw1", student)
            assert stand_in.variant(who) == grader
            shown, expected = stand_in.view(who), question.student_view(grader)
            assert shown["id"] == question.id and shown["prompt"] == expected["prompt"]
            assert shown["kind"] == expected["kind"]
            for field in ("options", "causes", "fixes", "items", "palette"):
                if field in expected:
                    assert sorted(map(str, shown[field])) == sorted(map(str, expected[field]))


def test_a_widget_built_from_a_pool_shows_and_grades_the_drawn_version() -> None:
    from encoder_kit.widgets.choice import ChoiceWidget
    from encoder_kit.widgets.quiz import widget_for

    pool = _pool()
    for student in STUDENTS[:6]:
        variant = make_variant(pool, "nlp", "hw1", student)
        widget = widget_for(pool, variant=variant, save=False)
        assert isinstance(widget, ChoiceWidget) and widget.version.id == variant.version
        assert widget.view == pool.student_view(variant)
        widget.set_answer(reference_answer(pool, variant))
        result = widget.check()
        assert result.score == 1.0 and result.details["version"] == variant.version


def test_the_questions_package_has_no_import_cycle() -> None:
    """Relative imports between encoder_kit/questions modules (type-only ones too) form no
    cycle, and its subpackages point one way: draw <- kinds <- files <- lint."""
    import ast

    folder = Path(__file__).resolve().parents[1] / "encoder_kit" / "questions"
    graph: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        package = parts[:-1]  # what a relative import with one dot starts from
        name = ".".join(package if parts[-1] == "__init__" else parts) or "__init__"
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                if node.level - 1 > len(package):
                    continue  # above the questions package: encoder_kit's library
                targets.add(".".join([*base, node.module]))
        graph[name] = targets
    graph.pop("__init__", None)

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    cyclic = sorted(name for name in graph if reaches(name, name, {name}))
    assert cyclic == [], cyclic
    order = {"draw": 0, "kinds": 1, "files": 2, "lint": 3}
    upward = [f"{name} imports {target}" for name, targets in sorted(graph.items())
              for target in sorted(targets)
              if name.split(".")[0] in order and target.split(".")[0] in order
              and order[target.split(".")[0]] > order[name.split(".")[0]]]
    assert upward == [], upward
    assert "draw.variants" in graph["kinds.common"]  # imports across subpackages are resolved
    assert "kinds.common" not in graph["draw.variants"]
    assert "draw.variants" not in graph["draw.variables"]


def test_show_and_answer_in_a_students_kernel_then_the_grader_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from autograder.course.notebook.public import write_public_questions
    from autograder.course.notebook.student import answer, show
    from autograder.saved import grade_saved

    pool = _pool()
    write_public_questions([pool], tmp_path, "nlp", "hw1")
    monkeypatch.chdir(tmp_path)
    for name, value in (("COURSE", "nlp"), ("ASSIGNMENT", "hw1"), ("STUDENT", "s003")):
        monkeypatch.setenv(f"ENCODER_KIT_{name}", value)
    drawn = make_variant(pool, "nlp", "hw1", "s003")
    show("slot")
    shown = capsys.readouterr().out
    assert pool.member(drawn).prompt in shown
    assert not [secret for secret in pool.secret_strings() if secret in shown]
    answer("slot", reference_answer(pool, drawn))
    result = grade_saved(pool, tmp_path / "encoder-kit-answers.json", variant=drawn)
    assert result.score == 1.0 and result.details["version"] == drawn.version
    assert result.flags == ()


def test_every_mistake_of_every_draw_gets_its_own_feedback_in_bank_and_course() -> None:
    """Graded as an answer, each mistake value of each draw is attributed to that mistake."""
    import itertools

    from autograder.numeric import grade_numeric_question
    from autograder.shapes import grade_shape
    from encoder_kit.questions import load_bank
    from encoder_kit.questions.draw.symbols import evaluate, evaluate_shape

    root = Path(__file__).resolve().parents[1] / "exercises" / "questions"
    members = [
        member
        for question in [*load_bank(), *load_questions(root)]
        for member in (getattr(question, "versions", None) or [question])
        if member.kind in ("shape", "numeric")
    ]
    assert len(members) >= 15
    for member in members:
        draws = itertools.islice(variable_space(member.variables, member.constraints), 400)
        for values in draws:
            variant = Variant(member.id, None, None, dict(values))
            for mistake in member.mistakes:
                if member.kind == "numeric":
                    given = evaluate(mistake.value, values)
                    found = grade_numeric_question(member, given, variant).details.get("mistake")
                    assert found == str(mistake.value), (member.id, values, mistake.value)
                elif mistake.shape is not None:
                    given = list(evaluate_shape(mistake.shape, values))
                    result = grade_shape(given, member.expected, values, mistakes=member.mistakes)
                    assert result.details.get("mistake") == mistake.mistake, (member.id, values)
