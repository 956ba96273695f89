"""Hybrid TF-IDF + frozen features, make_classifier(features=...), and compare()."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

import encoder_kit
from encoder_kit import FrozenEncoder, HybridFeatures, make_classifier

TEXTS = ["refund my last invoice", "i was charged twice", "please return my money",
         "the app crashes on start", "login page is broken", "error 500 when i save",
         "love the new design", "great update, thanks", "the dark mode is lovely",
         "charged two times this month", "it freezes after the update", "nice and clean"]
LABELS = ["billing"] * 3 + ["technical"] * 3 + ["praise"] * 3 + ["billing", "technical", "praise"]


class CountingEncoder:
    """A stand-in frozen encoder: deterministic vectors, and a record of what it encoded."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __sklearn_clone__(self):
        return self

    def get_params(self, deep: bool = True) -> dict:
        return {}

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        X = list(X)
        self.calls.append(X)
        rng = [np.random.RandomState(sum(map(ord, t))) for t in X]
        return np.asarray([r.normal(size=8) * 3 for r in rng], dtype=np.float32)

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"v{i}" for i in range(8)], dtype=object)


def test_blocks_side_by_side_with_the_norms_asked_for():
    features = HybridFeatures(CountingEncoder(), tfidf_weight=0.5, frozen_weight=2.0)
    X = features.fit_transform(TEXTS)
    assert sparse.issparse(X) and X.dtype == np.float32
    n_words = len(features.tfidf_.vocabulary_)
    assert X.shape == (len(TEXTS), n_words + 8)
    words, vectors = X[:, :n_words].toarray(), X[:, n_words:].toarray()
    np.testing.assert_allclose(np.linalg.norm(words, axis=1), 0.5, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 2.0, rtol=1e-5)
    unknown = features.transform(["zzz qqq"]).toarray()[0]
    assert not unknown[:n_words].any() and np.linalg.norm(unknown[n_words:]) == pytest.approx(2.0)
    names = features.get_feature_names_out()
    assert names[0].startswith("tfidf__") and list(names[-2:]) == ["v6", "v7"]
    assert "tfidf__charged twice" in set(names)  # bigrams


def test_tfidf_block_is_sublinear_word_ngrams():
    features = HybridFeatures(CountingEncoder()).fit(TEXTS)
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode")
    expected = reference.fit(TEXTS).transform(["refund refund refund invoice"]).toarray()
    got = features.transform(["refund refund refund invoice"])[:, :expected.shape[1]].toarray()
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_default_encoder_is_the_frozen_encoder():
    X = HybridFeatures().fit_transform(TEXTS[:3])
    frozen = FrozenEncoder().fit_transform(TEXTS[:3])
    np.testing.assert_allclose(X[:, -384:].toarray(), frozen, rtol=1e-5, atol=1e-6)


def test_make_classifier_features():
    assert [n for n, _ in make_classifier().steps] == ["frozenencoder", "logisticregression"]
    assert [n for n, _ in make_classifier(features="tfidf").steps] == [
        "tfidfvectorizer", "logisticregression"]
    hybrid = make_classifier(features="hybrid", max_length=64)
    assert [n for n, _ in hybrid.steps] == ["hybridfeatures", "logisticregression"]
    assert hybrid[0].encoder.max_length == 64
    for kind in ("tfidf", "hybrid"):
        clf = make_classifier(features=kind).fit(TEXTS, LABELS)
        assert clf.score(TEXTS, LABELS) == 1.0
        assert clf.predict_proba(TEXTS[:2]).shape == (2, 3)
    with pytest.raises(ValueError, match="features must be one of 'frozen', 'tfidf', 'hybrid'"):
        make_classifier(features="bert")
    with pytest.raises(TypeError, match="features='tfidf' uses no encoder"):
        make_classifier(features="tfidf", max_length=64)
    with pytest.raises(TypeError, match="head must be a scikit-learn classifier"):
        make_classifier(features="hybrid", head="svm")


def test_bad_weights_say_what_to_do():
    with pytest.raises(ValueError, match="frozen_weight must be a number >= 0"):
        HybridFeatures(CountingEncoder(), frozen_weight=-1).fit(TEXTS)
    with pytest.raises(ValueError, match="both 0"):
        HybridFeatures(CountingEncoder(), tfidf_weight=0, frozen_weight=0).fit(TEXTS)
    with pytest.raises(TypeError, match="encoder must be a transformer"):
        HybridFeatures(encoder="MiniLM").fit(TEXTS)


def test_hybrid_api_checks():
    copy = clone(HybridFeatures(tfidf_weight=2.0))
    assert copy.get_params()["tfidf_weight"] == 2.0
    for check in (check_no_attributes_set_in_init, check_parameters_default_constructible,
                  check_get_params_invariance, check_set_params):
        check("HybridFeatures", HybridFeatures())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@parametrize_with_checks([HybridFeatures()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- compare ---------------------------------------------------------------------------
def _data(n_per_class: int = 10) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for i in range(n_per_class):
        for text, label in zip(TEXTS[:9], LABELS[:9], strict=True):
            texts.append(f"{text} {i}" if i else text)
            labels.append(label)
    return texts, labels


def test_compare_table_and_vectors_computed_once_per_text():
    texts, labels = _data(4)
    texts += texts[:5]  # duplicates are encoded once
    labels += labels[:5]
    encoder = CountingEncoder()
    table = encoder_kit.compare(texts, labels, cv=3, encoder=encoder, show_progress=False)
    assert list(table.index) == ["tfidf", "frozen", "hybrid"]
    assert list(table.columns) == ["accuracy_mean", "accuracy_std", "macro_f1_mean",
                                   "macro_f1_std", "fit_seconds", "predict_seconds",
                                   "encode_seconds", "folds"]
    assert (table["folds"] == 3).all()
    assert table[["accuracy_mean", "macro_f1_mean"]].stack().between(0, 1).all()
    assert (table["fit_seconds"] > 0).all() and (table["predict_seconds"] > 0).all()
    assert table.loc["tfidf", "encode_seconds"] == 0 and table.loc["frozen", "encode_seconds"] > 0
    # encoded before the folds, once per distinct text, never again in a fold
    assert len(encoder.calls) == 1 and sorted(encoder.calls[0]) == sorted(set(texts))
    assert table.loc["tfidf", "accuracy_mean"] >= 0.9  # word cues separate these classes
    assert table.attrs == {"n_texts": len(texts), "n_classes": 3}


def test_compare_scores_equal_a_manual_cross_validation():
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    texts, labels = _data(5)
    table = encoder_kit.compare(texts, labels, cv=5, encoder=CountingEncoder(),
                                show_progress=False, random_state=3)
    folds = StratifiedKFold(5, shuffle=True, random_state=3)
    manual = cross_val_score(make_classifier(features="tfidf"), texts, labels, cv=folds)
    assert table.loc["tfidf", "accuracy_mean"] == pytest.approx(manual.mean())
    assert table.loc["tfidf", "accuracy_std"] == pytest.approx(manual.std())


@pytest.mark.slow
def test_compare_with_the_fine_tuned_row_and_a_time_budget():
    texts, labels = _data(3)
    table = encoder_kit.compare(
        texts, labels, cv=2, include_fine_tuned=True, time_budget=60, show_progress=False,
        fine_tuned_params={"train_layers": 1, "max_steps": 2, "max_length": 32})
    assert list(table.index) == ["tfidf", "frozen", "hybrid", "fine-tuned"]
    assert table.loc["fine-tuned", "fit_seconds"] > 0
    assert table.loc["fine-tuned", "encode_seconds"] == 0


def test_compare_errors_and_the_callable_module():
    import importlib

    module = importlib.import_module("encoder_kit.compare")
    assert callable(module) and callable(encoder_kit.compare)
    texts, labels = _data(2)
    with pytest.raises(ValueError, match="single class"):
        module(texts, ["a"] * len(texts), encoder=CountingEncoder())
    with pytest.raises(ValueError, match="one label per text"):
        module(texts, labels[:-1], encoder=CountingEncoder())
    with pytest.raises(ValueError, match="cv must be an integer >= 2"):
        module(texts, labels, cv=1, encoder=CountingEncoder())
    with pytest.raises(ValueError, match="time_budget must be"):
        module(texts, labels, time_budget=0, encoder=CountingEncoder())


def test_compare_falls_back_to_plain_folds_for_rare_classes():
    texts, labels = _data(3)
    labels[0] = "rare"
    table = encoder_kit.compare(texts, labels, cv=3, encoder=CountingEncoder(),
                                show_progress=False)
    assert (table["folds"] == 3).all()


def test_plot_comparison_draws_every_method():
    import matplotlib

    matplotlib.use("Agg")
    texts, labels = _data(3)
    table = encoder_kit.compare(texts, labels, cv=3, encoder=CountingEncoder(),
                                show_progress=False)
    ax = encoder_kit.plot_comparison(table)
    labels_drawn = [t.get_text() for t in ax.get_yticklabels()]
    assert [t.split("\n")[0] for t in labels_drawn] == ["tfidf", "frozen", "hybrid"]
    assert all("s per fold" in t for t in labels_drawn)
    assert len(ax.patches) == 6  # two bars per method
