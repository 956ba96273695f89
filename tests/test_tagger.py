"""TokenTagger: training, IOB2 decoding, entities with character offsets, bad input."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Perceptron

from encoder_kit import Entity, TokenTagger
from encoder_kit.conll import read_conll
from encoder_kit.metrics import entity_f1
from encoder_kit.tagger import Entities, split_words, viterbi_iob2
from encoder_kit.word_shape import SHAPE_COLUMNS

PEOPLE = [["Ada", "Lovelace"], ["Alan", "Turing"], ["Grace", "Hopper"], ["Marie", "Curie"]]
PLACES = [["London"], ["Paris"], ["New", "York"], ["Berlin"]]
FRAMES = [(["{p}", "lives", "in", "{l}", "."]), (["Yesterday", "{p}", "visited", "{l}", "."]),
          (["{l}", "welcomed", "{p}", "warmly", "."])]


def _sentence(frame, person, place):
    words, tags = [], []
    for slot in frame:
        filler, kind = {"{p}": (person, "PER"), "{l}": (place, "LOC")}.get(slot, (None, None))
        if filler is None:
            words.append(slot)
            tags.append("O")
        else:
            words += filler
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(filler) - 1)
    return words, tags


DATA = [_sentence(f, p, pl) for f, p, pl in itertools.product(FRAMES, PEOPLE, PLACES)]
SENTENCES = [w for w, _ in DATA]
TAGS = [t for _, t in DATA]
STRONG = LogisticRegression(C=10, max_iter=2000)


@pytest.fixture(scope="module")
def tagger():
    return TokenTagger(head=STRONG, cache=False).fit(SENTENCES, TAGS)


def _valid_iob2(tags):
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            return False
        prev = tag
    return True


# -- training and prediction ----------------------------------------------------------------
def test_fit_predict_learns_the_training_entities(tagger):
    predicted = tagger.predict(SENTENCES)
    assert [len(p) for p in predicted] == [len(s) for s in SENTENCES]
    assert all(_valid_iob2(p) for p in predicted)
    assert tagger.score(SENTENCES, TAGS) > 0.95
    assert sorted(tagger.classes_) == ["B-LOC", "B-PER", "I-LOC", "I-PER", "O"]
    # the head sees the word vectors of the word and both neighbours, plus the shape flags
    assert tagger.head_.n_features_in_ == 3 * 384 + len(SHAPE_COLUMNS)
    assert tagger.predict([]) == []


def test_report_has_a_row_per_type_and_agrees_with_score(tagger):
    held_out = [["Ada", "Lovelace", "lives", "in", "Berlin", "."]]
    gold = [["B-PER", "I-PER", "O", "O", "B-LOC", "O"]]
    table = tagger.report(SENTENCES + held_out, TAGS + gold)
    assert {"LOC", "PER", "micro avg"} <= set(table.index)
    assert list(table.columns) == ["precision", "recall", "f1", "support"]
    assert table.loc["PER", "support"] == len(SENTENCES) + 1
    score = tagger.score(SENTENCES + held_out, TAGS + gold)
    assert table.loc["micro avg", "f1"] == pytest.approx(score)
    # score is the library's one entity-F1 definition (strict IOB2), nothing of its own
    assert score == entity_f1(TAGS + gold, tagger.predict(SENTENCES + held_out))


def test_predict_entities_gives_offsets_into_the_original_text(tagger):
    text = "Yesterday Grace Hopper visited Paris.\n\n  Marie Curie lives in New York ."
    found = tagger.predict_entities(text)
    assert isinstance(found, list) and all(isinstance(e, Entity) for e in found)
    for entity in found:
        assert text[entity.start:entity.end] == entity.text
    assert ("Grace Hopper", "PER") in [(e.text, e.label) for e in found]
    assert ("New York", "LOC") in [(e.text, e.label) for e in found]
    start = text.index("Marie")
    assert Entity("Marie Curie", "PER", start, start + 11) in found
    assert tagger.predict_entities("") == [] and tagger.predict_entities("  \n") == []


def test_html_view_highlights_and_escapes():
    text = "<b>Ada</b> met Bob & co"
    view = Entities(text, [Entity("Ada", "PER", 3, 6), Entity("Bob", "P<ER", 15, 18)])
    html = view._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp; co" in html
    assert html.count("<mark") == 2 and "P&lt;ER" in html
    assert html.index("Ada") < html.index("Bob")


def test_entities_from_tagged_words():
    view = Entities.from_words(["Ada", "Lovelace", "met", "Bob"], ["B-PER", "I-PER", "O", "I-PER"])
    assert view == [Entity("Ada Lovelace", "PER", 0, 12), Entity("Bob", "PER", 17, 20)]
    assert view.text == "Ada Lovelace met Bob"


def test_pickled_and_cloned_taggers(tagger):
    restored = pickle.loads(pickle.dumps(tagger))
    assert restored.predict(SENTENCES[:5]) == tagger.predict(SENTENCES[:5])
    fresh = clone(tagger)
    assert not hasattr(fresh, "head_") and fresh.get_params()["context"] == 1


@pytest.mark.parametrize("params", [
    {"head": Perceptron(random_state=0)},  # no predict_proba: decision scores are decoded
    {"word_features": None, "context": 0, "decoding": "argmax"},
    {"word_features": "all", "layers": "last"},
])
def test_other_heads_and_options_give_valid_iob2(params):
    tagger = TokenTagger(cache=False, **{"head": STRONG, **params}).fit(SENTENCES, TAGS)
    predicted = tagger.predict(SENTENCES)
    assert all(_valid_iob2(p) for p in predicted)
    assert tagger.score(SENTENCES, TAGS) > 0.5


# -- decoding --------------------------------------------------------------------------------
CLASSES = ["B-LOC", "B-PER", "I-LOC", "I-PER", "O"]


def test_viterbi_repairs_what_argmax_gets_wrong():
    probs = np.array([[0.05, 0.30, 0.05, 0.45, 0.15],   # argmax I-PER at the start: invalid
                      [0.05, 0.05, 0.40, 0.45, 0.05],   # I-PER continues PER
                      [0.05, 0.05, 0.50, 0.10, 0.30]])  # I-LOC after PER: invalid
    assert viterbi_iob2(np.log(probs), CLASSES) == ["B-PER", "I-PER", "O"]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.lists(
    st.lists(st.floats(0.01, 1.0), min_size=5, max_size=5), min_size=n, max_size=n)))
def test_viterbi_finds_the_best_valid_sequence(rows):
    log_probs = np.log(np.array(rows))
    best = viterbi_iob2(log_probs, CLASSES)
    assert _valid_iob2(best)
    score = lambda seq: sum(log_probs[t, CLASSES.index(c)] for t, c in enumerate(seq))  # noqa: E731
    brute = max((seq for seq in itertools.product(CLASSES, repeat=len(rows))
                 if _valid_iob2(seq)), key=score)
    assert score(best) == pytest.approx(score(brute))
    argmax = [CLASSES[i] for i in log_probs.argmax(axis=1)]
    if _valid_iob2(argmax):
        assert best == argmax


@given(st.text(alphabet=st.sampled_from(list("ab1 .,'-@#\n\tÄé😀")), max_size=60))
def test_split_words_offsets_cover_every_visible_character(text):
    words = split_words(text)
    for word, start, end in words:
        assert text[start:end] == word and word.strip() == word and word
    assert "".join(w for w, _, _ in words) == "".join(text.split())
    assert all(a[2] <= b[1] for a, b in itertools.pairwise(words))


def test_split_words_keeps_urls_mentions_and_splits_clitics():
    text = "@ada's U.S. talk: https://x.org/a?b=1 isn't #fun! Smith’s well-known 3.5"
    assert [w for w, _, _ in split_words(text)] == [
        "@ada", "'s", "U.S.", "talk", ":", "https://x.org/a?b=1", "is", "n't", "#fun", "!",
        "Smith", "’s", "well-known", "3.5"]


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(("X", "y", "error", "match"), [
    ([["Ada", "Lovelace"]], [["B-PER"]], ValueError, r"tags\[0\] has 1 tags but sentence 0 has 2"),
    ([["Ada"]], [["S-PER"]], ValueError, "not an IOB2 tag .unknown tag scheme"),
    ([["Ada"], []], [["B-PER"], []], ValueError, r"sentences\[1\] is an empty sentence"),
    ("Ada Lovelace", [["B-PER", "I-PER"]], TypeError, r"single string.*split"),
    ([], [], ValueError, "sentences is empty; pass at least one sentence"),
    ([["Ada", "x"]], [["O", "O"]], ValueError, "at least two different tags"),
    ([["Ada"]], ["B-PER"], TypeError, r"tags\[0\] is str"),
])
def test_bad_training_input_gets_a_clear_error(X, y, error, match):
    with pytest.raises(error, match=match):
        TokenTagger(cache=False).fit(X, y)


@pytest.mark.parametrize(("params", "match"), [
    ({"decoding": "crf"}, "decoding='crf' is not known"),
    ({"word_features": "caps"}, "word_features='caps' is not known"),
    ({"context": -1}, "context must be an integer"),
    ({"head": "lr"}, "head must be a scikit-learn classifier"),
])
def test_bad_settings_get_a_clear_error(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        TokenTagger(cache=False, **params).fit(SENTENCES, TAGS)


def test_prediction_input_errors(tagger):
    with pytest.raises(NotFittedError):
        TokenTagger().predict(SENTENCES)
    with pytest.raises(TypeError, match=r"sentences\[0\] is a string"):
        tagger.predict(["Ada", "Lovelace"])
    with pytest.raises(ValueError, match="empty sentence"):
        tagger.predict([[]])
    with pytest.raises(TypeError, match="predict_entities takes one string"):
        tagger.predict_entities(["Ada Lovelace"])


@pytest.mark.slow
def test_wikigold_subset_trains_a_useful_tagger(shared_data):
    sentences, tags = read_conll(shared_data / "wikigold" / "wikigold.conll")
    tagger = TokenTagger().fit(sentences[:400], tags[:400])
    assert tagger.score(sentences[1500:1650], tags[1500:1650]) > 0.3


def test_fit_vectors_uses_the_mlp_tagger_head_by_default():
    """Without a head the tagger fits a fresh ``mlp_tagger_head()`` on the given vectors
    (the path ``probe_layers`` takes: one encoding, many heads)."""
    from encoder_kit.tagger import mlp_tagger_head

    rng = np.random.default_rng(0)
    sentences = [["Ada", "Lovelace", "wrote", "notes"]] * 10
    labels = np.array(["B-PER", "I-PER", "O", "O"] * 10, dtype=object)
    word_vectors = 3 * rng.standard_normal((4, 8))  # a fixed vector per word, a little noise
    vectors = [(word_vectors + 0.1 * rng.standard_normal((4, 8))).astype(np.float32)
               for _ in sentences]
    tagger = TokenTagger(word_features=None, context=0).fit_vectors(sentences, labels, vectors)
    assert tagger.head_.get_params() == mlp_tagger_head().get_params()
    assert tagger.head_ is not tagger.head  # a fresh, fitted copy
    predicted = tagger.predict_vectors(sentences[:1], vectors[:1])
    assert predicted == [["B-PER", "I-PER", "O", "O"]]
