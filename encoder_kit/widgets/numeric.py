"""NumericWidget: type a number (e.g. how many hidden states come back)."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets

from .base import AnswerInputError, QuestionWidget, on_enter


class NumericWidget(QuestionWidget):
    """Answer a ``numeric`` question by typing a number."""

    kind = "numeric"

    def _build_answer(self) -> widgets.Widget:
        unit = self.view.get("unit")
        self.text = widgets.Text(placeholder="a number, e.g. 13", description="Answer:",
                                 continuous_update=True, layout=widgets.Layout(width="260px"))
        self.text.add_class("ek-numeric-input")
        on_enter(self.text, self.check)
        return widgets.HBox([self.text, widgets.Label(unit or "")])

    def get_answer(self) -> float | int:
        typed = self.text.value.strip().replace(",", "").replace("_", "")
        if not typed:
            raise AnswerInputError("Type a number first, e.g. 13, then press Check.")
        try:
            value = float(typed)
        except ValueError:
            raise AnswerInputError(f"{self.text.value.strip()!r} is not a number: type digits "
                                   "only, e.g. 13 or 0.5.") from None
        if not math.isfinite(value):
            raise AnswerInputError("Type a finite number, e.g. 13.")
        return int(value) if value.is_integer() and "." not in typed and "e" not in typed.lower() \
            else value

    def set_answer(self, answer: Any) -> None:
        self.text.value = str(answer)
