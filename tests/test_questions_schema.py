"""Schema and loader: every bad question file fails naming the file, the question and the field."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import yaml

from encoder_kit.questions import (
    QUESTION_PATH_ENV,
    QuestionFormatError,
    QuestionNotFoundError,
    find_question,
    load_bank,
    load_questions,
    parse_questions_text,
)
from encoder_kit.questions.files import loader as loader_module

COMMON = {"title": "T", "prompt": "P?", "concepts": ["C1"], "explanation": "Why."}
VALID = {
    "ordering": {
        "kind": "ordering",
        "id": "q-order",
        "items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
        "distractors": [{"id": "x", "text": "X", "feedback": "X belongs nowhere."}],
        "order": ["a", "b", "c"],
    },
    "shape": {
        "kind": "shape",
        "id": "q-shape",
        "prompt": "{batch} sentences?",
        "expected": "[batch, 768]",
        "variables": {"batch": {"choices": [2, 4]}},
        "mistakes": [{"mistake": "transposed", "feedback": "Batch first."}],
    },
    "choice": {
        "kind": "choice",
        "id": "q-choice",
        "options": [
            {"id": "a", "text": "A", "correct": True, "feedback": "Yes."},
            {"id": "b", "text": "B", "feedback": "No."},
        ],
    },
    "design": {
        "kind": "design",
        "id": "q-design",
        "palette": [
            {"id": "enc", "label": "Encoder", "feedback": "Needed."},
            {"id": "head", "label": "Head", "feedback": "Needed."},
            {"id": "pool", "label": "Pool", "feedback": "Not here."},
        ],
        "forbidden": ["pool"],
        "designs": [
            {
                "name": "frozen",
                "components": ["enc", "head"],
                "connections": [{"source": "enc", "target": "head", "feedback": "Enc feeds head."}],
            }
        ],
        "justification": {
            "prompt": "Why?",
            "points": 1,
            "rubric": [{"text": "Says why.", "points": 1}],
        },
    },
    "diagnosis": {
        "kind": "diagnosis",
        "id": "q-diagnosis",
        "symptom": {"text": "Loss is flat."},
        "causes": [
            {"id": "lr", "text": "LR", "correct": True, "feedback": "Yes."},
            {"id": "data", "text": "Data", "feedback": "No."},
        ],
        "fixes": [
            {"id": "lower", "text": "Lower", "correct": True, "feedback": "Yes."},
            {"id": "more", "text": "More", "feedback": "No."},
        ],
    },
    "numeric": {
        "kind": "numeric",
        "id": "q-numeric",
        "expected": 13,
        "mistakes": [{"value": 12, "feedback": "Count the embeddings."}],
    },
    "code": {
        "kind": "code",
        "id": "q-code",
        "answer_name": "f",
        "test": "autograder.practice_checks:check_mean_pool",
    },
}


def question(template: str, /, **changes: object) -> dict:
    data = {**COMMON, **copy.deepcopy(VALID[template])}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


DESIGN = VALID["design"]["designs"][0]


def error_for(data: object, source: str = "bank/file.yaml") -> QuestionFormatError:
    with pytest.raises(QuestionFormatError) as caught:
        parse_questions_text(yaml.safe_dump([data]), source)
    return caught.value


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_kind_validates(kind: str) -> None:
    [parsed] = parse_questions_text(yaml.safe_dump([question(kind)]))
    assert parsed.kind == kind


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (question("choice", prompt=None), "prompt", "Field required"),
        (question("choice", concepts=["C12"]), "concepts.0", "Input should be"),
        (question("choice", concepts=[]), "concepts", "at least 1 item"),
        (question("choice", points=0), "points", "greater than 0"),
        (question("choice", id="Has Spaces"), "id", "should match pattern"),
        (question("choice", colour="red"), "colour", "Extra inputs are not permitted"),
        (question("choice", kind="essay"), "kind", "unknown or missing kind"),
        (question("choice", kind=None), "kind", "unknown or missing kind"),
        (
            question(
                "choice",
                options=[
                    {"id": "a", "text": "A", "feedback": "f"},
                    {"id": "b", "text": "B", "feedback": "f"},
                ],
            ),
            "options",
            "no option is marked 'correct: true'",
        ),
        (
            question(
                "choice",
                options=[
                    {"id": "a", "text": "A", "correct": True, "feedback": "f"},
                    {"id": "b", "text": "B", "correct": True, "feedback": "f"},
                ],
            ),
            "options",
            "a single-answer question has exactly one",
        ),
        (
            question(
                "choice",
                options=[
                    {"id": "a", "text": "A", "correct": True},
                    {"id": "b", "text": "B", "feedback": "f"},
                ],
            ),
            "options.0.feedback",
            "Field required",
        ),
        (question("ordering", order=["a", "b"]), "order", "missing ['c']"),
        (question("ordering", order=["a", "b", "c", "x"]), "order", "distractors belong nowhere"),
        (question("ordering", prerequisites={"b": ["a"]}), "order", "give exactly one key"),
        (question("ordering", order=None), "order", "give exactly one key"),
        (
            question("ordering", order=None, prerequisites={"a": ["b"], "b": ["a"]}),
            "prerequisites",
            "cycle",
        ),
        (
            question("ordering", order=None, prerequisites={"a": ["zz"]}),
            "prerequisites",
            "not items of the key",
        ),
        (
            question("ordering", distractors=[{"id": "a", "text": "A", "feedback": "f"}]),
            "distractors",
            "'a' is used twice",
        ),
        (question("ordering", method="best_guess"), "method", "Input should be"),
        (question("ordering", draw={"items": 9}), "draw", "only 3"),
        (question("shape", expected="[batch, seq_len]"), "expected", "['seq_len']"),
        (
            question("shape", expected="[batch, import os]"),
            "expected",
            "cannot read the expression",
        ),
        (question("shape", expected="[batch, __import__('os')]"), "expected", "other than numbers"),
        (question("shape", prompt="{batch} by {width}"), "prompt", "{width}"),
        (
            question("shape", variables={"batch": {"choices": []}}),
            "variables.batch.choices",
            "at least 1",
        ),
        (question("shape", variables={"batch": {"min": 5}}), "variables.batch", "'min' and 'max'"),
        (
            question("shape", variables={"batch": {"min": 1, "max": 3, "default": 9}}),
            "variables.batch",
            "default 9 is not among",
        ),
        (
            question("shape", mistakes=[{"mistake": "typo_mistake", "feedback": "f"}]),
            "mistakes.0",
            "give the wrong shape",
        ),
        (
            question(
                "shape", mistakes=[{"mistake": "same", "shape": "[batch, 768]", "feedback": "f"}]
            ),
            "mistakes",
            "equals the expected shape",
        ),
        (
            question("numeric", mistakes=[{"value": 13, "feedback": "f"}]),
            "mistakes",
            "accepted as correct",
        ),
        (
            question("design", designs=[{**DESIGN, "components": ["enc", "robot"]}]),
            "designs.0.components",
            "not on the palette",
        ),
        (question("design", forbidden=["enc"]), "designs.0.components", "forbidden yet part of"),
        (
            question(
                "design",
                designs=[{**DESIGN, "connections": [{"source": "enc", "target": "pool"}]}],
            ),
            "designs.0.connections.0.feedback",
            "needs 'feedback'",
        ),
        (
            question(
                "design",
                designs=[
                    {
                        **DESIGN,
                        "connections": [{"source": "enc", "target": "pool", "feedback": "f"}],
                    }
                ],
            ),
            "designs.0.connections",
            "not a component of the design",
        ),
        (
            question("design", optional=[{"component": "pool", "between": [["head", "enc"]]}]),
            "optional",
            "both optional and forbidden",
        ),
        (
            question(
                "design",
                forbidden=[],
                optional=[{"component": "pool", "between": [["head", "enc"]]}],
            ),
            "optional.0.between",
            "no design has the needed arrow head -> enc",
        ),
        (question("design", designs=[DESIGN, DESIGN]), "designs.1.name", "two designs are named"),
        (
            question(
                "design",
                justification={
                    "prompt": "Why?",
                    "points": 2,
                    "rubric": [{"text": "t", "points": 1}],
                },
            ),
            "justification.rubric",
            "add up to 1",
        ),
        (
            question(
                "diagnosis",
                fixes=[
                    {"id": "a", "text": "A", "feedback": "f"},
                    {"id": "b", "text": "B", "feedback": "f"},
                ],
            ),
            "fixes",
            "no fix is marked",
        ),
        (question("code", test="not a reference"), "test", "should match pattern"),
    ],
)
def test_errors_name_file_question_and_field(data: dict, field: str, message: str) -> None:
    error = error_for(data)
    assert error.source == "bank/file.yaml"
    assert error.question_id == str(data.get("id"))
    assert error.field == field
    assert message in str(error)
    assert str(error).startswith(f"bank/file.yaml: question {data.get('id')!r}: field {field!r}:")


def test_several_problems_are_listed_together() -> None:
    error = error_for(question("choice", prompt=None, explanation=None))
    assert "field 'explanation'" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- id: a\n  kind: [choice\n", "line 3: malformed YAML"),
        ("", "no questions found"),
        ("just text", "no questions found"),
        ("- 42\n", "entry 1 is not a mapping"),
        ("questions: []", "no questions found"),
    ],
)
def test_malformed_files(text: str, message: str) -> None:
    with pytest.raises(QuestionFormatError, match=message) as caught:
        parse_questions_text(text, "exercises/broken.yaml")
    assert str(caught.value).startswith("exercises/broken.yaml: ")


def test_file_forms_single_list_and_questions_key() -> None:
    one = question("numeric")
    assert len(parse_questions_text(yaml.safe_dump(one))) == 1
    assert len(parse_questions_text(yaml.safe_dump([one]))) == 1
    assert len(parse_questions_text(yaml.safe_dump({"questions": [one]}))) == 1


def test_duplicate_ids_in_a_file_and_across_files(tmp_path: Path) -> None:
    one = question("numeric")
    with pytest.raises(QuestionFormatError, match="used twice in the file"):
        parse_questions_text(yaml.safe_dump([one, one]), "a.yaml")
    (tmp_path / "a.yaml").write_text(yaml.safe_dump([one]))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump([one]))
    with pytest.raises(QuestionFormatError, match=r"b\.yaml: question 'q-numeric': field 'id'"):
        load_questions(tmp_path)


def test_load_questions_from_a_file_or_folder(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump([question("numeric"), question("choice")]))
    (tmp_path / "notes.txt").write_text("not a question file")
    assert [q.id for q in load_questions(path)] == ["q-numeric", "q-choice"]
    assert len(load_questions(tmp_path)) == 2
    with pytest.raises(FileNotFoundError, match="no question file or folder"):
        load_questions(tmp_path / "missing")


def test_an_edited_file_is_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump([question("numeric")]))
    assert load_questions(path)[0].expected == 13
    path.write_text(yaml.safe_dump([question("numeric", expected=7, mistakes=[])]) + "\n# edited\n")
    assert load_questions(path)[0].expected == 7


def test_find_question_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "q.yaml").write_text(yaml.safe_dump([question("numeric", title="From first")]))
    (second / "q.yaml").write_text(yaml.safe_dump([question("numeric", title="From env")]))
    monkeypatch.setenv(QUESTION_PATH_ENV, os.pathsep.join([str(tmp_path / "stale"), str(second)]))
    assert find_question("q-numeric").title == "From env"
    assert find_question("q-numeric", path=first).title == "From first"
    assert find_question("q-numeric", path=[first, second]).title == "From first"
    assert find_question("practice-pipeline-order").kind == "ordering"  # the bank comes last
    with pytest.raises(QuestionNotFoundError, match="point ENCODER_KIT_QUESTION_PATH"):
        find_question("q-missing")
    with pytest.raises(TypeError):
        find_question("")


def test_the_bank_refuses_graded_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "leak.yaml").write_text(yaml.safe_dump([question("numeric", graded=True)]))
    monkeypatch.setattr(loader_module, "_bank_folder", lambda: tmp_path)
    monkeypatch.setattr(loader_module, "_CACHE", {})
    with pytest.raises(
        QuestionFormatError, match="field 'graded': the packaged bank holds practice"
    ):
        load_bank()
