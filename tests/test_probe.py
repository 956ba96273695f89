"""probe_layers: the same head on every layer, for sentence tasks and for tagging."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from encoder_kit import FrozenEncoder, TokenTagger, probe_layers  # noqa: E402
from encoder_kit.probe import sentence_layer_vectors  # noqa: E402

POSITIVE = ["what a great film", "I loved every minute", "wonderful acting", "a joy to watch",
            "brilliant and moving", "the best show this year"]
NEGATIVE = ["what a dull film", "I hated every minute", "terrible acting", "a pain to watch",
            "boring and flat", "the worst show this year"]
TEXTS = POSITIVE + NEGATIVE
LABELS = ["pos"] * 6 + ["neg"] * 6
TEST_TEXTS = ["great acting", "awful film", "I loved it", "dull and boring"]
TEST_LABELS = ["pos", "neg", "pos", "neg"]

TAGGED = [
    (["Ada", "Lovelace", "lives", "in", "London"], ["B-PER", "I-PER", "O", "O", "B-LOC"]),
    (["Alan", "Turing", "visited", "Paris"], ["B-PER", "I-PER", "O", "B-LOC"]),
    (["Grace", "Hopper", "moved", "to", "New", "York"], ["B-PER", "I-PER", "O", "O", "B-LOC",
                                                        "I-LOC"]),
    (["Berlin", "welcomed", "Marie", "Curie"], ["B-LOC", "O", "B-PER", "I-PER"]),
]
TAGGED_TEST = [(["Marie", "Curie", "lives", "in", "Paris"], ["B-PER", "I-PER", "O", "O", "B-LOC"])]


def test_last_layer_sentence_vectors_equal_frozen_encoder():
    ours = sentence_layer_vectors(TEXTS, [6], model="all-MiniLM-L6-v2", batch_size=5,
                                  device=None, cache=False)[0]
    np.testing.assert_allclose(ours, FrozenEncoder(cache=False).transform(TEXTS), atol=1e-5)


def test_sentence_probe_table_and_last_layer_agree_with_frozen_encoder():
    head = LogisticRegression(C=10, max_iter=1000)
    table = probe_layers(TEXTS, LABELS, TEST_TEXTS, TEST_LABELS, head=head, plot=False,
                         cache=False)
    assert list(table.index) == list(range(7))
    assert (table["metric"] == "accuracy").all() and table["score"].between(0, 1).all()
    encoder = FrozenEncoder(cache=False)
    fitted = LogisticRegression(C=10, max_iter=1000).fit(encoder.transform(TEXTS), LABELS)
    expected = np.mean(fitted.predict(encoder.transform(TEST_TEXTS)) == np.array(TEST_LABELS))
    assert table.loc[6, "score"] == pytest.approx(expected)
    assert (table["std"] == 0).all()  # one train/test split: no spread


def test_sentence_probe_cross_validates_and_draws(tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    table = probe_layers(TEXTS, LABELS, layers=[0, 3, -1], cv=3, ax=ax, cache=tmp_path)
    assert list(table.index) == [0, 3, 6]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(), table["score"])
    assert ax.get_ylabel() == "accuracy"
    plt.close(fig)


def test_tagging_probe_scores_entity_f1_like_a_token_tagger():
    sentences, tags = [w for w, _ in TAGGED], [t for _, t in TAGGED]
    test_sentences, test_tags = [w for w, _ in TAGGED_TEST], [t for _, t in TAGGED_TEST]
    head = LogisticRegression(C=10, max_iter=1000)
    table = probe_layers(sentences, tags, test_sentences, test_tags, layers=[0, 6], head=head,
                         plot=False, cache=False)
    assert list(table.index) == [0, 6] and (table["metric"] == "entity F1").all()
    tagger = TokenTagger(layers=6, word_features=None, context=0, head=head, cache=False)
    expected = tagger.fit(sentences, tags).score(test_sentences, test_tags)
    assert table.loc[6, "score"] == pytest.approx(expected)


@pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
    ((TEXTS, LABELS[:-1]), {}, ValueError, "y has 11 labels for 12 texts"),
    ((TEXTS, LABELS, TEST_TEXTS), {}, ValueError, "pass both X_test and y_test"),
    ((TEXTS, LABELS), {"layers": []}, ValueError, "layers is empty"),
    ((TEXTS, LABELS), {"cv": 1}, ValueError, "cv must be an integer from 2"),
    (("one text", LABELS), {}, TypeError, "single string"),
    (([["Ada"]], [["S-PER"]]), {}, ValueError, "not an IOB2 tag"),
])
def test_bad_probe_input_gets_a_clear_error(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        probe_layers(*args, plot=False, cache=False, **kwargs)
