"""grade_order: the ten methods, distractors, partial orders, feedback, bad input, properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import METHODS, Result, grade_order
from autograder.ordering_methods import longest_consistent_subsequence
from encoder_kit.questions import ORDERING_METHODS, OrderKey

KEY = ["tokens", "embeddings", "encoder", "head", "output"]
SWAPPED = ["tokens", "embeddings", "head", "encoder", "output"]

# the worked example: encoder and head swapped
WORKED_EXAMPLE = {
    "all_or_nothing": 0.0,
    "absolute_position": 0.60,
    "relative_to_correct": 0.90,
    "relative_next_exclude_last": 0.25,
    "relative_next_include_last": 0.40,
    "relative_both": 0.40,
    "relative_all": 0.90,
    "longest_ordered_subset": 0.80,
    "longest_contiguous_subset": 0.60,
    "dag_lcs": 0.60,
}


def test_schema_and_grader_know_the_same_methods() -> None:
    assert set(METHODS) == set(ORDERING_METHODS) == set(WORKED_EXAMPLE)


@pytest.mark.parametrize("method", sorted(WORKED_EXAMPLE))
def test_worked_example(method: str) -> None:
    assert grade_order(SWAPPED, KEY, method=method).score == pytest.approx(WORKED_EXAMPLE[method])


@pytest.mark.parametrize("method", METHODS)
def test_the_key_scores_one(method: str) -> None:
    result = grade_order(KEY, KEY, method=method)
    assert result.score == 1.0
    assert result.feedback.startswith("Correct")


def test_feedback_names_the_first_step_out_of_place_and_not_the_key() -> None:
    result = grade_order(SWAPPED, KEY)
    assert "Step 3, 'head', comes too early" in result.feedback
    assert "encoder" not in result.feedback  # naming the step it should follow would give it away
    assert result.details["first_problem"] == "head"


def test_labels_and_notes_appear_in_feedback() -> None:
    result = grade_order(
        SWAPPED, KEY, labels={"head": "the task head"}, notes={"head": "It reads vectors."}
    )
    assert "'the task head'" in result.feedback
    assert result.feedback.endswith("It reads vectors.")


def test_missing_items_cost_insertions() -> None:
    result = grade_order(["tokens", "embeddings", "encoder", "head"], KEY)
    assert result.score == pytest.approx(0.8)  # one insertion
    assert "1 step(s) are missing" in result.feedback


def test_a_distractor_costs_one_deletion_in_every_method() -> None:
    with_distractor = ["tokens", "embeddings", "pool-first", "encoder", "head", "output"]
    result = grade_order(with_distractor, KEY, distractors=["pool-first"])
    assert result.score == pytest.approx(0.8)
    assert "Step 3, 'pool-first', does not belong" in result.feedback
    assert result.details["distractors_used"] == ["pool-first"]
    assert grade_order(with_distractor, KEY, "absolute_position").score == pytest.approx(0.8)
    assert grade_order(with_distractor, KEY, "all_or_nothing").score == 0.0


def test_without_a_distractor_list_unknown_ids_count_as_distractors() -> None:
    assert grade_order([*KEY, "extra"], KEY).score == pytest.approx(0.8)


def test_partial_order_accepts_every_topological_order() -> None:
    dag = {"load": [], "split": [], "encode": ["load"], "fit": ["encode", "split"]}
    for order in (
        ["load", "split", "encode", "fit"],
        ["split", "load", "encode", "fit"],
        ["load", "encode", "split", "fit"],
    ):
        for method in METHODS:
            assert grade_order(order, dag, method=method).score == 1.0, (order, method)
    wrong = grade_order(["encode", "load", "split", "fit"], dag)
    assert wrong.score == pytest.approx(0.5)
    assert "'encode', comes too early" in wrong.feedback


def test_dag_lcs_uses_all_pairs_not_only_neighbours() -> None:
    # c must come before a; b is unrelated to both: keeping all three breaks that pair
    dag = {"a": ["c"], "b": [], "c": []}
    assert longest_consistent_subsequence(["a", "b", "c"], OrderKey.from_spec(dag)) == 2


def test_longest_subsets_ignore_a_single_item_like_moodle() -> None:
    reversed_key = list(reversed(KEY))
    assert grade_order(reversed_key, KEY, "longest_ordered_subset").score == 0.0
    assert grade_order(reversed_key, KEY, "longest_contiguous_subset").score == 0.0


def test_contiguous_subset_counts_key_positions_not_answer_neighbours() -> None:
    # key positions 0, 3, 1, 2, 4: the run 0, 1, 2 is spread over the answer
    answer = ["tokens", "head", "embeddings", "encoder", "output"]
    assert grade_order(answer, KEY, "longest_contiguous_subset").score == pytest.approx(0.6)


def test_max_points_scale_points() -> None:
    result = grade_order(SWAPPED, KEY, max_points=5)
    assert result.points == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "No ordering answer was given"),
        ([], "is empty"),
        ("tokens, embeddings", "must be a list of item ids"),
        ({"tokens": 1}, "must be a list of item ids"),
        (42, "must be a list of item ids"),
        (["tokens", "tokens", "encoder"], "'tokens' more than once"),
        (["tokens", 3], "every entry must be an item id written as text"),
    ],
)
def test_bad_answers_score_zero_with_a_message(answer: object, message: str) -> None:
    result = grade_order(answer, KEY)
    assert isinstance(result, Result)
    assert result.score == 0.0
    assert message in result.feedback


def test_unknown_ids_with_a_distractor_list_score_zero() -> None:
    result = grade_order(["tokens", "embedings"], KEY, distractors=["pool-first"])
    assert result.score == 0.0
    assert "'embedings' is not one of the items" in result.feedback


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (["a"], ValueError),
        (["a", "a"], ValueError),
        ({"a": ["b"], "b": ["a"]}, ValueError),
        ({"a": ["missing"]}, ValueError),
        ({"a": "b", "b": []}, TypeError),
        ("ab", TypeError),
        (None, TypeError),
        ([1, 2], TypeError),
    ],
)
def test_bad_keys_raise(key: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        grade_order(["a", "b"], key)  # type: ignore[arg-type]


def test_a_cycle_is_reported_by_name() -> None:
    with pytest.raises(ValueError, match="cycle"):
        OrderKey.from_spec({"a": ["b"], "b": ["a"]})


def test_unknown_method_raises() -> None:
    with pytest.raises(ValueError, match="unknown ordering method 'moodle'"):
        grade_order(KEY, KEY, method="moodle")


# property tests ---------------------------------------------------------------------------

ITEM_NAMES = [f"s{index}" for index in range(8)]
total_orders = st.integers(min_value=2, max_value=7).flatmap(
    lambda n: st.permutations(ITEM_NAMES[:n])
)


@st.composite
def dags(draw: st.DrawFn) -> dict[str, list[str]]:
    """A random DAG: each item may depend on items declared before it."""
    n = draw(st.integers(min_value=2, max_value=7))
    items = ITEM_NAMES[:n]
    return {
        item: draw(st.lists(st.sampled_from(items[:index]), unique=True)) if index else []
        for index, item in enumerate(items)
    }


@settings(max_examples=60, deadline=None)
@given(key=total_orders, method=st.sampled_from(METHODS))
def test_property_the_key_scores_one(key: list[str], method: str) -> None:
    assert grade_order(list(key), list(key), method=method).score == 1.0


@settings(max_examples=60, deadline=None)
@given(dag=dags(), method=st.sampled_from(METHODS), data=st.data())
def test_property_any_valid_order_of_a_dag_scores_one(dag, method, data) -> None:
    key = OrderKey.from_spec(dag)
    shuffled = data.draw(st.permutations(list(key.items)))
    valid = key.linearize(shuffled)
    assert key.is_valid(valid)
    assert grade_order(valid, dag, method=method).score == 1.0


@settings(max_examples=150, deadline=None)
@given(
    key=total_orders,
    method=st.sampled_from(METHODS),
    data=st.data(),
)
def test_property_scores_stay_in_range(key, method, data) -> None:
    pool = [*key, "distractor-1", "distractor-2"]
    answer = data.draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))
    score = grade_order(answer, list(key), method=method).score
    assert 0.0 <= score <= 1.0


@settings(max_examples=150, deadline=None)
@given(key=total_orders, method=st.sampled_from(METHODS), data=st.data())
def test_property_a_permutation_scores_one_only_if_it_is_the_key(key, method, data) -> None:
    answer = data.draw(st.permutations(list(key)))
    score = grade_order(list(answer), list(key), method=method).score
    assert (score == 1.0) == (list(answer) == list(key))


def test_exhaustively_for_four_items() -> None:
    key = ["a", "b", "c", "d"]
    for answer in itertools.permutations(key):
        for method in METHODS:
            score = grade_order(list(answer), key, method=method).score
            assert (score == 1.0) == (list(answer) == key)
            assert 0.0 <= score <= 1.0
