"""The tests behind the course's coding questions (the ``test:`` of their YAML entries).

Each receives the student's object and returns ``(score, feedback)``; a failed requirement
raises ``AssertionError`` with a message for the student (see ``autograder.code``). The
hidden test sets live in the instructor's folder ``$ENCODER_KIT_HIDDEN_DATA`` (the course's
``hidden/``), which grading kernels get and students never do.

- ``classifier_accuracy``: accuracy on 150 hidden city requests, at least
  ``CLASSIFIER_ACCURACY_BAR``;
- ``classifier_frozen``: the classifier encodes with a ``FrozenEncoder`` whose weights are
  the pre-trained all-MiniLM-L6-v2, unchanged on disk and in memory;
- ``tagger_f1``: entity-level F1 on 100 hidden sentences, at least ``TAGGER_F1_BAR``.

The bars were set by measurement (benchmarks/bench_course_bars.py, figures in
benchmarks/RESULTS-grading.md): the reference solutions clear them by about 8 points; a
bag-of-words model, or a head trained on a small share of the data, does not.

>>> saved = os.environ.pop(HIDDEN_DATA_ENV, None)
>>> hidden_data_dir()
Traceback (most recent call last):
...
AssertionError: The hidden test data is on the instructor's side only; this test runs when your notebook is graded.
>>> if saved is not None: os.environ[HIDDEN_DATA_ENV] = saved
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HIDDEN_DATA_ENV = "ENCODER_KIT_HIDDEN_DATA"
CLASSIFIER_ACCURACY_BAR = 0.85
TAGGER_F1_BAR = 0.82
CITY_REQUESTS_TEST = "city_requests_test.tsv"
NER_TEST = "ner_test.conll"


def hidden_data_dir() -> Path:
    """The instructor's hidden test data folder; AssertionError where there is none."""
    folder = os.environ.get(HIDDEN_DATA_ENV)
    if not folder or not Path(folder).is_dir():
        raise AssertionError(
            "The hidden test data is on the instructor's side only; this test runs when your "
            "notebook is graded."
        )
    return Path(folder)


def _predict(model: Any, inputs: list[Any], what: str) -> list[Any]:
    if not hasattr(model, "predict"):
        raise AssertionError(
            f"Pass your fitted {what} (an object with a predict method), not "
            f"{type(model).__name__}."
        )
    predicted = list(model.predict(inputs))
    if len(predicted) != len(inputs):
        raise AssertionError(
            f"predict returned {len(predicted)} predictions for {len(inputs)} inputs; it must "
            "return one per input."
        )
    return predicted


def classifier_accuracy(clf: Any) -> tuple[float, str]:
    """Full marks when accuracy on the hidden city requests reaches the bar."""
    from encoder_kit.data.exercises import read_labelled_tsv

    texts, labels = read_labelled_tsv(hidden_data_dir() / CITY_REQUESTS_TEST)
    predicted = _predict(clf, texts, "classifier")
    accuracy = sum(str(p) == y for p, y in zip(predicted, labels, strict=True)) / len(labels)
    verdict = "reaches" if accuracy >= CLASSIFIER_ACCURACY_BAR else "is below"
    feedback = (
        f"Accuracy on the {len(labels)} hidden messages: {accuracy:.1%}, which {verdict} the "
        f"bar of {CLASSIFIER_ACCURACY_BAR:.0%}."
    )
    return (1.0 if accuracy >= CLASSIFIER_ACCURACY_BAR else 0.0), feedback


def _frozen_encoders(estimator: Any, depth: int = 0) -> Iterator[Any]:
    from encoder_kit.encoder import FrozenEncoder

    if isinstance(estimator, FrozenEncoder):
        yield estimator
    if depth > 5:
        return
    for attribute in ("steps", "transformer_list", "transformers"):
        for entry in getattr(estimator, attribute, None) or []:
            if isinstance(entry, tuple) and len(entry) >= 2:
                yield from _frozen_encoders(entry[1], depth + 1)


def _changed_in_memory(folder: Path) -> list[str]:
    """Parameters of the loaded packaged model that differ from its weights file."""
    import sys

    from encoder_kit import models

    if "torch" not in sys.modules:
        return []  # the model was never loaded here, so its weights cannot have been changed
    loaded = [m for (path, _), m in models._loaded.items() if Path(path) == folder]
    if not loaded:
        return []
    import numpy as np
    from safetensors.numpy import load_file

    saved = load_file(str(folder / "model.safetensors"))
    changed = []
    for model in loaded:
        for name, tensor in model[0].auto_model.state_dict().items():
            if name in saved and not np.array_equal(tensor.detach().cpu().numpy(), saved[name]):
                changed.append(name)
    return changed


def classifier_frozen(clf: Any) -> tuple[float, str]:
    """Full marks when the classifier encodes with the unchanged pre-trained encoder."""
    from encoder_kit import models

    encoders = list(_frozen_encoders(clf))
    if not encoders:
        raise AssertionError(
            "Your classifier has no FrozenEncoder step: build it with make_classifier() or "
            "make_pipeline(FrozenEncoder(), head), so that the encoder stays frozen."
        )
    reference = models.model_info(models.DEFAULT_MODEL)
    for encoder in encoders:
        info = models.model_info(encoder.model)
        if info.fingerprint != reference.fingerprint:
            raise AssertionError(
                f"Your FrozenEncoder loads {encoder.model!r}, whose weights differ from the "
                f"pre-trained {models.DEFAULT_MODEL}; use the pre-trained weights, unchanged."
            )
    changed = _changed_in_memory(Path(reference.path))
    if changed:
        raise AssertionError(
            f"The encoder's weights were changed in memory ({len(changed)} tensors differ from "
            f"the pre-trained file, e.g. {changed[0]}); train only the head and leave the "
            "encoder frozen."
        )
    return 1.0, "The encoder is the pre-trained all-MiniLM-L6-v2, frozen and unchanged."


def tagger_f1(tagger: Any) -> tuple[float, str]:
    """Full marks when entity-level F1 on the hidden sentences reaches the bar."""
    from seqeval.metrics import f1_score

    from encoder_kit.conll import read_conll

    sentences, tags = read_conll(hidden_data_dir() / NER_TEST)
    predicted = [list(row) for row in _predict(tagger, sentences, "tagger")]
    for i, (row, words) in enumerate(zip(predicted, sentences, strict=True)):
        if len(row) != len(words):
            raise AssertionError(
                f"predict gave {len(row)} tags for hidden sentence {i}, which has {len(words)} "
                "words; give exactly one tag per word."
            )
    f1 = float(f1_score(tags, predicted))
    verdict = "reaches" if f1 >= TAGGER_F1_BAR else "is below"
    feedback = (
        f"Entity-level F1 on the {len(sentences)} hidden sentences: {f1:.3f}, which {verdict} "
        f"the bar of {TAGGER_F1_BAR:.2f}."
    )
    return (1.0 if f1 >= TAGGER_F1_BAR else 0.0), feedback
