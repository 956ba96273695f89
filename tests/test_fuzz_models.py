"""Input fuzzing of the model targets: FrozenEncoder, TokenEncoder and TokenTagger.

Each test states the contract it checks, from the class docstrings and the README. Model
calls cost milliseconds to a second, so examples are few and batched; no hypothesis
deadline (timings on shared cores vary), ``pytest.mark.timeout`` catches hangs instead.
Deterministic: see ``support.fuzz.fuzz``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.fuzz import SPECIAL, fuzz, nasty_text, nasty_word, plain_text, with_surrogate

from encoder_kit import FrozenEncoder, TokenEncoder, TokenTagger
from encoder_kit.data.exercises import load_ner_train
from encoder_kit.encoder import TruncationWarning
from encoder_kit.tagger import Entities, Entity

# property-based (and the first test loads the model): the full tier (`make test`) only
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

DIM = 384


def _valid_iob2(tags: list[str]) -> bool:
    previous = "O"
    for tag in tags:
        if not (tag == "O" or re.fullmatch(r"[BI]-\S.*", tag)):
            return False
        if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
            return False
        previous = tag
    return True


# Inputs that are never a list of texts / of sentences: each must give a clear error.
not_a_container = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), plain_text, st.binary(max_size=8),
    st.dictionaries(plain_text, plain_text, max_size=3),
)
not_a_text = st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=8),
                       st.lists(plain_text, max_size=2), st.dictionaries(plain_text, st.none()))


# -- FrozenEncoder ---------------------------------------------------------------------------
# Contract (FrozenEncoder docstring, README): transform of a list of strings returns a float32
# (n, 384) array, finite, one unit-length row per text (normalize=True), empty strings
# included (the vector of [CLS] [SEP]); equal texts give equal rows. Anything else raises
# TypeError / ValueError with a message that names the problem.


@pytest.fixture(scope="module")
def encoder() -> FrozenEncoder:
    return FrozenEncoder()


@pytest.mark.filterwarnings("ignore::encoder_kit.encoder.TruncationWarning")  # long runs
@fuzz(30, slow_data=True)
@given(st.lists(nasty_text(), max_size=8))
def test_frozen_encoder_gives_a_unit_row_for_any_text(encoder: FrozenEncoder,
                                                      texts: list[str]) -> None:
    texts = texts + texts[:1]  # a repeated text
    X = encoder.transform(texts)
    assert X.dtype == np.float32 and X.shape == (len(texts), DIM)
    assert np.isfinite(X).all()
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-4)
    if texts:
        np.testing.assert_array_equal(X[0], X[-1])


@fuzz(40)
@given(st.one_of(
    not_a_container,
    st.builds(lambda good, bad, at: good[:at] + [bad] + good[at:],
              st.lists(plain_text, max_size=3), not_a_text, st.integers(0, 3)),
))
def test_frozen_encoder_names_what_is_wrong_with_other_input(encoder: FrozenEncoder,
                                                             bad: Any) -> None:
    with pytest.raises((TypeError, ValueError)) as caught:
        encoder.transform(bad)
    assert re.search(r"\bX\b|single string", str(caught.value)), caught.value


@fuzz(30)
@given(st.lists(plain_text, max_size=3), with_surrogate(nasty_text(long=False)))
def test_a_lone_surrogate_is_a_value_error_naming_the_text(encoder: FrozenEncoder,
                                                           texts: list[str], bad: str) -> None:
    # The tokenizer refused surrogates with "TypeError: TextEncodeInput must be Union[...]".
    with pytest.raises(ValueError, match=rf"X\[{len(texts)}\] holds a lone surrogate"):
        encoder.transform([*texts, bad])


def test_surrogate_regression_before_any_model_call(encoder: FrozenEncoder) -> None:
    with pytest.raises(ValueError, match=r"X\[1\] holds a lone surrogate \('\\ud800' at "
                                         r"position 1\).*encode\('utf-8', 'replace'\)"):
        encoder.transform(["fine", "a\ud800b"])


def test_huge_inputs(encoder: FrozenEncoder) -> None:
    """A 200,000-character word, a 20,000-word text and 2,000 empty strings in one call."""
    texts = ["a" * 200_000, " ".join(["word"] * 20_000)] + [""] * 2_000
    with pytest.warns(TruncationWarning, match="1 of 2002 texts were longer than 256"):
        X = encoder.transform(texts)
    assert X.shape == (2002, DIM) and np.isfinite(X).all()
    assert (X[2:] == X[2]).all()  # every empty string: the same row


# -- TokenEncoder ----------------------------------------------------------------------------
# Contract (TokenEncoder docstring, tokens.word_pieces): one finite float32 (n_words, 384)
# array per sentence for any words, including words the tokenizer drops (they are read as
# [UNK] in place) and words longer than a window; sentences longer than the model's maximum
# length are encoded in windows. Bad input raises TypeError / ValueError naming "sentences".

# Short odd words at the default settings; long words (more pieces than a window holds) go to
# the max_length=16 property below, where a window costs a fraction of a 256-piece one.
sentences = st.lists(st.lists(nasty_word(long=False), min_size=1, max_size=12), min_size=1,
                     max_size=4)


def _check_token_vectors(out: list[np.ndarray], sents: list[list[str]], dim: int = DIM) -> None:
    assert len(out) == len(sents)
    for vectors, words in zip(out, sents, strict=True):
        assert vectors.dtype == np.float32 and vectors.shape == (len(words), dim)
        assert np.isfinite(vectors).all()


@fuzz(30, slow_data=True)
@given(sentences)
def test_token_encoder_gives_one_vector_per_word(sents: list[list[str]]) -> None:
    _check_token_vectors(TokenEncoder().transform(sents), sents)


@fuzz(20, slow_data=True)
@given(st.lists(nasty_word(), min_size=1, max_size=300))
def test_token_encoder_windows_any_long_sentence(words: list[str]) -> None:
    """max_length=16: a window holds 14 word pieces, so these sentences need many windows, and
    long words (thousands of characters) more pieces than a window holds."""
    _check_token_vectors(TokenEncoder(layers="last", max_length=16).transform([words]), [words])


@pytest.mark.timeout(300)
def test_token_encoder_a_3000_word_sentence_of_odd_words() -> None:
    rng = np.random.default_rng(0)
    words = [str(w) for w in rng.choice(np.array(SPECIAL, dtype=object), size=3000)]
    _check_token_vectors(TokenEncoder(layers="last").transform([words]), [words])


@fuzz(40)
@given(st.one_of(
    not_a_container,
    st.lists(st.one_of(plain_text, st.integers(), st.none(), st.just([])), min_size=1,
             max_size=3).filter(lambda xs: not all(isinstance(x, list) for x in xs)),
    st.lists(st.lists(st.one_of(st.integers(), st.none(), st.binary()), min_size=1,
                      max_size=2), min_size=1, max_size=2),
    st.just([[]]),
))
def test_token_encoder_names_what_is_wrong_with_other_input(bad: Any) -> None:
    with pytest.raises((TypeError, ValueError), match=r"sentences"):
        TokenEncoder().transform(bad)


@fuzz(20)
@given(st.lists(nasty_word(long=False), max_size=3), with_surrogate(nasty_word(long=False)))
def test_token_encoder_rejects_a_lone_surrogate_by_position(words: list[str], bad: str) -> None:
    # was "TypeError: PreTokenizedInputSequence must be Union[List[str], Tuple[str]]"
    with pytest.raises(ValueError, match=rf"sentences\[0\]\[{len(words)}\] holds a lone "
                                         "surrogate"):
        TokenEncoder().transform([[*words, bad]])


# -- TokenTagger -----------------------------------------------------------------------------
# Contract (TokenTagger docstring): predict returns one valid IOB2 tag (one of classes_) per
# word of each sentence; predict_entities(text) returns Entities whose offsets are in range,
# with text[start:end] == entity.text, in order and not overlapping, for any text.


@pytest.fixture(scope="module")
def tagger() -> TokenTagger:
    X, y = load_ner_train()
    return TokenTagger().fit(X[:40], y[:40])


@fuzz(25, slow_data=True)
@given(sentences)
def test_tagger_predicts_valid_iob2_for_any_words(tagger: TokenTagger,
                                                  sents: list[list[str]]) -> None:
    predicted = tagger.predict(sents)
    assert [len(tags) for tags in predicted] == [len(words) for words in sents]
    classes = {str(c) for c in tagger.classes_}
    for tags in predicted:
        assert _valid_iob2(tags) and set(tags) <= classes, tags


@fuzz(30, slow_data=True)
@given(nasty_text())
def test_predict_entities_offsets_hold_for_any_text(tagger: TokenTagger, text: str) -> None:
    found = tagger.predict_entities(text)
    assert isinstance(found, Entities) and found.text == text
    labels = {str(c)[2:] for c in tagger.classes_ if str(c) != "O"}
    end = 0
    for entity in found:
        assert isinstance(entity, Entity) and entity.label in labels
        assert end <= entity.start < entity.end <= len(text)
        assert text[entity.start:entity.end] == entity.text and entity.text.strip()
        end = entity.end
    assert isinstance(found.to_html(), str)


def test_predict_entities_on_multi_line_text_with_odd_line_breaks(tagger: TokenTagger) -> None:
    text = "Mei Chen\x1cvisited Brisbane\r\n\u2028Blackwater Rowing Club\x85lost\x0c.\n\n"
    for entity in tagger.predict_entities(text):
        assert text[entity.start:entity.end] == entity.text


def test_predict_entities_rejects_a_lone_surrogate(tagger: TokenTagger) -> None:
    with pytest.raises(ValueError, match=r"text holds a lone surrogate \('\\udc80' at position 4"):
        tagger.predict_entities("Ada \udc80 Lovelace")
