"""TokenTagger: a named-entity tagger on frozen per-word vectors (concept C10).

One prediction per word, from that word's contextual vector, by one scikit-learn classifier;
the predicted tags are decoded into valid IOB2 entities. The default, chosen on validation
data (benchmarks/bench_ner.py --select), gives each word the mean of the last four layers'
vectors, the same for the words either side, and the casing/shape flags that the uncased
encoder cannot see (``word_features="shape"``: worth about 7 F1 points on wikigold), to a
small neural network (``mlp_tagger_head()``), and decodes with Viterbi under IOB2 constraints.

>>> from encoder_kit import TokenTagger
>>> tagger = TokenTagger().fit([["Ada", "Lovelace", "lived", "in", "London"]] * 4,
...                            [["B-PER", "I-PER", "O", "O", "B-LOC"]] * 4)
>>> tagger.predict([["Ada", "Lovelace", "lived", "in", "London"]])
[['B-PER', 'I-PER', 'O', 'O', 'B-LOC']]
>>> tagger.predict_entities("Ada Lovelace lived in London")[0]
Entity(text='Ada Lovelace', label='PER', start=0, end=12)
"""

from __future__ import annotations

import html
import os
import re
import zlib
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import models
from .conll import check_sentences, check_tags, entity_spans, repair_iob2
from .inputs import check_unicode
from .metrics import entity_f1, entity_report
from .tokens import DEFAULT_LAYERS, TokenEncoder
from .word_shape import shape_matrix, word_features

DEFAULT_C = 0.03
# The 0/1 shape flags are scaled up next to the standardised encoder features, so that the
# head's L2 penalty holds them back less (chosen on validation data, see benchmarks).
SHAPE_WEIGHT = 10.0
DECODINGS = ("viterbi", "argmax")
# Words and punctuation: URLs, @mentions, #hashtags and abbreviations ("U.S.") stay whole;
# "'s" and "n't" split off, as in CoNLL-style tokenization.
_WORD = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|(?:[^\W\d_]\.){2,}|\w+(?=n['’]t\b|['’]s\b)"
                   r"|n['’]t\b|['’]s\b|\w+(?:[-'’.&]\w+)*|\S")


class Entity(NamedTuple):
    """An entity found in a text: ``text == original[start:end]``."""

    text: str
    label: str
    start: int
    end: int


class Entities(list):
    """A list of Entity that also keeps the text, and shows it highlighted in a notebook."""

    def __init__(self, text: str, entities: Sequence[Entity] = ()) -> None:
        super().__init__(entities)
        self.text = text

    @classmethod
    def from_words(cls, words: Sequence[str], tags: Sequence[str]) -> Entities:
        """The entities of a tagged sentence, over its words joined by spaces."""
        starts = np.cumsum([0] + [len(w) + 1 for w in words])
        text = " ".join(words)
        return cls(text, [Entity(text[starts[a]:starts[b] - 1], label, int(starts[a]),
                                 int(starts[b] - 1)) for label, a, b in entity_spans(tags)])

    def to_html(self) -> str:
        """The text with each entity highlighted and labelled (HTML-escaped)."""
        parts, at = [], 0
        for ent in sorted(self, key=lambda e: e.start):
            hue = zlib.crc32(ent.label.encode()) % 360
            parts.append(html.escape(self.text[at:ent.start]))
            parts.append(
                f'<mark style="background:hsl({hue},70%,85%);padding:0 .2em;border-radius:.3em">'
                f'{html.escape(self.text[ent.start:ent.end])} <small style="font-weight:bold;'
                f'color:hsl({hue},60%,30%)">{html.escape(ent.label)}</small></mark>'
            )
            at = ent.end
        parts.append(html.escape(self.text[at:]))
        return f'<div style="line-height:2;white-space:pre-wrap">{"".join(parts)}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()


def split_words(text: str) -> list[tuple[str, int, int]]:
    """Words and punctuation of ``text`` with their character offsets (start, end)."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def viterbi_iob2(log_probs: np.ndarray, classes: Sequence[str]) -> list[str]:
    """The most probable tag sequence that is valid IOB2 (no I-X after O, start, or B-/I-Y)."""
    k = len(classes)
    cont = np.array([[c.startswith("I-") and p != "O" and p[2:] == c[2:] for c in classes]
                     for p in classes])
    is_inside = np.array([c.startswith("I-") for c in classes])
    trans = np.where(~is_inside[None, :] | cont, 0.0, -np.inf)
    scores = np.where(is_inside, -np.inf, log_probs[0])
    back = np.zeros((len(log_probs), k), dtype=np.int64)
    for t in range(1, len(log_probs)):
        candidates = scores[:, None] + trans
        back[t] = candidates.argmax(axis=0)
        scores = candidates.max(axis=0) + log_probs[t]
    path = [int(scores.argmax())]
    for t in range(len(log_probs) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [classes[i] for i in reversed(path)]


def mlp_tagger_head() -> MLPClassifier:
    """A fresh copy of TokenTagger's default head (chosen by measurement, see
    benchmarks/RESULTS.md).

    A one-hidden-layer network (512 units, early stopping, seeded): on validation data it beat
    the best LogisticRegression by about 2 F1 points on wikigold and 3.5 on WNUT-17.
    ``linear_head()`` is the LogisticRegression alternative. (``encoder_kit.default_head`` is
    the sentence classifier's head, a different thing.)
    """
    return MLPClassifier((512,), alpha=1e-2, early_stopping=True, max_iter=100, random_state=0)


def linear_head() -> LogisticRegression:
    """The best LogisticRegression found on validation data (C=0.03): simpler, a bit weaker."""
    return LogisticRegression(C=DEFAULT_C, tol=1e-3, max_iter=1000)


class TokenTagger(BaseEstimator):
    """Tag each word of pre-split sentences with IOB2 tags, from frozen contextual vectors.

    Parameters
    ----------
    model, layers, word_pooling, batch_size, max_length, device, cache, show_progress :
        passed to :class:`~encoder_kit.TokenEncoder`.
    word_features : None, "shape" (casing and word shape of each word and its neighbours,
        the signal an uncased model lacks) or "all" (shape plus word, affixes, neighbours);
        see :mod:`encoder_kit.word_shape`.
    context : also give each word the vectors of this many words on each side.
    head : any scikit-learn classifier (None: ``mlp_tagger_head()``); it is cloned.
    decoding : "viterbi" (the most probable valid IOB2 sequence, from the head's
        probabilities) or "argmax" (each word's best tag, then I- without its B- repaired).
    """

    def __init__(
        self,
        model: str = models.DEFAULT_MODEL,
        *,
        layers: str | int | Sequence[int] = DEFAULT_LAYERS,
        word_pooling: str = "first",
        word_features: str | None = "shape",
        context: int = 1,
        head: Any = None,
        decoding: str = "viterbi",
        batch_size: int = 32,
        max_length: int | None = None,
        device: str | None = None,
        cache: bool | str | os.PathLike | None = None,
        show_progress: bool | None = None,
    ) -> None:
        self.model = model
        self.layers = layers
        self.word_pooling = word_pooling
        self.word_features = word_features
        self.context = context
        self.head = head
        self.decoding = decoding
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.cache = cache
        self.show_progress = show_progress

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.non_deterministic = False
        return tags

    # -- training and prediction -------------------------------------------------------
    def fit(self, X: Any, y: Any) -> TokenTagger:
        """Learn the head from ``X`` (lists of words) and ``y`` (one IOB2 tag per word)."""
        sentences = check_sentences(X, allow_empty=False)
        tags = check_tags(y, sentences)
        self._check_params()
        labels = np.array([t for row in tags for t in row], dtype=object)
        if len(set(labels)) < 2:
            raise ValueError(f"every word in the training set is tagged {labels[0]!r}; a tagger "
                             "needs at least two different tags (e.g. 'O' and some 'B-TYPE')")
        self.encoder_ = TokenEncoder(
            self.model, layers=self.layers, word_pooling=self.word_pooling,
            batch_size=self.batch_size, max_length=self.max_length, device=self.device,
            cache=self.cache, show_progress=self.show_progress,
        ).fit(sentences)
        return self.fit_vectors(sentences, labels, self.encoder_.transform(sentences))

    def fit_vectors(self, sentences: list[list[str]], labels: np.ndarray,
                    vectors: list[np.ndarray]) -> TokenTagger:
        """Fit the head on given per-word vectors, one (n_words, d) array per sentence.

        ``labels`` holds the tags of all words, sentence after sentence. ``fit`` encodes and
        calls this; ``probe_layers`` calls it with one encoding for every layer.
        """
        features = self._features(sentences, vectors, fit=True)
        self.head_ = clone(mlp_tagger_head() if self.head is None else self.head)
        self.head_.fit(features, labels.astype(str))
        self.classes_ = np.asarray(self.head_.classes_)
        return self

    def predict(self, X: Any) -> list[list[str]]:
        """Valid IOB2 tags for each word of each sentence of ``X``."""
        check_is_fitted(self, "head_")
        sentences = check_sentences(X)
        if not sentences:
            return []
        return self.predict_vectors(sentences, self.encoder_.transform(sentences))

    def predict_vectors(self, sentences: list[list[str]],
                        vectors: list[np.ndarray]) -> list[list[str]]:
        """Valid IOB2 tags from given per-word vectors (see :meth:`fit_vectors`)."""
        scores = self._scores(self._features(sentences, vectors, fit=False))
        classes = [str(c) for c in self.classes_]
        out, at = [], 0
        for words in sentences:
            block, at = scores[at:at + len(words)], at + len(words)
            if self.decoding == "viterbi":
                out.append(viterbi_iob2(block, classes))
            else:
                out.append(repair_iob2([classes[i] for i in block.argmax(axis=1)]))
        return out

    def score(self, X: Any, y: Any) -> float:
        """Entity-level micro F1 (seqeval, strict IOB2 spans: type and both ends must match).

        The one definition in :func:`encoder_kit.metrics.entity_f1`.
        """
        sentences = check_sentences(X, allow_empty=False)
        gold = check_tags(y, sentences)
        return entity_f1(gold, self.predict(sentences))

    def report(self, X: Any, y: Any):
        """Precision, recall, F1 and support per entity type, and averaged (a DataFrame)."""
        import pandas as pd  # pandas costs ~0.3 s to import; only a report needs it

        sentences = check_sentences(X, allow_empty=False)
        gold = check_tags(y, sentences)
        table = entity_report(gold, self.predict(sentences))
        frame = pd.DataFrame(table).T.rename(columns={"f1-score": "f1"})
        frame["support"] = frame["support"].astype(int)
        return frame

    def predict_entities(self, text: str) -> Entities:
        """The entities in raw ``text``, with character offsets: ``text[e.start:e.end] == e.text``.

        The text is split into words and punctuation; each line is tagged as one sentence.
        """
        if not isinstance(text, str):
            raise TypeError(f"predict_entities takes one string, got {type(text).__name__}; "
                            "for many texts use [tagger.predict_entities(t) for t in texts]")
        check_unicode(text, "text")
        lines, bases, base = [], [], 0
        for line in text.splitlines(keepends=True):
            if words := split_words(line):
                lines.append(words)
                bases.append(base)
            base += len(line)
        tags = self.predict([[w for w, _, _ in words] for words in lines]) if lines else []
        found = []
        for words, row, base in zip(lines, tags, bases, strict=True):
            for label, a, b in entity_spans(row):
                start, end = base + words[a][1], base + words[b - 1][2]
                found.append(Entity(text[start:end], label, start, end))
        return Entities(text, found)

    # -- helpers ---------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.word_features not in (None, "shape", "all"):
            raise ValueError(f"word_features={self.word_features!r} is not known; use None, "
                             "'shape' (casing and shape) or 'all' (shape, word, affixes)")
        if not isinstance(self.context, (int, np.integer)) or not 0 <= self.context <= 5:
            raise ValueError(f"context must be an integer from 0 to 5 (neighbouring words on "
                             f"each side), got {self.context!r}")
        if self.decoding not in DECODINGS:
            raise ValueError(f"decoding={self.decoding!r} is not known; use one of {DECODINGS}")
        if self.head is not None and not (hasattr(self.head, "fit")
                                          and hasattr(self.head, "predict")):
            raise TypeError(f"head must be a scikit-learn classifier (with fit and predict), got "
                            f"{type(self.head).__name__}; e.g. head=LogisticRegression()")

    def _features(self, sentences: list[list[str]], vectors: list[np.ndarray], *, fit: bool):
        if self.context:
            vectors = [_with_context(v, int(self.context)) for v in vectors]
        dense = np.vstack(vectors)
        if fit:
            self.scaler_ = StandardScaler().fit(dense)
        dense = self.scaler_.transform(dense).astype(np.float32)
        if not self.word_features:
            return dense
        shapes = np.vstack([shape_matrix(words) for words in sentences]) * SHAPE_WEIGHT
        if self.word_features == "shape":
            return np.hstack([dense, shapes])
        rows = [f for words in sentences for f in word_features(words, "all")]
        if fit:
            self.vectorizer_ = DictVectorizer(dtype=np.float32).fit(rows)
        return sparse.hstack([sparse.csr_matrix(np.hstack([dense, shapes])),
                              self.vectorizer_.transform(rows)], format="csr")

    def _scores(self, features) -> np.ndarray:
        """Log-probabilities (or log-softmax of decision scores) per word and class."""
        if hasattr(self.head_, "predict_proba"):
            return np.log(np.clip(self.head_.predict_proba(features), 1e-12, None))
        if hasattr(self.head_, "decision_function"):
            scores = np.asarray(self.head_.decision_function(features), dtype=np.float64)
            if scores.ndim == 1:  # two classes
                scores = np.column_stack([-scores, scores]) / 2
            return scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
        predicted = np.asarray(self.head_.predict(features))
        return np.log(np.where(predicted[:, None] == self.classes_[None, :], 1.0, 1e-12))


def _with_context(vectors: np.ndarray, k: int) -> np.ndarray:
    """Each row followed by the rows of its k neighbours on each side (zeros past the edges)."""
    n, d = vectors.shape
    padded = np.vstack([np.zeros((k, d), vectors.dtype), vectors, np.zeros((k, d), vectors.dtype)])
    parts = [vectors] + [padded[k + o:k + o + n] for o in range(-k, k + 1) if o != 0]
    return np.hstack(parts)
