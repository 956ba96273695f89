"""Shared parts of the explorer widgets: a guarded action, a status line, small HTML helpers.

An explorer reacts to what a student types. Whatever goes wrong (an empty sentence, a word
that is not in a sentence, a model that cannot be loaded) is shown as a message that says
what to do; no traceback reaches the student.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np


class ExplorerInputError(ValueError):
    """Input an explorer cannot work with; the message says how to fix it."""


class Explorer(widgets.VBox):
    """Base of the explorers: ``self.status`` shows messages, :meth:`guard` runs actions."""

    css_class = "ek-explorer"

    def __init__(self, children: Sequence[widgets.Widget], title: str) -> None:
        self.status = widgets.HTML("")
        self.status.add_class("ek-status")
        heading = widgets.HTML(f"<div style='font-weight:600;font-size:1.05em'>"
                               f"{html.escape(title)}</div>")
        super().__init__(children=[heading, *children, self.status],
                         layout=widgets.Layout(border="1px solid #ddd", padding="8px 12px",
                                               margin="8px 0", max_width="900px"))
        self.add_class("ek-explorer")
        self.add_class(self.css_class)

    def guard(self, action: Callable[[], Any]) -> Any:
        """Run ``action``; show any error as a message instead of a traceback."""
        self.status.value = ""
        try:
            return action()
        except ExplorerInputError as err:
            self.status.value = message_html(str(err))
        except Exception as err:  # the last guard: no traceback reaches the student
            self.status.value = message_html(
                f"Something went wrong ({type(err).__name__}: {err}). Change the input and try "
                "again; tell your instructor if it keeps happening.")
        return None


def message_html(text: str) -> str:
    """A visible, screen-reader-announced message box."""
    return ("<div class='ek-message' role='status' aria-live='polite' style='background:#fff6df;"
            "color:#6b4500;border-left:4px solid #b07800;padding:6px 10px;margin:4px 0'>"
            f"{html.escape(text)}</div>")


def table_html(header: Sequence[str], rows: Sequence[Sequence[Any]], *,
               css: str = "ek-table") -> str:
    """A plain HTML table; cells are escaped unless they are ``Raw``."""
    def cell(value: Any, tag: str) -> str:
        text = value.html if isinstance(value, Raw) else html.escape(str(value))
        return f"<{tag} style='padding:2px 8px;border-bottom:1px solid #eee;text-align:left'>" \
               f"{text}</{tag}>"
    head = "".join(cell(h, "th") for h in header)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return (f"<table class='{css}' style='border-collapse:collapse;margin:4px 0'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


class Raw:
    """HTML to put into a table cell as it is."""

    def __init__(self, markup: str) -> None:
        self.html = markup


def bar_html(fraction: float, label: str = "", width: int = 160, colour: str = "#3a6fb0") -> Raw:
    """A horizontal bar for a value in 0..1."""
    fraction = float(min(max(fraction, 0.0), 1.0))
    return Raw(f"<span style='display:inline-block;width:{width}px;height:10px;"
               f"background:#eee;vertical-align:middle'><span style='display:block;"
               f"width:{fraction * width:.0f}px;height:10px;background:{colour}'></span></span>"
               f" {html.escape(label)}")


def heatmap_html(matrix: np.ndarray, row_labels: Sequence[str], *, cell: int = 6,
                 css: str = "ek-heatmap") -> str:
    """A diverging blue-white-red heat-map of ``matrix`` as a CSS grid (no image needed)."""
    values = np.asarray(matrix, dtype=float)
    scale = float(np.abs(values).max()) or 1.0
    rows = []
    for label, row in zip(row_labels, values, strict=True):
        cells = []
        for v in row:
            t = v / scale
            if t >= 0:
                colour = f"rgb(255,{int(255 * (1 - t))},{int(255 * (1 - t))})"
            else:
                colour = f"rgb({int(255 * (1 + t))},{int(255 * (1 + t))},255)"
            cells.append(f"<span style='display:inline-block;width:{cell}px;height:{cell + 6}px;"
                         f"background:{colour}'></span>")
        rows.append(f"<div style='white-space:nowrap;line-height:0'><span style='display:"
                    f"inline-block;width:90px;font:11px monospace;line-height:{cell + 6}px;"
                    f"overflow:hidden;vertical-align:top'>{html.escape(label)}</span>"
                    + "".join(cells) + "</div>")
    return f"<div class='{css}' role='img' aria-label='heat-map'>{''.join(rows)}</div>"


def check_sentence(text: Any, what: str = "sentence") -> str:
    """A non-empty sentence, or ExplorerInputError saying what to type."""
    if not isinstance(text, str) or not text.strip():
        raise ExplorerInputError(f"The {what} is empty: type a {what}, e.g. 'My parcel arrived "
                                 "broken', then press the button again.")
    return text.strip()
