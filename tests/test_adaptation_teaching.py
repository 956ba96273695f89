"""Teaching adaptation (issue 16, item 3): the shipped sarcasm set, compare_adaptations and the
FrozenVsFineTuned explorer. The fast tests use no model; the slow ones train for real."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from encoder_kit.data import available_datasets, load_demo_data, load_split
from encoder_kit.finetuning import (
    PARAPHRASE_PAIRS,
    UNRELATED_PAIRS,
    Adaptation,
    ForgettingProbe,
    MethodResult,
    compare_adaptations,
)
from encoder_kit.widgets.explorer import ExplorerInputError


# -- the data set ---------------------------------------------------------------------------
def test_sarcastic_reviews_are_balanced_with_a_fixed_split():
    assert "sarcastic_reviews" in available_datasets()
    texts, labels = load_demo_data("sarcastic_reviews")
    assert len(texts) == 340 and Counter(labels) == {"sarcastic": 170, "sincere": 170}
    assert len(set(texts)) == len(texts), "a text is in the set twice"
    train_x, test_x, train_y, test_y = load_split("sarcastic_reviews")
    assert (len(train_x), len(test_x)) == (255, 85)
    assert Counter(test_y) == {"sarcastic": 42, "sincere": 43}
    assert load_split("sarcastic_reviews") == (train_x, test_x, train_y, test_y)  # fixed
    assert all(3 <= len(t.split()) <= 30 for t in texts), "texts are short reviews"


def test_no_test_review_has_a_near_duplicate_in_training():
    from sklearn.feature_extraction.text import TfidfVectorizer

    train_x, test_x, _, _ = load_split("sarcastic_reviews")
    vectorizer = TfidfVectorizer(stop_words="english").fit(train_x + test_x)
    similarity = (vectorizer.transform(test_x) @ vectorizer.transform(train_x).T).toarray()
    worst = np.unravel_index(similarity.argmax(), similarity.shape)
    assert similarity.max() < 0.5, (test_x[worst[0]], train_x[worst[1]])


def test_support_emails_split_is_the_demo_split():
    from encoder_kit.data import demo_split

    assert load_split("support_emails") == demo_split()
    with pytest.raises(ValueError, match="unknown data set 'tweets'; available: .*sarcastic"):
        load_split("tweets")


def test_the_forgetting_probe_pairs_are_general_and_distinct():
    assert len(PARAPHRASE_PAIRS) == len(UNRELATED_PAIRS) == 12
    assert not set(PARAPHRASE_PAIRS) & set(UNRELATED_PAIRS)
    words = " ".join(t for pair in PARAPHRASE_PAIRS + UNRELATED_PAIRS for t in pair).lower()
    assert "review" not in words and "sarcas" not in words


# -- settings are checked before anything trains --------------------------------------------
@pytest.mark.parametrize("settings, message", [
    ({"learning_rate": 5}, "learning_rate must be a number between 0 and 1"),
    ({"train_layers": -1}, "train_layers must be 'all' or a whole number"),
    ({"train_layers": "top"}, "train_layers must be 'all' or a whole number"),
    ({"epochs": 0}, "epochs must be a whole number >= 1"),
    ({"dataset": "tweets"}, "unknown data set 'tweets'"),
])
def test_compare_adaptations_rejects_bad_settings(settings, message):
    with pytest.raises(ValueError, match=message):
        compare_adaptations(**settings)


def test_the_explorer_rejects_bad_settings_with_a_clear_message():
    from encoder_kit.widgets.finetune import FrozenVsFineTuned, compare

    with pytest.raises(ExplorerInputError, match="learning rate between 0 and 1"):
        compare(learning_rate=5)
    with pytest.raises(ExplorerInputError, match="Train 0 to 6 layers"):
        compare(train_layers=9)
    with pytest.raises(ExplorerInputError, match="1 to 10 epochs"):
        compare(epochs=0)
    with pytest.raises(ExplorerInputError, match="Choose a data set"):
        compare("tweets")
    with pytest.raises(ExplorerInputError, match="learning rate 0.5 is not offered"):
        FrozenVsFineTuned(learning_rate=0.5)


# -- reading a record (no model) ------------------------------------------------------------
def _record(accuracies: dict[str, float], ranking_after: float = 1.0,
            seconds: dict[str, float] | None = None) -> Adaptation:
    seconds = seconds or {"TF-IDF": 0.05, "frozen": 3.0, "hybrid": 3.1, "fine-tuned": 20.0}
    methods = [MethodResult(name, acc, acc, seconds[name], 0.1, 1000)
               for name, acc in accuracies.items()]
    probe = ForgettingProbe(1.0, ranking_after, 0.7, 0.7 if ranking_after == 1 else 0.9,
                            0.1, 0.1 if ranking_after == 1 else 0.8)
    movement = {"embeddings": 0.0, **{f"layer {k}": 0.0 for k in range(1, 5)},
                "layer 5": 0.01, "layer 6": 0.02}
    return Adaptation("support_emails", 180, 60, 2, 1e-4, 4, 0, methods, movement,
                      dict(movement), probe, [0.7, 0.5, 0.3], 25.0)


def test_the_reading_names_the_keyword_case():
    text = _record({"TF-IDF": 0.95, "frozen": 0.9, "hybrid": 0.95, "fine-tuned": 0.953}).reading()
    assert text.startswith("TF-IDF is within 0 points of the best method (fine-tuned, 95 %)")
    assert "1/400 of fine-tuning's fit time: a keyword task" in text
    assert "forgot" not in text


def test_the_reading_when_fine_tuning_wins_or_loses_and_when_it_forgets():
    wins = _record({"TF-IDF": 0.7, "frozen": 0.68, "hybrid": 0.8, "fine-tuned": 0.86}).reading()
    assert wins.startswith("Fine-tuning is best here, 6 points above the next method")
    loses = _record({"TF-IDF": 0.7, "frozen": 0.68, "hybrid": 0.82, "fine-tuned": 0.8},
                    ranking_after=0.6).reading()
    assert loses.startswith("hybrid (82 %) beats fine-tuning (80 %) on 180 training texts")
    assert "88.7 %" in loses  # the large-data case, measured on SST-2
    assert "60 % of the time (before: 100 %), a sign of catastrophic forgetting" in loses


def test_the_rendering_shows_every_method_movement_and_the_probe():
    from encoder_kit.widgets.finetune import render_adaptation

    page = render_adaptation(_record({"TF-IDF": 0.7, "frozen": 0.68, "hybrid": 0.82,
                                      "fine-tuned": 0.8}))
    for name in ("TF-IDF", "frozen", "hybrid", "fine-tuned", "embeddings", "layer 6",
                 "Forgetting probe", "pre-trained"):
        assert f">{name}<" in page or name in page, name
    assert page.count("0.0 (frozen)") == 5  # embeddings and layers 1-4
    assert "Moved: layer 5, layer 6; 5 of 7 parts stayed exactly" in page


# -- real training --------------------------------------------------------------------------
@pytest.mark.slow
def test_compare_adaptations_trains_the_real_classes_and_moves_only_trained_layers():
    import torch

    from encoder_kit.models import load_sentence_transformer

    shared = load_sentence_transformer()[0].auto_model
    before = {n: p.detach().clone() for n, p in shared.named_parameters()}
    result = compare_adaptations("support_emails", train_layers=2, learning_rate=1e-4, epochs=1)
    assert [m.name for m in result.methods] == ["TF-IDF", "frozen", "hybrid", "fine-tuned"]
    assert (result.n_train, result.n_test) == (180, 60)
    for m in result.methods:
        assert 0 <= m.accuracy <= 1 and 0 <= m.macro_f1 <= 1 and m.fit_seconds > 0
    assert result.method("frozen").trained_parameters == 3 * 384 + 3
    assert result.method("fine-tuned").trained_parameters == 2 * 1_774_464 + 3 * 384 + 3
    assert result.method("frozen").accuracy > 0.6, "frozen vectors route e-mails well"
    assert list(result.movement) == ["embeddings"] + [f"layer {k}" for k in range(1, 7)]
    assert all(result.movement[p] == 0.0 for p in ["embeddings", "layer 1", "layer 2",
                                                   "layer 3", "layer 4"])
    assert result.movement["layer 5"] > 0 and result.movement["layer 6"] > 0
    assert 0 <= result.forgetting.ranking_after <= 1
    assert result.forgetting.ranking_before >= 0.9, "the pre-trained encoder knows paraphrases"
    assert result.loss_curve and result.reading()
    for name, p in shared.named_parameters():
        assert torch.equal(p, before[name]), f"the shared model's {name} changed"


@pytest.mark.slow
def test_the_explorer_runs_frozen_and_leaves_every_part_at_zero():
    from encoder_kit.widgets import FrozenVsFineTuned

    widget = FrozenVsFineTuned("support_emails", train_layers=0, epochs=1)
    result = widget.run()
    assert result is not None and widget.status.value == ""
    assert set(result.movement.values()) == {0.0}
    assert result.forgetting.ranking_after == result.forgetting.ranking_before
    assert result.method("fine-tuned").trained_parameters == 3 * 384 + 3
    for name in ("TF-IDF", "frozen", "hybrid", "fine-tuned"):
        assert f">{name}<" in widget.output.value
    assert "Moved: nothing; 7 of 7 parts stayed exactly" in widget.output.value


def test_the_reading_when_tfidf_is_best_or_nothing_trains():
    best = _record({"TF-IDF": 0.97, "frozen": 0.9, "hybrid": 0.95, "fine-tuned": 0.96}).reading()
    assert best.startswith("TF-IDF is the best method here (97 %), at about 1/400")
    frozen = _record({"TF-IDF": 0.7, "frozen": 0.68, "hybrid": 0.82, "fine-tuned": 0.64})
    frozen.train_layers = 0
    assert frozen.reading().startswith("With 0 layers trained nothing in the encoder moved")
