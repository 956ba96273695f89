"""The tests behind the course's coding questions (the ``test:`` of their YAML entries).

Each receives the student's object and returns ``(score, feedback)``; a failed requirement
raises ``AssertionError`` with a message for the student (see ``autograder.code_kind``). The
hidden test sets live in the instructor's folder ``$ENCODER_KIT_HIDDEN_DATA`` (the course's
``hidden/``), which grading kernels get and students never do.

hw4 (route city requests):

- ``cv_comparison``: the student's ``candidates`` (two to six estimators) and the
  cross-validated accuracies they report in ``cv_scores``. The grader runs the comparison
  again on the training data, on the course's folds (``course_folds()``), and gives credit
  for each reported figure it reproduces within ``CV_TOLERANCE``;
- ``model_choice``: ``clf`` is the candidate that scored best in that re-run (or within
  ``CHOICE_MARGIN`` of it), fit on the 300 training messages alone;
- ``classifier_accuracy``: accuracy on 150 hidden city requests, at least
  ``CLASSIFIER_ACCURACY_BAR``, for a ``clf`` fit on the training data alone;
- ``classifier_frozen``: the classifier encodes with a ``FrozenEncoder`` whose weights are
  the pre-trained all-MiniLM-L6-v2, unchanged on disk and in memory.

"Fit on the training data alone" is checked from evidence, not trust: a fresh copy of
``clf`` (``sklearn.base.clone``) is fit on the 300 training messages, and the outputs of the
two (decision values, else probabilities) on the training and hidden messages must agree
(mean difference at most ``REFIT_TOLERANCE`` of their size). A model that also learnt from
the hidden messages (their labels, or labels it guessed for them) or from a part of the data
only does not agree; the hidden file itself is out of the grading kernel's reach.

hw5 (named entities):

- ``align_labels``: the student's ``align_labels(word_labels, word_ids)`` on hidden cases
  (words split into several pieces, punctuation, words the tokenizer drops, ``None`` ids);
  credit for each case right;
- ``tagger_f1``: entity-level F1 (strict IOB2, as ``TokenTagger.score``) on 100 hidden
  sentences, at least ``TAGGER_F1_BAR``.

Scored outside the student's process: in a grading kernel (``$ENCODER_KIT_GRADER_SCORES``),
a check whose name is in ``SPLIT`` only *collects* what it needs from the student's object
(predictions on the hidden inputs, which the kernel gets without their labels, in
``$ENCODER_KIT_HIDDEN_INPUTS``; the re-run comparison), and the grader's own process then
*scores* it against the labels and the reported figures; labels and expected outputs never
enter the kernel (see :mod:`autograder.course.scoring`).

The bars were set by measurement (benchmarks/bench_course_bars.py, figures in
benchmarks/RESULTS.md): every reasonable head on all 300 messages clears the accuracy bar
by 2.7 to 5.3 points, the default head trained on 50 random messages misses it (85.9 % on
average over ten draws); the reference tagger clears its bar by 6 points.

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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .protocol import HIDDEN_DATA_ENV, HIDDEN_INPUTS_ENV

CLASSIFIER_ACCURACY_BAR = 0.90
TAGGER_F1_BAR = 0.82
CITY_REQUESTS_TEST = "city_requests_test.tsv"
NER_TEST = "ner_test.conll"
ALIGN_CASES = "align_cases.json"
HIDDEN_SETS = (CITY_REQUESTS_TEST, NER_TEST, ALIGN_CASES)

# hw4's comparison: the folds every student (and the grader's re-run) uses
CV_FOLDS: dict[str, Any] = {"n_splits": 5, "shuffle": True, "random_state": 0}
CV_TOLERANCE = 0.02  # a reported mean accuracy counts when the re-run is this close
CHOICE_MARGIN = 0.01  # 3 of 300 messages: a candidate this close to the best counts as best
REFIT_TOLERANCE = 0.02  # relative mean difference of outputs: clf vs a fresh fit on the data
MAX_CANDIDATES = 6
NOT_TRAINING_DATA = "not-training-data"  # the instructor's flag: clf learnt from other data


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
    if name == ALIGN_CASES:
        cases = json.loads((folder / name).read_text(encoding="utf-8"))
        return ([{"word_labels": c["word_labels"], "word_ids": c["word_ids"]} for c in cases],
                [{"what": c["what"], "expected": c["expected"]} for c in cases])
    if name.endswith(".conll"):
        from encoder_kit.conll import read_conll

        return read_conll(folder / name)
    from encoder_kit.data.exercises import read_labelled_tsv

    return read_labelled_tsv(folder / name)


def write_hidden_inputs(hidden: Path, target: Path) -> list[str]:
    """Write the inputs (no labels) of every hidden set in ``hidden`` to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in HIDDEN_SETS:
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


# -- hw4: evidence that clf learnt from the training data alone ------------------------------
def _outputs(model: Any, texts: list[str]) -> Any:
    """The model's scores for ``texts``: decision values, else probabilities, else one-hot
    predictions (a float array, one row per text)."""
    import numpy as np

    for method in ("decision_function", "predict_proba"):
        if hasattr(model, method):  # a Pipeline has it only when its last step does
            return np.asarray(getattr(model, method)(texts), dtype=float)
    predicted = [str(p) for p in model.predict(texts)]
    classes = sorted(set(predicted))
    return np.array([[p == c for c in classes] for p in predicted], dtype=float)


def refit_difference(clf: Any) -> float:
    """How far ``clf`` is from a fresh copy of itself fit on the 300 training messages: the
    mean absolute difference of their outputs on the training and hidden messages, relative
    to the outputs' mean size (0.0: the same model; ``inf``: outputs of another shape).

    Computed in the grading kernel (it needs the student's object and only the hidden
    *inputs*). AssertionError when ``clf`` cannot be refit (not a scikit-learn estimator).
    """
    import numpy as np
    from sklearn.base import clone

    from encoder_kit.data.exercises import load_city_requests

    texts, labels = load_city_requests()
    try:
        fresh = clone(clf).fit(texts, labels)
    except Exception as error:
        raise AssertionError(
            f"The grader could not refit a copy of clf on the training data ({type(error).__name__}"
            f": {error}); submit a scikit-learn estimator (e.g. a Pipeline) fit on texts, labels."
        ) from None
    probe = texts + list(hidden_inputs(CITY_REQUESTS_TEST))
    mine, theirs = _outputs(clf, probe), _outputs(fresh, probe)
    if mine.shape != theirs.shape:
        return float("inf")
    scale = float(np.mean(np.abs(theirs))) or 1.0
    return float(np.mean(np.abs(mine - theirs)) / scale)


def _refit_problem(difference: Any) -> str | None:
    """Why a (collected) refit difference shows clf did not learn from the training data
    alone; None when it did."""
    if isinstance(difference, bool) or not isinstance(difference, int | float):
        return "the grader could not compare clf with a fresh fit on the training data"
    if not difference <= REFIT_TOLERANCE:  # also NaN and inf
        return (f"clf's outputs differ from those of a fresh copy fit on the 300 training "
                f"messages by {difference:.1%} (at most {REFIT_TOLERANCE:.0%} counts as the "
                "same model), so clf did not learn from the training data alone: fit it on "
                "texts, labels, all of them and nothing else")
    return None


def collect_classifier_accuracy(clf: Any) -> dict[str, Any]:
    """The student's predictions on the hidden messages, and how far clf is from a fresh fit
    on the training data (collected in the kernel)."""
    texts = hidden_inputs(CITY_REQUESTS_TEST)
    predictions = _plain_labels(_predict(clf, texts, "classifier"), nested=False)
    return {"predictions": predictions, "refit_difference": refit_difference(clf)}


def score_classifier_accuracy(collected: dict[str, Any],
                              hidden: Path) -> tuple[float, str, tuple[str, ...]]:
    """Accuracy of collected predictions against the hidden labels (in the grader); zero
    for a clf that did not learn from the training data alone."""
    _, labels = _read_hidden(hidden, CITY_REQUESTS_TEST)
    predicted = collected.get("predictions")
    if not isinstance(predicted, list) or len(predicted) != len(labels):
        raise AssertionError("predict must return one label per hidden message.")
    accuracy = sum(p == y for p, y in zip(predicted, labels, strict=True)) / len(labels)
    problem = _refit_problem(collected.get("refit_difference"))
    if problem:
        return 0.0, (f"Not scored: {problem}. The hidden accuracy ({accuracy:.1%}) counts only "
                     "for a model trained on the training data."), (NOT_TRAINING_DATA,)
    verdict = "reaches" if accuracy >= CLASSIFIER_ACCURACY_BAR else "is below"
    feedback = (
        f"Accuracy on the {len(labels)} hidden messages: {accuracy:.1%}, which {verdict} the "
        f"bar of {CLASSIFIER_ACCURACY_BAR:.0%}."
    )
    return (1.0 if accuracy >= CLASSIFIER_ACCURACY_BAR else 0.0), feedback, ()


def classifier_accuracy(clf: Any) -> tuple[float, str]:
    """Full marks when accuracy on the hidden city requests reaches the bar."""
    return score_classifier_accuracy(collect_classifier_accuracy(clf), hidden_data_dir())[:2]


# -- hw4: the comparison, re-run on the same folds -------------------------------------------
def course_folds() -> Any:
    """The folds of hw4's comparison: ``StratifiedKFold(**CV_FOLDS)``."""
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(**CV_FOLDS)


def estimator_spec(estimator: Any, depth: int = 0) -> str:
    """A canonical text of an estimator: its class and parameters, nested estimators
    included. Two estimators with the same spec learn the same model from the same data.

    >>> from sklearn.linear_model import LogisticRegression
    >>> estimator_spec(LogisticRegression(C=2)) == estimator_spec(LogisticRegression(C=2.0))
    True
    >>> estimator_spec(LogisticRegression(C=2)) == estimator_spec(LogisticRegression())
    False
    """
    if depth > 8:
        return "..."
    if isinstance(estimator, list | tuple):
        return "[" + ", ".join(estimator_spec(e, depth + 1) for e in estimator) + "]"
    if isinstance(estimator, dict):
        items = sorted(estimator.items(), key=lambda kv: repr(kv[0]))
        return "{" + ", ".join(f"{k!r}: {estimator_spec(v, depth + 1)}" for k, v in items) + "}"
    if hasattr(estimator, "get_params") and not isinstance(estimator, type):
        params = estimator.get_params(deep=False)
        inner = ", ".join(f"{k}={estimator_spec(v, depth + 1)}" for k, v in sorted(params.items()))
        kind = type(estimator)
        return f"{kind.__module__}.{kind.__qualname__}({inner})"
    if isinstance(estimator, float) and estimator.is_integer():
        return repr(int(estimator))
    return repr(estimator)


_CV_MEMO: dict[str, float] = {}


def cross_validated(candidate: Any) -> float:
    """Mean accuracy of ``candidate`` over the course folds of the 300 training messages
    (what a student gets from ``cross_val_score(candidate, texts, labels, cv=folds).mean()``).
    Remembered per spec: the comparison and the choice re-run it once."""
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    from encoder_kit.data.exercises import load_city_requests

    spec = estimator_spec(candidate)
    if spec not in _CV_MEMO:
        texts, labels = load_city_requests()
        scores = cross_val_score(clone(candidate), texts, labels, cv=course_folds(),
                                 scoring="accuracy", error_score="raise")
        _CV_MEMO[spec] = float(np.mean(scores))
    return _CV_MEMO[spec]


def _candidates(answer: Any) -> dict[str, Any]:
    """The student's ``candidates``: a dict of 2 to MAX_CANDIDATES named estimators."""
    if not isinstance(answer, Mapping):
        raise AssertionError("The grader expected your names candidates, cv_scores and clf.")
    candidates = answer.get("candidates")
    if not isinstance(candidates, Mapping) or not candidates:
        raise AssertionError(
            "Define candidates as a dict of the models you compare, e.g. candidates = "
            '{"logreg": make_classifier(), "knn": make_classifier(head=KNeighborsClassifier())}.')
    if not 2 <= len(candidates) <= MAX_CANDIDATES:
        raise AssertionError(f"candidates holds {len(candidates)} models; compare 2 to "
                             f"{MAX_CANDIDATES}.")
    for name, model in candidates.items():
        if not isinstance(name, str) or not (hasattr(model, "fit") and hasattr(model, "get_params")):
            raise AssertionError(f"candidates[{name!r}] must be a scikit-learn estimator (with "
                                 "fit and get_params), named by a string.")
    return {str.__str__(name): model for name, model in candidates.items()}


def collect_cv_comparison(answer: Any) -> dict[str, Any]:
    """The reported figures and the grader's re-run of the comparison (in the kernel)."""
    candidates = _candidates(answer)
    reported = answer.get("cv_scores")
    if not isinstance(reported, Mapping):
        raise AssertionError('Define cv_scores as a dict of the mean accuracy you measured for '
                             'each candidate, e.g. cv_scores = {"logreg": 0.91, "knn": 0.88}.')
    missing = sorted(set(candidates) - set(reported))
    extra = sorted(set(map(str, reported)) - set(candidates))
    if missing or extra:
        raise AssertionError(f"cv_scores must have one figure per candidate: missing {missing}, "
                             f"not a candidate {extra}.")
    figures = {}
    for name in candidates:
        value = reported[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AssertionError(f"cv_scores[{name!r}] must be a number (a mean accuracy), not "
                                 f"{type(value).__name__}.")
        figures[name] = float(value)
    measured = {name: cross_validated(model) for name, model in candidates.items()}
    distinct = len({estimator_spec(model) for model in candidates.values()})
    return {"reported": figures, "measured": measured, "distinct": distinct}


def _figures(value: Any) -> dict[str, float]:
    """A {name: number} dict from a (collected, untrusted) record; {} when it is not one."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): float(v) for k, v in value.items()
            if isinstance(v, int | float) and not isinstance(v, bool)}


def score_cv_comparison(collected: dict[str, Any], hidden: Path | None) -> tuple[float, str]:
    """Credit for each reported figure the re-run reproduces (in the grader)."""
    reported, measured = _figures(collected.get("reported")), _figures(collected.get("measured"))
    distinct = collected.get("distinct")
    if len(measured) < 2 or not isinstance(distinct, int) or distinct < 2 or (
            set(reported) != set(measured)):
        return 0.0, ("Compare at least two different candidates (two heads, or two layers), "
                     "each with its cross-validated accuracy in cv_scores.")
    lines, right = [], 0
    for name in sorted(measured):
        close = abs(reported[name] - measured[name]) <= CV_TOLERANCE
        right += close
        lines.append(f"{name}: you reported {reported[name]:.3f}, the re-run on the same folds "
                     f"measured {measured[name]:.3f}" + ("" if close else " (not reproduced)"))
    summary = (f"{right} of {len(measured)} reported figures reproduced within "
               f"{CV_TOLERANCE:g}.")
    return right / len(measured), summary + " " + "; ".join(lines) + "."


def cv_comparison(answer: Any) -> tuple[float, str]:
    """The comparison's figures, re-run on the course folds (all in one process)."""
    return score_cv_comparison(collect_cv_comparison(answer), None)


def collect_model_choice(answer: Any) -> dict[str, Any]:
    """Which candidate clf is, the re-run scores, and the refit evidence (in the kernel)."""
    candidates = _candidates(answer)
    clf = answer.get("clf")
    if clf is None or not hasattr(clf, "predict"):
        raise AssertionError("Define clf: the candidate you chose, fit on texts, labels.")
    spec = estimator_spec(clf)
    chosen = next((name for name, model in candidates.items()
                   if estimator_spec(model) == spec), None)
    measured = {name: cross_validated(model) for name, model in candidates.items()}
    return {"chosen": chosen, "measured": measured, "refit_difference": refit_difference(clf)}


def score_model_choice(collected: dict[str, Any],
                       hidden: Path | None) -> tuple[float, str, tuple[str, ...]]:
    """Full marks when clf is the best candidate of the re-run (within CHOICE_MARGIN), fit on
    the training data alone (in the grader)."""
    measured = _figures(collected.get("measured"))
    chosen = collected.get("chosen")
    if not isinstance(chosen, str) or chosen not in measured:
        return 0.0, ("clf is none of your candidates: build clf as the candidate you chose "
                     "(the same class and parameters), e.g. clf = "
                     "clone(candidates[best]).fit(texts, labels)."), ()
    best = max(measured, key=lambda name: measured[name])
    table = ", ".join(f"{name} {value:.3f}" for name, value in sorted(measured.items()))
    if measured[chosen] < measured[best] - CHOICE_MARGIN:
        return 0.0, (f"clf is {chosen}, but {best} scored best in the re-run of your "
                     f"comparison ({table}); submit the best candidate."), ()
    problem = _refit_problem(collected.get("refit_difference"))
    if problem:
        return 0.0, f"clf is {chosen}, the best candidate, but {problem}.", (NOT_TRAINING_DATA,)
    return 1.0, (f"clf is {chosen}, the best candidate of your comparison ({table}), fit on "
                 "the training data."), ()


def model_choice(answer: Any) -> tuple[float, str]:
    """The choice, checked in one process."""
    return score_model_choice(collect_model_choice(answer), None)[:2]


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
    loaded = models.loaded_models(folder)
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
    """Entity-level F1 of collected tags against the hidden tags (in the grader): the
    library's one definition (strict IOB2, :func:`encoder_kit.metrics.entity_f1`)."""
    from encoder_kit.metrics import entity_f1

    sentences, tags = _read_hidden(hidden, NER_TEST)
    predicted = collected.get("predictions")
    if not isinstance(predicted, list) or [len(r) if isinstance(r, list) else -1
                                           for r in predicted] != [len(t) for t in tags]:
        raise AssertionError("predict must give one tag per word of every hidden sentence.")
    f1 = float(entity_f1(tags, predicted))
    verdict = "reaches" if f1 >= TAGGER_F1_BAR else "is below"
    feedback = (
        f"Entity-level F1 on the {len(sentences)} hidden sentences: {f1:.3f}, which {verdict} "
        f"the bar of {TAGGER_F1_BAR:.2f}."
    )
    return (1.0 if f1 >= TAGGER_F1_BAR else 0.0), feedback


def tagger_f1(tagger: Any) -> tuple[float, str]:
    """Full marks when entity-level F1 on the hidden sentences reaches the bar."""
    return score_tagger_f1(collect_tagger_f1(tagger), hidden_data_dir())


# -- hw5: word-piece label alignment -----------------------------------------------------------
def collect_align_labels(align_labels: Any) -> dict[str, Any]:
    """The student's function on the hidden cases' inputs (in the kernel): per case, the
    labels it returned (ints), or what it raised."""
    if not callable(align_labels):
        raise AssertionError("Pass your function align_labels itself (not its result).")
    outputs: list[Any] = []
    for case in hidden_inputs(ALIGN_CASES):
        try:  # fresh lists: a function that changes its arguments cannot spoil the next case
            got = align_labels(list(case["word_labels"]), list(case["word_ids"]))
            outputs.append([int(x) for x in got])
        except Exception as error:
            outputs.append(f"raised {type(error).__name__}: {error}"[:300])
    return {"outputs": outputs}


def score_align_labels(collected: dict[str, Any], hidden: Path) -> tuple[float, str]:
    """Credit for each hidden case right (in the grader); the feedback names what the wrong
    cases test."""
    cases, answers = _read_hidden(hidden, ALIGN_CASES)
    outputs = collected.get("outputs")
    if not isinstance(outputs, list) or len(outputs) != len(cases):
        raise AssertionError("align_labels was not run on every hidden case.")
    wrong = []
    for case, answer, got in zip(cases, answers, outputs, strict=True):
        if got != answer["expected"]:
            wrong.append(f"{answer['what']}: align_labels({case['word_labels']}, "
                         f"{case['word_ids']}) gave {got}, expected {answer['expected']}")
    right = len(cases) - len(wrong)
    feedback = f"{right} of {len(cases)} hidden cases right."
    if wrong:
        feedback += " Wrong: " + "; ".join(wrong[:3]) + ("; ..." if len(wrong) > 3 else "") + "."
    return right / len(cases), feedback


def align_labels_check(align_labels: Any) -> tuple[float, str]:
    """The alignment on the hidden cases (all in one process)."""
    return score_align_labels(collect_align_labels(align_labels), hidden_data_dir())


# checks scored in the grader's process: test name -> (collect in the kernel, score outside);
# a score function returns (score, feedback) or (score, feedback, flags for the instructor)
SPLIT = {
    "autograder.course.checks:classifier_accuracy": (collect_classifier_accuracy,
                                                     score_classifier_accuracy),
    "autograder.course.checks:cv_comparison": (collect_cv_comparison, score_cv_comparison),
    "autograder.course.checks:model_choice": (collect_model_choice, score_model_choice),
    "autograder.course.checks:tagger_f1": (collect_tagger_f1, score_tagger_f1),
    "autograder.course.checks:align_labels_check": (collect_align_labels, score_align_labels),
}
