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

Scored outside the student's process: in a grading kernel (``$ENCODER_KIT_GRADER_SCORES``),
a check whose name is in ``SPLIT`` only *collects* what it needs from the student's object
(predictions on the hidden inputs, which the kernel gets without their labels, in
``$ENCODER_KIT_HIDDEN_INPUTS``); the grader's own process then *scores* them against the
labels, which never enter the kernel (see :mod:`autograder.course.scoring`).

The bars were set by measurement (benchmarks/bench_course_bars.py, figures in
benchmarks/RESULTS.md): the reference solutions clear them by 6-8 points; a
bag-of-words model, or a head trained on a small share of the data, does not.

>>> saved = os.environ.pop(HIDDEN_DATA_ENV, None)
>>> hidden_data_dir()
Traceback (most recent call last):
...
AssertionError: The hidden test data is on the instructor's side only; this test runs when your notebook is graded.
>>> if saved is not None: os.environ[HIDDEN_DATA_ENV] = saved
"""

from __future__ import annotations

import json
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


HIDDEN_INPUTS_ENV = "ENCODER_KIT_HIDDEN_INPUTS"


def hidden_inputs(name: str) -> list[Any]:
    """The inputs of a hidden set without its labels (texts, or lists of words)."""
    folder = os.environ.get(HIDDEN_INPUTS_ENV)
    if folder:
        path = Path(folder) / f"{name}.inputs.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return _read_hidden(hidden_data_dir(), name)[0]


def _read_hidden(folder: Path, name: str) -> tuple[list[Any], list[Any]]:
    """(inputs, labels) of the hidden set ``name`` in ``folder``."""
    if name.endswith(".conll"):
        from encoder_kit.conll import read_conll

        return read_conll(folder / name)
    from encoder_kit.data.exercises import read_labelled_tsv

    return read_labelled_tsv(folder / name)


def write_hidden_inputs(hidden: Path, target: Path) -> list[str]:
    """Write the inputs (no labels) of every hidden set in ``hidden`` to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (CITY_REQUESTS_TEST, NER_TEST):
        if (hidden / name).is_file():
            inputs = _read_hidden(hidden, name)[0]
            (target / f"{name}.inputs.json").write_text(json.dumps(inputs), encoding="utf-8")
            written.append(name)
    return written


def _plain_labels(predicted: list[Any], nested: bool) -> list[Any]:
    """Predictions as plain strings (a str subclass could compare equal to anything)."""
    if nested:
        return [[str.__str__(str(t)) for t in row] for row in predicted]
    return [str.__str__(str(p)) for p in predicted]


def collect_classifier_accuracy(clf: Any) -> dict[str, Any]:
    """The student's predictions on the hidden messages (collected in the kernel)."""
    texts = hidden_inputs(CITY_REQUESTS_TEST)
    return {"predictions": _plain_labels(_predict(clf, texts, "classifier"), nested=False)}


def score_classifier_accuracy(collected: dict[str, Any], hidden: Path) -> tuple[float, str]:
    """Accuracy of collected predictions against the hidden labels (in the grader)."""
    _, labels = _read_hidden(hidden, CITY_REQUESTS_TEST)
    predicted = collected.get("predictions")
    if not isinstance(predicted, list) or len(predicted) != len(labels):
        raise AssertionError("predict must return one label per hidden message.")
    accuracy = sum(p == y for p, y in zip(predicted, labels, strict=True)) / len(labels)
    verdict = "reaches" if accuracy >= CLASSIFIER_ACCURACY_BAR else "is below"
    feedback = (
        f"Accuracy on the {len(labels)} hidden messages: {accuracy:.1%}, which {verdict} the "
        f"bar of {CLASSIFIER_ACCURACY_BAR:.0%}."
    )
    return (1.0 if accuracy >= CLASSIFIER_ACCURACY_BAR else 0.0), feedback


def classifier_accuracy(clf: Any) -> tuple[float, str]:
    """Full marks when accuracy on the hidden city requests reaches the bar."""
    return score_classifier_accuracy(collect_classifier_accuracy(clf), hidden_data_dir())


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


def collect_tagger_f1(tagger: Any) -> dict[str, Any]:
    """The student's tags for the hidden sentences (collected in the kernel)."""
    sentences = hidden_inputs(NER_TEST)
    predicted = [list(row) for row in _predict(tagger, sentences, "tagger")]
    for i, (row, words) in enumerate(zip(predicted, sentences, strict=True)):
        if len(row) != len(words):
            raise AssertionError(
                f"predict gave {len(row)} tags for hidden sentence {i}, which has {len(words)} "
                "words; give exactly one tag per word."
            )
    return {"predictions": _plain_labels(predicted, nested=True)}


def score_tagger_f1(collected: dict[str, Any], hidden: Path) -> tuple[float, str]:
    """Entity-level F1 of collected tags against the hidden tags (in the grader)."""
    from seqeval.metrics import f1_score

    sentences, tags = _read_hidden(hidden, NER_TEST)
    predicted = collected.get("predictions")
    if not isinstance(predicted, list) or [len(r) if isinstance(r, list) else -1
                                           for r in predicted] != [len(t) for t in tags]:
        raise AssertionError("predict must give one tag per word of every hidden sentence.")
    f1 = float(f1_score(tags, predicted))
    verdict = "reaches" if f1 >= TAGGER_F1_BAR else "is below"
    feedback = (
        f"Entity-level F1 on the {len(sentences)} hidden sentences: {f1:.3f}, which {verdict} "
        f"the bar of {TAGGER_F1_BAR:.2f}."
    )
    return (1.0 if f1 >= TAGGER_F1_BAR else 0.0), feedback


def tagger_f1(tagger: Any) -> tuple[float, str]:
    """Full marks when entity-level F1 on the hidden sentences reaches the bar."""
    return score_tagger_f1(collect_tagger_f1(tagger), hidden_data_dir())


# checks scored in the grader's process: test name -> (collect in the kernel, score outside)
SPLIT = {
    "autograder.course.checks:classifier_accuracy": (collect_classifier_accuracy,
                                                     score_classifier_accuracy),
    "autograder.course.checks:tagger_f1": (collect_tagger_f1, score_tagger_f1),
}
