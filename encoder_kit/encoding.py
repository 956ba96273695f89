"""The forward loop behind FrozenEncoder: tokenize once, sort by length, batch, pool.

Equal to ``SentenceTransformer.encode`` (the same modules run on the same word pieces), but
texts are sorted by their word-piece count rather than their character count, so that a
batch pads less, and truncation is counted so that the caller can say how many texts were cut.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def count_word_pieces(tokenizer: Any, texts: list[str]) -> np.ndarray:
    """Word pieces per text, special tokens included, before any truncation."""
    ids = tokenizer(texts, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    return np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(texts))


def embedding_dimension(model: Any) -> int:
    """The sentence-vector size of a SentenceTransformer (the method was renamed in v6)."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def encode_texts(
    model: Any,
    texts: list[str],
    *,
    max_length: int,
    batch_size: int = 32,
    normalize: bool = True,
    show_progress: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Sentence vectors for ``texts`` as float32, and a bool array: which texts were cut."""
    import torch
    from tqdm.auto import tqdm

    lengths = count_word_pieces(model.tokenizer, texts)
    truncated = lengths > max_length
    order = np.argsort(-np.minimum(lengths, max_length), kind="stable")
    out = np.empty((len(texts), embedding_dimension(model)), dtype=np.float32)
    kwargs = {"processing_kwargs": {"text": {"max_length": max_length, "truncation": True}}}
    starts = range(0, len(texts), batch_size)
    with torch.inference_mode():
        for start in tqdm(starts, desc="Encoding", unit="batch", disable=not show_progress):
            rows = order[start:start + batch_size]
            features = model.preprocess([texts[i] for i in rows], **kwargs)
            features = {k: v.to(model.device) if hasattr(v, "to") else v
                        for k, v in features.items()}
            vectors = model(features)["sentence_embedding"]
            if normalize:
                vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
            out[rows] = vectors.float().cpu().numpy()
    return out, truncated
