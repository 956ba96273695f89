"""One progress-bar policy: terminal yes (from 1,000 items), notebook kernel no, grading never."""

from __future__ import annotations

import io

from encoder_kit import progress
from encoder_kit.progress import GRADING_ENV, PROGRESS_THRESHOLD, progress_bar, wants_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def as_in_a_terminal(monkeypatch) -> None:
    # Called in the test itself: pytest's output capture resets sys.stderr after fixtures.
    monkeypatch.delenv(GRADING_ENV, raising=False)
    monkeypatch.setattr("sys.stderr", _Terminal())


def test_a_terminal_shows_a_bar_only_for_many_items(monkeypatch):
    as_in_a_terminal(monkeypatch)
    assert wants_progress(None, PROGRESS_THRESHOLD)
    assert not wants_progress(None, PROGRESS_THRESHOLD - 1)
    assert not wants_progress(False, 10**6)
    assert wants_progress(True, 1)


def test_a_kernel_shows_none_by_default_but_when_asked(monkeypatch):
    monkeypatch.delenv(GRADING_ENV, raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # ipykernel's stderr is not a tty
    assert not wants_progress(None, 10**6)
    assert wants_progress(True, 1)


def test_grading_never_shows_a_bar_even_when_asked(monkeypatch):
    as_in_a_terminal(monkeypatch)
    monkeypatch.setenv(GRADING_ENV, "1")
    assert progress.is_grading()
    assert not wants_progress(True, 10**6) and not wants_progress(None, 10**6)


def test_a_disabled_bar_writes_nothing(capsys):
    assert list(progress_bar(range(3), enabled=False)) == [0, 1, 2]
    assert capsys.readouterr().err == ""


def test_the_estimators_follow_the_policy(monkeypatch):
    import numpy as np

    from encoder_kit import FrozenEncoder, TokenEncoder

    as_in_a_terminal(monkeypatch)
    asked: list[bool] = []

    def fake_encode_texts(model, texts, *, show_progress, **kwargs):
        asked.append(show_progress)
        return np.zeros((len(texts), 384), np.float32), np.zeros(len(texts), bool)

    def fake_encode_words(model, sentences, *, layers, show_progress, **kwargs):
        asked.append(show_progress)
        return {layer: [np.zeros((len(s), 384), np.float32) for s in sentences]
                for layer in layers}

    monkeypatch.setattr("encoder_kit.encoder.encode_texts", fake_encode_texts)
    monkeypatch.setattr("encoder_kit.tokens.encode_words", fake_encode_words)
    monkeypatch.setattr("encoder_kit.models.load_sentence_transformer", lambda *a, **k: None)
    texts = [f"text {i}" for i in range(PROGRESS_THRESHOLD)]
    FrozenEncoder(cache=False).transform(texts)
    FrozenEncoder(cache=False).transform(texts[:5])
    TokenEncoder(cache=False, layers="last").transform([[t] for t in texts])
    monkeypatch.setenv(GRADING_ENV, "1")
    FrozenEncoder(cache=False, show_progress=True).transform(texts)
    assert asked == [True, False, True, False]
