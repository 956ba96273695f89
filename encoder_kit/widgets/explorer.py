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

from . import theme


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
                         layout=widgets.Layout(border=f"1px solid {theme.BORDER}",
                                               padding="8px 12px",
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
    return ("<div class='ek-message' role='status' aria-live='polite' style='background:"
            f"{theme.tint(theme.WARN)};color:{theme.TEXT_STRONG};border-left:4px solid "
            f"{theme.WARN};padding:6px 10px;margin:4px 0'>"
            f"{html.escape(text)}</div>")


def table_html(header: Sequence[str], rows: Sequence[Sequence[Any]], *,
               css: str = "ek-table") -> str:
    """A plain HTML table; cells are escaped unless they are ``Raw``."""
    def cell(value: Any, tag: str) -> str:
        text = value.html if isinstance(value, Raw) else html.escape(str(value))
        return f"<{tag} style='padding:2px 8px;border-bottom:1px solid {theme.RULE};" \
               f"text-align:left'>" \
               f"{text}</{tag}>"
    head = "".join(cell(h, "th") for h in header)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return (f"<table class='{css}' style='border-collapse:collapse;margin:4px 0'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


class Raw:
    """HTML to put into a table cell as it is."""

    def __init__(self, markup: str) -> None:
        self.html = markup


def bar_html(fraction: float, label: str = "", width: int = 160,
             colour: str = theme.ACCENT) -> Raw:
    """A horizontal bar for a value in 0..1."""
    fraction = float(min(max(fraction, 0.0), 1.0))
    return Raw(f"<span style='display:inline-block;width:{width}px;height:10px;"
               f"background:{theme.SUNKEN};vertical-align:middle'><span style='display:block;"
               f"width:{fraction * width:.0f}px;height:10px;background:{colour}'></span></span>"
               f" {html.escape(label)}")


def describe_heatmap(matrix: np.ndarray, row_labels: Sequence[str]) -> str:
    """The heat-map in words (its text alternative): its size, scale and extreme cells.

    >>> print(describe_heatmap(np.array([[0.5, -1.0], [2.0, 0.0]]), ["a", "b"]))
    Heat-map of 2 rows (a, b) by 2 columns, red positive, blue negative, values -1.00 to 2.00. Largest: b column 0 (2.00). Smallest: a column 1 (-1.00).
    """
    values = np.asarray(matrix, dtype=float)
    if values.size == 0:
        return "Empty heat-map."
    high = np.unravel_index(int(values.argmax()), values.shape)
    low = np.unravel_index(int(values.argmin()), values.shape)
    shown = ", ".join(row_labels[:12]) + (", ..." if len(row_labels) > 12 else "")
    return (f"Heat-map of {values.shape[0]} rows ({shown}) by {values.shape[1]} columns, "
            f"red positive, blue negative, values {values.min():.2f} to {values.max():.2f}. "
            f"Largest: {row_labels[high[0]]} column {high[1]} ({values[high]:.2f}). "
            f"Smallest: {row_labels[low[0]]} column {low[1]} ({values[low]:.2f}).")


def heatmap_html(matrix: np.ndarray, row_labels: Sequence[str], *, cell: int = 6,
                 css: str = "ek-heatmap") -> str:
    """A diverging blue-red heat-map of ``matrix`` as a CSS grid (no image needed).

    Zero is the page colour, so the map follows the light or dark theme; the ends are the
    theme's error (red, positive) and brand (blue, negative) colours.

    Screen readers get :func:`describe_heatmap` as the label, and a ``<details>`` below the
    map holds the numbers per row (minimum, mean, maximum and the strongest column).
    """
    values = np.asarray(matrix, dtype=float)
    scale = float(np.abs(values).max()) if values.size else 1.0
    scale = scale or 1.0
    rows = []
    for label, row in zip(row_labels, values, strict=True):
        cells = []
        for v in row:
            t = v / scale  # 0 is the page colour; +1 the theme's red, -1 its blue
            colour = (f"color-mix(in srgb,var(--ek-{'pos' if t >= 0 else 'neg'}) "
                      f"{abs(t) * 100:.0f}%,var(--ek-zero))")
            cells.append(f"<span style='display:inline-block;width:{cell}px;height:{cell + 6}px;"
                         f"background:{colour}'></span>")
        rows.append(f"<div style='white-space:nowrap;line-height:0'><span style='display:"
                    f"inline-block;width:90px;font:11px monospace;line-height:{cell + 6}px;"
                    f"overflow:hidden;vertical-align:top;color:{theme.TEXT}'>"
                    f"{html.escape(label)}</span>" + "".join(cells) + "</div>")
    numbers = [(label, f"{row.min():.2f}", f"{row.mean():.2f}", f"{row.max():.2f}",
                str(int(np.abs(row).argmax())))
               for label, row in zip(row_labels, values, strict=True) if row.size]
    description = describe_heatmap(values, list(row_labels))
    palette = f"--ek-pos:{theme.ERROR};--ek-neg:{theme.ACCENT};--ek-zero:{theme.PAGE}"
    return (f"<div class='{css}' role='img' aria-label='{html.escape(description, quote=True)}' "
            f"style='{palette}'>"
            f"{''.join(rows)}</div>"
            f"<details class='ek-heatmap-numbers' style='color:{theme.TEXT}'><summary>The heat-map "
            f"in numbers</summary><p style='margin:2px 0'>{html.escape(description)}</p>"
            + table_html(["row", "min", "mean", "max", "strongest column"], numbers)
            + "</details>")


def check_sentence(text: Any, what: str = "sentence") -> str:
    """A non-empty sentence, or ExplorerInputError saying what to type."""
    if not isinstance(text, str) or not text.strip():
        raise ExplorerInputError(f"The {what} is empty: type a {what}, e.g. 'My parcel arrived "
                                 "broken', then press the button again.")
    return text.strip()
