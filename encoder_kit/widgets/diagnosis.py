"""DiagnosisWidget: a failed training run (symptom, loss curve, log); pick its cause and fix."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from .base import AnswerInputError, QuestionWidget, markdown_lite


def loss_curve_svg(train: list[float], validation: list[float] | None = None,
                   x_label: str = "epoch", width: int = 320, height: int = 140) -> str:
    """A small line chart of the loss (train solid, validation dashed) as inline SVG."""
    series = [("train", train, "#24508f", "")]
    if validation:
        series.append(("validation", validation, "#b0431f", "5,4"))
    values = [v for _n, s, _c, _d in series for v in s]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    steps = max(len(s) for _n, s, _c, _d in series)
    pad = 28

    def point(i: int, v: float) -> str:
        x = pad + (width - pad - 8) * (i / max(1, steps - 1))
        y = 8 + (height - pad - 8) * (1 - (v - low) / span)
        return f"{x:.1f},{y:.1f}"

    lines = "".join(
        f"<polyline fill='none' stroke='{colour}' stroke-width='2' stroke-dasharray='{dash}' "
        f"points='{' '.join(point(i, v) for i, v in enumerate(s))}'/>"
        for _n, s, colour, dash in series)
    legend = " &nbsp; ".join(f"<span style='color:{c}'>&#9644; {n}</span>"
                             for n, _s, c, _d in series)
    return (f"<div><svg role='img' aria-label='loss curve' width='{width}' height='{height}' "
            f"style='background:#fbfbfb;border:1px solid #ddd'>"
            f"<text x='4' y='14' font-size='10'>{high:.2f}</text>"
            f"<text x='4' y='{height - pad}' font-size='10'>{low:.2f}</text>"
            f"<text x='{width // 2}' y='{height - 6}' font-size='10'>{html.escape(x_label)}"
            f"</text>{lines}</svg><div style='font-size:0.85em'>{legend} (loss)</div></div>")


class DiagnosisWidget(QuestionWidget):
    """Answer a ``diagnosis`` question: one cause and one fix."""

    kind = "diagnosis"

    def _build_answer(self) -> widgets.Widget:
        symptom = self.view["symptom"]
        parts = [f"<b>Symptom.</b> {markdown_lite(symptom['text'])}"]
        curve = symptom.get("loss_curve")
        if curve:
            parts.append(loss_curve_svg(curve["train"], curve.get("validation"),
                                        curve.get("x_label", "epoch")))
        if symptom.get("log"):
            parts.append("<b>Log</b><pre style='background:#f4f4f4;padding:6px;font-size:12px;"
                         f"white-space:pre-wrap;margin:2px 0'>{html.escape(symptom['log'])}</pre>")
        self.symptom = widgets.HTML("".join(parts))
        self.cause = widgets.RadioButtons(options=[(o["text"], o["id"]) for o in
                                                   self.view["causes"]], value=None,
                                          layout=widgets.Layout(width="auto"))
        self.fix = widgets.RadioButtons(options=[(o["text"], o["id"]) for o in
                                                 self.view["fixes"]], value=None,
                                        layout=widgets.Layout(width="auto"))
        self.cause.add_class("ek-cause")
        self.fix.add_class("ek-fix")
        return widgets.VBox([self.symptom, widgets.HTML("<b>Most likely cause</b>"), self.cause,
                             widgets.HTML("<b>Best fix</b>"), self.fix])

    def get_answer(self) -> dict[str, str]:
        missing = [name for name, box in (("a cause", self.cause), ("a fix", self.fix))
                   if box.value is None]
        if missing:
            raise AnswerInputError(f"Choose {' and '.join(missing)} first, then press Check.")
        return {"cause": self.cause.value, "fix": self.fix.value}

    def set_answer(self, answer: Any) -> None:
        if not isinstance(answer, dict):
            raise AnswerInputError('A diagnosis answer is {"cause": id, "fix": id}.')
        self.cause.value = answer.get("cause")
        self.fix.value = answer.get("fix")
