"""Frozen, TF-IDF, hybrid or fine-tuned? One measured run on a shipped data set (concept C3).

:func:`compare_adaptations` trains the library's real classifiers on the fixed train split of
a data set shipped in :mod:`encoder_kit.data` and scores them on its test split:

- **TF-IDF**: ``make_classifier(features="tfidf")`` (word n-grams, a logistic regression);
- **frozen**: ``make_classifier()`` (the frozen encoder's sentence vectors, a logistic regression);
- **hybrid**: ``make_classifier(features="hybrid")`` (both side by side);
- **fine-tuned**: :class:`~encoder_kit.FineTunedClassifier` with the chosen layers, learning rate
  and epochs.

It returns an :class:`Adaptation` record: per method the test accuracy, macro F1, fit and
predict seconds and the number of parameters trained; for the fine-tuned encoder how far each
part moved (the norm of its weight change divided by the norm of its pre-trained weights:
frozen parts exactly 0); and a catastrophic-forgetting probe (:func:`paraphrase_ranking`):
how often the encoder still puts a general paraphrase pair closer together than an unrelated
pair, before and after fine-tuning. The frozen and hybrid rows share one encoding of the texts,
made without the on-disk cache: its seconds are added to both rows (train texts to the fit,
test texts to the predict seconds), and nothing is written to disk. The process-wide shared
model is never modified (``FineTunedClassifier`` trains a copy). The FrozenVsFineTuned
explorer shows the record.

torch is imported inside the functions, not at the top, like everywhere in the library:
``import encoder_kit`` stays torch-free.

>>> part_of("encoder.layer.5.attention.self.query.weight"), part_of("embeddings.LayerNorm.bias")
('layer 6', 'embeddings')
>>> result = compare_adaptations("sarcastic_reviews", train_layers=2)  # doctest: +SKIP
>>> result.method("fine-tuned").accuracy, result.movement["layer 1"]  # doctest: +SKIP
(0.8, 0.0)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .data import load_split
from .encoding import torch_threads
from .models import DEFAULT_MODEL, load_sentence_transformer

__all__ = ["PARAPHRASE_PAIRS", "SST2_FIGURES", "UNRELATED_PAIRS", "Adaptation",
           "ForgettingProbe", "MethodResult", "compare_adaptations", "paraphrase_ranking",
           "parameter_changes", "part_of"]

#: The methods of an :class:`Adaptation`, in the order they are trained and shown.
METHODS = ("TF-IDF", "frozen", "hybrid", "fine-tuned")

#: The large-data case, measured on SST-2 (6,920 training texts; benchmarks/RESULTS.md,
#: "Adaptation"): test accuracy of each method, and the fine-tuned run's training minutes.
SST2_FIGURES = {"TF-IDF": 0.8116, "frozen": 0.8138, "hybrid": 0.8479, "fine-tuned": 0.8869,
                "fine-tuned minutes": 3.0}

#: General sentences that say the same thing in other words (not about products or reviews):
#: a general-purpose encoder puts each pair close together.
PARAPHRASE_PAIRS: tuple[tuple[str, str], ...] = (
    ("The train to the coast leaves at nine.", "At nine o'clock the coastal train departs."),
    ("She finished the marathon in under four hours.",
     "It took her less than four hours to run the marathon."),
    ("The museum is closed on Mondays.", "On Mondays you cannot visit the museum."),
    ("He forgot his keys at the office.", "His keys were left behind at work."),
    ("Heavy snow blocked the mountain road.", "The road over the mountain was shut by snowfall."),
    ("The children planted tomatoes in the school garden.",
     "Pupils grew tomato plants in their school's garden."),
    ("The meeting was moved to Thursday afternoon.",
     "They rescheduled the meeting for Thursday after lunch."),
    ("Bees carry pollen from flower to flower.", "Pollen is moved between flowers by bees."),
    ("The library extended its opening hours.", "The library now stays open for longer."),
    ("My grandmother taught me to bake bread.", "I learned bread baking from my grandma."),
    ("The river flooded the fields after the storm.",
     "After the storm the fields were under water from the river."),
    ("Prices at the market went up this year.", "The market has become more expensive this year."),
)

#: Pairs of unrelated general sentences; several share words, so that only meaning separates
#: them from the paraphrases.
UNRELATED_PAIRS: tuple[tuple[str, str], ...] = (
    ("The train to the coast leaves at nine.", "She trains the choir every evening."),
    ("The museum is closed on Mondays.", "Close the window before the rain comes in."),
    ("He forgot his keys at the office.", "The piano has eighty-eight keys."),
    ("Heavy snow blocked the mountain road.", "The goalkeeper blocked a late penalty."),
    ("Bees carry pollen from flower to flower.", "Flour, butter and sugar make a simple dough."),
    ("The library extended its opening hours.", "The volcano erupted twice last century."),
    ("My grandmother taught me to bake bread.", "The committee approved the new budget."),
    ("The river flooded the fields after the storm.", "Her bank account was flooded with spam."),
    ("Prices at the market went up this year.", "The kite went up above the dunes."),
    ("She finished the marathon in under four hours.", "Four cats sleep under the porch."),
    ("The meeting was moved to Thursday afternoon.", "The film moved the whole audience to tears."),
    ("The children planted tomatoes in the school garden.",
     "A spy planted false papers in the embassy."),
)


@dataclass(frozen=True)
class MethodResult:
    """One method's test-split figures."""

    name: str
    accuracy: float
    macro_f1: float
    fit_seconds: float
    predict_seconds: float
    trained_parameters: int


@dataclass(frozen=True)
class ForgettingProbe:
    """How well an encoder ranks general paraphrase pairs above unrelated pairs.

    ``ranking_*``: the share of (paraphrase pair, unrelated pair) combinations in which the
    paraphrase pair has the higher cosine similarity (1.0: every paraphrase above every
    unrelated pair; 0.5: chance). ``paraphrase_*`` and ``unrelated_*``: mean cosine similarity
    of each kind of pair. ``before``: the pre-trained encoder; ``after``: the fine-tuned one.
    """

    ranking_before: float
    ranking_after: float
    paraphrase_before: float
    paraphrase_after: float
    unrelated_before: float
    unrelated_after: float

    @property
    def gap_before(self) -> float:
        """Mean paraphrase similarity minus mean unrelated similarity, pre-trained."""
        return self.paraphrase_before - self.unrelated_before

    @property
    def gap_after(self) -> float:
        """The same gap after fine-tuning (it shrinks when the encoder forgets)."""
        return self.paraphrase_after - self.unrelated_after


@dataclass
class Adaptation:
    """The outcome of :func:`compare_adaptations`."""

    dataset: str
    n_train: int
    n_test: int
    train_layers: int | str
    learning_rate: float
    epochs: int
    seed: int
    methods: list[MethodResult]
    movement: dict[str, float]  # part -> ||weight change|| / ||pre-trained weights||
    changes: dict[str, float]  # part -> ||weight change||
    forgetting: ForgettingProbe
    loss_curve: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def method(self, name: str) -> MethodResult:
        """The figures of the method called ``name`` (one of :data:`METHODS`)."""
        for result in self.methods:
            if result.name == name:
                return result
        raise KeyError(f"no method {name!r}; the methods are {[m.name for m in self.methods]}")

    def reading(self) -> str:
        """One or two sentences that read the result (what a student should take from it)."""
        tuned, tfidf, frozen = self.method("fine-tuned"), self.method("TF-IDF"), self.method("frozen")
        best = max(self.methods, key=lambda m: (m.accuracy, -m.fit_seconds))
        points = 100 * (best.accuracy - tfidf.accuracy)
        ratio = tuned.fit_seconds / max(tfidf.fit_seconds, 1e-3)
        if self.train_layers == 0:
            text = (f"With 0 layers trained nothing in the encoder moved: the fine-tuned row is "
                    f"a linear head trained by gradient descent on frozen vectors "
                    f"({100 * tuned.accuracy:.0f} %); the best method here is {best.name} "
                    f"({100 * best.accuracy:.0f} %).")
        elif best.name == "TF-IDF":
            text = (f"TF-IDF is the best method here ({100 * best.accuracy:.0f} %), at about "
                    f"1/{ratio:,.0f} of fine-tuning's fit time: a keyword task, where word counts "
                    "are already enough.")
        elif points <= 1.0:
            text = (f"TF-IDF is within {points:.0f} point{'' if round(points) == 1 else 's'} of "
                    f"the best method ({best.name}, {100 * best.accuracy:.0f} %) here at about "
                    f"1/{ratio:,.0f} of fine-tuning's fit time: a keyword task, where word counts "
                    "are already enough.")
        elif best.name == "fine-tuned":
            gain = 100 * (tuned.accuracy - max(m.accuracy for m in self.methods if m is not tuned))
            text = (f"Fine-tuning is best here, {gain:.0f} points above the next method, at "
                    f"{tuned.fit_seconds / max(frozen.fit_seconds, 1e-3):.0f} times the frozen "
                    f"fit time and {tuned.trained_parameters:,} trained parameters instead of "
                    f"{frozen.trained_parameters:,}.")
        else:
            verb = "matches" if tuned.accuracy == best.accuracy else "beats"
            text = (f"{best.name} ({100 * best.accuracy:.0f} %) {verb} fine-tuning "
                    f"({100 * tuned.accuracy:.0f} %) on {self.n_train} training texts, in a "
                    f"fraction of the time: with this little data fine-tuning costs more than it "
                    f"pays (on SST-2's 6,920 texts it reached {100 * SST2_FIGURES['fine-tuned']:.1f} %"
                    f" against {100 * SST2_FIGURES['frozen']:.1f} % frozen, after "
                    f"{SST2_FIGURES['fine-tuned minutes']} minutes).")
        probe = self.forgetting
        if probe.ranking_after < probe.ranking_before - 0.05 or probe.gap_after < 0.5 * probe.gap_before:
            text += (f" The encoder also forgot general meaning: it ranks paraphrases above "
                     f"unrelated pairs {100 * probe.ranking_after:.0f} % of the time (before: "
                     f"{100 * probe.ranking_before:.0f} %), a sign of catastrophic forgetting.")
        return text


def part_of(name: str) -> str:
    """The part of a BertModel a parameter belongs to: embeddings, layer k (from 1), pooler."""
    if name.startswith("encoder.layer."):
        return f"layer {int(name.split('.')[2]) + 1}"
    return name.split(".")[0]


def parameter_changes(network: Any, before: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Per part of ``network`` (:func:`part_of`): the norm of its parameters' change since
    ``before`` (a network of the same architecture, or a dict name -> tensor), and that norm
    divided by the norm of the part's parameters in ``before``.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1)
    >>> old = {n: p.detach().clone() for n, p in net.named_parameters()}
    >>> parameter_changes(net, old)[0]
    {'weight': 0.0, 'bias': 0.0}
    """
    if not isinstance(before, dict):
        before = dict(before.named_parameters())
    squared: dict[str, float] = {}
    sizes: dict[str, float] = {}
    for name, p in network.named_parameters():
        part = part_of(name)
        old = before[name].detach().to(p.device, p.dtype)
        squared[part] = squared.get(part, 0.0) + float(((p.detach() - old) ** 2).sum())
        sizes[part] = sizes.get(part, 0.0) + float((old ** 2).sum())
    changes = {part: float(np.sqrt(v)) for part, v in squared.items()}
    relative = {part: changes[part] / (float(np.sqrt(sizes[part])) or 1.0) for part in changes}
    return changes, relative


def paraphrase_ranking(encoder: Any,
                       paraphrases: Sequence[tuple[str, str]] = PARAPHRASE_PAIRS,
                       unrelated: Sequence[tuple[str, str]] = UNRELATED_PAIRS
                       ) -> tuple[float, float, float]:
    """``(ranking, mean paraphrase similarity, mean unrelated similarity)`` of a
    SentenceTransformer ``encoder`` (mean-pooled vectors, cosine similarity).

    ``ranking`` is the share of (paraphrase pair, unrelated pair) combinations where the
    paraphrase pair is the more similar one: 1.0 for an encoder that knows general meaning,
    about 0.5 for one that has lost it.
    """
    pairs = list(paraphrases) + list(unrelated)
    texts = [t for pair in pairs for t in pair]
    vectors = np.asarray(encoder.encode(texts, batch_size=32, show_progress_bar=False,
                                        convert_to_numpy=True), dtype=np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sims = np.sum(vectors[0::2] * vectors[1::2], axis=1)
    para, other = sims[: len(paraphrases)], sims[len(paraphrases):]
    ranking = float(np.mean(para[:, None] > other[None, :]))
    return ranking, float(para.mean()), float(other.mean())


def _check_settings(train_layers: Any, learning_rate: Any, epochs: Any, seed: Any) -> None:
    """Fail on a bad setting before anything loads or trains, saying what to use instead."""
    def whole(value: Any) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    if train_layers != "all" and not (whole(train_layers) and train_layers >= 0):
        raise ValueError(f"train_layers must be 'all' or a whole number >= 0 (0 = frozen "
                         f"encoder, only the head trains), got {train_layers!r}")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.number)) \
            or not 0 < learning_rate < 1:
        raise ValueError(f"learning_rate must be a number between 0 and 1 (e.g. 1e-4), got "
                         f"{learning_rate!r}")
    if not (whole(epochs) and epochs >= 1):
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
    if not whole(seed):
        raise ValueError(f"seed must be a whole number, got {seed!r}")


def _trained_parameters(pipeline: Any) -> int:
    head = pipeline.steps[-1][1]
    return int(head.coef_.size + head.intercept_.size)


def _score(name: str, clf: Any, train: tuple[list[str], list[str]],
           test: tuple[list[str], list[str]], encode: tuple[float, float] = (0.0, 0.0)
           ) -> tuple[MethodResult, Any]:
    """Fit ``clf`` on ``train``, predict ``test``; ``encode``: seconds of encoding the train
    and the test texts with the frozen encoder, added to the fit and predict seconds."""
    from sklearn.metrics import accuracy_score, f1_score

    start = time.perf_counter()
    clf.fit(*train)
    fitted = time.perf_counter()
    predicted = clf.predict(test[0])
    done = time.perf_counter()
    params = (int(clf.n_trained_parameters_) if hasattr(clf, "n_trained_parameters_")
              else _trained_parameters(clf))
    return MethodResult(name=name, accuracy=float(accuracy_score(test[1], predicted)),
                        macro_f1=float(f1_score(test[1], predicted, average="macro")),
                        fit_seconds=fitted - start + encode[0],
                        predict_seconds=done - fitted + encode[1],
                        trained_parameters=params), clf


def compare_adaptations(
    dataset: str = "sarcastic_reviews", *,
    train_layers: int | str = 2, learning_rate: float = 1e-4, epochs: int = 4, seed: int = 0,
    batch_size: int = 16, max_length: int = 48, model: str = DEFAULT_MODEL,
    num_threads: int | None = 1,
) -> Adaptation:
    """Train TF-IDF, frozen, hybrid and fine-tuned classifiers on ``dataset``'s train split;
    score them on its test split; measure how far the encoder moved and what it forgot.

    ``dataset`` is a name of :func:`encoder_kit.data.available_datasets` ("sarcastic_reviews":
    sincere vs sarcastic product reviews, 255 / 85; "support_emails": three queues, 180 / 60).
    ``train_layers``, ``learning_rate``, ``epochs``, ``batch_size``, ``max_length`` and
    ``seed`` (its ``random_state``) go to :class:`~encoder_kit.FineTunedClassifier`. The
    defaults train the top 2 layers for 4 epochs: about 10-20 s on two CPU cores; ``"all"``
    layers take several times longer.

    ``num_threads``: PyTorch threads for the whole run (restored afterwards; ``None``: leave
    PyTorch's setting). One by default: on a 2-core machine whose cores were busy with other
    work, two threads made the top-2-layer fine-tuning 16 to 33 times slower than one (110-137 s
    against 4-7 s, float32 and bfloat16), because every parallel step waits for the thread
    that lost its core.
    """
    _check_settings(train_layers, learning_rate, epochs, seed)
    if num_threads is not None and not (isinstance(num_threads, (int, np.integer))
                                        and not isinstance(num_threads, bool) and num_threads >= 1):
        raise ValueError(f"num_threads must be a whole number >= 1 or None, got {num_threads!r}")
    with torch_threads(num_threads):
        return _compare(dataset, train_layers, learning_rate, epochs, seed, batch_size,
                        max_length, model)


def _compare(dataset: str, train_layers: int | str, learning_rate: float, epochs: int,
             seed: int, batch_size: int, max_length: int, model: str) -> Adaptation:
    from .classify import make_classifier
    from .compare import _VectorTable  # a frozen encoder whose vectors are computed already
    from .encoder import FrozenEncoder
    from .fine_tuned import FineTunedClassifier

    start = time.perf_counter()
    train_x, test_x, train_y, test_y = load_split(dataset)  # an unknown name fails here
    pretrained = load_sentence_transformer(model)
    n_layers = len(pretrained[0].auto_model.encoder.layer)
    if train_layers != "all" and train_layers > n_layers:
        raise ValueError(f"train_layers={train_layers}, but {model} has {n_layers} layers; use "
                         f"0 to {n_layers}, or 'all'")
    tuned = FineTunedClassifier(model, train_layers=train_layers, learning_rate=learning_rate,
                                epochs=epochs, batch_size=batch_size, max_length=max_length,
                                random_state=seed, show_progress=False)
    train, test = (train_x, train_y), (test_x, test_y)
    # The frozen and hybrid rows use the same frozen vectors: encode each text once, timed,
    # and add the encoding seconds to both rows' fit (train texts) and predict (test texts).
    encoder = FrozenEncoder(model, cache=False, show_progress=False)
    began = time.perf_counter()
    train_vectors = encoder.transform(train_x)
    encoded = time.perf_counter()
    test_vectors = encoder.transform(test_x)
    encode = (encoded - began, time.perf_counter() - encoded)
    table = _VectorTable(train_x + test_x, np.vstack([train_vectors, test_vectors]))
    candidates = [("TF-IDF", make_classifier(features="tfidf"), (0.0, 0.0)),
                  ("frozen", make_classifier().set_params(frozenencoder=table), encode),
                  ("hybrid", make_classifier(features="hybrid").set_params(
                      hybridfeatures__encoder=table), encode),
                  ("fine-tuned", tuned, (0.0, 0.0))]
    results, fitted = [], None
    for name, clf, seconds in candidates:
        result, fitted = _score(name, clf, train, test, seconds)
        results.append(result)

    changes, movement = parameter_changes(fitted.encoder_[0].auto_model, pretrained[0].auto_model)
    keep = [p for p in changes if p == "embeddings" or p.startswith("layer ")]
    keep.sort(key=lambda p: -1 if p == "embeddings" else int(p.split()[1]))
    before = paraphrase_ranking(pretrained)
    after = paraphrase_ranking(fitted.encoder_)
    probe = ForgettingProbe(ranking_before=before[0], ranking_after=after[0],
                            paraphrase_before=before[1], paraphrase_after=after[1],
                            unrelated_before=before[2], unrelated_after=after[2])
    return Adaptation(dataset=dataset, n_train=len(train_x), n_test=len(test_x),
                      train_layers=train_layers, learning_rate=float(learning_rate),
                      epochs=int(epochs), seed=int(seed), methods=results,
                      movement={p: movement[p] for p in keep},
                      changes={p: changes[p] for p in keep}, forgetting=probe,
                      loss_curve=[float(v) for v in fitted.loss_curve_],
                      seconds=time.perf_counter() - start)
