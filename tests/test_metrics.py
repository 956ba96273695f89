"""entity_f1: the one definition of entity-level F1 (strict IOB2 spans, micro average)."""

from __future__ import annotations

import pytest

from encoder_kit.metrics import entity_f1, entity_report

GOLD = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]


def test_perfect_and_empty_predictions():
    assert entity_f1(GOLD, GOLD) == 1.0
    assert entity_f1(GOLD, [["O"] * 4, ["O", "O"]]) == 0.0
    assert entity_f1([["O"]], [["O"]]) == 0.0  # no entity anywhere: 0, not a warning


def test_a_span_counts_only_with_its_type_and_both_ends():
    cut_short = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "O"]]
    assert entity_f1(GOLD, cut_short) == pytest.approx(2 / 3)  # 2 of 3 found, 2 of 3 right
    wrong_type = [["B-ORG", "I-ORG", "O", "B-LOC"], ["B-ORG", "O"]]
    assert entity_f1(GOLD, wrong_type) == pytest.approx(2 / 3)


def test_strict_not_lenient_for_an_entity_without_its_b_tag():
    # conlleval's lenient scheme reads "I-PER I-PER" as a PER entity; strict IOB2 does not
    from seqeval.metrics import f1_score

    predicted = [["I-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    assert f1_score(GOLD, predicted) == 1.0
    assert entity_f1(GOLD, predicted) == pytest.approx(0.8)


def test_the_report_agrees_with_entity_f1():
    predicted = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "O"]]
    table = entity_report(GOLD, predicted)
    assert table["micro avg"]["f1-score"] == pytest.approx(entity_f1(GOLD, predicted))
    assert table["PER"]["recall"] == 0.0 and table["LOC"]["f1-score"] == 1.0


def test_lengths_that_do_not_match_are_named():
    with pytest.raises(ValueError, match="2 gold sentences but 1 predicted"):
        entity_f1(GOLD, GOLD[:1])
    with pytest.raises(ValueError, match="sentence 1 has 2 gold tags but 3 predicted"):
        entity_f1(GOLD, [GOLD[0], ["O", "O", "O"]])
