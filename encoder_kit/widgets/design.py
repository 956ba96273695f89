"""DesignWidget: build a system from a palette of components and connect them (e.g. NER).

Click (or press Space on) a component of the palette to put it into the design; connect two
placed components with the *from* / *to* menus and *Connect* (*Remove arrow* takes the
chosen arrow away again). The design is drawn as boxes and arrows as it grows. Components
and arrows are graded automatically by precision and recall against the best-matching
acceptable design (``autograder.design``), so a wrong or superfluous arrow costs credit; a
justification, when asked for, is graded by hand.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from . import theme
from .base import AnswerInputError, QuestionWidget


class DesignWidget(QuestionWidget):
    """Answer a ``design`` question: components, connections and a justification."""

    kind = "design"

    def _build_answer(self) -> widgets.Widget:
        self.labels = {c["id"]: c["label"] for c in self.view["palette"]}
        self.connections: list[tuple[str, str]] = []
        self.palette = {cid: widgets.ToggleButton(value=False, description=label,
                                                  tooltip=f"Add or remove '{label}'",
                                                  layout=widgets.Layout(width="auto"))
                        for cid, label in self.labels.items()}
        for cid, toggle in self.palette.items():
            toggle.add_class("ek-component")
            toggle.add_class(f"ek-component-{cid}")
            toggle.observe(self._on_toggle, names="value")
        narrow = {"description_width": "36px"}
        self.source = widgets.Dropdown(options=[], description="from", value=None, style=narrow,
                                       layout=widgets.Layout(width="250px"))
        self.target = widgets.Dropdown(options=[], description="to", value=None, style=narrow,
                                       layout=widgets.Layout(width="250px"))
        self.source.add_class("ek-source")
        self.target.add_class("ek-target")
        self.connect_button = widgets.Button(description="Connect", icon="long-arrow-right",
                                             tooltip="Draw an arrow from → to",
                                             layout=widgets.Layout(width="auto",
                                                                   flex="0 0 auto"))
        self.connect_button.add_class("ek-connect")
        self.connect_button.on_click(lambda _b: self.connect())
        self.disconnect_button = widgets.Button(description="Remove arrow", icon="times",
                                                tooltip="Take away the arrow from → to",
                                                layout=widgets.Layout(width="auto",
                                                                      flex="0 0 auto"))
        self.disconnect_button.add_class("ek-disconnect")
        self.disconnect_button.on_click(lambda _b: self.disconnect())
        self.clear_button = widgets.Button(description="Remove all arrows", icon="eraser",
                                           layout=widgets.Layout(width="auto",
                                                                 flex="0 0 auto"))
        self.clear_button.on_click(lambda _b: self._set_connections([]))
        self.diagram = widgets.HTML()
        self.diagram.add_class("ek-diagram")
        rows = [widgets.HTML("<b>Palette</b> (click to place or remove a component)"),
                widgets.HBox(list(self.palette.values()),
                             layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HTML("<b>Connections</b> (data flows from → to)"),
                widgets.HBox([self.source, self.target, self.connect_button,
                              self.disconnect_button, self.clear_button],
                             layout=widgets.Layout(flex_flow="row wrap")),
                self.diagram]
        self.justification = None
        if self.view.get("justification"):
            spec = self.view["justification"]
            self.justification = widgets.Textarea(
                placeholder="Your justification (graded by hand)",
                layout=widgets.Layout(width="600px", height="70px"))
            rows += [widgets.HTML(f"<b>Justify</b> ({spec['points']:g} point(s), graded by "
                                  f"hand): {html.escape(spec['prompt'])}"), self.justification]
        self._refresh()
        return widgets.VBox(rows)

    def placed(self) -> list[str]:
        """Ids of the components in the design, in palette order."""
        return [cid for cid, toggle in self.palette.items() if toggle.value]

    def _on_toggle(self, _change: dict) -> None:
        placed = set(self.placed())
        self._set_connections([c for c in self.connections if set(c) <= placed])

    def connect(self, source: str | None = None, target: str | None = None) -> None:
        """Add the arrow source → target (the menus' choice when not given)."""
        source = source or self.source.value
        target = target or self.target.value
        if source is None or target is None:
            self.feedback.value = self._note("Place at least two components, then choose "
                                             "'from' and 'to' before pressing Connect.")
            return
        if source == target:
            self.feedback.value = self._note("An arrow needs two different components.")
            return
        if (source, target) not in self.connections:
            self._set_connections([*self.connections, (source, target)])

    def disconnect(self, source: str | None = None, target: str | None = None) -> None:
        """Take away the arrow source → target (the menus' choice when not given)."""
        source = source or self.source.value
        target = target or self.target.value
        if (source, target) not in self.connections:
            self.feedback.value = self._note("There is no such arrow: choose the 'from' and "
                                             "'to' of an arrow in the design, then press "
                                             "Remove arrow.")
            return
        self._set_connections([c for c in self.connections if c != (source, target)])

    def _note(self, text: str) -> str:
        from .base import _status_box

        return _status_box("note", html.escape(text))

    def _set_connections(self, connections: list[tuple[str, str]]) -> None:
        self.connections = list(connections)
        self._refresh()

    def _refresh(self) -> None:
        placed = self.placed()
        options = [(self.labels[c], c) for c in placed]
        for menu in (self.source, self.target):
            keep = menu.value if menu.value in placed else None
            menu.options = options
            menu.value = keep
        boxes = "".join(f"<span class='ek-box' style='display:inline-block;border:1px solid "
                        f"{theme.ACCENT};border-radius:4px;padding:2px 6px;margin:2px;"
                        f"background:{theme.tint(theme.ACCENT, 12)};color:{theme.TEXT_STRONG}'>"
                        f"{html.escape(self.labels[c])}</span>" for c in placed)
        arrows = "".join(f"<li>{html.escape(self.labels[s])} &rarr; {html.escape(self.labels[t])}"
                         "</li>" for s, t in self.connections)
        self.diagram.value = (
            f"<div>{boxes or '<i>No components placed yet.</i>'}</div>"
            + (f"<ul class='ek-arrows' style='margin:2px 0'>{arrows}</ul>" if arrows else ""))

    def get_answer(self) -> dict[str, Any]:
        components = self.placed()
        if not components:
            raise AnswerInputError("Your design is empty: click components on the palette to "
                                   "place them, connect them, then press Check.")
        answer: dict[str, Any] = {"components": components,
                                  "connections": [list(c) for c in self.connections]}
        if self.justification is not None:
            answer["justification"] = self.justification.value.strip()
        return answer

    def set_answer(self, answer: Any) -> None:
        if not isinstance(answer, dict):
            raise AnswerInputError('A design answer is {"components": [...], '
                                   '"connections": [[from, to], ...]}.')
        chosen = set(answer.get("components") or [])
        for cid, toggle in self.palette.items():
            toggle.value = cid in chosen
        self._set_connections([tuple(c) for c in answer.get("connections") or []
                               if isinstance(c, (list, tuple)) and len(c) == 2])
        if self.justification is not None:
            self.justification.value = str(answer.get("justification") or "")
