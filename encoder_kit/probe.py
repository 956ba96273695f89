"""probe_layers: how much does each hidden layer know about a task? (concept C7)

The same head is trained on the features of every hidden state (0 = the embedding layer)
and scored: accuracy for sentence tasks (texts and one label each; each layer mean-pooled to
a unit-length sentence vector, as the model's own pooling does at the last layer) or
entity-level F1 for tagging (lists of words and IOB2 tags; first word piece, Viterbi
decoding). The result is a table, one row per layer, and a plot of it.

>>> from encoder_kit import probe_layers
>>> texts = ["great film", "loved it", "awful film", "hated it"] * 3
>>> table = probe_layers(texts, ["pos", "pos", "neg", "neg"] * 3, cv=2, plot=False)
>>> list(table.columns), list(table.index)
(['score', 'std', 'metric'], [0, 1, 2, 3, 4, 5, 6])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold

from . import models
from .cache import Encoded, encode_through_cache, get_cache, namespace_for
from .classify import default_head
from .conll import check_sentences, check_tags
from .encoding import mean_pool
from .inputs import check_texts
from .metrics import entity_f1
from .tagger import TokenTagger, mlp_tagger_head
from .tokens import TokenEncoder


def probe_layers(
    X: Any,
    y: Any,
    X_test: Any = None,
    y_test: Any = None,
    *,
    layers: Sequence[int] | None = None,
    head: Any = None,
    cv: int = 3,
    model: str = models.DEFAULT_MODEL,
    plot: bool = True,
    ax: Any = None,
    batch_size: int = 32,
    device: str | None = None,
    cache: bool | str | os.PathLike | None = None,
):
    """Score ``head`` on each layer's features; return a DataFrame indexed by layer.

    ``X`` is a list of texts (sentence task, scored by accuracy) or a list of word lists
    (tagging, with ``y`` the IOB2 tags; scored by entity F1). With ``X_test``/``y_test`` the
    head is trained on ``X`` and scored on the test set; otherwise by ``cv``-fold
    cross-validation (column ``std``: the spread over folds). ``layers``: hidden states to
    probe (None: all, 0 = embeddings). ``plot`` draws the scores on ``ax`` (or a new figure).
    """
    if X is not None and not isinstance(X, (str, bytes)) and not hasattr(X, "__len__"):
        X = list(X)  # a generator: read it once
    tagging = _is_tagging(X)
    n_states = models.encoder_info(model, device).num_hidden_states
    layers = list(range(n_states)) if layers is None else [int(i) % n_states for i in layers]
    if not layers:
        raise ValueError("layers is empty; pass None (all layers) or a list of hidden states")
    if tagging:
        metric, data, default = "entity F1", _tagging_data(X, y, X_test, y_test), mlp_tagger_head
    else:
        metric, data, default = "accuracy", _sentence_data(X, y, X_test, y_test), default_head
    head = default() if head is None else clone(head)
    vectors = _encode(data[0] + (data[2] or []), layers, tagging, model=model,
                      batch_size=batch_size, device=device, cache=cache)
    rows = []
    for k, layer in enumerate(layers):
        layer_vectors = [v[:, k] for v in vectors] if tagging else vectors[k]
        scores = _score_layer(data, layer_vectors, head, tagging, cv)
        rows.append((layer, float(np.mean(scores)), float(np.std(scores)), metric))
    table = pd.DataFrame(rows, columns=["layer", "score", "std", "metric"]).set_index("layer")
    if plot:
        _plot(table, ax, metric)
    return table


def _is_tagging(X: Any) -> bool:
    if X is None or isinstance(X, (str, bytes)):
        check_texts(X)  # raises the usual clear error
    first = next(iter(X), None) if hasattr(X, "__iter__") else None
    return first is not None and not isinstance(first, str) and hasattr(first, "__iter__")


def _tagging_data(X, y, X_test, y_test):
    sentences = check_sentences(X, allow_empty=False)
    tags = check_tags(y, sentences)
    if (X_test is None) != (y_test is None):
        raise ValueError("pass both X_test and y_test, or neither (then cross-validation)")
    if X_test is None:
        return sentences, tags, None, None
    test = check_sentences(X_test, name="X_test", allow_empty=False)
    return sentences, tags, test, check_tags(y_test, test, name="y_test")


def _sentence_data(X, y, X_test, y_test):
    texts = check_texts(X, allow_empty=False)
    labels = np.asarray(list(y))
    if len(labels) != len(texts):
        raise ValueError(f"y has {len(labels)} labels for {len(texts)} texts; pass one per text")
    if (X_test is None) != (y_test is None):
        raise ValueError("pass both X_test and y_test, or neither (then cross-validation)")
    if X_test is None:
        return texts, labels, None, None
    test = check_texts(X_test, name="X_test", allow_empty=False)
    test_labels = np.asarray(list(y_test))
    if len(test_labels) != len(test):
        raise ValueError(f"y_test has {len(test_labels)} labels for {len(test)} texts")
    return texts, labels, test, test_labels


def _score_layer(data, vectors, head, tagging: bool, cv: int) -> list[float]:
    X, y, X_test, y_test = data
    n = len(X)
    if X_test is not None:
        folds = [(np.arange(n), np.arange(n, n + len(X_test)))]
        X, y = X + X_test, (list(y) + list(y_test)) if tagging else np.concatenate([y, y_test])
    else:
        if not isinstance(cv, (int, np.integer)) or not 2 <= cv <= n:
            raise ValueError(f"cv must be an integer from 2 to the number of examples ({n}), "
                             f"got {cv!r}; or pass X_test and y_test")
        counts = np.unique(y, return_counts=True)[1] if not tagging else [0]
        splitter = (StratifiedKFold if not tagging and min(counts) >= cv else KFold)(
            int(cv), shuffle=True, random_state=0)
        folds = list(splitter.split(np.zeros(n), None if tagging else y))
    scores = []
    for train, test in folds:
        if tagging:
            tagger = TokenTagger(word_features=None, context=0, head=head)
            labels = np.array([t for i in train for t in y[i]], dtype=object)
            tagger.fit_vectors([X[i] for i in train], labels, [vectors[i] for i in train])
            predicted = tagger.predict_vectors([X[i] for i in test], [vectors[i] for i in test])
            scores.append(entity_f1([y[i] for i in test], predicted))
        else:
            fitted = clone(head).fit(vectors[train], y[train])
            scores.append(float(np.mean(fitted.predict(vectors[test]) == y[test])))
    return scores


def _encode(items, layers, tagging, *, model, batch_size, device, cache):
    """Tagging: per sentence an (n_words, n_layers, d) array; sentences: (n_layers, n, d)."""
    if tagging:
        encoder = TokenEncoder(model, layers=list(layers), batch_size=batch_size,
                               device=device, cache=cache)
        return [v.reshape(len(v), len(layers), -1) for v in encoder.transform(items)]
    return np.stack(sentence_layer_vectors(items, layers, model=model, batch_size=batch_size,
                                           device=device, cache=cache))


def sentence_layer_vectors(texts: list[str], layers: Sequence[int], *,
                           model: str = models.DEFAULT_MODEL, batch_size: int = 32,
                           device: str | None = None,
                           cache: bool | str | os.PathLike | None = None) -> list[np.ndarray]:
    """Unit-length mean-pooled vectors of ``texts`` at each of ``layers``, cached per layer.

    One (n_texts, hidden) float32 array per layer; at the last layer they equal
    ``FrozenEncoder().transform(texts)`` (the model's own pooling).
    """
    st = models.load_sentence_transformer(model, device)
    info = models.encoder_info(model, device)
    spaces = [namespace_for(info.fingerprint, True, st.max_seq_length, kind=f"sentence-layer={i}")
              for i in layers]
    if not texts:
        return [np.empty((0, info.hidden_size), np.float32) for _ in layers]

    def encode(missing: list[str]) -> Encoded:
        return _pooled_layers(st, missing, layers, batch_size), None

    found = encode_through_cache(get_cache(cache), spaces, texts, encode)
    return [np.concatenate(rows).reshape(len(texts), -1).astype(np.float32, copy=False)
            for rows in found.rows]


def _pooled_layers(st: Any, texts: list[str], layers: Sequence[int],
                   batch_size: int) -> list[np.ndarray]:
    """Run the model over ``texts`` (longest first): per layer, unit-length mean-pooled rows."""
    import torch  # lazy: only when something is to be encoded

    out = [np.empty((len(texts), st[0].auto_model.config.hidden_size), np.float32)
           for _ in layers]
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    network = st[0].auto_model
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            enc = st.tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                               max_length=st.max_seq_length, return_tensors="pt")
            enc = {key: value.to(st.device) for key, value in enc.items()}
            states = network(**enc, output_hidden_states=True).hidden_states
            for k, layer in enumerate(layers):
                pooled = mean_pool(states[layer], enc["attention_mask"])
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[k][rows] = pooled.float().cpu().numpy()
    return out


def _plot(table, ax, metric: str) -> None:
    from .extras import require_extra

    require_extra("widgets", ("matplotlib",), "probe_layers(..., plot=True)")
    import matplotlib.pyplot as plt  # lazy: only when plotting (slow, and it picks a backend)

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.errorbar(table.index.to_numpy(), table["score"].to_numpy(float),
                yerr=table["std"].to_numpy(float), marker="o", capsize=3)
    ax.set_xticks(list(table.index))
    ax.set_xlabel("hidden state (0 = embedding layer)")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} of the same head on each layer")
    ax.grid(alpha=0.3)
