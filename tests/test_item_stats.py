"""Item statistics against a small class computed by hand (the arithmetic is in comments).

The class: five students, four items (q4 is worth 1 point and everyone earns it).

    student  q1 (max 1)  q2 (max 2)  q3 (max 1)  q4 (max 1)  total
    A        1           2           1           1           5
    B        1           2           0           1           4
    C        0           1           1           1           3
    D        1           0           0           1           2
    E        0           1           0           1           2      (D and E tie)

Discrimination is the correlation of an item with the rest (total minus the item); sample
variances use n - 1, but n - 1 cancels in a correlation, so sums of squares are written.
The upper and lower groups hold round(0.27 * 5) = 1 student: the top total is A; the bottom
total, 2, is shared by D and E, who get half a place each.
"""

from __future__ import annotations

import math
import struct
import zlib

import pandas as pd
import pytest

from autograder.item_stats import (
    ItemStats,
    describe_plot,
    format_table,
    item_statistics,
    plot,
)

SCORES = {
    "A": {"q1": 1, "q2": 2, "q3": 1, "q4": 1},
    "B": {"q1": 1, "q2": 2, "q3": 0, "q4": 1},
    "C": {"q1": 0, "q2": 1, "q3": 1, "q4": 1},
    "D": {"q1": 1, "q2": 0, "q3": 0, "q4": 1},
    "E": {"q1": 0, "q2": 1, "q3": 0, "q4": 1},
}
MAX = {"q1": 1, "q2": 2, "q3": 1, "q4": 1}
RESPONSES = {"q1": {"A": "k7", "B": "k7", "C": "m2", "D": "k7", "E": "p4"}}
OPTIONS = {"q1": {"k7": True, "m2": False, "p4": False, "q1": False}}
FIRST_WRONG = {"q2": {"A": None, "B": None, "C": "pool", "D": "embed", "E": "embed"}}


def by_item(stats: list[ItemStats]) -> dict[str, ItemStats]:
    return {s.item: s for s in stats}


@pytest.fixture(scope="module")
def stats() -> dict[str, ItemStats]:
    frame = pd.DataFrame.from_dict(SCORES, orient="index")
    return by_item(
        item_statistics(frame, MAX, RESPONSES, options=OPTIONS, first_wrong_steps=FIRST_WRONG)
    )


def test_q1_by_hand(stats: dict[str, ItemStats]) -> None:
    q1 = stats["q1"]
    # x = (1,1,0,1,0): mean 3/5; deviations (.4,.4,-.6,.4,-.6), squares 3*.16 + 2*.36 = 1.2
    assert q1.n == 5
    assert q1.facility == pytest.approx(0.6)
    assert q1.sd == pytest.approx(math.sqrt(1.2 / 4))  # 0.5477
    # rest = total - x = (4,3,3,1,2): mean 2.6, deviations (1.4,.4,.4,-1.6,-.6), squares 5.2
    # cross products .56 + .16 - .24 - .64 + .36 = 0.2  ->  r = 0.2 / sqrt(1.2 * 5.2)
    assert q1.discrimination == pytest.approx(0.2 / math.sqrt(1.2 * 5.2))  # 0.0801
    # sorted x (0,0,1,1,1) with sorted rest (1,2,3,3,4): .96 + .36 + .16 + .16 + .56 = 2.2
    assert q1.efficiency == pytest.approx(0.2 / 2.2)
    # upper: A (1); lower: D (1) and E (0) share the last place: 0.5  ->  1 - 0.5
    assert q1.upper_lower == pytest.approx(0.5)
    assert "low-discrimination" in q1.flags and "negative-discrimination" not in q1.flags


def test_q2_by_hand(stats: dict[str, ItemStats]) -> None:
    q2 = stats["q2"]
    # x = (2,2,1,0,1): mean 1.2, facility 1.2 / 2; squares .64+.64+.04+1.44+.04 = 2.8
    assert q2.mean == pytest.approx(1.2)
    assert q2.facility == pytest.approx(0.6)
    assert q2.sd == pytest.approx(math.sqrt(2.8 / 4) / 2)  # as a share of the 2 points
    # rest = (3,2,2,2,1): mean 2, deviations (1,0,0,0,-1), squares 2; cross .8 + .2 = 1.0
    assert q2.discrimination == pytest.approx(1.0 / math.sqrt(2.8 * 2))  # 0.4226
    # sorted x (0,1,1,2,2) with sorted rest (1,2,2,2,3): 1.2 + 0 + 0 + 0 + .8 = 2.0
    assert q2.efficiency == pytest.approx(0.5)
    # upper: A 2/2 = 1; lower: D 0/2 and E 1/2 half each = 0.25  ->  0.75
    assert q2.upper_lower == pytest.approx(0.75)
    assert q2.flags == ()
    # the most common first wrong step: embed (D and E), not pool (C)
    assert (q2.first_wrong_step, q2.first_wrong_count) == ("embed", 2)


def test_q3_by_hand(stats: dict[str, ItemStats]) -> None:
    q3 = stats["q3"]
    # x = (1,0,1,0,0): mean .4; squares 2*.36 + 3*.16 = 1.2
    # rest = (4,4,2,2,2): mean 2.8, deviations (1.2,1.2,-.8,-.8,-.8), squares 4.8
    # cross .72 - .48 - .48 + .32 + .32 = .4  ->  r = .4 / sqrt(1.2 * 4.8) = .4 / 2.4
    assert q3.facility == pytest.approx(0.4)
    assert q3.discrimination == pytest.approx(1 / 6)
    # sorted: (0,0,0,1,1) with (2,2,2,4,4): 3 * .32 + 2 * .72 = 2.4  ->  .4 / 2.4
    assert q3.efficiency == pytest.approx(1 / 6)
    # upper A: 1; lower D and E: 0  ->  1
    assert q3.upper_lower == pytest.approx(1.0)
    assert q3.flags == ("low-discrimination",)


def test_constant_item_is_undefined_not_nan(stats: dict[str, ItemStats]) -> None:
    q4 = stats["q4"]
    assert q4.facility == 1.0 and q4.sd == 0.0
    assert q4.discrimination is None and q4.efficiency is None
    assert q4.upper_lower == 0.0  # upper A: 1, lower D and E: 1
    assert "no-variance" in q4.flags and "too-easy" in q4.flags
    table = format_table(list(stats.values()))
    assert "nan" not in table.lower()
    row = next(line for line in table.splitlines() if line.startswith("q4 "))
    assert row.split()[4:6] == ["n/a", "n/a"]


def test_option_shares_and_unused_distractor(stats: dict[str, ItemStats]) -> None:
    q1 = stats["q1"]
    # k7: A, B, D = 3 of 5; m2: C; p4: E; q1: nobody
    assert q1.option_shares == {"k7": 0.6, "m2": 0.2, "p4": 0.2, "q1": 0.0}
    assert q1.right_options == ("k7",)
    assert q1.unused_distractors == ("q1",)
    assert "unused-distractor" in q1.flags
    table = format_table(list(stats.values()))
    assert "q1: chosen: k7 60% right, m2 20%, p4 20%, q1 0% never chosen" in table
    assert "q2: most common first wrong step: embed (2 of 5 students)" in table


def test_mapping_input_equals_frame_input(stats: dict[str, ItemStats]) -> None:
    again = by_item(
        item_statistics(SCORES, MAX, RESPONSES, options=OPTIONS, first_wrong_steps=FIRST_WRONG)
    )
    assert again == stats


def test_row_order_does_not_change_tied_groups() -> None:
    reordered = dict(reversed(list(SCORES.items())))
    first = by_item(item_statistics(SCORES, MAX))
    second = by_item(item_statistics(reordered, MAX))
    assert {k: v.upper_lower for k, v in first.items()} == {
        k: v.upper_lower for k, v in second.items()
    }


def test_a_class_of_one() -> None:
    (one,) = item_statistics({"A": {"q": 1.0}}, {"q": 2})
    assert one.n == 1 and one.facility == 0.5
    assert one.sd is None and one.discrimination is None and one.upper_lower is None
    assert one.flags == ("too-few-students",)
    assert "n/a" in format_table([one])


def test_a_class_of_two() -> None:
    # A: q1 1, q2 1; B: 0, 0. q1 against the rest (1, 0): r = 1; sd = sqrt(.5 / 1)
    q1, _ = item_statistics({"A": {"q1": 1, "q2": 1}, "B": {"q1": 0, "q2": 0}}, {"q1": 1, "q2": 1})
    assert q1.discrimination == pytest.approx(1.0)
    assert q1.sd == pytest.approx(math.sqrt(0.5))
    assert q1.upper_lower == pytest.approx(1.0)  # one student per group: 1 - 0


def test_a_class_of_two_tied_and_reversed() -> None:
    # A: 1, 0; B: 0, 1. Totals tie (1, 1): both share the upper and the lower place -> 0.
    # q1 (1, 0) against the rest (0, 1): r = -1, a key to review.
    q1, q2 = item_statistics({"A": {"q1": 1, "q2": 0}, "B": {"q1": 0, "q2": 1}}, {"q1": 1, "q2": 1})
    assert q1.upper_lower == 0.0
    assert q1.discrimination == pytest.approx(-1.0)
    assert "negative-discrimination" in q1.flags and "low-discrimination" not in q1.flags


def test_single_item_assignment_has_no_rest() -> None:
    (only,) = item_statistics({"A": {"q": 1}, "B": {"q": 0}}, {"q": 1})
    assert only.discrimination is None and "rest-constant" in only.flags


def test_missing_scores_leave_the_student_out_of_that_item() -> None:
    frame = pd.DataFrame.from_dict(SCORES, orient="index")
    frame.loc["F"] = [float("nan"), 0, 0, 1]
    stats = by_item(item_statistics(frame, MAX))
    assert stats["q1"].n == 5 and stats["q1"].facility == pytest.approx(0.6)
    assert stats["q2"].n == 6  # F counts for q2 (0 points), with q1 as 0 in the rest


def test_diagnosis_and_pool_responses() -> None:
    scores = {s: {"d": 1} for s in "ABCD"}
    responses = {
        "d": {
            "A": {"cause": "v1/k7", "fix": "v1/m2"},
            "B": {"cause": "v1/p4", "fix": "v1/m2"},
            "C": {"cause": "v2/k1", "fix": "v2/m5"},
            "D": {"cause": "v2/k1", "fix": "v2/m5"},
        }
    }
    options = {"d": {"cause:v1/k7": True, "cause:v1/p4": False, "cause:v3/z9": False}}
    (d,) = item_statistics(scores, {"d": 1}, responses, options=options)
    shares = d.option_shares or {}
    # v1 was answered by A and B, v2 by C and D, v3 by nobody
    assert shares["cause:v1/k7"] == 0.5 and shares["cause:v1/p4"] == 0.5
    assert shares["cause:v2/k1"] == 1.0 and shares["fix:v1/m2"] == 1.0
    assert shares["cause:v3/z9"] is None  # nobody was shown it: not an unused distractor
    assert d.unused_distractors == () and "unused-distractor" not in d.flags


def test_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="no maximum points for \\['q2'\\]"):
        item_statistics({"A": {"q1": 1, "q2": 1}}, {"q1": 1})
    with pytest.raises(ValueError, match="must be a number"):
        item_statistics({"A": {"q1": "full marks"}}, {"q1": 1})
    with pytest.raises(TypeError, match="DataFrame"):
        item_statistics([1, 2], {"q1": 1})


def _png_text(data: bytes) -> dict[str, str]:
    """The tEXt chunks of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, found = 8, {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            found[key.decode()] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            found[key.decode()] = zlib.decompress(rest[1:]).decode("latin-1")
        position += 12 + length
    return found


def test_plot_and_its_text_alternative(tmp_path, stats: dict[str, ItemStats]) -> None:
    values = list(stats.values())
    path = plot(values, tmp_path / "figures" / "items.png")
    data = path.read_bytes()
    text = describe_plot(values)
    assert _png_text(data)["Description"] == text
    assert "Good: q2." in text
    assert "Too easy: q4." in text and "Too hard" not in text
    assert "Discrimination undefined: q4." in text
    assert "Low or negative discrimination: q1 (0.08), q3 (0.17)." in text


def _choice(qid: str, right: str) -> dict:
    return {
        "id": qid,
        "kind": "choice",
        "prompt": f"Which adaptation fits the {qid} team?",
        "explanation": "Few labels and no GPU favour a frozen encoder.",
        "options": [
            {"id": "m2", "text": "Fine-tune every layer", "feedback": "Too little data."},
            {"id": "k7", "text": right, "correct": True, "feedback": "It fits the data."},
            {"id": "p4", "text": "Train from scratch", "feedback": "Far too little data."},
        ],
    }


def test_collect_from_graded_results() -> None:
    from autograder import grade
    from autograder.item_stats import collect
    from encoder_kit.questions import make_variant
    from encoder_kit.questions.kinds.pool import QuestionPool
    from encoder_kit.questions.kinds.schema import parse_question

    base = {"title": "T", "concepts": ["C3"], "graded": True}
    choice = parse_question({**_choice("c1", "Freeze it"), **base})
    order = parse_question(
        {
            **base,
            "id": "o1",
            "kind": "ordering",
            "prompt": "Order the steps.",
            "explanation": "Pieces, then ids, then vectors.",
            "items": [
                {"id": "ids", "text": "Look up ids", "feedback": "Ids need pieces first."},
                {"id": "split", "text": "Split into pieces"},
                {"id": "vec", "text": "Embed the ids", "feedback": "Vectors need ids first."},
            ],
            "order": ["split", "ids", "vec"],
        }
    )
    pool = QuestionPool.model_validate(
        {
            **base,
            "id": "p1",
            "kind": "pool",
            "versions": [_choice(f"p1--{w}", f"Freeze it for {w}") for w in ("a", "b", "c")],
        }
    )
    answers = {
        "ada": ("k7", ["split", "ids", "vec"], "k7"),
        "bo": ("m2", ["ids", "split", "vec"], "m2"),
        "cy": ("k7", ["vec", "split", "ids"], "k7"),
    }
    results = []
    for student, (picked, steps, pooled) in answers.items():
        results.append((student, grade(choice, picked).replace(question_id="c1")))
        results.append((student, grade(order, steps).replace(question_id="o1")))
        variant = make_variant(pool, "course", "hw", student)
        results.append((student, grade(pool, pooled, variant).replace(question_id="p1")))
    inputs = collect(results, {"c1": choice, "p1": pool})
    stats = by_item(inputs.statistics())
    # c1: k7 by ada and cy, m2 by bo, p4 by nobody
    assert stats["c1"].option_shares == {"m2": 1 / 3, "k7": 2 / 3, "p4": 0.0}
    assert stats["c1"].unused_distractors == ("p4",) and stats["c1"].right_options == ("k7",)
    # o1: ada is right; bo places ids too early, cy places vec too early (one each: ids first
    # alphabetically)
    assert (stats["o1"].first_wrong_step, stats["o1"].first_wrong_count) == ("ids", 1)
    # p1: every key names the student's version; shares count within each version
    versions = {make_variant(pool, "course", "hw", s).version for s in answers}
    shares = stats["p1"].option_shares or {}
    assert {key.split("/")[0] for key, share in shares.items() if share} <= versions
    assert all(key.split("/")[0] in {v.id for v in pool.versions} for key in shares)
    assert stats["p1"].facility == pytest.approx(2 / 3)
