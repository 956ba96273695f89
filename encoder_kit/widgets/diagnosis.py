"""DiagnosisWidget: a failed training run (symptom, loss curve, log); pick its cause and fix."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from . import theme
from .base import AnswerInputError, QuestionWidget, markdown_lite


def describe_losses(train: list[float], validation: list[float] | None = None,
                    x_label: str = "epoch") -> str:
    """The loss curve in words (its text alternative): start, lowest point and end per series.

    >>> print(describe_losses([2.0, 1.0, 0.5], [2.1, 1.5, 1.8]))
    Loss over 3 epochs. train: 2.00 at epoch 1, lowest 0.50 at epoch 3, ends at 0.50. validation: 2.10 at epoch 1, lowest 1.50 at epoch 2, ends at 1.80.
    """
    series = [("train", train)] + ([("validation", validation)] if validation else [])
    steps = max(len(s) for _n, s in series)
    parts = [f"Loss over {steps} {x_label}s."]
    for name, values in series:
        if not values:
            continue
        best = min(range(len(values)), key=values.__getitem__)
        parts.append(f"{name}: {values[0]:.2f} at {x_label} 1, lowest {values[best]:.2f} at "
                     f"{x_label} {best + 1}, ends at {values[-1]:.2f}.")
    return " ".join(parts)


def loss_curve_svg(train: list[float], validation: list[float] | None = None,
                   x_label: str = "epoch", width: int = 320, height: int = 140) -> str:
    """A small line chart of the loss (train solid, validation dashed) as inline SVG.

    The chart takes the theme's colours (text in ``currentColor``); screen readers get
    :func:`describe_losses` as its label, and a ``<details>`` under it holds every value.
    """
    series = [("train", train, theme.ACCENT, "")]
    if validation:
        series.append(("validation", validation, theme.WARN_STRONG, "5,4"))
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
        f"<polyline fill='none' style='stroke:{colour}' stroke-width='2' "
        f"stroke-dasharray='{dash}' points='{' '.join(point(i, v) for i, v in enumerate(s))}'/>"
        for _n, s, colour, dash in series)
    legend = " &nbsp; ".join(f"<span><span style='color:{c}' aria-hidden='true'>&#9644;</span> "
                             f"{n}</span>" for n, _s, c, _d in series)
    description = describe_losses(train, validation, x_label)
    header = "".join(f"<th style='padding:0 6px'>{n}</th>" for n, _s, _c, _d in series)
    rows = "".join(
        f"<tr><td style='padding:0 6px'>{i + 1}</td>"
        + "".join(f"<td style='padding:0 6px'>{s[i]:.3f}</td>" if i < len(s) else "<td></td>"
                  for _n, s, _c, _d in series) + "</tr>"
        for i in range(steps))
    return (f"<figure class='ek-loss-curve' style='margin:4px 0;color:{theme.TEXT}'>"
            f"<svg role='img' aria-label='{html.escape(description, quote=True)}' "
            f"width='{width}' height='{height}' "
            f"style='background:{theme.PAGE};border:1px solid {theme.BORDER}' fill='currentColor'>"
            f"<title>{html.escape(description)}</title>"
            f"<text x='4' y='14' font-size='10'>{high:.2f}</text>"
            f"<text x='4' y='{height - pad}' font-size='10'>{low:.2f}</text>"
            f"<text x='{width // 2}' y='{height - 6}' font-size='10'>{html.escape(x_label)}"
            f"</text>{lines}</svg><figcaption style='font-size:0.85em'>{legend} (loss)"
            f"<details class='ek-loss-numbers'><summary>The curve in numbers</summary>"
            f"<p style='margin:2px 0'>{html.escape(description)}</p>"
            f"<table style='border-collapse:collapse'><tr><th style='padding:0 6px'>"
            f"{html.escape(x_label)}</th>{header}</tr>{rows}</table></details>"
            "</figcaption></figure>")


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
            parts.append(f"<b>Log</b><pre style='background:{theme.SUNKEN};color:{theme.TEXT};"
                         "padding:6px;font-size:12px;"
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
