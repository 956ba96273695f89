"""The item linter: every rule on a small bad and a small good question file.

Questions are built as plain data close to the YAML a writer types (``choice(...)``,
``diagnosis(...)``), written to a temporary YAML file and linted through ``lint_paths``,
so the loader reads them exactly as it reads the bank.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from autograder.shapes import DETECTORS
from encoder_kit.questions.kinds.pool import QuestionPool
from encoder_kit.questions.lint import RULES, Finding, lint_paths, main

ROOT = Path(__file__).resolve().parents[1]
_ids = itertools.count()


def option(text: str, oid: str, correct: bool = False, feedback: str | None = None) -> dict:
    return {
        "id": oid,
        "text": text,
        "correct": correct,
        "feedback": feedback or f"This option ({text[:20]}) misses what the scenario needs.",
    }


def choice(options: list[dict], **fields: Any) -> dict:
    number = next(_ids)
    return {
        "id": f"q{number}",
        "kind": "choice",
        "title": "A choice",
        "prompt": f"Scenario number {number}: which adaptation fits best?",
        "concepts": ["C3"],
        "explanation": "Few labels and no GPU favour a frozen encoder.",
        "options": options,
        **fields,
    }


def balanced(**fields: Any) -> dict:
    """A choice without cues: the right option is neither longest nor first, ids neutral."""
    return choice(
        [
            option("Fine-tune every layer for ten epochs", "m2"),
            option("Freeze the encoder and train a small head", "k7", correct=True),
            option("Train a new encoder from random weights", "p4"),
            option("Skip the encoder and count keywords by hand", "b3"),
        ],
        **fields,
    )


def write(tmp_path: Path, questions: list[dict], name: str = "q.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"questions": questions}, sort_keys=False))
    return path


def lint(tmp_path: Path, questions: list[dict], **kwargs: Any) -> list[Finding]:
    return lint_paths([write(tmp_path, questions)], **kwargs)


def rules(findings: list[Finding], failing: bool | None = None) -> list[str]:
    return [f.rule for f in findings if failing is None or f.failing == failing]


# ----------------------------------------------------------------------------- findings


def test_finding_prints_one_line() -> None:
    finding = Finding("a.yaml", "q1", "id-cue", "the id 'correct' says 'correct'", "rename it")
    assert str(finding) == "a.yaml: q1: id-cue: the id 'correct' says 'correct' (fix: rename it)"
    warning = Finding("a.yaml", "q1", "longest-right", "longest", "shorten it", "warning")
    assert str(warning).startswith("a.yaml: q1: longest-right (warning): ")
    assert finding.failing and not warning.failing


def test_a_balanced_question_is_clean(tmp_path: Path) -> None:
    assert lint(tmp_path, [balanced()]) == []


# ----------------------------------------------------------------------------- longest-right


def test_longest_right_is_a_warning_per_group(tmp_path: Path) -> None:
    question = choice(
        [
            option("Freeze the encoder and train a head", "k7", correct=True),  # 35 characters
            option("Fine-tune each layer for a week", "m2"),  # 31
            option("Train an encoder from scratch", "p4"),
        ]
    )
    question["options"].reverse()  # not first in the file
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["longest-right"]
    assert not findings[0].failing and "35 characters, the longest other 31" in findings[0].message


def test_a_glaringly_longest_right_option_fails(tmp_path: Path) -> None:
    question = choice(
        [
            option("Tune it", "m2"),
            option("Keep the encoder frozen and train only a small logistic head", "k7", True),
        ]
    )
    findings = lint(tmp_path, [question])
    assert rules(findings, failing=True) == ["longest-right"]


def test_short_numbers_are_not_glaring(tmp_path: Path) -> None:
    question = choice([option("12", "m2"), option("768", "k7", True), option("13", "p4")])
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["longest-right"] and not findings[0].failing


def test_longest_right_rate_fails_a_file(tmp_path: Path) -> None:
    questions = []
    for _ in range(5):
        question = balanced()
        question["options"][1]["text"] += " now"  # 46 characters: the longest, by 3
        questions.append(question)
    findings = lint(tmp_path, questions)
    assert rules(findings, failing=False) == ["longest-right"] * 5
    (rate,) = [f for f in findings if f.failing]
    assert rate.rule == "longest-right-rate" and rate.question_id == "*"
    assert "5 of 5 single-answer groups (100%; chance 25%, allowed 35%)" in rate.message


def test_longest_right_rate_passes_at_chance(tmp_path: Path) -> None:
    questions = [balanced() for _ in range(6)]
    questions[0]["options"][1]["text"] += " now"  # 1 of 6 = 17 % < 35 %
    assert rules(lint(tmp_path, questions), failing=True) == []


def test_length_rank_rate_catches_the_trimmed_right_option(tmp_path: Path) -> None:
    # the right option (41 characters) is trimmed to just below the longest (43) every time:
    # "pick the second longest" wins in 20 of 20 groups (chance 25 %)
    findings = lint(tmp_path, [balanced() for _ in range(20)])
    (rate,) = findings
    assert rate.rule == "length-rank-rate" and rate.failing
    assert "second longest in 20 of 20" in rate.message
    # rotating the right option through the lengths keeps every place near chance
    questions = []
    for index in range(20):
        question = balanced()
        question["options"][1]["text"] = [
            "Freeze the encoder and train a small head on it now",  # the longest
            "Freeze the encoder and train a small head",  # second longest
            "Freeze the encoder and train one head",  # third longest
            "Freeze it, train a head",  # the shortest
        ][index % 4]
        questions.append(question)
    assert rules(lint(tmp_path, questions), failing=True) == []


def test_rates_also_fail_a_folder(tmp_path: Path) -> None:
    for index in range(3):  # 3 files of 2 groups: no file alone has 5 groups
        questions = [balanced(), balanced()]
        for question in questions:
            question["options"][1]["text"] += " now"
        write(tmp_path, questions, f"part{index}.yaml")
    failing = [f for f in lint_paths([tmp_path]) if f.failing]
    assert [(f.file, f.rule) for f in failing] == [(str(tmp_path), "longest-right-rate")]


# ----------------------------------------------------------------------------- id-cue


@pytest.mark.parametrize("bad_id", ["correct", "right-one", "opt_wrong", "answer", "key2"])
def test_ids_that_say_something(tmp_path: Path, bad_id: str) -> None:
    question = balanced()
    question["options"][2]["id"] = bad_id
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["id-cue"] and bad_id in findings[0].message


def test_positional_ids_with_the_right_one_first(tmp_path: Path) -> None:
    question = {
        "id": "diag",
        "kind": "diagnosis",
        "title": "Contracts misfiled",
        "prompt": "Choose the cause and the fix.",
        "concepts": ["C11"],
        "explanation": "Truncation at 512 pieces drops the end of long contracts.",
        "symptom": {"text": "Long contracts are misfiled; the deciding clause is at the end."},
        "causes": [
            option("The end of each long contract is cut off", "cause-b"),
            option("Long contracts are harder to label well", "cause-a", True),
            option("The model is far too small for the task", "cause-c"),
        ],
        "fixes": [
            option("Raise max_length to 2048 pieces", "fix-a"),
            option("Encode overlapping windows, combine", "fix-b", True),
            option("Train for many more epochs than now", "fix-c"),
        ],
    }
    findings = [f for f in lint(tmp_path, [question]) if f.rule == "id-cue"]
    assert len(findings) == 1 and "'cause-a', is the first" in findings[0].message


def test_id_cue_rate(tmp_path: Path) -> None:
    questions = [balanced() for _ in range(5)]
    for question in questions:  # neutral ids, but the right one is always first in id order
        question["options"][1]["id"] = "a9"
    findings = lint(tmp_path, questions)
    assert rules(findings) == ["id-cue-rate"]


def test_stem_overlap_rate(tmp_path: Path) -> None:
    # the right option, "Freeze the encoder and train a small head", shares 5 words with
    # each prompt; the distractors share at most 2 ("Train a new encoder ...")
    questions = [
        balanced(prompt=f"Case {n}: should they freeze the encoder or train a small head?")
        for n in range(5)
    ]
    findings = lint(tmp_path, questions)
    assert rules(findings) == ["stem-overlap-rate"]
    assert "repeats the most words of the prompt in 5 of 5" in findings[0].message


def test_position_rate(tmp_path: Path) -> None:
    questions = [balanced() for _ in range(5)]
    for question in questions:  # the right option always written first
        question["options"].insert(0, question["options"].pop(1))
    assert rules(lint(tmp_path, questions)) == ["position-rate"]


# ----------------------------------------------------------------------------- option texts


@pytest.mark.parametrize("text", ["All of the above", "None of these", "Both a and b"])
def test_all_of_the_above(tmp_path: Path, text: str) -> None:
    question = balanced()
    question["options"][0]["text"] = text
    assert rules(lint(tmp_path, [question]), failing=True) == ["all-of-the-above"]


def test_absolutes_only_in_distractors_warn(tmp_path: Path) -> None:
    bad = balanced()
    bad["options"][0]["text"] = "Always fine-tune every layer"
    findings = lint(tmp_path, [bad])
    assert rules(findings) == ["absolute-distractor"] and not findings[0].failing
    good = balanced()
    good["options"][0]["text"] = "Always fine-tune every layer"
    good["options"][1]["text"] = "Always freeze it, train a head"
    assert lint(tmp_path, [good]) == []


def test_duplicate_options_and_prompts(tmp_path: Path) -> None:
    question = balanced()
    question["options"][0]["text"] = "  train a NEW encoder from random weights."
    second = balanced(prompt=question["prompt"])
    findings = lint(tmp_path, [question, second])
    assert rules(findings) == ["duplicate-text", "duplicate-text"]
    assert "'p4' and 'm2'" in findings[0].message
    assert f"the same as that of {question['id']!r}" in findings[1].message


def test_missing_and_short_feedback(tmp_path: Path) -> None:
    question = balanced()
    question["options"][0]["feedback"] = "No."
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["missing-feedback"] and not findings[0].failing


def test_prompt_quotes_the_right_option(tmp_path: Path) -> None:
    bad = balanced(prompt="Should they freeze the encoder and train a small head?")
    findings = lint(tmp_path, [bad])
    assert rules(findings) == ["prompt-quotes-key"]
    good = balanced(prompt="Should they freeze something?")
    assert lint(tmp_path, [good]) == []


# ----------------------------------------------------------------------------- orderings


def ordering(items: list[str], order: list[str], **fields: Any) -> dict:
    return {
        "id": f"o{next(_ids)}",
        "kind": "ordering",
        "title": "Steps",
        "prompt": "Put the steps of the pipeline in order, first step first.",
        "concepts": ["C1"],
        "explanation": "Text becomes pieces, ids, vectors, then a prediction.",
        "items": [
            {"id": item, "text": f"The {item} step of the pipeline", "feedback": f"{item} waits."}
            for item in items
        ],
        "order": order,
        **fields,
    }


KEY = ["split", "lookup", "encode", "pool", "classify"]


def test_ordering_written_in_key_order(tmp_path: Path) -> None:
    findings = lint(tmp_path, [ordering(KEY, KEY)])
    assert rules(findings) == ["ordering-key-order"] and findings[0].failing


def test_ordering_written_almost_in_key_order_warns(tmp_path: Path) -> None:
    almost = ["lookup", "split", "encode", "pool", "classify"]  # 9 of 10 pairs agree
    findings = lint(tmp_path, [ordering(almost, KEY)])
    assert rules(findings) == ["ordering-key-order"] and not findings[0].failing


def test_ordering_scrambled_is_clean(tmp_path: Path) -> None:
    assert lint(tmp_path, [ordering(["pool", "split", "classify", "lookup", "encode"], KEY)]) == []


def test_ordering_ids_numbered_in_key_order(tmp_path: Path) -> None:
    key = ["o1", "l2", "u3", "y5", "d6"]
    findings = lint(tmp_path, [ordering(["u3", "d6", "o1", "y5", "l2"], key)])
    assert rules(findings) == ["ordering-id-order"] and findings[0].failing


def test_ordering_ids_alphabetical_in_key_order(tmp_path: Path) -> None:
    key = ["a-split", "b-lookup", "c-encode", "d-pool"]
    findings = lint(tmp_path, [ordering(["c-encode", "a-split", "d-pool", "b-lookup"], key)])
    assert rules(findings) == ["ordering-id-order"]


def test_ordering_ids_with_shuffled_numbers_are_clean(tmp_path: Path) -> None:
    key = ["o5", "l9", "u2", "y7", "d1"]
    assert lint(tmp_path, [ordering(["u2", "d1", "o5", "y7", "l9"], key)]) == []


def test_ordering_of_two_is_always_shown_reversed(tmp_path: Path) -> None:
    findings = lint(tmp_path, [ordering(["lookup", "split"], ["split", "lookup"])])
    assert rules(findings) == ["ordering-shown-in-key-order"]
    assert "reverse key order" in findings[0].message


def test_step_without_feedback(tmp_path: Path) -> None:
    question = ordering(["pool", "split", "classify", "lookup", "encode"], KEY)
    for item in question["items"]:
        if item["id"] in ("split", "encode"):
            del item["feedback"]  # split comes first: its feedback is never shown
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["missing-feedback"] and "'encode'" in findings[0].message


# ----------------------------------------------------------------------------- variant draws


def numeric(**fields: Any) -> dict:
    return {
        "id": f"n{next(_ids)}",
        "kind": "numeric",
        "title": "Positions",
        "prompt": "An e-mail of {words} words splits into {pieces} pieces. How many positions?",
        "concepts": ["C9"],
        "explanation": "The pieces plus [CLS] and [SEP].",
        "expected": "pieces + 2",
        "mistakes": [
            {"value": "words + 2", "feedback": "The encoder sees pieces, not words."},
            {"value": "pieces", "feedback": "Count [CLS] and [SEP] as well."},
        ],
        **fields,
    }


def test_colliding_mistakes_are_reported(tmp_path: Path) -> None:
    # words + 2 == pieces for words 11, pieces 13: the two mistakes give the same value
    bad = numeric(variables={"words": {"choices": [9, 11, 14]}, "pieces": {"choices": [13, 17]}})
    findings = lint(tmp_path, [bad])
    assert {f.rule for f in findings} <= {"load-error", "variant-draws"} and findings
    assert any("words + 2" in f.message for f in findings)


def test_derived_variables_make_every_draw_sound(tmp_path: Path) -> None:
    good = numeric(
        variables={"words": {"min": 8, "max": 30}, "pieces": {"plus": "words", "min": 3, "max": 9}}
    )
    assert lint(tmp_path, [good]) == []


def test_constraints_that_reject_most_draws(tmp_path: Path) -> None:
    question = numeric(
        variables={
            "words": {"min": 1, "max": 300, "default": 5},
            "pieces": {"min": 1, "max": 300, "default": 9},
        },
        constraints=["pieces == words + 4"],
    )
    findings = lint(tmp_path, [question])
    # 300 of 90,000 draws pass: most students need hundreds of redraws, some give up
    assert set(rules(findings)) == {"variant-draws"}
    assert "satisfy the constraints, so drawing may give up" in findings[0].message


def test_students_draws_keep_the_constraints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import encoder_kit.questions.lint as lint_module
    from encoder_kit.questions import Variant

    question = numeric(
        variables={
            "words": {"min": 8, "max": 12},
            "pieces": {"min": 12, "max": 20, "default": 14},
        },
        constraints=["pieces >= words + 3"],
    )
    assert lint(tmp_path, [question]) == []

    def broken(q: Any, *identity: str) -> Variant:  # a drawing that ignores the constraints
        return Variant(q.id, 1, None, {"words": 12, "pieces": 12})

    monkeypatch.setattr(lint_module, "make_variant", broken)
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["variant-draws"]
    assert "student-0 draws pieces=12, words=12, which breaks" in findings[0].message


def shape(**fields: Any) -> dict:
    return {
        "id": f"s{next(_ids)}",
        "kind": "shape",
        "title": "A batch",
        "prompt": "{batch} reviews padded to {seq_len} pieces through MiniLM (384 wide).",
        "concepts": ["C4"],
        "explanation": "One 384-vector per piece per review.",
        "expected": "[batch, seq_len, 384]",
        "variables": {"batch": {"choices": [4, 8]}, "seq_len": {"min": 20, "max": 24}},
        **fields,
    }


def test_written_mistake_caught_first_by_a_built_in(tmp_path: Path) -> None:
    mistakes = [
        {"mistake": "pooled_vs_token", "feedback": "One vector per review is pooling."},
        {"mistake": "no_batch", "shape": "[seq_len, 384]", "feedback": "The batch axis is gone."},
    ]
    question = shape(mistakes=mistakes)
    findings = lint(tmp_path, [question], shape_detectors=DETECTORS)
    assert rules(findings) == ["variant-draws"]
    assert "caught first by the built-in 'pooled_vs_token'" in findings[0].message
    assert lint(tmp_path, [question]) == []  # without the grader's detectors: not visible
    mistakes.reverse()  # the written mistake first: its feedback is the one shown
    assert lint(tmp_path, [shape(mistakes=mistakes)], shape_detectors=DETECTORS) == []


def test_a_draw_with_an_empty_axis(tmp_path: Path) -> None:
    question = shape(expected="[batch, seq_len - 20, 384]")
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["variant-draws"] and "size 0" in findings[0].message
    assert "in 2 of 10 draws" in findings[0].message  # seq_len 20 with batch 4 and 8


# ----------------------------------------------------------------------------- pools, sharing


def pool(versions: list[dict], **fields: Any) -> dict:
    slot = f"slot{next(_ids)}"
    for word, version in zip(["legal", "support", "news", "shop"], versions, strict=False):
        version["id"] = f"{slot}--{word}"
        version.pop("title", None)
        version.pop("concepts", None)
    return {
        "id": slot,
        "kind": "pool",
        "graded": True,
        "points": 2,
        "title": "Adaptation",
        "concepts": ["C3"],
        "versions": versions,
        **fields,
    }


def scenario(right: str) -> dict:
    question = balanced()
    question["options"][1]["text"] = right
    return question


def test_graded_question_outside_a_pool(tmp_path: Path) -> None:
    findings = lint(tmp_path, [balanced(graded=True)])
    assert rules(findings) == ["shared-answer"] and "every student" in findings[0].message


def test_graded_numeric_with_few_answers(tmp_path: Path) -> None:
    # pieces 13 or 17: two right answers, shared by half of all pairs
    question = numeric(graded=True, variables={"words": 9, "pieces": {"choices": [13, 17]}})
    findings = lint(tmp_path, [question])
    assert rules(findings) == ["shared-answer"] and "50%" in findings[0].message


def test_a_good_pool(tmp_path: Path) -> None:
    versions = [scenario(f"Freeze it and train a {word} head") for word in ("tiny", "small", "big")]
    assert lint(tmp_path, [pool(versions)]) == []


def test_pool_versions_with_the_same_right_text(tmp_path: Path) -> None:
    versions = [scenario("Freeze it, train a head"), scenario("FREEZE it, train a head")]
    versions.append(scenario("Freeze it and train a big head"))
    findings = lint(tmp_path, [pool(versions)])
    assert "pool-same-answer" in rules(findings)
    assert "shared-answer" in rules(findings)  # 1/9 * 3 + 2/9 = 5/9 share the answer


def test_a_pool_of_two_does_not_load(tmp_path: Path) -> None:
    versions = [scenario("Freeze it, train a head"), scenario("Freeze it, train a tiny head")]
    findings = lint(tmp_path, [pool(versions)])
    assert rules(findings) == ["load-error"] and "at least 3 versions" in findings[0].message


def test_pool_size_rule_on_a_constructed_pool() -> None:
    from encoder_kit.questions.kinds.schema import parse_question
    from encoder_kit.questions.lint import _check_pool, _Run

    members = [
        parse_question({**scenario(f"Freeze, train a {w} head"), "id": f"v-{w}"})
        for w in ("tiny", "big")
    ]
    small = QuestionPool.model_construct(
        kind="pool",
        id="slot",
        title="T",
        concepts=["C3"],
        points=1.0,
        graded=False,
        visibility="visible",
        versions=members,
    )
    run = _Run(shape_detectors=None)
    _check_pool(run, "f.yaml", small)
    assert [f.rule for f in run.findings] == ["pool-size"]


# ----------------------------------------------------------------------------- design


def design(justification: str) -> dict:
    return {
        "id": f"d{next(_ids)}",
        "kind": "design",
        "title": "A tagger",
        "prompt": "Design a system that tags entities in news; connect what it needs.",
        "concepts": ["C10"],
        "explanation": "Pieces, per-word vectors, a tagging head, spans.",
        "palette": [
            {"id": "k1", "label": "Tokenizer with word ids", "feedback": "Pieces map to words."},
            {"id": "k2", "label": "Per-word contextual vectors", "feedback": "One per word."},
            {"id": "k3", "label": "Tagging head", "feedback": "A tag for every word."},
            {"id": "k4", "label": "Mean of all token vectors", "feedback": "Merges all words."},
        ],
        "forbidden": ["k4"],
        "designs": [
            {
                "name": "tagger",
                "components": ["k1", "k2", "k3"],
                "connections": [
                    {"source": "k1", "target": "k2", "feedback": "Vectors come from pieces."},
                    {"source": "k2", "target": "k3", "feedback": "The head reads the vectors."},
                ],
            }
        ],
        "justification": {
            "prompt": justification,
            "points": 1,
            "rubric": [{"text": "Tagging decides per word.", "points": 1}],
        },
    }


def test_design_justification_that_names_the_answer(tmp_path: Path) -> None:
    bad = design("Explain why you left out the mean of all the token vectors.")
    findings = lint(tmp_path, [bad])
    assert rules(findings) == ["prompt-quotes-key"] and "forbidden component 'k4'" in (
        findings[0].message
    )
    good = design("Explain what each of your components contributes to the tags.")
    assert lint(tmp_path, [good]) == []


# ----------------------------------------------------------------------------- load errors


def test_load_errors_are_findings(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("questions: [\n")
    write(tmp_path, [balanced(id="same")], "one.yaml")
    write(tmp_path, [balanced(id="same")], "two.yaml")
    findings = lint_paths([tmp_path])
    assert rules(findings) == ["load-error", "load-error"]
    assert "malformed YAML" in findings[0].message
    assert findings[1].question_id == "same" and "also used in" in findings[1].message


# ----------------------------------------------------------------------------- command line


def test_main_exit_codes_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write(tmp_path, [balanced()], "clean.yaml")
    assert main([str(clean)]) == 0
    assert "no problems" in capsys.readouterr().err

    bad = balanced()
    bad["options"][2]["id"] = "wrong"
    bad["options"][0]["text"] = "Always fine-tune every layer"
    dirty = write(tmp_path, [bad], "dirty.yaml")
    assert main([str(dirty)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        f"{dirty}: {bad['id']}: id-cue: the option id 'wrong' says 'wrong'; students see ids "
        "(fix: rename it to a short neutral id (k7, m2, p4))"
    ]
    assert "1 warning(s) not shown" in out.err

    assert main(["--warnings", str(dirty)]) == 1
    assert "absolute-distractor (warning)" in capsys.readouterr().out
    assert main(["--ignore", "id-cue", str(dirty)]) == 0
    assert main(["--ignore", "id-cue", "--strict", str(dirty)]) == 1
    assert main(["--rule", "absolute-distractor", str(dirty)]) == 0
    capsys.readouterr()

    assert main([str(tmp_path / "nowhere")]) == 2
    assert "no question file or folder at" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["--rule", "no-such-rule", str(clean)])
    assert exit_info.value.code == 2


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-rules"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(RULES)


def test_every_rule_is_documented() -> None:
    guide = (ROOT / "docs" / "write-a-question.md").read_text()
    missing = [rule for rule in RULES if f"`{rule}`" not in guide]
    assert missing == []


# ----------------------------------------------------------------------------- the content


def test_bank_and_course_lint_clean() -> None:
    """The CI gate: the practice bank and the course's questions have no failing finding."""
    findings = lint_paths(
        [ROOT / "encoder_kit" / "questions" / "bank", ROOT / "exercises" / "questions"],
        shape_detectors=DETECTORS,
    )
    failing = [str(f) for f in findings if f.failing]
    assert failing == [], "\n".join(failing)


def test_a_file_named_twice_is_linted_once(tmp_path: Path) -> None:
    path = write(tmp_path, [balanced()])
    assert lint_paths([path, tmp_path, path]) == []


def test_default_paths_are_the_bank_and_the_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from encoder_kit.questions.lint import default_paths

    monkeypatch.setenv("ENCODER_KIT_QUESTION_PATH", f"{tmp_path}{os.pathsep}{tmp_path / 'gone'}")
    paths = default_paths()
    assert paths[0].name == "bank" and paths[0].is_dir()
    assert paths[1:] == [tmp_path]
