"""TokenEncoder: one frozen contextual vector per word, for tagging (concept C10).

Sentences come pre-split into words. Each word is tokenized into word pieces, the sentence
runs through the encoder once, and each word gets the vector of its first word piece (or the
mean of its pieces) from the chosen hidden layer(s). Sentences longer than the model's
maximum length are encoded in overlapping windows, and each word takes its vector from
the window where it has the most context on both sides.

>>> from encoder_kit import TokenEncoder
>>> [v.shape for v in TokenEncoder(layers="last").transform([["Ada", "Lovelace", "wrote"]])]
[(3, 384)]
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from . import models
from .cache import Encoded, encode_through_cache, get_cache, namespace_for
from .conll import check_sentences
from .progress import progress_bar, wants_progress

LAYER_NAMES = ("last", "second_to_last", "concat_last_4", "mean_last_4")
POOLINGS = ("first", "mean")
DEFAULT_LAYERS = "mean_last_4"


def layer_indices(layers: Any, num_layers: int) -> tuple[list[int], str]:
    """The hidden states ``layers`` names (0 = embeddings), and how to combine them."""
    last = num_layers
    if isinstance(layers, str):
        named = {"last": ([last], "concat"), "second_to_last": ([last - 1], "concat"),
                 "concat_last_4": (list(range(last - 3, last + 1)), "concat"),
                 "mean_last_4": (list(range(last - 3, last + 1)), "mean")}
        if layers not in named:
            raise ValueError(f"layers={layers!r} is not known; use one of {LAYER_NAMES}, an int "
                             f"(0 = embeddings ... {last} = last) or a list of ints")
        return named[layers]
    items = [layers] if isinstance(layers, (int, np.integer)) else layers
    if isinstance(items, (list, tuple)) and items and all(
        isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in items
    ):
        out = []
        for i in items:
            if not -(last + 1) <= i <= last:
                raise ValueError(f"layer {i} does not exist: this model has hidden states 0 "
                                 f"(embeddings) to {last} (last); negative counts from the end")
            out.append(int(i) % (last + 1))
        return out, "concat"
    raise TypeError(f"layers must be one of {LAYER_NAMES}, an int or a non-empty list of ints, "
                    f"got {layers!r}")


class TokenEncoder(TransformerMixin, BaseEstimator):
    """Turn pre-split sentences into one frozen contextual vector per word.

    ``transform(sentences)`` returns a list with one float32 array of shape
    (n_words, d') per sentence, where d' is the hidden size times the number of
    concatenated layers.

    Parameters
    ----------
    model : a packaged name ("all-MiniLM-L6-v2"), a local model folder, or a hub name.
    layers : "last", "second_to_last", "concat_last_4", "mean_last_4", an int or a list of
        ints (hidden states, 0 = the embedding layer; a list is concatenated).
    word_pooling : "first" (the vector of a word's first word piece) or "mean" (of all).
    batch_size : windows per forward pass.
    max_length : word pieces per window, [CLS] and [SEP] included (None: the model's limit).
    device : "cpu", "cuda", ... (None: sentence-transformers' choice).
    cache : None (the default folder), False (off), or a folder path.
    show_progress : show a tqdm bar; None: for 1,000 sentences or more to encode, and only in
        a terminal, never in a notebook kernel; never while grading (see
        :mod:`encoder_kit.progress`).
    """

    def __init__(
        self,
        model: str = models.DEFAULT_MODEL,
        *,
        layers: str | int | Sequence[int] = DEFAULT_LAYERS,
        word_pooling: str = "first",
        batch_size: int = 32,
        max_length: int | None = None,
        device: str | None = None,
        cache: bool | str | os.PathLike | None = None,
        show_progress: bool | None = None,
    ) -> None:
        self.model = model
        self.layers = layers
        self.word_pooling = word_pooling
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.cache = cache
        self.show_progress = show_progress

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        tags.non_deterministic = False
        return tags

    def fit(self, X: Any, y: Any = None) -> TokenEncoder:
        """Check the inputs and the settings; learn nothing (the encoder is frozen)."""
        check_sentences(X)
        info, max_length, layers, combine = self._settings()
        self.layer_indices_ = layers
        self.embedding_dim_ = info.hidden_size * (len(layers) if combine == "concat" else 1)
        self.max_length_ = max_length
        self.model_fingerprint_ = info.fingerprint
        return self

    def transform(self, X: Any) -> list[np.ndarray]:
        """One (n_words, d') float32 array per sentence of ``X`` (a list of lists of words)."""
        sentences = check_sentences(X)
        info, max_length, layers, combine = self._settings()
        per_layer = self._layer_vectors(sentences, info, max_length, layers)
        out = []
        for s, words in enumerate(sentences):
            parts = [per_layer[layer][s].reshape(len(words), info.hidden_size)
                     for layer in layers]
            combined = np.mean(parts, axis=0) if combine == "mean" else np.hstack(parts)
            out.append(np.ascontiguousarray(combined, dtype=np.float32))
        return out

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_model")}

    # -- helpers ---------------------------------------------------------------------
    def _settings(self) -> tuple[models.ModelInfo, int, list[int], str]:
        if self.word_pooling not in POOLINGS:
            raise ValueError(f"word_pooling={self.word_pooling!r} is not known; use 'first' "
                             "(the first word piece) or 'mean' (the mean of a word's pieces)")
        if not isinstance(self.batch_size, (int, np.integer)) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        info = self._info()
        max_length = info.max_length if self.max_length is None else self.max_length
        limit = info.max_positions
        if not isinstance(max_length, (int, np.integer)) or not 8 <= max_length <= limit:
            raise ValueError(f"max_length must be None or an integer from 8 to "
                             f"{info.max_positions} (this model's positions), got {max_length!r}")
        layers, combine = layer_indices(self.layers, info.num_layers)
        return info, int(max_length), layers, combine

    def _info(self) -> models.ModelInfo:
        return models.encoder_info(self.model, self.device)

    def _layer_vectors(self, sentences: list[list[str]], info: models.ModelInfo,
                       max_length: int, layers: list[int]) -> dict[int, list[np.ndarray]]:
        """Flattened (n_words * hidden) vectors per layer and sentence, from cache or model."""
        keys = [json.dumps(words, ensure_ascii=False) for words in sentences]
        spaces = [namespace_for(
            info.fingerprint, False, max_length,
            kind=f"tokens|layer={layer}|pooling={self.word_pooling}|{WINDOW_SCHEME}",
        ) for layer in layers]

        def encode(missing: list[str]) -> Encoded:
            encoded = self._encode([json.loads(k) for k in missing], max_length, layers)
            return [encoded[layer] for layer in layers], None

        found = encode_through_cache(get_cache(self.cache), spaces, keys, encode)
        return dict(zip(layers, found.rows, strict=True))

    def _encode(self, sentences: list[list[str]], max_length: int,
                layers: list[int]) -> dict[int, list[np.ndarray]]:
        st = models.load_sentence_transformer(self.model, self.device)
        return encode_words(st, sentences, layers=layers, pooling=self.word_pooling,
                            max_length=max_length, batch_size=int(self.batch_size),
                            show_progress=wants_progress(self.show_progress, len(sentences)))


# -- word pieces, windows and the forward pass -------------------------------------------
WINDOW_SCHEME = "windows=v1"  # part of the cache key: change it when the plan below changes


def special_tokens(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The ids the tokenizer puts before and after a sequence ([CLS] and [SEP] for BERT)."""
    enc = tokenizer(["x"], is_split_into_words=True, add_special_tokens=True)
    ids, owners = enc["input_ids"], enc.word_ids()
    first = owners.index(0)
    last = len(owners) - owners[::-1].index(0)
    return list(ids[:first]), list(ids[last:])


def word_pieces(tokenizer: Any, sentences: list[list[str]],
                max_pieces: int) -> list[list[list[int]]]:
    """Word-piece ids per word, aligned with the tokenizer's word ids.

    A word that the tokenizer turns into nothing (a control character, a lone accent, an
    empty string) becomes the unknown token, so that it still gets a contextual vector; a
    word with more than ``max_pieces`` pieces keeps its first ``max_pieces``. Words that look
    like special tokens ("[SEP]") are read as text.
    """
    enc = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False,
                    truncation=False, verbose=False, split_special_tokens=True)
    unk = tokenizer.unk_token_id
    out = []
    for s, words in enumerate(sentences):
        per_word: list[list[int]] = [[] for _ in words]
        for piece, owner in zip(enc["input_ids"][s], enc.word_ids(s), strict=True):
            if owner is not None:
                per_word[owner].append(piece)
        out.append([p[:max_pieces] if p else [unk] for p in per_word])
    return out


def plan_windows(counts: Sequence[int], budget: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Cut a sentence into windows of whole words and pick, for each word, its window.

    ``counts`` are word pieces per word (each at most ``budget``). Windows hold at most
    ``budget`` pieces and overlap by about half of it. A word takes the window where its
    context (pieces to the nearer window edge; a sentence edge counts as unlimited) is largest.
    Returns the windows as (first word, end word) and the window index of every word.
    """
    n = len(counts)
    cum = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
    if cum[-1] <= budget:
        return [(0, n)], np.zeros(n, dtype=np.int64)
    windows, start = [], 0
    while True:
        end = max(int(np.searchsorted(cum, cum[start] + budget, side="right")) - 1, start + 1)
        windows.append((start, end))
        if end >= n:
            break
        start = max(int(np.searchsorted(cum, cum[end] - budget // 2, side="left")), start + 1)
    owner = np.zeros(n, dtype=np.int64)
    best = np.full(n, -1.0)
    for w, (start, end) in enumerate(windows):
        idx = np.arange(start, end)
        left = cum[idx] - cum[start] if start > 0 else np.full(len(idx), np.inf)
        right = cum[end] - cum[idx + 1] if end < n else np.full(len(idx), np.inf)
        context = np.minimum(left, right)
        better = context > best[idx]
        owner[idx[better]], best[idx[better]] = w, context[better]
    return windows, owner


def encode_words(model: Any, sentences: list[list[str]], *, layers: list[int], pooling: str,
                 max_length: int, batch_size: int = 32,
                 show_progress: bool = False) -> dict[int, list[np.ndarray]]:
    """Per layer, one (n_words, hidden) float32 array per sentence.

    ``model`` is a SentenceTransformer whose first module wraps a Hugging Face encoder.
    """
    import torch  # lazy: `import encoder_kit` and all-cached transforms stay torch-free

    tokenizer, network = model.tokenizer, model[0].auto_model
    before, after = special_tokens(tokenizer)
    budget = max_length - len(before) - len(after)
    pieces = word_pieces(tokenizer, sentences, budget)
    jobs = []  # (sentence, first word, end word, words that take their vector from here)
    for s, per_word in enumerate(pieces):
        windows, owner = plan_windows([len(p) for p in per_word], budget)
        for w, (start, end) in enumerate(windows):
            jobs.append((s, start, end, np.flatnonzero(owner[start:end] == w)))
    hidden = network.config.hidden_size
    out = {layer: [np.empty((len(words), hidden), dtype=np.float32) for words in sentences]
           for layer in layers}
    inputs = [before + [i for word in pieces[s][a:b] for i in word] + after for s, a, b, _ in jobs]
    order = np.argsort([-len(x) for x in inputs], kind="stable")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    device = next(network.parameters()).device
    starts = range(0, len(order), batch_size)
    with torch.inference_mode():
        for first in progress_bar(starts, enabled=show_progress):
            rows = order[first:first + batch_size]
            width = max(len(inputs[r]) for r in rows)
            ids = torch.full((len(rows), width), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for b, r in enumerate(rows):
                ids[b, :len(inputs[r])] = torch.tensor(inputs[r])
                mask[b, :len(inputs[r])] = 1
            states = network(input_ids=ids.to(device), attention_mask=mask.to(device),
                             output_hidden_states=True).hidden_states
            chosen = torch.stack([states[layer] for layer in layers]).float().cpu().numpy()
            for b, r in enumerate(rows):
                s, a, end, owned = jobs[r]
                counts = np.array([len(p) for p in pieces[s][a:end]])
                offsets = len(before) + np.concatenate([[0], np.cumsum(counts)[:-1]])
                if pooling == "first":
                    vectors = chosen[:, b, offsets]
                else:
                    span = chosen[:, b, len(before):len(before) + int(counts.sum())]
                    vectors = np.add.reduceat(span, offsets - len(before), axis=1)
                    vectors /= counts[None, :, None]
                for k, layer in enumerate(layers):
                    out[layer][s][a + owned] = vectors[k, owned]
    return out
