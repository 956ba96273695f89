"""encoder_kit.masking: BERT's 15 % and 80/10/10 recipe, as a library (the widget shows it)."""

from __future__ import annotations

import pytest

from encoder_kit.masking import MASK_RATE, SPECIAL, mask_pieces, ordinary_vocabulary, recipe_counts

PIECES = ["[CLS]", *[f"w{i}" for i in range(40)], "[SEP]"]


def test_the_recipe_chooses_fifteen_percent_of_ordinary_pieces_with_a_seed():
    steps = mask_pieces(PIECES, seed=1, vocab=["apple"])
    chosen = [s for s in steps if s.chosen]
    assert len(chosen) == round(MASK_RATE * 40)
    assert all(s.original not in SPECIAL for s in chosen)
    assert steps == mask_pieces(PIECES, seed=1, vocab=["apple"])
    counts = recipe_counts(PIECES, repeats=400, vocab=["apple"])
    assert abs(counts["[MASK]"] / sum(counts.values()) - 0.8) < 0.05


def test_bad_input_raises_value_error_that_says_what_to_do():
    with pytest.raises(ValueError, match="no word pieces to mask"):
        mask_pieces(["[CLS]", "[SEP]"])
    with pytest.raises(ValueError, match="between 0 and 1"):
        mask_pieces(PIECES, rate=0)


def test_ordinary_vocabulary_keeps_lower_case_words_only():
    class Tokenizer:
        def get_vocab(self):
            return {"[CLS]": 0, "[unused1]": 1, "##ing": 2, "the": 3, "river": 4, "Paris": 5,
                    "ok": 6, "apple": 7}

    assert ordinary_vocabulary(Tokenizer()) == ["apple", "river", "the"]
