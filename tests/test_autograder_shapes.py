"""parse_shape and grade_shape: accepted forms, rejections, the mistake table, variables."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import ShapeError, grade_shape, parse_shape
from autograder.shapes import DETECTORS
from encoder_kit.questions import SHAPE_MISTAKES, find_question


@pytest.mark.parametrize(
    "answer",
    [
        "(15, 768)",
        "15x768",
        "15 X 768",
        "15 × 768",
        "[15, 768]",
        "15 by 768",
        "torch.Size([15, 768])",
        " ( 15 ,768 ) ",
        (15, 768),
        [15, 768],
        np.zeros((15, 768)).shape,
        [np.int64(15), np.int32(768)],
    ],
)
def test_accepted_forms(answer: object) -> None:
    assert parse_shape(answer) == (15, 768)


def test_one_axis_shapes_need_brackets() -> None:
    assert parse_shape("(768,)") == (768,)
    assert parse_shape("[768]") == (768,)
    with pytest.raises(ShapeError, match=r"\(768,\)"):
        parse_shape("768")


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "",
        "()",
        "[]",
        "abc",
        "15 768",
        "(15, 768",
        "15.0 x 768",
        "-3 x 768",
        768,
        15.0,
        [15.0, 768],
        [True, 768],
        [-1, 768],
        {"rows": 15},
        object(),
        "15 x seq_len",
    ],
)
def test_rejections_show_an_accepted_form(answer: object) -> None:
    with pytest.raises(ShapeError) as caught:
        parse_shape(answer)
    assert "Write it like (15, 768)" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_every_built_in_mistake_has_a_detector() -> None:
    assert set(DETECTORS) == set(SHAPE_MISTAKES)


def test_correct_answer() -> None:
    result = grade_shape("4 x 12 x 768", "[batch, seq_len, 768]", {"batch": 4, "seq_len": 12})
    assert (result.score, result.feedback) == (1.0, "Correct.")


@pytest.mark.parametrize(
    ("answer", "mistake"),
    [
        ((12, 4, 768), "transposed"),
        ((12, 768), "missing_batch"),
        ((1, 4, 12, 768), "extra_axis"),
        ((4, 768), "pooled_vs_token"),
        ((4, 10, 768), "forgot_special_tokens"),
        ((4, 11, 768), "layers_without_embedding"),
    ],
)
def test_built_in_mistakes_without_a_table(answer: tuple[int, ...], mistake: str) -> None:
    result = grade_shape(answer, (4, 12, 768))
    assert result.score == 0.0
    assert result.details["mistake"] == mistake


def test_the_question_table_gives_feedback_and_credit() -> None:
    table = [
        {"mistake": "transposed", "feedback": "Batch first.", "credit": 0.5},
        {"mistake": "bert_width", "shape": "[batch, 768]", "feedback": "That is BERT's width."},
    ]
    half = grade_shape([384, 8], "[batch, 384]", {"batch": 8}, mistakes=table, max_points=2)
    assert (half.score, half.points, half.feedback) == (0.5, 1.0, "Batch first.")
    wide = grade_shape([8, 768], "[batch, 384]", {"batch": 8}, mistakes=table)
    assert wide.feedback == "That is BERT's width."


def test_no_matching_mistake_gives_a_hint_without_the_key() -> None:
    wrong_rank = grade_shape([2, 3, 4, 5], [7, 768])
    assert "4 axes, which is not the right number" in wrong_rank.feedback
    wrong_axis = grade_shape([7, 500], [7, 768], mistakes=[])
    assert "axis 1 (counting from 0) has the wrong size" in wrong_axis.feedback
    assert "768" not in wrong_axis.feedback


def test_unreadable_answer_scores_zero_with_the_accepted_forms() -> None:
    result = grade_shape("fifteen by 768", [15, 768], max_points=3)
    assert (result.score, result.max_points) == (0.0, 3.0)
    assert "torch.Size([15, 768])" in result.feedback


def test_a_bad_expected_shape_is_an_instructor_error() -> None:
    with pytest.raises(ValueError, match="declare it under 'variables'"):
        grade_shape([1, 2], "[batch, 2]")
    with pytest.raises(ValueError):
        grade_shape([1, 2], "[batch; 2]", {"batch": 1})


def test_a_shape_question_uses_its_variant_numbers() -> None:
    from encoder_kit.questions import make_variant

    question = find_question("practice-shape-padded-batch")
    variant = make_variant(question, "course", "hw", "student-1")
    batch, seq_len = variant.values["batch"], variant.values["seq_len"]
    from autograder import grade

    assert grade(question, [batch, seq_len, 768], variant).score == 1.0
    result = grade(question, [batch, seq_len, 384], variant)
    assert result.details["mistake"] == "minilm_width"
    assert "384 is all-MiniLM-L6-v2's hidden size" in result.feedback


# issue 11: a missing batch axis was reported as pooling when the question's table listed
# pooling but not the batch axis (both drop one axis; the symbolic shape says which one)
@pytest.mark.parametrize(
    ("answer", "mistakes", "mistake"),
    [
        ("[20, 384]", [{"mistake": "pooled_vs_token", "feedback": "pooled"}], None),
        ("[20, 384]", None, "missing_batch"),
        ("[4, 384]", [{"mistake": "pooled_vs_token", "feedback": "pooled"}], "pooled_vs_token"),
        ("[4, 384]", None, "pooled_vs_token"),
    ],
)
def test_a_missing_batch_axis_is_never_called_pooling(answer, mistakes, mistake) -> None:
    result = grade_shape(answer, "[batch, seq_len, 384]", {"batch": 4, "seq_len": 20},
                         mistakes=mistakes)
    assert result.details.get("mistake") == mistake
    assert result.score == 0


def test_a_tensor_without_a_batch_axis_cannot_miss_one() -> None:
    # one sequence: dropping the first axis is pooling, not a missing batch
    result = grade_shape("[384]", "[seq_len, 384]", {"seq_len": 20})
    assert result.details["mistake"] == "pooled_vs_token"
