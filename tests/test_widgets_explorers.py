"""The explorer widgets: shapes and masking without a model; the rest with the packaged model."""

from __future__ import annotations

from collections import Counter

import pytest

from encoder_kit.widgets.masking import SPECIAL, mask_pieces, recipe_counts
from encoder_kit.widgets.shape_explorer import ShapeExplorer, stage_shapes


def test_stage_shapes_for_bert_base_and_minilm():
    bert = stage_shapes(batch=8, length=128, hidden=768, layers=12)
    assert bert["token ids"] == (8, 128)
    assert bert["last hidden state (contextual vectors)"] == (8, 128, 768)
    assert bert["pooled / [CLS] sentence vectors"] == (8, 768)
    assert bert["all hidden states"] == (13, 8, 128, 768)
    assert stage_shapes(1, 7, 384, 6)["all hidden states"] == (7, 1, 7, 384)


def test_shape_explorer_sliders_and_presets():
    explorer = ShapeExplorer()
    explorer.preset.value = "BERT-base"
    assert (explorer.hidden.value, explorer.layers.value) == (768, 12)
    explorer.batch.value = 3
    assert explorer.shapes["all hidden states"] == (13, 3, explorer.length.value, 768)
    assert "(13, 3," in explorer.table.value
    explorer.layers.value = 7  # no preset matches any more
    assert explorer.preset.value == "custom"


PIECES = ["[CLS]", *[f"w{i}" for i in range(40)], "[SEP]"]


def test_masking_chooses_fifteen_percent_never_special_and_is_seeded():
    steps = mask_pieces(PIECES, seed=1, vocab=["apple"])
    chosen = [s for s in steps if s.chosen]
    assert len(chosen) == round(0.15 * 40)
    assert all(s.original not in SPECIAL for s in chosen)
    assert steps == mask_pieces(PIECES, seed=1, vocab=["apple"])
    assert steps != mask_pieces(PIECES, seed=2, vocab=["apple"])
    for s in steps:
        if s.action == "[MASK]":
            assert s.becomes == "[MASK]"
        elif s.action == "unchanged" or not s.chosen:
            assert s.becomes == s.original
        else:
            assert s.becomes == "apple"


def test_masking_follows_the_80_10_10_split():
    counts = recipe_counts(PIECES, repeats=600, vocab=["apple"])
    total = sum(counts.values())
    share = {k: v / total for k, v in counts.items()}
    assert abs(share["[MASK]"] - 0.8) < 0.04
    assert abs(share["random"] - 0.1) < 0.03 and abs(share["unchanged"] - 0.1) < 0.03


def test_masking_bad_input():
    from encoder_kit.widgets.explorer import ExplorerInputError

    with pytest.raises(ExplorerInputError, match="no word pieces"):
        mask_pieces(["[CLS]", "[SEP]"])
    with pytest.raises(ExplorerInputError, match="between 0 and 1"):
        mask_pieces(PIECES, rate=1.5)


@pytest.mark.slow
def test_pipeline_explorer_shows_every_stage_and_handles_an_empty_sentence():
    from encoder_kit.widgets import PipelineExplorer

    explorer = PipelineExplorer("Refund my order")
    view = explorer.inspection
    assert view.pieces[0] == "[CLS]" and view.pieces[-1] == "[SEP]"
    assert "[CLS]" in explorer.pieces.value and str((len(view.pieces), 384)) in explorer.shapes.value
    assert "ek-heatmap" in explorer.heatmap.value
    assert set(explorer.prediction) == {"billing", "technical", "feedback"}
    assert abs(sum(explorer.prediction.values()) - 1) < 1e-5
    explorer.text.value = "   "
    explorer.update()
    assert "The sentence is empty" in explorer.status.value
    assert "Traceback" not in explorer.status.value


@pytest.mark.slow
def test_context_explorer_compares_a_word_per_layer():
    from encoder_kit.widgets import ContextExplorer

    explorer = ContextExplorer()
    sims = explorer.similarities
    assert set(sims) == {(0, 1), (0, 2), (1, 2)} and len(sims[(0, 1)]) == 7
    # money senses of "bank" end up closer than money vs river
    assert sims[(0, 1)][-1] > sims[(0, 2)][-1]
    explorer.sentences.value = "The bank is open\nWe went fishing"
    explorer.update()
    assert "does not occur in the sentence &#x27;We went fishing&#x27;" in explorer.status.value
    explorer.word.value = "two words"
    explorer.update()
    assert "more than one word" in explorer.status.value


@pytest.mark.slow
def test_masking_explorer_on_a_real_sentence():
    from encoder_kit.widgets import MaskingExplorer

    explorer = MaskingExplorer("The parcel arrived late and the box was damaged", seed=3)
    chosen = [s for s in explorer.steps if s.chosen]
    assert chosen and all(s.original not in SPECIAL for s in chosen)
    assert Counter(s.action for s in explorer.steps)["special"] == 2
    explorer.seed.value = 4  # a new seed redraws at once
    assert explorer.steps != []
    explorer.text.value = ""
    explorer.update()
    assert "empty" in explorer.status.value
