"""FrozenVsFineTuned: a frozen feature extractor next to a fine-tuned encoder (C3).

Left: the encoder stays frozen and a logistic regression is trained on its sentence vectors.
Right: a *copy* of the encoder has its top layer(s) unfrozen and is trained, together with a
new linear head, for a few steps on the same tiny labelled set. The explorer shows the
accuracy of both and how far each part of the encoder moved (the norm of the change of its
parameters): frozen parts move exactly 0. The process-wide shared model is never modified.
The training lives in :mod:`encoder_kit.finetuning`; this module shows it.

>>> comparison = compare(steps=2)  # doctest: +SKIP
>>> comparison.changes["layer 1"]  # doctest: +SKIP
0.0
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..finetuning import Comparison, compare_frozen_and_fine_tuned
from . import theme
from ._review_data import review_split
from .explorer import Explorer, ExplorerInputError, bar_html, table_html

__all__ = ["Comparison", "FrozenVsFineTuned", "compare", "render_comparison"]


def compare(top_layers: int = 1, steps: int = 15, learning_rate: float = 1e-4,
            seed: int = 0) -> Comparison:
    """Train both set-ups on the packaged reviews; return accuracies and parameter changes."""
    if not 0 <= top_layers <= 6 or not 1 <= steps <= 500 or not 0 < learning_rate < 1:
        raise ExplorerInputError("Use 0-6 top layers, 1-500 steps and a learning rate between "
                                 "0 and 1 (e.g. 1e-4).")
    train_x, train_y, test_x, test_y = review_split()
    return compare_frozen_and_fine_tuned(train_x, train_y, test_x, test_y,
                                         top_layers=top_layers, steps=steps,
                                         learning_rate=learning_rate, seed=seed)


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
            + f"<div style='color:{theme.MUTED}'>Training loss: {html.escape(losses)}. Both finished in "
              f"{c.seconds:.1f} s.</div>")
