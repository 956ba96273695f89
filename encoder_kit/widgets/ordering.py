"""OrderingWidget: put the steps of a process in order, by drag-and-drop or by keyboard.

The list is a small anywidget (``ordering.js``): a mouse user drags the steps; a keyboard
user tabs to a step's *Move up* / *Move down* / *Leave out* / *Add* buttons, whose labels name
the step. Steps that do not belong to the process can be left out. The answer is the list of
step ids in the order shown, as ``autograder.grade`` expects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from . import theme
from .base import AnswerInputError, QuestionWidget

_HERE = Path(__file__).resolve().parent


class OrderList(anywidget.AnyWidget):
    """A reorderable list of ``items`` ({"id", "text"}); ``order`` holds the ids placed."""

    _esm = _HERE / "ordering.js"
    _css = _HERE / "ordering.css"
    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    order = traitlets.List(traitlets.Unicode()).tag(sync=True)
    label = traitlets.Unicode("Your order").tag(sync=True)


class OrderingWidget(QuestionWidget):
    """Arrange the steps of an ``ordering`` question; Check grades with partial credit."""

    kind = "ordering"

    def _build_answer(self) -> widgets.Widget:
        items = list(self.view["items"])
        self.order_list = OrderList(items=items, order=[it["id"] for it in items])
        self.order_list.add_class("ek-order-widget")
        self.reset_button = widgets.Button(description="Reset order", icon="undo",
                                           tooltip="Put every step back in the starting order",
                                           layout=widgets.Layout(width="auto"))
        self.reset_button.on_click(lambda _b: self.reset())
        hint = widgets.HTML(f"<span style='color:{theme.MUTED};font-size:0.9em'>Drag the steps into "
                            "order (first step at the top), or use the ↑ / ↓ buttons. Move a "
                            "step that does not belong with ✕.</span>")
        return widgets.VBox([hint, self.order_list, self.reset_button])

    def reset(self) -> None:
        """Every step back in the order first shown."""
        self.order_list.order = [it["id"] for it in self.order_list.items]

    def get_answer(self) -> list[str]:
        order = list(self.order_list.order)
        if not order:
            raise AnswerInputError("Your ordering is empty: drag the steps into the list (or "
                                   "press Add next to each), then press Check.")
        return order

    def set_answer(self, answer: Any) -> None:
        known = {it["id"] for it in self.order_list.items}
        if not isinstance(answer, (list, tuple)) or not all(a in known for a in answer):
            raise AnswerInputError(f"An ordering answer is a list of step ids from {sorted(known)}.")
        self.order_list.order = list(answer)

    def move(self, item_id: str, delta: int) -> None:
        """Move a step up (delta < 0) or down, as the buttons do."""
        order = list(self.order_list.order)
        i = order.index(item_id)
        j = max(0, min(len(order) - 1, i + delta))
        order.insert(j, order.pop(i))
        self.order_list.order = order
