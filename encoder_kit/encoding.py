"""The forward loop behind FrozenEncoder: tokenize once, sort by length, batch, pool.

Equal to ``SentenceTransformer.encode`` (the same modules run on the same word pieces), but
each text is tokenized once rather than once to sort and once per batch, texts are sorted by
their word-piece count rather than their character count (a batch pads less), and truncation
is counted so that the caller can say how many texts were cut.

:func:`mean_pool` is the model's own pooling, written once for every place that pools hidden
states itself (``probe_layers`` per layer, ``inspect_text``, the fine-tuning comparison).

torch is imported inside the functions that need it, never at the top: ``import
encoder_kit.encoder`` (and a grading kernel whose texts are all cached) must stay torch-free.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from .progress import progress_bar


def tokenize_with_truncation(tokenizer: Any, texts: list[str], max_length: int
                             ) -> tuple[list[list[int]], np.ndarray]:
    """Word-piece ids per text, cut to ``max_length`` as the tokenizer cuts, and which were cut.

    Texts are tokenized once in full (to count what is cut); only the few that are too long
    are tokenized again with the tokenizer's own truncation, so special tokens stay right.
    """
    ids = tokenizer(texts, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    cut = np.fromiter((len(x) > max_length for x in ids), dtype=bool, count=len(texts))
    if cut.any():
        long_rows = np.flatnonzero(cut)
        redone = tokenizer([texts[i] for i in long_rows], add_special_tokens=True,
                           truncation=True, max_length=max_length, verbose=False)["input_ids"]
        for row, row_ids in zip(long_rows, redone, strict=True):
            ids[row] = row_ids
    return ids, cut


def pad_batch(batch: list[list[int]], pad_id: int, with_token_types: bool,
              multiple_of: int = 1) -> dict[str, Any]:
    """Token-id lists padded to one width: ``input_ids``, ``attention_mask`` (and zero
    ``token_type_ids`` when the model takes them), as torch tensors on the CPU.

    ``multiple_of`` rounds the width up (padding is masked, so the vectors do not change):
    training pads to multiples of 8 so that a CPU's bfloat16 kernels, built once per input
    shape, are built for a handful of widths rather than for every length in the data.
    """
    import torch  # lazy: see the module docstring

    width = -(-max(len(x) for x in batch) // multiple_of) * multiple_of
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, ids in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        mask[row, : len(ids)] = 1
    features = {"input_ids": input_ids, "attention_mask": mask}
    if with_token_types:
        features["token_type_ids"] = torch.zeros_like(input_ids)
    return features


def mean_pool(hidden: Any, attention_mask: Any) -> Any:
    """The mean of each sequence's vectors over its real (unpadded) word pieces.

    ``hidden`` is a torch tensor (batch, length, d), ``attention_mask`` (batch, length) with 1
    for real pieces; returns (batch, d). This is all-MiniLM-L6-v2's pooling; unit length is
    the caller's choice (``torch.nn.functional.normalize``). A row without any real piece
    gives zeros, not NaN.
    """
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


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
    import torch  # lazy: see the module docstring

    tokenizer = model.tokenizer
    ids, truncated = tokenize_with_truncation(tokenizer, texts, max_length)
    order = np.argsort([-len(x) for x in ids], kind="stable")
    with_token_types = "token_type_ids" in getattr(tokenizer, "model_input_names", ())
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    out = np.empty((len(texts), embedding_dimension(model)), dtype=np.float32)
    starts = range(0, len(texts), batch_size)
    with torch.inference_mode():
        for start in progress_bar(starts, enabled=show_progress):
            rows = order[start:start + batch_size]
            features = pad_batch([ids[i] for i in rows], pad_id, with_token_types)
            features = {k: v.to(model.device) for k, v in features.items()}
            vectors = model(features)["sentence_embedding"]
            if normalize:
                vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
            out[rows] = vectors.float().cpu().numpy()
    return out, truncated


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """``torch.set_num_threads(n)`` for the block, then the previous setting (None: untouched).

    Training on a machine whose cores are busy with other work wants 1: PyTorch's threads
    wait for each other by spinning, and two of them on two busy cores were many times
    slower than one (benchmarks/RESULTS.md, "Adaptation").
    """
    if n is None:
        yield
        return
    import torch  # lazy: see the module docstring

    before = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)
