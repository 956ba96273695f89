"""PipelineExplorer: one sentence through tokenizer, encoder and a classifier head (C1, C4-C6).

Type a sentence and see its word pieces and ids, the shape of the array at each stage, a
heat-map of the contextual vectors (one row per word piece), and what a sentence-level head
trained on frozen features predicts, with its probabilities.

>>> from encoder_kit.widgets import PipelineExplorer
>>> explorer = PipelineExplorer("The invoice shows a double charge")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from . import theme
from .base import on_enter
from .explorer import Explorer, bar_html, check_sentence, heatmap_html, table_html

_HEAD_CACHE: dict[int, Any] = {}
DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "support_emails.csv"


def support_email_classifier(per_label: int = 30) -> Any:
    """A frozen-feature classifier for support e-mails (billing / technical / feedback),
    trained once per process on ``per_label`` packaged examples of each label."""
    if per_label not in _HEAD_CACHE:
        from ..classify import make_classifier

        with open(DATA_FILE, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        taken: dict[str, int] = {}
        texts, labels = [], []
        for row in rows:
            if taken.get(row["label"], 0) < per_label:
                taken[row["label"]] = taken.get(row["label"], 0) + 1
                texts.append(row["text"])
                labels.append(row["label"])
        _HEAD_CACHE[per_label] = make_classifier().fit(texts, labels)
    return _HEAD_CACHE[per_label]


class PipelineExplorer(Explorer):
    """Follow a sentence through the application pipeline.

    Parameters
    ----------
    text : the first sentence shown.
    classifier : a fitted text classifier with ``predict_proba`` (a ``make_classifier()``
        pipeline); None trains ``support_email_classifier()`` on first use.
    dims : how many of the hidden dimensions the heat-map shows.
    """

    css_class = "ek-pipeline"

    def __init__(self, text: str = "I was charged twice for my subscription", *,
                 classifier: Any = None, dims: int = 64) -> None:
        self.classifier = classifier
        self.dims = dims
        self.inspection: Any = None
        self.prediction: dict[str, float] = {}
        self.text = widgets.Text(value=text, description="Sentence:",
                                 placeholder="Type a sentence and press Enter",
                                 continuous_update=True,
                                 layout=widgets.Layout(width="560px"))
        self.text.add_class("ek-input")
        self.run_button = widgets.Button(description="Run", button_style="primary",
                                         icon="play", tooltip="Run the sentence through")
        self.run_button.add_class("ek-run")
        self.pieces = widgets.HTML()
        self.shapes = widgets.HTML()
        self.heatmap = widgets.HTML()
        self.head = widgets.HTML()
        for part, name in ((self.pieces, "ek-pieces"), (self.shapes, "ek-shapes"),
                           (self.heatmap, "ek-heatmap-box"), (self.head, "ek-head")):
            part.add_class(name)
        self.run_button.on_click(lambda _b: self.update())
        on_enter(self.text, self.update)
        super().__init__([widgets.HBox([self.text, self.run_button]), self.pieces, self.shapes,
                          self.heatmap, self.head], "Pipeline explorer: text → pieces → "
                                                    "vectors → head → prediction")
        self.update()

    def update(self) -> None:
        """Recompute everything for the sentence in the text box."""
        self.guard(self._update)

    def _update(self) -> None:
        from ..inspection import inspect_text

        sentence = check_sentence(self.text.value)
        view = inspect_text(sentence)
        self.inspection = view
        cells = "".join(
            f"<td style='padding:2px 6px;border:1px solid {theme.BORDER};text-align:center'>"
            f"<span class='ek-piece'>{html.escape(p)}</span><br>"
            f"<small style='color:{theme.MUTED}' class='ek-id'>{i}</small></td>"
            for p, i in zip(view.pieces, view.ids, strict=True))
        self.pieces.value = (f"<b>1. Tokenizer</b>: {len(view.pieces)} word pieces (top) and "
                             f"their ids (below)<div style='overflow-x:auto'><table><tr>{cells}"
                             "</tr></table></div>")
        rows = [(stage, str(shape)) for stage, shape in view.shapes.items()]
        self.shapes.value = ("<b>2. Shapes at each stage</b> (n word pieces × d hidden "
                             "dimensions)" + table_html(["stage", "shape"], rows))
        dims = min(self.dims, view.contextual.shape[1])
        self.heatmap.value = (
            f"<b>3. Contextual vectors</b> h<sub>0</sub>..h<sub>{len(view.pieces) - 1}</sub>: "
            f"one row per word piece, first {dims} of {view.contextual.shape[1]} dimensions "
            "(red positive, blue negative)" + heatmap_html(view.contextual[:, :dims], view.pieces))
        classifier = (self.classifier if self.classifier is not None
                      else support_email_classifier())
        probs = classifier.predict_proba([sentence])[0]
        labels = [str(c) for c in classifier.classes_]
        self.prediction = {label: float(p) for label, p in zip(labels, probs, strict=True)}
        best = max(self.prediction, key=self.prediction.__getitem__)
        rows = [(label, bar_html(p, f"{p:.2f}")) for label, p in
                sorted(self.prediction.items(), key=lambda kv: -kv[1])]
        self.head.value = (
            f"<b>4. Head</b>: a logistic regression on the pooled sentence vector "
            f"{view.shapes['pooled sentence vector']} predicts <b class='ek-prediction'>"
            f"{html.escape(best)}</b>" + table_html(["label", "probability"], rows))
