"""Colours of the widgets, taken from JupyterLab's theme (``--jp-*`` CSS variables).

Every colour the widgets write into their HTML is a ``var(--jp-..., fallback)``: JupyterLab's
light and dark themes (and any other theme) set the variables, so text and backgrounds follow
the theme the student chose; the fallback is JupyterLab's light-theme value, used by front
ends without the variables (Jupyter Notebook 6, VS Code, a static HTML export). Tinted
backgrounds (feedback boxes, highlighted tokens) mix a signal colour into the page colour
with CSS ``color-mix``, so a tint is light on a light page and dark on a dark page, and the
theme's text colour stays readable on it.

>>> jp("brand-color1", "#1976d2")
'var(--jp-brand-color1, #1976d2)'
>>> tint(SUCCESS, 15)
'color-mix(in srgb, var(--jp-success-color1, #388e3c) 15%, var(--jp-layout-color0, #ffffff))'
"""

from __future__ import annotations


def jp(name: str, fallback: str) -> str:
    """The CSS value of JupyterLab's variable ``--jp-<name>``, or ``fallback`` without it."""
    return f"var(--jp-{name}, {fallback})"


#: body text (JupyterLab's primary UI text colour)
TEXT = jp("ui-font-color1", "rgba(0, 0, 0, 0.87)")
#: the strongest text colour (headings, code)
TEXT_STRONG = jp("ui-font-color0", "rgba(0, 0, 0, 1)")
#: secondary text (hints, ids, captions); still >= 4.5:1 on the page in both themes
MUTED = jp("ui-font-color2", "rgba(0, 0, 0, 0.54)")
#: the page (notebook) background
PAGE = jp("layout-color0", "#ffffff")
#: a raised surface (cards, list items)
SURFACE = jp("layout-color1", "#ffffff")
#: a sunken surface (code, logs, empty tracks of bars)
SUNKEN = jp("layout-color2", "#eeeeee")
#: borders of boxes and tables
BORDER = jp("border-color1", "#bdbdbd")
#: faint rules (table rows)
RULE = jp("border-color2", "#e0e0e0")
ACCENT = jp("brand-color1", "#1976d2")
SUCCESS = jp("success-color1", "#388e3c")
ERROR = jp("error-color1", "#d32f2f")
WARN = jp("warn-color1", "#f57c00")
#: a darker warning colour for thin lines and glyphs (>= 3:1 on the page in both themes)
WARN_STRONG = jp("warn-color0", "#e65100")


def tint(colour: str, percent: int = 14, base: str = PAGE) -> str:
    """``colour`` mixed into the page colour: a background that follows the theme."""
    return f"color-mix(in srgb, {colour} {percent}%, {base})"


#: per feedback kind: the signal colour of the box's left border and of its tint
SIGNAL = {"correct": SUCCESS, "partial": WARN, "wrong": ERROR, "note": ACCENT,
          "error": ERROR}


__all__ = ["ACCENT", "BORDER", "ERROR", "MUTED", "PAGE", "RULE", "SIGNAL", "SUCCESS", "SUNKEN",
           "SURFACE", "TEXT", "TEXT_STRONG", "WARN", "WARN_STRONG", "jp", "tint"]
