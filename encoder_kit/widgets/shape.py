"""ShapeWidget: type the shape of a tensor, e.g. ``(2, 12, 384)``.

The text is read with ``autograder.parse_shape``, so every form the grader accepts works here
(``(2, 12, 384)``, ``2 x 12 x 384``, ``torch.Size([2, 12, 384])``). Text that is not a shape
gets advice and costs no attempt. Enter in the box is the same as Check.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .base import AnswerInputError, QuestionWidget, on_enter


class ShapeWidget(QuestionWidget):
    """Answer a ``shape`` question by typing the shape."""

    kind = "shape"

    def _build_answer(self) -> widgets.Widget:
        # continuous_update: the value reaches the kernel before Enter's submit does
        self.text = widgets.Text(placeholder="e.g. (4, 16, 384)", description="Shape:",
                                 continuous_update=True,
                                 layout=widgets.Layout(width="320px"))
        self.text.add_class("ek-shape-input")
        on_enter(self.text, self.check)
        return self.text

    def get_answer(self) -> list[int]:
        from autograder import ShapeError, parse_shape

        typed = self.text.value.strip()
        if not typed:
            raise AnswerInputError("Type a shape first, e.g. (4, 16, 384), then press Check.")
        try:
            return list(parse_shape(typed))
        except ShapeError as err:
            raise AnswerInputError(str(err)) from None

    def set_answer(self, answer: Any) -> None:
        if isinstance(answer, (list, tuple)):
            answer = "(" + ", ".join(str(int(a)) for a in answer) + ("," if len(answer) == 1
                                                                     else "") + ")"
        if not isinstance(answer, str):
            raise AnswerInputError("A shape answer is text such as '(4, 16, 384)' or a list.")
        self.text.value = answer
