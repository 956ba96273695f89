"""TokenEncoder: word-piece alignment, layers, dropped characters, long sentences, the cache."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from support import run_python

from encoder_kit import TokenEncoder
from encoder_kit.tokens import layer_indices, plan_windows, word_pieces

# "Lovelace" and "Babbage" split into several word pieces; "1843" and "." into one.
WORDS = ["Ada", "Lovelace", "met", "Charles", "Babbage", "in", "1843", "."]


@pytest.fixture(scope="module")
def hf(sentence_transformer):
    return sentence_transformer.tokenizer, sentence_transformer[0].auto_model


def _hf_states(hf, input_ids):
    import torch

    tokenizer, network = hf
    with torch.inference_mode():
        out = network(input_ids=torch.tensor([input_ids]), output_hidden_states=True)
    return [h[0].numpy() for h in out.hidden_states]


def _hf_for_words(hf, words):
    tokenizer, _ = hf
    enc = tokenizer(words, is_split_into_words=True)
    return _hf_states(hf, enc["input_ids"]), enc.word_ids()


def test_last_layer_first_piece_equals_the_models_last_hidden_state(hf):
    states, owners = _hf_for_words(hf, WORDS)
    assert len(owners) > len(WORDS) + 2  # some words really are split into several pieces
    firsts = [owners.index(i) for i in range(len(WORDS))]
    vectors = TokenEncoder(layers="last", cache=False).transform([WORDS])[0]
    assert vectors.shape == (len(WORDS), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, states[-1][firsts], atol=1e-5)


def test_mean_pooling_averages_a_words_pieces(hf):
    states, owners = _hf_for_words(hf, WORDS)
    owners = np.array([-1 if o is None else o for o in owners])
    expected = np.stack([states[3][owners == i].mean(axis=0) for i in range(len(WORDS))])
    vectors = TokenEncoder(layers=3, word_pooling="mean", cache=False).transform([WORDS])[0]
    np.testing.assert_allclose(vectors, expected, atol=1e-5)


def test_named_layer_choices(hf):
    states, owners = _hf_for_words(hf, WORDS)
    firsts = [owners.index(i) for i in range(len(WORDS))]
    encode = lambda layers: TokenEncoder(layers=layers, cache=False).transform([WORDS])[0]  # noqa: E731
    np.testing.assert_allclose(encode("second_to_last"), states[5][firsts], atol=1e-5)
    concat = encode("concat_last_4")
    assert concat.shape == (len(WORDS), 4 * 384)
    for block, layer in enumerate(range(3, 7)):
        np.testing.assert_allclose(concat[:, block * 384:(block + 1) * 384],
                                   states[layer][firsts], atol=1e-5)
    np.testing.assert_allclose(encode("mean_last_4"),
                               np.mean([states[i][firsts] for i in range(3, 7)], axis=0),
                               atol=1e-5)
    np.testing.assert_allclose(encode([0, -1]),
                               np.hstack([states[0][firsts], states[6][firsts]]), atol=1e-5)


def test_layer_names_resolve_to_hidden_states():
    assert layer_indices("last", 6) == ([6], "concat")
    assert layer_indices("mean_last_4", 6) == ([3, 4, 5, 6], "mean")
    assert layer_indices([0, -2], 6) == ([0, 5], "concat")


def test_words_the_tokenizer_drops_still_get_vectors(hf):
    tokenizer, _ = hf
    words = ["Ada", "\x00", "wrote", "", "\u200b", "notes", "\u0301"]
    dropped = [1, 3, 4, 6]
    enc = tokenizer(words, is_split_into_words=True)
    assert set(dropped).isdisjoint(o for o in enc.word_ids() if o is not None)
    vectors = TokenEncoder(layers="last", cache=False).transform([words])[0]
    assert vectors.shape == (len(words), 384) and np.isfinite(vectors).all()
    # Each dropped word is read as the unknown token in its place, so it has a contextual vector.
    ids = [tokenizer.cls_token_id]
    for word in words:
        ids += tokenizer(word, add_special_tokens=False)["input_ids"] or [tokenizer.unk_token_id]
    ids.append(tokenizer.sep_token_id)
    last = _hf_states(hf, ids)[-1]
    np.testing.assert_allclose(vectors, last[1:1 + len(words)], atol=1e-5)  # one piece each
    assert not np.allclose(vectors[1], vectors[3])  # same [UNK], different contexts


def test_special_token_lookalikes_are_read_as_text(hf):
    tokenizer, _ = hf
    pieces = word_pieces(tokenizer, [["a", "[SEP]", "[CLS]"]], max_pieces=10)[0]
    assert all(len(p) > 1 for p in pieces[1:])
    assert tokenizer.sep_token_id not in pieces[1] and tokenizer.cls_token_id not in pieces[2]


def test_a_word_longer_than_a_window_keeps_its_first_pieces(hf):
    tokenizer, _ = hf
    long_word = "-".join("abcdefghijklmnop")  # 31 pieces: letters and hyphens
    pieces = word_pieces(tokenizer, [[long_word, "y"]], max_pieces=6)[0]
    assert [len(p) for p in pieces] == [6, 1]
    vectors = TokenEncoder(layers="last", max_length=8, cache=False).transform(
        [[long_word, "y", long_word]])[0]
    assert vectors.shape == (3, 384) and np.isfinite(vectors).all()


def test_a_1000_word_sentence_is_encoded_in_windows_with_context(hf, capfd):
    tokenizer, _ = hf
    rng = np.random.default_rng(0)
    vocab = ["the", "cat", "sat", "on", "a", "mat", "while", "Ada", "Lovelace", "wrote",
             "programs", "for", "Babbage", "'s", "engine", ",", "."]
    words = [str(w) for w in rng.choice(vocab, size=1000)]
    vectors = TokenEncoder(layers="last", cache=False).transform([words])[0]
    assert vectors.shape == (1000, 384) and np.isfinite(vectors).all()
    assert capfd.readouterr().err == ""  # no length warnings or progress bars on stderr
    pieces = word_pieces(tokenizer, [words], max_pieces=254)[0]
    windows, owner = plan_windows([len(p) for p in pieces], 254)
    assert len(windows) >= 5
    # Words take their vectors from their own window: encoding that window alone agrees.
    for word in (0, 500, 999):
        start, end = windows[owner[word]]
        alone = TokenEncoder(layers="last", cache=False).transform([words[start:end]])[0]
        np.testing.assert_allclose(vectors[word], alone[word - start], atol=1e-4)
        if 0 < start and end < len(words):  # a middle word is far from both window edges
            assert min(word - start, end - 1 - word) >= 30


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=300), st.integers(24, 80))
def test_window_plan_covers_every_word_with_context(counts, budget):
    windows, owner = plan_windows(counts, budget)
    cum = np.concatenate([[0], np.cumsum(counts)])
    assert windows[0][0] == 0 and windows[-1][1] == len(counts)
    for (a, b), (c, d) in zip(windows, windows[1:], strict=False):
        assert a < c <= b < d  # every next window starts later, overlaps or touches
    for start, end in windows:
        assert cum[end] - cum[start] <= budget or end - start == 1
    for i, w in enumerate(owner):
        start, end = windows[w]
        assert start <= i < end
        left = np.inf if start == 0 else cum[i] - cum[start]
        right = np.inf if end == len(counts) else cum[end] - cum[i + 1]
        assert min(left, right) >= (budget // 2 - 2 * max(counts)) // 2 - 1  # both sides


def test_second_call_reads_the_cache(tmp_path, monkeypatch):
    encoder = TokenEncoder(layers="concat_last_4", cache=tmp_path)
    first = encoder.transform([WORDS, ["Hello", "world"], WORDS])
    monkeypatch.setattr(TokenEncoder, "_encode", lambda *a, **k: pytest.fail("not cached"))
    again = encoder.transform([["Hello", "world"], WORDS])
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(again[1], first[0])
    # one layer of the four is enough for another setting that needs just it
    np.testing.assert_array_equal(TokenEncoder(layers="last", cache=tmp_path).transform([WORDS])[0],
                                  first[0][:, -384:])
    key = json.dumps(WORDS, ensure_ascii=False)
    assert key.startswith('["Ada"')


def test_sklearn_protocol_clone_and_pickle():
    encoder = TokenEncoder(layers=[4, 5], word_pooling="mean", cache=False)
    assert clone(encoder).get_params() == encoder.get_params()
    encoder.fit([WORDS])
    assert encoder.embedding_dim_ == 768 and encoder.layer_indices_ == [4, 5]
    restored = pickle.loads(pickle.dumps(encoder))
    np.testing.assert_allclose(restored.transform([WORDS])[0], encoder.transform([WORDS])[0])
    assert encoder.transform([]) == []


def test_constructing_loads_no_model_library():
    proc = run_python(
        "import sys, json; from encoder_kit import TokenEncoder, TokenTagger;"
        "TokenEncoder(); TokenTagger();"
        "print(json.dumps([m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules]))"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize(("bad", "error", "match"), [
    ("Ada Lovelace", TypeError, r"single string.*split"),
    (["Ada", "Lovelace"], TypeError, r"sentences\[0\] is a string"),
    ([["Ada"], []], ValueError, r"sentences\[1\] is an empty sentence"),
    ([["Ada", None]], TypeError, r"sentences\[0\]\[1\] is NoneType"),
    (None, TypeError, "sentences is None"),
])
def test_bad_sentences_get_clear_errors(bad, error, match):
    with pytest.raises(error, match=match):
        TokenEncoder(cache=False).transform(bad)


@pytest.mark.parametrize(("params", "match"), [
    ({"layers": "first"}, "layers='first' is not known"),
    ({"layers": 7}, "layer 7 does not exist"),
    ({"layers": []}, "layers must be"),
    ({"word_pooling": "max"}, "word_pooling='max' is not known"),
    ({"max_length": 600}, "max_length must be None or an integer from 8 to 512"),
])
def test_bad_settings_get_clear_errors(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        TokenEncoder(cache=False, **params).transform([WORDS])
