"""FrozenVsFineTuned: a frozen feature extractor next to a fine-tuned encoder (C3).

Left: the encoder stays frozen and a logistic regression is trained on its sentence vectors.
Right: a *copy* of the encoder has its top layer(s) unfrozen and is trained, together with a
new linear head, for a few steps on the same tiny labelled set. The explorer shows the
accuracy of both and how far each part of the encoder moved (the norm of the change of its
parameters): frozen parts move exactly 0. The process-wide shared model is never modified.

>>> comparison = compare(steps=2)  # doctest: +SKIP
>>> comparison.changes["layer 1"]  # doctest: +SKIP
0.0
"""

from __future__ import annotations

import copy
import html
import time
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from ._review_data import review_split
from .explorer import Explorer, ExplorerInputError, bar_html, table_html


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


def _part_of(name: str) -> str:
    """The part of a BertModel a parameter belongs to: embeddings, layer k, pooler."""
    if name.startswith("encoder.layer."):
        return f"layer {int(name.split('.')[2]) + 1}"
    return name.split(".")[0]


def _one_pass(bert, enc: dict, index: int) -> tuple:
    """One frozen forward pass: the sentence vectors, and what layer ``index`` receives.

    The output of the frozen layers below ``index`` never changes, so it is computed once,
    without gradients, and the trained layers are run from it at every step. The same pass
    gives the frozen sentence vectors (mean pooling, unit length, as FrozenEncoder computes
    them), so the encoder runs over the reviews only once.
    """
    import torch

    seen: dict = {}

    def hook(_module, args, kwargs):
        seen["args"], seen["kwargs"] = args, dict(kwargs)

    handle = (bert.encoder.layer[index].register_forward_pre_hook(hook, with_kwargs=True)
              if index < len(bert.encoder.layer) else None)
    try:
        with torch.no_grad():
            last = bert(**enc).last_hidden_state
    finally:
        if handle is not None:
            handle.remove()
    pooled = torch.nn.functional.normalize(_mean_pool(last, enc), dim=1)
    if handle is None:
        return pooled, (last, (), {})
    args, kwargs = seen["args"], seen["kwargs"]
    hidden, rest = (args[0], args[1:]) if args else (kwargs.pop("hidden_states"), ())
    return pooled, (hidden.detach(), tuple(rest), kwargs)


def _mean_pool(hidden, enc: dict):
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1)  # mean pooling, as the model does


def compare(top_layers: int = 1, steps: int = 15, learning_rate: float = 1e-4,
            seed: int = 0) -> Comparison:
    """Train both set-ups on the packaged reviews; return accuracies and parameter changes."""
    import torch
    from sklearn.linear_model import LogisticRegression

    from ..models import load_sentence_transformer

    if not 0 <= top_layers <= 6 or not 1 <= steps <= 500 or not 0 < learning_rate < 1:
        raise ExplorerInputError("Use 0-6 top layers, 1-500 steps and a learning rate between "
                                 "0 and 1 (e.g. 1e-4).")
    start = time.perf_counter()
    train_x, train_y, test_x, test_y = review_split()
    n_train = len(train_x)
    st = load_sentence_transformer()
    torch.manual_seed(seed)
    bert = copy.deepcopy(st[0].auto_model).to("cpu")  # never train the shared model
    num_layers = len(bert.encoder.layer)
    top_layers = min(top_layers, num_layers)
    first = num_layers - top_layers
    for p in bert.parameters():
        p.requires_grad_(False)
    enc = st.tokenizer(train_x + test_x, padding=True, truncation=True, max_length=64,
                       return_tensors="pt")
    bert.eval()
    features, layer_input = _one_pass(bert, enc, first)

    # left: frozen encoder, a logistic regression on its sentence vectors
    vectors = features.numpy()
    frozen_head = LogisticRegression(max_iter=1000).fit(vectors[:n_train], train_y)
    frozen_train = float(frozen_head.score(vectors[:n_train], train_y))
    frozen_test = float(frozen_head.score(vectors[n_train:], test_y))

    # right: the top layer(s) of a copy and a new linear head, trained together
    for layer in bert.encoder.layer[first:]:
        for p in layer.parameters():
            p.requires_grad_(True)
    before = {n: p.detach().clone() for n, p in bert.named_parameters()}
    head = torch.nn.Linear(bert.config.hidden_size, 2)
    tuned = [p for p in bert.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW([{"params": tuned, "lr": learning_rate},
                                   {"params": head.parameters(), "lr": 1e-2}])
    labels = torch.tensor(train_y + test_y)

    def logits() -> torch.Tensor:
        # every review is run, but only the training reviews enter the loss: sequences do
        # not see each other in an encoder, so the test reviews stay unseen
        hidden, args, kwargs = layer_input
        for layer in bert.encoder.layer[first:]:
            out = layer(hidden, *args, **kwargs)
            hidden = out[0] if isinstance(out, tuple) else out
        return head(_mean_pool(hidden, enc))

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
    squared: dict[str, float] = {}
    sizes: dict[str, float] = {}
    for name, p in bert.named_parameters():
        part = _part_of(name)
        squared[part] = squared.get(part, 0.0) + float(((p.detach() - before[name]) ** 2).sum())
        sizes[part] = sizes.get(part, 0.0) + float((before[name] ** 2).sum())
    changes = {part: float(np.sqrt(v)) for part, v in squared.items()}
    return Comparison(
        frozen_train_accuracy=frozen_train, frozen_test_accuracy=frozen_test,
        tuned_train_accuracy=tuned_train, tuned_test_accuracy=tuned_test,
        frozen_trained_parameters=int(frozen_head.coef_.size + frozen_head.intercept_.size),
        tuned_trained_parameters=int(sum(p.numel() for p in tuned)
                                     + sum(p.numel() for p in head.parameters())),
        changes=changes,
        relative_changes={part: changes[part] / (np.sqrt(sizes[part]) or 1.0)
                          for part in changes},
        losses=losses, seconds=time.perf_counter() - start)


class FrozenVsFineTuned(Explorer):
    """Press *Train both*: a frozen encoder + head next to a briefly fine-tuned encoder."""

    css_class = "ek-finetune"

    def __init__(self, top_layers: int = 1, steps: int = 15, learning_rate: float = 1e-4,
                 *, run: bool = False) -> None:
        self.top_layers = widgets.IntSlider(top_layers, 1, 3, description="top layers tuned",
                                            style={"description_width": "120px"})
        self.steps = widgets.IntSlider(steps, 5, 40, step=5, description="training steps",
                                       style={"description_width": "120px"})
        self.learning_rate = widgets.Dropdown(
            options=[("1e-5", 1e-5), ("1e-4", 1e-4), ("1e-3", 1e-3), ("1e-2 (too high?)", 1e-2)],
            value=learning_rate, description="learning rate",
            style={"description_width": "120px"})
        self.run_button = widgets.Button(description="Train both", button_style="primary",
                                         icon="play", tooltip="About 10-30 seconds on a laptop")
        self.run_button.add_class("ek-run")
        self.output = widgets.HTML("<i>Press <b>Train both</b> to train the two set-ups on 38 "
                                   "short product reviews (about 10-30 seconds).</i>")
        self.output.add_class("ek-finetune-output")
        self.comparison: Comparison | None = None
        self.run_button.on_click(lambda _b: self.run())
        super().__init__([self.top_layers, self.steps, self.learning_rate, self.run_button,
                          self.output], "Frozen feature extractor vs fine-tuning")
        if run:
            self.run()

    def run(self) -> Comparison | None:
        """Train both set-ups with the chosen settings and show the comparison."""
        self.run_button.disabled = True
        self.output.value = "<i>Training both set-ups…</i>"
        try:
            result = self.guard(lambda: compare(self.top_layers.value, self.steps.value,
                                                self.learning_rate.value))
        finally:
            self.run_button.disabled = False
        if result is None:
            self.output.value = ""
            return None
        self.comparison = result
        self.output.value = render_comparison(result)
        return result


def render_comparison(c: Comparison) -> str:
    """Accuracy side by side, then the change of every part of the encoder."""
    sides = table_html(
        ["", "frozen encoder + logistic regression", "fine-tuned top layer(s) + linear head"],
        [("train accuracy", f"{c.frozen_train_accuracy:.2f}", f"{c.tuned_train_accuracy:.2f}"),
         ("test accuracy", f"{c.frozen_test_accuracy:.2f}", f"{c.tuned_test_accuracy:.2f}"),
         ("parameters trained", f"{c.frozen_trained_parameters:,}",
          f"{c.tuned_trained_parameters:,}"),
         ("encoder parameters changed", "none (0.0 everywhere)", "see below")])
    top = max(c.relative_changes.values()) or 1.0
    rows = [(part, "0.0 (frozen)" if c.changes[part] == 0 else f"{c.changes[part]:.4f}",
             bar_html(c.relative_changes[part] / top, f"{100 * c.relative_changes[part]:.3f} %"))
            for part in c.changes]
    losses = " → ".join(f"{v:.3f}" for v in c.losses[:: max(1, len(c.losses) // 6)])
    return (sides + "<b>How far each part of the fine-tuned encoder moved</b> (norm of "
            "the parameter change; relative to the part's own norm)"
            + table_html(["part", "‖Δθ‖", "relative change"], rows)
            + f"<div style='color:#555'>Training loss: {html.escape(losses)}. Both finished in "
              f"{c.seconds:.1f} s.</div>")
