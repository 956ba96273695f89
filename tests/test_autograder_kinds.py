"""The graders of choice, diagnosis, design, numeric and code questions, bad input included."""

from __future__ import annotations

import pytest

from autograder import grade
from encoder_kit.questions import find_question, parse_question

BASE = {"title": "T", "prompt": "P?", "concepts": ["C3"], "explanation": "Because."}


def choice(multiple: bool = False) -> object:
    return parse_question(
        {
            **BASE,
            "kind": "choice",
            "id": "t-choice",
            "multiple": multiple,
            "points": 2,
            "options": [
                {"id": "a", "text": "A", "correct": True, "feedback": "A is right."},
                {"id": "b", "text": "B", "correct": multiple, "feedback": "B is right too."},
                {"id": "c", "text": "C", "feedback": "C is a trap."},
            ],
        }
    )


class TestChoice:
    def test_single(self) -> None:
        assert grade(choice(), "a").score == 1.0
        wrong = grade(choice(), "c")
        assert (wrong.score, wrong.feedback) == (0.0, "Incorrect: C is a trap.")
        assert grade(choice(), ["a"]).score == 1.0  # a one-element list is fine

    def test_multiple_partial_credit(self) -> None:
        assert grade(choice(True), ["a", "b"]).score == 1.0
        half = grade(choice(True), ["a"])
        assert half.score == 0.5
        assert "You left out 1 correct option(s)." in half.feedback
        assert grade(choice(True), ["a", "c"]).score == 0.0
        assert grade(choice(True), "a").score == 0.5

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            (None, "No option was chosen"),
            ("", "No option was chosen"),
            ("z", "'z' is not one of the option ids"),
            (3, "Choose one option by its id"),
            (["a", "c"], "Choose one option by its id"),
        ],
    )
    def test_bad_single_answers(self, answer: object, message: str) -> None:
        result = grade(choice(), answer)
        assert result.score == 0.0 and message in result.feedback

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            (None, "No choice answer"),
            ([], "is empty"),
            (["a", "a"], "more than once"),
            (["a", "zz"], "'zz' is not one of the option ids"),
            ({"a": 1}, "must be a list"),
        ],
    )
    def test_bad_multiple_answers(self, answer: object, message: str) -> None:
        result = grade(choice(True), answer)
        assert result.score == 0.0 and message in result.feedback


class TestDiagnosis:
    # option ids are neutral (issue 11): f6 = frozen encoder, c2 = unfreeze, t6 = more epochs
    question = find_question("practice-diagnose-frozen-by-mistake")

    def test_cause_and_fix_share_the_score(self) -> None:
        assert grade(self.question, {"cause": "f6", "fix": "c2"}).score == 1.0
        half = grade(self.question, {"cause": "f6", "fix": "t6"})
        assert half.score == 0.5
        assert half.feedback.splitlines()[1].startswith("Fix: Incorrect.")
        only_cause = grade(self.question, {"cause": "f6"})
        assert only_cause.score == 0.5 and "Fix: none chosen." in only_cause.feedback

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            (None, "A diagnosis answer is a dict"),
            ("f6", "A diagnosis answer is a dict"),
            ({}, "The answer is empty"),
            ({"cause": "gremlins", "fix": "c2"}, "'gremlins' is not one of the cause ids"),
            ({"cause": "f6", "remedy": "c2"}, "Unexpected key(s) ['remedy']"),
            ({"cause": 1}, "Choose one cause by its id"),
        ],
    )
    def test_bad_answers(self, answer: object, message: str) -> None:
        result = grade(self.question, answer)
        assert result.score == 0.0 and message in result.feedback


class TestDesign:
    question = find_question("practice-ner-design")

    def answer(self) -> dict:
        return {
            **self.question.reference_answer(),
            "justification": "Each token needs its own tag; entities are spans.",
        }

    def test_full_design_needs_manual_grading_of_the_justification(self) -> None:
        result = grade(self.question, self.answer())
        assert result.score == 1.0
        assert "manual-grading" in result.flags
        assert result.details["manual_points"] == 2
        assert result.details["justification"].startswith("Each token")

    def test_a_forbidden_component_and_missing_parts(self) -> None:
        answer = self.answer()
        aligner, pooled = "b8", "d9"  # the label aligner (needed) and a pooled vector (forbidden)
        answer["components"] = [c for c in answer["components"] if c != aligner] + [pooled]
        answer["connections"] = [p for p in answer["connections"] if aligner not in p]
        answer["justification"] = ""
        result = grade(self.question, answer)
        # components: 9 of 10 placed, the forbidden one costs 3; arrows: 7 of 10, none wrong
        f1_components, f1_arrows = 2 * 0.75 * 0.9 / 1.65, 2 * 0.7 / 1.7
        assert result.score == pytest.approx(f1_components / 3 + 2 * f1_arrows / 3)
        assert "'Pooled sentence vector: the mean (or [CLS]) of all token vectors' does not" in (
            result.feedback
        )
        assert "(1 more problem(s) to fix after this one.)" in result.feedback
        assert "Label aligner" not in result.feedback  # one problem at a time
        assert "You gave no justification" in result.feedback
        assert "manual-grading" not in result.flags

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            (None, "A design answer is a dict"),
            ({"components": []}, "The design answer is empty"),
            ({"components": ["w5", "robot"]}, "'robot' is not one of the components"),
            ({"components": ["w5", "w5"]}, "more than once"),
            (
                {"components": ["w5"], "connections": [["w5", "m3"]]},
                "'m3', which is not among your components",
            ),
            ({"components": ["w5"], "connections": ["w5"]}, "A connection is a pair"),
            ({"components": ["w5", "m3"], "connections": [["w5", "w5"]]}, "to itself"),
            ({"components": ["w5"], "extra": 1}, "Unexpected key(s) ['extra']"),
            ({"components": ["w5"], "justification": 5}, "must be text"),
        ],
    )
    def test_bad_answers(self, answer: object, message: str) -> None:
        result = grade(self.question, answer)
        assert result.score == 0.0 and message in result.feedback


class TestNumeric:
    question = find_question("practice-numeric-minilm-hidden-states")

    @pytest.mark.parametrize("answer", [7, 7.0, "7", " 7 ", "7.0"])
    def test_correct(self, answer: object) -> None:
        assert grade(self.question, answer).score == 1.0

    def test_a_known_slip_gets_its_feedback(self) -> None:
        result = grade(self.question, 6)
        assert "embedding layer's output" in result.feedback

    def test_direction_hint(self) -> None:
        assert grade(self.question, 100).feedback.endswith("too high.")
        assert grade(self.question, 1).feedback.endswith("too low.")

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            (None, "Cannot read None"),
            ("seven", "Cannot read 'seven'"),
            (True, "Cannot read True"),
            ([7], "is a number, not list"),
            ("nan", "not a finite number"),
            ("6,5", "write decimals with a dot"),
            (float("inf"), "finite"),
        ],
    )
    def test_bad_answers(self, answer: object, message: str) -> None:
        result = grade(self.question, answer)
        assert result.score == 0.0 and message in result.feedback

    def test_variables_and_tolerance(self) -> None:
        from encoder_kit.questions import make_variant

        question = find_question("practice-mlm-mask-count")
        variant = make_variant(question, "c", "a", "s")
        expected = variant.values["seq_len"] * 0.15 * 0.8
        assert grade(question, expected + 0.005, variant).score == 1.0
        assert grade(question, variant.values["seq_len"] * 0.15, variant).details["mistake"]


class TestCode:
    def test_a_wrong_function_gets_the_failing_case(self) -> None:
        def plain_mean(vectors, mask):
            return [sum(column) / len(vectors) for column in zip(*vectors, strict=True)]

        result = grade("practice-code-mean-pool", plain_mean)
        assert result.score == 0.0
        assert "Padding (mask 0) must not count." in result.feedback

    def test_partial_credit_and_crashes(self) -> None:
        def no_special_tokens(labels, word_ids):
            return [labels[w] if w is not None else -100 for w in word_ids]

        partial = grade("practice-code-align-labels", no_special_tokens)
        assert 0.0 < partial.score < 1.0
        crash = grade("practice-code-bio-spans", lambda tags: 1 / 0)
        assert crash.score == 0.0 and "ZeroDivisionError" in crash.feedback
        assert grade("practice-code-mean-pool", None).feedback.startswith("No answer: define")

    def test_an_unloadable_test_is_an_instructor_error(self) -> None:
        question = parse_question(
            {
                **BASE,
                "kind": "code",
                "id": "t-code",
                "answer_name": "f",
                "test": "no_such_module:check",
            }
        )
        with pytest.raises(ImportError, match="cannot load the test"):
            grade(question, print)
