"""FineTunedClassifier: scikit-learn's rules, what trains and what stays frozen, pickling."""

from __future__ import annotations

import copy
import io
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from encoder_kit import FineTunedClassifier
from encoder_kit.encoding import mean_pool
from encoder_kit.fine_tuned import _LayerInputs, _pad, _sorted_batches, _unfreeze

POSITIVE = ["great film, loved it", "a wonderful, moving story", "brilliant acting and script",
            "i enjoyed every minute", "superb and very funny", "a delight from start to end",
            "the best film this year", "warm, clever and touching", "a joy to watch",
            "beautifully shot and acted", "smart, fresh and funny", "i would see it again"]
NEGATIVE = ["boring and far too long", "a terrible, lazy script", "i hated every minute",
            "awful acting, dull plot", "a waste of time", "weak, tedious and silly",
            "the worst film this year", "cold, stupid and empty", "a chore to sit through",
            "badly shot and badly acted", "dumb, stale and unfunny", "never again, please"]
TEXTS = POSITIVE + NEGATIVE
LABELS = ["pos"] * len(POSITIVE) + ["neg"] * len(NEGATIVE)
TINY = dict(max_steps=3, batch_size=8, max_length=32)


@pytest.fixture(scope="module")
def fitted() -> FineTunedClassifier:
    return FineTunedClassifier(train_layers=2, **TINY).fit(TEXTS, LABELS)


def _encoder_state(clf_or_st) -> dict[str, np.ndarray]:
    st = clf_or_st.encoder_ if isinstance(clf_or_st, FineTunedClassifier) else clf_or_st
    return {k: v.detach().cpu().numpy().copy()
            for k, v in st[0].auto_model.state_dict().items()}


def test_predictions_probabilities_and_classes(fitted):
    proba = fitted.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 2)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-9)
    assert list(fitted.classes_) == ["neg", "pos"]
    predicted = fitted.predict(TEXTS)
    assert set(predicted) <= {"neg", "pos"}
    assert list(predicted) == list(fitted.classes_[proba.argmax(1)])
    assert fitted.predict_proba([]).shape == (0, 2) and len(fitted.predict([])) == 0
    assert 0.0 <= fitted.score(TEXTS, LABELS) <= 1.0
    assert fitted.n_steps_ == 3 and len(fitted.loss_curve_) == 3
    assert fitted.max_length_ == 32 and fitted.stop_reason_ == "steps"


def test_any_label_type_and_three_classes():
    labels = [10, 20, 30] * 8
    clf = FineTunedClassifier(train_layers=0, **TINY).fit(TEXTS, labels)
    assert clf.classes_.tolist() == [10, 20, 30]
    assert set(clf.predict(TEXTS[:5]).tolist()) <= {10, 20, 30}
    assert clf.predict_proba(TEXTS[:5]).shape == (5, 3)


@pytest.mark.slow
def test_precision_float32_or_bfloat16_and_kept_for_predictions(fitted):
    import torch

    full = FineTunedClassifier(train_layers=1, mixed_precision=False, **TINY).fit(TEXTS, LABELS)
    half = FineTunedClassifier(train_layers=1, mixed_precision=True, **TINY).fit(TEXTS, LABELS)
    assert (full.precision_, half.precision_) == ("float32", "bfloat16")
    amx = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)()
    assert fitted.precision_ == ("bfloat16" if amx else "float32")  # None: where it is native
    # the same weights give slightly different probabilities in the two precisions
    half_as_full = pickle.loads(pickle.dumps(half))
    half_as_full.precision_ = "float32"
    np.testing.assert_allclose(half_as_full.predict_proba(TEXTS), half.predict_proba(TEXTS),
                               atol=0.05)


@pytest.mark.slow  # trains for seconds: make test, not test-fast
def test_a_head_on_a_frozen_encoder_learns_an_easy_task():
    clf = FineTunedClassifier(train_layers=0, max_steps=40, batch_size=8, max_length=32,
                              head_learning_rate=3e-2).fit(TEXTS, LABELS)
    assert clf.score(TEXTS, LABELS) >= 0.9
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


@pytest.mark.slow
def test_only_the_chosen_layers_move_and_the_shared_model_never(sentence_transformer):
    shared_before = _encoder_state(sentence_transformer)
    base = {k: v for k, v in shared_before.items()}
    frozen = FineTunedClassifier(train_layers=0, **TINY).fit(TEXTS, LABELS)
    top = FineTunedClassifier(train_layers=2, **TINY).fit(TEXTS, LABELS)
    everything = FineTunedClassifier(train_layers="all", **TINY).fit(TEXTS, LABELS)

    def moved(clf) -> set[str]:
        state = _encoder_state(clf)
        return {k for k in base if not np.array_equal(state[k], base[k])}

    assert moved(frozen) == set()
    changed = moved(top)
    assert changed and all(k.startswith(("encoder.layer.4.", "encoder.layer.5.")) for k in changed)
    assert any(k.startswith("embeddings.") for k in moved(everything))
    assert not any(k.startswith("pooler.") for k in moved(everything))  # mean pooling: unused
    assert frozen.n_trained_parameters_ == 384 * 2 + 2
    assert frozen.n_trained_parameters_ < top.n_trained_parameters_ \
        < everything.n_trained_parameters_
    after = _encoder_state(sentence_transformer)
    assert all(np.array_equal(after[k], shared_before[k]) for k in shared_before)


@pytest.mark.slow
def test_running_the_top_layers_from_stored_inputs_equals_the_whole_encoder(sentence_transformer):
    import torch

    st = copy.deepcopy(sentence_transformer)
    bert = st[0].auto_model
    _unfreeze(bert, 2)
    ids = st.tokenizer(TEXTS[:7], truncation=True, max_length=32)["input_ids"]
    st.eval()
    with torch.no_grad():
        batch = _pad(ids, st.tokenizer.pad_token_id, True, "cpu")
        whole = mean_pool(bert(**batch).last_hidden_state, batch["attention_mask"])
        # one text at a time; _pad rounds the width up to a multiple of 8: keep the real pieces
        inputs = [bert(**_pad([x], 0, True, "cpu"), output_hidden_states=True)
                  .hidden_states[4][0, : len(x)] for x in ids]
        stored = _LayerInputs(bert, 4, inputs, "cpu")
        try:
            from_stored = stored.pooled(np.arange(len(ids)))
        finally:
            stored.close()
    torch.testing.assert_close(from_stored, whole, rtol=1e-4, atol=1e-5)
    assert len(bert.encoder.layer) == 6 and bert.embeddings is not stored.feeder


@pytest.mark.slow
def test_same_seed_same_model_and_threads_untouched():
    import torch

    threads = torch.get_num_threads()
    a = FineTunedClassifier(train_layers=1, **TINY).fit(TEXTS, LABELS)
    b = FineTunedClassifier(train_layers=1, **TINY).fit(TEXTS, LABELS)
    assert torch.get_num_threads() == threads
    np.testing.assert_array_equal(a.predict_proba(TEXTS), b.predict_proba(TEXTS))
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.fit(TEXTS, LABELS).predict_proba(TEXTS),
                                  b.predict_proba(TEXTS))  # fitting again: the same model
    c = FineTunedClassifier(train_layers=1, num_threads=1, **TINY).fit(TEXTS, LABELS)
    assert torch.get_num_threads() == threads and c.n_steps_ == 3


@pytest.mark.slow
def test_pickle_round_trip_gives_identical_predictions(fitted, monkeypatch):
    blob = pickle.dumps(fitted)
    from encoder_kit import models

    # unpickling needs neither the hub nor the packaged model: the weights travel in the pickle
    monkeypatch.setattr(models, "load_sentence_transformer",
                        lambda *a, **k: pytest.fail("unpickling loaded a base model"))
    again = pickle.loads(blob)
    np.testing.assert_array_equal(again.predict_proba(TEXTS), fitted.predict_proba(TEXTS))
    assert list(again.predict(TEXTS)) == list(fitted.predict(TEXTS))
    assert pickle.loads(pickle.dumps(again)).predict(TEXTS[:3]).tolist() \
        == fitted.predict(TEXTS[:3]).tolist()  # an unpickled, unused copy pickles again
    unfitted = pickle.loads(pickle.dumps(FineTunedClassifier(epochs=2)))
    assert unfitted.get_params()["epochs"] == 2 and not hasattr(unfitted, "classes_")


@pytest.mark.slow
def test_save_and_load_a_folder(fitted, tmp_path):
    from encoder_kit import FrozenEncoder

    folder = fitted.save(tmp_path / "clf")
    assert {p.name for p in folder.iterdir()} == {"encoder", "head.safetensors",
                                                  "fine_tuned.json"}
    loaded = FineTunedClassifier.load(folder)
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), fitted.predict_proba(TEXTS))
    assert loaded.get_params() == fitted.get_params()
    assert loaded.n_steps_ == fitted.n_steps_ and loaded.history_ == fitted.history_
    vectors = FrozenEncoder(model=str(folder / "encoder"), cache=False).fit_transform(TEXTS[:2])
    assert vectors.shape == (2, 384)  # the fine-tuned encoder is a plain model folder
    with pytest.raises(FileNotFoundError, match="FineTunedClassifier.save"):
        FineTunedClassifier.load(tmp_path / "nothing")


@pytest.mark.slow
def test_validation_share_history_and_best_step():
    clf = FineTunedClassifier(train_layers=1, max_steps=8, batch_size=4, max_length=32,
                              validation_fraction=0.25, patience=10).fit(TEXTS, LABELS)
    assert [h["step"] for h in clf.history_] == [2, 4, 6, 8]
    assert all(0.0 <= h["val_accuracy"] <= 1.0 and h["val_loss"] > 0 for h in clf.history_)
    best = max(clf.history_, key=lambda h: (h["val_accuracy"], -h["val_loss"]))
    assert clf.best_step_ == best["step"]


@pytest.mark.slow
def test_early_stopping_stops_after_patience_evaluations():
    # a learning rate of 0 never improves on the first evaluation
    clf = FineTunedClassifier(train_layers=1, max_steps=40, batch_size=4, max_length=32,
                              learning_rate=1e-12, head_learning_rate=1e-12,
                              validation_fraction=0.25, patience=2).fit(TEXTS, LABELS)
    assert clf.stop_reason_ == "early stopping"
    assert len(clf.history_) == 3 and clf.n_steps_ < 40 and clf.best_step_ == clf.history_[0]["step"]


def test_time_budget_cuts_the_schedule():
    clf = FineTunedClassifier(train_layers=0, max_steps=100_000, batch_size=4, max_length=32,
                              max_seconds=0.5).fit(TEXTS, LABELS)
    assert clf.stop_reason_ == "time" and clf.n_steps_ < 100_000


@pytest.mark.slow  # trains twice: make test, not test-fast
def test_progress_bar_in_a_terminal_never_while_grading(monkeypatch, capsys):
    FineTunedClassifier(train_layers=0, show_progress=True, **TINY).fit(TEXTS, LABELS)
    assert "Fine-tuning" in capsys.readouterr().err
    monkeypatch.setenv("ENCODER_KIT_GRADER_SCORES", "1")
    FineTunedClassifier(train_layers=0, show_progress=True, **TINY).fit(TEXTS, LABELS)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("params, message", [
    ({"train_layers": -1}, "train_layers must be 'all' or an integer"),
    ({"train_layers": "top"}, "train_layers must be 'all' or an integer"),
    ({"train_layers": 7}, "has 6 layers; use 0 to 6"),
    ({"learning_rate": 0}, "learning_rate must be a number in"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1"),
    ({"validation_fraction": 1.0}, "validation_fraction must be a number in"),
    ({"max_length": 1000}, "max_length=1000 exceeds"),
    ({"mixed_precision": "bf16"}, "mixed_precision must be None"),
])
def test_bad_parameters_say_what_to_do(params, message):
    with pytest.raises(ValueError, match=message):
        FineTunedClassifier(**{**TINY, **params}).fit(TEXTS, LABELS)


def test_bad_data_says_what_to_do(fitted):
    with pytest.raises(ValueError, match="single class"):
        FineTunedClassifier(**TINY).fit(TEXTS[:3], ["a"] * 3)
    with pytest.raises(ValueError, match="one label per text"):
        FineTunedClassifier(**TINY).fit(TEXTS, LABELS[:-1])
    with pytest.raises(TypeError, match="wrap it in a list"):
        fitted.predict("one text")
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FineTunedClassifier().predict(["x"])


def test_clone_and_params():
    clf = FineTunedClassifier(train_layers=2, learning_rate=1e-4, max_steps=5)
    copy_ = clone(clf)
    assert copy_.get_params() == clf.get_params() and copy_ is not clf
    assert repr(clf) == "FineTunedClassifier(learning_rate=0.0001, max_steps=5, train_layers=2)"
    buffer = io.StringIO()
    print(clf, file=buffer)
    assert "train_layers=2" in buffer.getvalue()
    # the API checks that parametrize_with_checks leaves out for string input, run by hand
    name = "FineTunedClassifier"
    check_no_attributes_set_in_init(name, FineTunedClassifier())
    check_parameters_default_constructible(name, FineTunedClassifier())
    check_get_params_invariance(name, FineTunedClassifier())
    check_set_params(name, FineTunedClassifier())
    check_estimator_repr(name, FineTunedClassifier())


# With string input declared, scikit-learn runs only the checks that need no numeric data;
# the tests above cover fitting, predicting and pickling by hand.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@parametrize_with_checks([FineTunedClassifier(**TINY)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_sorted_batches_cover_every_row_once():
    lengths = np.array([3, 9, 1, 4, 4, 7])
    rows = np.array([10, 11, 12, 13, 14, 15])
    batches = list(_sorted_batches(lengths, 4, rows))
    assert sorted(np.concatenate(batches).tolist()) == rows.tolist()
    assert batches[0].tolist() == [11, 15, 13, 14]


def test_batches_are_padded_to_a_multiple_of_eight_with_the_padding_masked():
    from encoder_kit.encoding import pad_batch

    batch = pad_batch([[5, 6, 7], [8] * 9], 0, True, multiple_of=8)
    assert batch["input_ids"].shape == (2, 16)  # 9 pieces -> 16, not 9
    assert batch["attention_mask"].sum(1).tolist() == [3, 9]
    assert batch["input_ids"][0, 3:].eq(0).all() and batch["token_type_ids"].eq(0).all()
    assert pad_batch([[1, 2]], 0, False)["input_ids"].shape == (1, 2)  # default: no rounding
