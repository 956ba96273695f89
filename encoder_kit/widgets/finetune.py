"""FrozenVsFineTuned: TF-IDF, a frozen encoder and a fine-tuned encoder, measured (C3).

Choose a shipped data set (sarcastic vs sincere product reviews, or support e-mails), how many
of the encoder's layers train (0 = frozen ... all), the learning rate (one of them too high) and
the epochs, then press *Train and compare*. The library's real classifiers are trained on the
data set's train split and scored on its test split (:func:`encoder_kit.finetuning.compare_adaptations`):
a table of the methods (accuracy, macro F1, seconds, parameters trained), how far each part of
the fine-tuned encoder moved (frozen parts exactly 0), a forgetting probe (does the encoder
still put general paraphrases closer together than unrelated sentences?), and one sentence that
reads the result. The process-wide shared model is never modified.

>>> adaptation = compare("support_emails", train_layers=2)  # doctest: +SKIP
>>> adaptation.movement["layer 1"]  # doctest: +SKIP
0.0
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..finetuning import Adaptation, compare_adaptations
from . import theme
from .explorer import Explorer, ExplorerInputError, bar_html, table_html

__all__ = ["DATASETS", "LAYER_CHOICES", "LEARNING_RATES", "Adaptation", "FrozenVsFineTuned",
           "compare", "render_adaptation"]

#: The data sets the explorer offers: (label shown, name in encoder_kit.data).
DATASETS = (("sarcastic vs sincere reviews (255 / 85)", "sarcastic_reviews"),
            ("support e-mails, 3 queues (180 / 60)", "support_emails"))
#: Layers trained: 0 keeps the encoder frozen (only the head learns), "all" adds the embeddings.
LAYER_CHOICES = (("0 (frozen, head only)", 0), ("top 1", 1), ("top 2", 2), ("top 4", 4),
                 ("all 6 + embeddings (slowest)", "all"))
LEARNING_RATES = (("2e-5", 2e-5), ("5e-5", 5e-5), ("1e-4", 1e-4), ("1e-3 (too high)", 1e-3))
_NAMES = {name for _label, name in DATASETS}
_LAYERS = {value for _label, value in LAYER_CHOICES} | {3, 5, 6}


def compare(dataset: str = "sarcastic_reviews", train_layers: int | str = 2,
            learning_rate: float = 1e-4, epochs: int = 4, seed: int = 0) -> Adaptation:
    """Train and score every method on a shipped data set (checked settings; see the module)."""
    if dataset not in _NAMES:
        raise ExplorerInputError(f"Choose a data set of the list ({', '.join(sorted(_NAMES))}); "
                                 f"got {dataset!r}.")
    if train_layers not in _LAYERS or isinstance(train_layers, bool):
        raise ExplorerInputError(f"Train 0 to 6 layers, or 'all'; got {train_layers!r}.")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) \
            or not 0 < learning_rate < 1:
        raise ExplorerInputError(f"Use a learning rate between 0 and 1 (e.g. 1e-4); got "
                                 f"{learning_rate!r}.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 10:
        raise ExplorerInputError(f"Use 1 to 10 epochs; got {epochs!r}.")
    return compare_adaptations(dataset, train_layers=train_layers, learning_rate=learning_rate,
                               epochs=epochs, seed=seed)


class FrozenVsFineTuned(Explorer):
    """Press *Train and compare*: TF-IDF, frozen, hybrid and fine-tuned on a shipped data set."""

    css_class = "ek-finetune"

    def __init__(self, dataset: str = "sarcastic_reviews", train_layers: int | str = 2,
                 learning_rate: float = 1e-4, epochs: int = 4, *, run: bool = False) -> None:
        style = {"description_width": "120px"}
        wide = widgets.Layout(width="440px")  # the whole label of every choice stays readable
        self.dataset = widgets.Dropdown(options=list(DATASETS), description="data set",
                                        style=style, layout=wide)
        self.train_layers = widgets.Dropdown(options=list(LAYER_CHOICES),
                                             description="layers trained", style=style,
                                             layout=wide)
        self.learning_rate = widgets.Dropdown(options=list(LEARNING_RATES),
                                              description="learning rate", style=style,
                                              layout=wide)
        self.epochs = widgets.IntSlider(4, 1, 8, description="epochs", style=style)
        self._set(dataset, train_layers, learning_rate, epochs)
        self.run_button = widgets.Button(description="Train and compare", button_style="primary",
                                         icon="play",
                                         tooltip="About 5-30 s on a laptop; all layers take longest")
        self.run_button.layout.width = "200px"
        self.run_button.add_class("ek-run")
        self.output = widgets.HTML("<i>Press <b>Train and compare</b> to train TF-IDF, frozen, "
                                   "hybrid and fine-tuned classifiers on the chosen data set "
                                   "(about 5-30 seconds; all layers take longest).</i>")
        self.output.add_class("ek-finetune-output")
        self.adaptation: Adaptation | None = None
        self.run_button.on_click(lambda _b: self.run())
        super().__init__([self.dataset, self.train_layers, self.learning_rate, self.epochs,
                          self.run_button, self.output],
                         "TF-IDF, frozen or fine-tuned? Measured on a shipped data set")
        if run:
            self.run()

    def _set(self, dataset: Any, train_layers: Any, learning_rate: Any, epochs: Any) -> None:
        """Put the constructor's settings into the controls, or say which one is not offered."""
        for control, value, what in ((self.dataset, dataset, "data set"),
                                     (self.train_layers, train_layers, "layers trained"),
                                     (self.learning_rate, learning_rate, "learning rate")):
            offered = [v for _label, v in control.options]
            if value not in offered or isinstance(value, bool):
                raise ExplorerInputError(f"The {what} {value!r} is not offered; use one of "
                                         f"{offered}.")
            control.value = value
        if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 8:
            raise ExplorerInputError(f"Use 1 to 8 epochs; got {epochs!r}.")
        self.epochs.value = epochs

    def run(self) -> Adaptation | None:
        """Train every method with the chosen settings and show the comparison."""
        self.run_button.disabled = True
        self.output.value = "<i>Training TF-IDF, frozen, hybrid and fine-tuned…</i>"
        try:
            result = self.guard(lambda: compare(self.dataset.value, self.train_layers.value,
                                                self.learning_rate.value, self.epochs.value))
        finally:
            self.run_button.disabled = False
        if result is None:
            self.output.value = ""
            return None
        self.adaptation = result
        self.output.value = render_adaptation(result)
        return result


def _layers_text(layers: int | str) -> str:
    return {0: "none (frozen encoder, head only)", "all": "all layers and the embeddings"}.get(
        layers, f"top {layers}")


def render_adaptation(a: Adaptation) -> str:
    """The reading, the table of methods, the movement of each part, the forgetting probe."""
    reading = (f"<div class='ek-reading' role='status' style='border-left:4px solid "
               f"{theme.ACCENT};padding:4px 10px;margin:6px 0'>{html.escape(a.reading())}</div>")
    methods = table_html(
        ["method", "test accuracy", "macro F1", "fit s", "predict s", "parameters trained"],
        [(m.name, f"{100 * m.accuracy:.1f} %", f"{m.macro_f1:.3f}", f"{m.fit_seconds:.2f}",
          f"{m.predict_seconds:.2f}", f"{m.trained_parameters:,}") for m in a.methods])
    top = max(a.movement.values()) or 1.0
    rows = [(part, "0.0 (frozen)" if a.changes[part] == 0 else f"{a.changes[part]:.3f}",
             bar_html(a.movement[part] / top, f"{100 * a.movement[part]:.3f} %"))
            for part in a.movement]
    moved = [part for part, value in a.movement.items() if value > 0]
    movement_text = (f"Moved: {', '.join(moved) or 'nothing'}; "
                     f"{len(a.movement) - len(moved)} of {len(a.movement)} parts stayed exactly "
                     "where pre-training left them.")
    p = a.forgetting
    probe = table_html(
        ["encoder", "paraphrase ranked above unrelated", "mean similarity: paraphrases",
         "unrelated pairs", "gap"],
        [("pre-trained", f"{100 * p.ranking_before:.0f} %", f"{p.paraphrase_before:.2f}",
          f"{p.unrelated_before:.2f}", f"{p.gap_before:.2f}"),
         ("fine-tuned", f"{100 * p.ranking_after:.0f} %", f"{p.paraphrase_after:.2f}",
          f"{p.unrelated_after:.2f}", f"{p.gap_after:.2f}")])
    losses = a.loss_curve[:: max(1, len(a.loss_curve) // 6)]
    return (
        reading
        + f"<b>{html.escape(a.dataset)}</b>: trained on {a.n_train} texts, tested on {a.n_test}; "
          f"fine-tuned: {html.escape(_layers_text(a.train_layers))}, learning rate "
          f"{a.learning_rate:g}, {a.epochs} epochs."
        + methods
        + "<b>How far each part of the fine-tuned encoder moved</b> (norm of the weight change "
          "relative to the pre-trained weights)"
        + table_html(["part", "‖Δθ‖", "relative change"], rows)
        + f"<div>{html.escape(movement_text)}</div>"
        + "<b>Forgetting probe</b>: 12 general paraphrase pairs against 12 unrelated pairs "
          "(nothing about the task)"
        + probe
        + f"<div style='color:{theme.MUTED}'>Training loss: "
          f"{html.escape(' → '.join(f'{v:.3f}' for v in losses))}. Everything took "
          f"{a.seconds:.1f} s.</div>")
