"""Fine-tuning the top layers of a copy of the encoder, next to a frozen one (concept C3).

Frozen: the encoder stays as it is and a logistic regression is trained on its sentence
vectors. Fine-tuned: a *copy* of the encoder has its top layer(s) unfrozen and is trained,
together with a new linear head, for a few steps. :func:`compare_frozen_and_fine_tuned` runs
both on one small labelled set and reports the accuracy of each and how far each part of the
encoder moved (the norm of the change of its parameters): frozen parts move exactly 0. The
process-wide shared model is never modified. The FrozenVsFineTuned widget shows the result.

The pieces are small so that other fine-tuning code can reuse them: :func:`trainable_copy`
(a CPU copy with only its top layers trainable), :func:`frozen_pass` (one pass through the
frozen part), :func:`run_top_layers` (the trained part, from what the frozen part gave),
:func:`parameter_changes` and :func:`part_of`.

torch is imported inside the functions, not at the top, like everywhere in the library:
``import encoder_kit`` stays torch-free.

>>> part_of("encoder.layer.5.attention.self.query.weight"), part_of("embeddings.LayerNorm.bias")
('layer 6', 'embeddings')
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from .encoding import mean_pool
from .models import DEFAULT_MODEL, load_sentence_transformer

__all__ = ["Comparison", "compare_frozen_and_fine_tuned", "frozen_pass", "parameter_changes",
           "part_of", "run_top_layers", "trainable_copy"]


@dataclass
class Comparison:
    """The outcome of one run of both set-ups."""

    frozen_train_accuracy: float
    frozen_test_accuracy: float
    tuned_train_accuracy: float
    tuned_test_accuracy: float
    frozen_trained_parameters: int
    tuned_trained_parameters: int
    changes: dict[str, float]  # part of the encoder -> norm of its parameter change
    relative_changes: dict[str, float]  # ... divided by the norm of its parameters
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0


def part_of(name: str) -> str:
    """The part of a BertModel a parameter belongs to: embeddings, layer k (from 1), pooler."""
    if name.startswith("encoder.layer."):
        return f"layer {int(name.split('.')[2]) + 1}"
    return name.split(".")[0]


def trainable_copy(model: str = DEFAULT_MODEL, top_layers: int = 1) -> tuple[Any, int]:
    """A CPU copy of ``model``'s transformer, every parameter frozen, and the index of the first
    of its top ``top_layers`` layers (the layers to train; unfreeze them when training starts).

    ``top_layers`` is capped at the model's number of layers; 0 trains no layer.
    """
    st = load_sentence_transformer(model)
    network = copy.deepcopy(st[0].auto_model).to("cpu")  # never train the shared model
    for p in network.parameters():
        p.requires_grad_(False)
    num_layers = len(network.encoder.layer)
    return network, num_layers - min(top_layers, num_layers)


def frozen_pass(network: Any, encoded: dict, first: int) -> tuple[Any, tuple]:
    """One frozen forward pass: the sentence vectors, and what layer ``first`` receives.

    The output of the frozen layers below ``first`` never changes, so it is computed once,
    without gradients, and the trained layers are run from it at every step
    (:func:`run_top_layers`). The same pass gives the frozen sentence vectors (mean pooling,
    unit length, as FrozenEncoder computes them), so the encoder runs over the texts only once.
    Returns ``(sentence_vectors, layer_input)``.
    """
    import torch  # lazy: see the module docstring

    seen: dict = {}

    def hook(_module, args, kwargs):
        seen["args"], seen["kwargs"] = args, dict(kwargs)

    handle = (network.encoder.layer[first].register_forward_pre_hook(hook, with_kwargs=True)
              if first < len(network.encoder.layer) else None)
    try:
        with torch.no_grad():
            last = network(**encoded).last_hidden_state
    finally:
        if handle is not None:
            handle.remove()
    pooled = torch.nn.functional.normalize(mean_pool(last, encoded["attention_mask"]), dim=1)
    if handle is None:
        return pooled, (last, (), {})
    args, kwargs = seen["args"], seen["kwargs"]
    hidden, rest = (args[0], args[1:]) if args else (kwargs.pop("hidden_states"), ())
    return pooled, (hidden.detach(), tuple(rest), kwargs)


def run_top_layers(network: Any, layer_input: tuple, first: int) -> Any:
    """The last hidden state, running layers ``first``... on ``layer_input`` (from
    :func:`frozen_pass`), with gradients for the trainable ones."""
    hidden, args, kwargs = layer_input
    for layer in network.encoder.layer[first:]:
        out = layer(hidden, *args, **kwargs)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


def parameter_changes(network: Any, before: dict[str, Any]
                      ) -> tuple[dict[str, float], dict[str, float]]:
    """Per part of the network (:func:`part_of`): the norm of its parameters' change since
    ``before`` (name -> tensor), and that norm divided by the norm of the part's parameters."""
    squared: dict[str, float] = {}
    sizes: dict[str, float] = {}
    for name, p in network.named_parameters():
        part = part_of(name)
        squared[part] = squared.get(part, 0.0) + float(((p.detach() - before[name]) ** 2).sum())
        sizes[part] = sizes.get(part, 0.0) + float((before[name] ** 2).sum())
    changes = {part: float(np.sqrt(v)) for part, v in squared.items()}
    relative = {part: changes[part] / (np.sqrt(sizes[part]) or 1.0) for part in changes}
    return changes, relative


def compare_frozen_and_fine_tuned(
    train_texts: Sequence[str], train_labels: Sequence[int],
    test_texts: Sequence[str], test_labels: Sequence[int], *,
    top_layers: int = 1, steps: int = 15, learning_rate: float = 1e-4, seed: int = 0,
    model: str = DEFAULT_MODEL, max_length: int = 64,
) -> Comparison:
    """Train both set-ups on the training texts; return accuracies and parameter changes.

    Labels are integers 0 ... k-1. The fine-tuned side trains the top ``top_layers`` layers
    of a copy of ``model`` (AdamW, ``learning_rate``) and a new linear head (learning rate
    1e-2) for ``steps`` full-batch steps; ``seed`` makes it repeatable. Texts are cut at
    ``max_length`` word pieces.
    """
    import torch  # lazy: see the module docstring

    if top_layers < 0 or steps < 1 or not 0 < learning_rate < 1:
        raise ValueError(f"top_layers must be 0 or more, steps 1 or more and the learning rate "
                         f"between 0 and 1 (e.g. 1e-4); got {top_layers}, {steps}, "
                         f"{learning_rate}")
    start = time.perf_counter()
    train_x, test_x = list(train_texts), list(test_texts)
    train_y, test_y = [int(v) for v in train_labels], [int(v) for v in test_labels]
    n_train = len(train_x)
    st = load_sentence_transformer(model)
    torch.manual_seed(seed)
    bert, first = trainable_copy(model, top_layers)
    enc = st.tokenizer(train_x + test_x, padding=True, truncation=True, max_length=max_length,
                       return_tensors="pt")
    bert.eval()
    features, layer_input = frozen_pass(bert, enc, first)

    # frozen: a logistic regression on the frozen encoder's sentence vectors
    vectors = features.numpy()
    frozen_head = LogisticRegression(max_iter=1000).fit(vectors[:n_train], train_y)
    frozen_train = float(frozen_head.score(vectors[:n_train], train_y))
    frozen_test = float(frozen_head.score(vectors[n_train:], test_y))

    # fine-tuned: the top layer(s) of the copy and a new linear head, trained together
    for layer in bert.encoder.layer[first:]:
        for p in layer.parameters():
            p.requires_grad_(True)
    before = {n: p.detach().clone() for n, p in bert.named_parameters()}
    head = torch.nn.Linear(bert.config.hidden_size, max(train_y + test_y) + 1)
    tuned = [p for p in bert.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW([{"params": tuned, "lr": learning_rate},
                                   {"params": head.parameters(), "lr": 1e-2}])
    labels = torch.tensor(train_y + test_y)

    def logits() -> torch.Tensor:
        # every text is run, but only the training texts enter the loss: sequences do not
        # see each other in an encoder, so the test texts stay unseen
        return head(mean_pool(run_top_layers(bert, layer_input, first), enc["attention_mask"]))

    bert.train()
    losses = []
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits()[:n_train], labels[:n_train])
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    bert.eval()
    with torch.inference_mode():
        right = (logits().argmax(1) == labels).float()
        tuned_train = float(right[:n_train].mean())
        tuned_test = float(right[n_train:].mean())
    changes, relative = parameter_changes(bert, before)
    return Comparison(
        frozen_train_accuracy=frozen_train, frozen_test_accuracy=frozen_test,
        tuned_train_accuracy=tuned_train, tuned_test_accuracy=tuned_test,
        frozen_trained_parameters=int(frozen_head.coef_.size + frozen_head.intercept_.size),
        tuned_trained_parameters=int(sum(p.numel() for p in tuned)
                                     + sum(p.numel() for p in head.parameters())),
        changes=changes, relative_changes=relative,
        losses=losses, seconds=time.perf_counter() - start)
