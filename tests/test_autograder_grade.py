"""grade(): dispatch, recorded answers and variants; check(): stdout only, points returned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import check, grade
from autograder.reference import reference_answer
from encoder_kit.questions import (
    QUESTION_PATH_ENV,
    QuestionNotFoundError,
    find_question,
    make_variant,
    record_answer,
)

EXERCISES = Path(__file__).resolve().parents[1] / "exercises" / "questions"
SHAPE_ID = "practice-shape-padded-batch"


def test_grade_accepts_an_id_or_a_question() -> None:
    answer = reference_answer(find_question("practice-pipeline-order"))
    by_id = grade("practice-pipeline-order", answer)
    assert by_id.score == 1.0 and by_id.question_id == "practice-pipeline-order"
    with pytest.raises(QuestionNotFoundError, match="no question with id 'nope'"):
        grade("nope", answer)
    with pytest.raises(TypeError, match="a question is given by its id"):
        grade(42, answer)


def test_result_carries_the_question_points_and_visibility() -> None:
    question = find_question("practice-paradigm-email-design")
    result = grade(question, reference_answer(question))
    assert (result.max_points, result.points, result.visibility) == (2.0, 2.0, "visible")


class TestVariants:
    question = find_question(SHAPE_ID)
    ada = make_variant(question, "nlp", "hw1", "ada")
    bob = make_variant(question, "nlp", "hw1", "bob")

    def record(self, variant, answer=None) -> dict:
        answer = reference_answer(self.question, variant) if answer is None else answer
        # a widget saves this as JSON and the grader reads it back
        return json.loads(json.dumps(record_answer(self.question, answer, variant)))

    def test_same_identity_grades_normally(self) -> None:
        result = grade(self.question, self.record(self.ada), variant=self.ada)
        assert result.score == 1.0 and result.flags == ()

    def test_grader_variant_alone(self) -> None:
        assert (
            grade(self.question, reference_answer(self.question, self.ada), self.ada).score == 1.0
        )

    def test_recorded_variant_alone(self) -> None:
        assert grade(self.question, self.record(self.bob)).score == 1.0

    def test_another_students_answer_is_withheld_and_flagged(self) -> None:
        assert self.ada.values != self.bob.values  # two different versions of the question
        result = grade(self.question, self.record(self.bob), variant=self.ada)
        assert result.score == 0.0
        assert "variant-mismatch" in result.flags
        assert "not scored automatically" in result.feedback
        assert "bob" not in result.feedback  # another student's identity stays private
        assert result.details["recorded_identity"]["student"] == "bob"
        assert result.details["score_as_recorded"] == 1.0
        assert result.details["score_as_graded"] == 0.0

    def test_an_edited_record_is_withheld(self) -> None:
        record = self.record(self.ada)
        record["variant"]["values"]["batch"] += 1
        result = grade(self.question, record, variant=self.ada)
        assert "variant-tampered" in result.flags and result.score == 0.0
        alone = grade(self.question, record)
        assert "variant-tampered" in alone.flags and alone.score == 0.0

    def test_an_identity_mismatch_on_a_fixed_question_is_graded_but_flagged(self) -> None:
        question = find_question("practice-pipeline-order")
        ada, bob = (make_variant(question, "nlp", "hw1", s) for s in ("ada", "bob"))
        record = record_answer(question, reference_answer(question), bob)
        result = grade(question, record, variant=ada)
        assert result.score == 1.0 and "variant-mismatch" in result.flags

    def test_a_record_for_another_question(self) -> None:
        record = record_answer(find_question("practice-pipeline-order"), ["tokens"], None)
        result = grade(self.question, record)
        assert result.score == 0.0 and "wrong-question" in result.flags

    def test_a_damaged_record(self) -> None:
        record = self.record(self.ada)
        record["variant"]["values"] = {"batch": "four"}
        result = grade(self.question, record)
        assert result.score == 0.0 and "variant-unreadable" in result.flags

    def test_a_variant_for_another_question_is_an_error(self) -> None:
        other = make_variant(find_question("practice-pipeline-order"), "nlp", "hw1", "ada")
        with pytest.raises(ValueError, match="the variant is for question"):
            grade(self.question, [1, 2, 3], variant=other)
        with pytest.raises(TypeError):
            grade(self.question, [1, 2, 3], variant="ada")

    def test_variant_as_a_dict(self) -> None:
        answer = reference_answer(self.question, self.ada)
        assert grade(self.question, answer, self.ada.to_dict()).score == 1.0

    def test_ordering_variant_draws_a_subset(self) -> None:
        question = find_question("practice-encoder-inside-order")
        variant = make_variant(question, "nlp", "hw1", "ada")
        assert len(variant.items) == 6 and len(variant.distractors) == 1
        answer = reference_answer(question, variant)
        assert grade(question, answer, variant).score == 1.0
        dropped = next(item.id for item in question.items if item.id not in variant.items)
        result = grade(question, [*answer, dropped], variant)
        assert result.score == 0.0 and f"{dropped!r} is not one of the items" in result.feedback


class TestCheck:
    def test_prints_feedback_and_returns_points(self, capfd) -> None:
        question = find_question("practice-paradigm-email-design")
        points = check(question.id, reference_answer(question))
        out, err = capfd.readouterr()
        assert points == 2.0 and isinstance(points, float)
        assert "Use both datasets: 2 / 2 point(s)" in out
        assert err == ""

    def test_partial_credit(self, capfd) -> None:
        points = check(
            "practice-pipeline-order", ["tokens", "embeddings", "head", "encoder", "output"]
        )
        out, err = capfd.readouterr()
        assert points == pytest.approx(0.6)
        assert "comes too early" in out and err == ""

    @pytest.mark.parametrize(
        ("question_id", "answer", "message"),
        [
            ("no-such-question", ["a"], "no question with id 'no-such-question'"),
            (None, ["a"], "a question is given by its id"),
            ("practice-pipeline-order", None, "No ordering answer was given"),
            ("practice-pipeline-order", "tokens", "must be a list of item ids"),
            ("practice-shape-padded-batch", object(), "Cannot read"),
            (
                "practice-code-mean-pool",
                lambda v, m: print("noise", file=__import__("sys").stderr),
                "noise",
            ),
        ],
    )
    def test_never_writes_to_stderr_and_returns_zero(self, capfd, question_id, answer, message):
        points = check(question_id, answer)
        out, err = capfd.readouterr()
        assert points == 0.0
        assert message in out
        assert err == ""

    def test_warnings_do_not_reach_stderr(self, capfd) -> None:
        import warnings

        def noisy(vectors, mask):
            warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
            kept = [v for v, m in zip(vectors, mask, strict=True) if m]
            return [sum(c) / len(kept) for c in zip(*kept, strict=True)]

        assert check("practice-code-mean-pool", noisy) == 1.0
        assert capfd.readouterr().err == ""

    def test_finds_graded_questions_through_the_environment(self, capfd, monkeypatch) -> None:
        monkeypatch.delenv(QUESTION_PATH_ENV, raising=False)
        # without an identity a graded slot (a pool) is graded against its first version
        right = reference_answer(find_question("graded-choice-adaptation", EXERCISES))
        assert check("graded-choice-adaptation", right) == 0.0  # not on a student's machine
        assert "no question with id" in capfd.readouterr().out
        monkeypatch.setenv(QUESTION_PATH_ENV, str(EXERCISES))
        assert check("graded-choice-adaptation", right) == 2.0
        assert check("graded-choice-adaptation", right, path=EXERCISES) == 2.0

    def test_uses_the_identity_in_the_environment(self, capfd, monkeypatch) -> None:
        question = find_question(SHAPE_ID)
        ada = make_variant(question, "nlp", "hw1", "ada")
        bob = make_variant(question, "nlp", "hw1", "bob")
        record = record_answer(question, reference_answer(question, bob), bob)
        for name, value in (("COURSE", "nlp"), ("ASSIGNMENT", "hw1"), ("STUDENT", "ada")):
            monkeypatch.setenv(f"ENCODER_KIT_{name}", value)
        assert check(SHAPE_ID, record) == 0.0
        assert "not scored automatically" in capfd.readouterr().out
        assert check(SHAPE_ID, reference_answer(question, ada)) == 1.0
