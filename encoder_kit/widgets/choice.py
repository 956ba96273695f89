"""ChoiceWidget: pick the best answer (radio buttons), or several (check boxes)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .base import AnswerInputError, QuestionWidget


class ChoiceWidget(QuestionWidget):
    """Answer a ``choice`` question; every option, right or wrong, has its own feedback."""

    kind = "choice"

    def _build_answer(self) -> widgets.Widget:
        options = self.view["options"]
        self.multiple = bool(self.view.get("multiple"))
        if self.multiple:
            self.boxes = {o["id"]: widgets.Checkbox(value=False, description=o["text"],
                                                    indent=False,
                                                    layout=widgets.Layout(width="auto"))
                          for o in options}
            box = widgets.VBox(list(self.boxes.values()))
        else:
            self.radio = widgets.RadioButtons(options=[(o["text"], o["id"]) for o in options],
                                              value=None, layout=widgets.Layout(width="auto"))
            box = self.radio
        box.add_class("ek-choice-options")
        return box

    def get_answer(self) -> str | list[str]:
        if self.multiple:
            chosen = [i for i, b in self.boxes.items() if b.value]
            if not chosen:
                raise AnswerInputError("Tick at least one option, then press Check.")
            return chosen
        if self.radio.value is None:
            raise AnswerInputError("Pick one of the options first, then press Check.")
        return self.radio.value

    def set_answer(self, answer: Any) -> None:
        if self.multiple:
            chosen = set(answer if isinstance(answer, (list, tuple)) else [answer])
            for option_id, box in self.boxes.items():
                box.value = option_id in chosen
        else:
            ids = [value for _label, value in self.radio.options]
            if answer not in ids:
                raise AnswerInputError(f"{answer!r} is not one of the options {ids}.")
            self.radio.value = answer
