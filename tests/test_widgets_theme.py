"""The widgets' colours come from JupyterLab's theme; plots carry a text alternative (no browser).

The browser test (tests/test_browser_theme.py) measures the contrast in JupyterLab's light and
dark theme; these tests keep hard-coded colours from creeping back in between its runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest

from encoder_kit.widgets import (
    ChoiceWidget,
    DesignWidget,
    DiagnosisWidget,
    OrderingWidget,
    ShapeWidget,
    theme,
)
from encoder_kit.widgets.diagnosis import describe_losses, loss_curve_svg
from encoder_kit.widgets.explorer import (
    bar_html,
    describe_heatmap,
    heatmap_html,
    message_html,
    table_html,
)

WIDGETS = Path(__file__).resolve().parents[1] / "encoder_kit" / "widgets"
# var(--jp-name, fallback), the fallback possibly holding one level of parentheses (rgba(...))
_THEMED = re.compile(r"var\(--jp-[a-z0-9-]+, (?:[^()]|\([^()]*\))*\)")
_COLOUR = re.compile(r"(?<!&)#[0-9a-fA-F]{3,8}\b|\brgba?\(|\b(?:white|black|gr[ae]y)\b(?!-)")


def hard_coded(markup: str) -> list[str]:
    """Colours in ``markup`` that are not a JupyterLab variable (or its fallback)."""
    return _COLOUR.findall(_THEMED.sub("", markup))


@pytest.fixture()
def answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENCODER_KIT_ANSWERS", raising=False)


def all_markup(widget: widgets.Widget) -> str:
    """Every HTML value and layout border of ``widget`` and its children."""
    parts = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, widgets.HTML):
            parts.append(w.value)
        layout = getattr(w, "layout", None)
        if layout is not None and layout.border:
            parts.append(f"border:{layout.border}")
        stack.extend(getattr(w, "children", ()))
    return "\n".join(parts)


def test_theme_values_are_jupyterlab_variables_with_fallbacks():
    for name in theme.__all__:
        value = getattr(theme, name)
        if isinstance(value, str):
            assert value.startswith("var(--jp-") and ", " in value, name
            assert not hard_coded(value), name
    assert theme.tint(theme.ERROR).startswith("color-mix(in srgb, var(--jp-error-color1")


@pytest.mark.parametrize("make", [
    lambda: OrderingWidget("practice-pipeline-order"),
    lambda: ChoiceWidget("practice-pipeline-head-input"),
    lambda: ShapeWidget("practice-shape-padded-batch"),
    lambda: DesignWidget("practice-ner-design"),
    lambda: DiagnosisWidget("practice-diagnose-overfitting"),
])
def test_question_widgets_use_only_theme_colours(answers, make):
    w = make()
    w.check()  # feedback (an advice box or a verdict)
    if w.attempts:
        w.show_explanation()
    markup = all_markup(w)
    assert "var(--jp-" in markup
    assert not hard_coded(markup), hard_coded(markup)


def test_design_boxes_and_feedback_follow_the_theme(answers):
    w = DesignWidget("practice-ner-design")
    first = w.question.reference_answer()["components"][0]
    w.palette[first].value = True
    w.check()
    markup = all_markup(w)
    assert "ek-box" in markup and "ek-fb" in markup
    assert not hard_coded(markup), hard_coded(markup)


def test_explorer_helpers_use_only_theme_colours():
    markup = (message_html("Type a sentence") + table_html(["a"], [[1]])
              + bar_html(0.5, "half").html + loss_curve_svg([1.0, 0.5], [1.1, 0.9]))
    assert not hard_coded(markup), hard_coded(markup)


def test_ordering_css_colours_are_theme_variables():
    css = (WIDGETS / "ordering.css").read_text(encoding="utf-8")
    assert css.count("var(--jp-") >= 10
    assert not hard_coded(css), hard_coded(css)


def test_loss_curve_has_a_text_alternative_with_the_numbers():
    train, validation = [0.69, 0.31, 0.05], [0.66, 0.55, 0.97]
    svg = loss_curve_svg(train, validation)
    description = describe_losses(train, validation)
    assert "validation: 0.66 at epoch 1, lowest 0.55 at epoch 2, ends at 0.97" in description
    assert f"aria-label='{description}'" in svg and "<title>" in svg
    assert "<details class='ek-loss-numbers'>" in svg
    assert all(f"{v:.3f}" in svg for v in train + validation)


def test_heatmap_has_a_text_alternative_with_the_numbers():
    matrix = np.array([[0.5, -2.0, 0.1], [1.5, 0.0, -0.3]])
    markup = heatmap_html(matrix, ["the", "bank"])
    description = describe_heatmap(matrix, ["the", "bank"])
    assert "Largest: bank column 0 (1.50)" in description
    assert "Smallest: the column 1 (-2.00)" in description
    assert "role='img'" in markup and f"aria-label='{description}'" in markup
    assert "<details class='ek-heatmap-numbers'" in markup
    assert "-2.00" in markup and "strongest column" in markup
    # zero is the page colour, the ends the theme's red and blue: no fixed white
    assert not hard_coded(markup), hard_coded(markup)
    assert "color-mix(in srgb,var(--ek-neg) 100%,var(--ek-zero))" in markup


def test_context_similarity_cells_follow_the_theme():
    from encoder_kit.widgets.context import _cell

    assert not hard_coded(_cell(0.8).html) and "0.80" in _cell(0.8).html


def test_score_plot_of_the_course_report_carries_its_description(tmp_path):
    from PIL import Image

    from autograder.course.commands.results.report import _plot, describe_scores

    scores = {"q1": (2.0, [1.0, 0.5, 0.0, 1.0]), "q2": (1.0, [0.0, 0.0])}
    text = describe_scores(scores)
    assert "q1 (2 pt): 4 submissions, mean 62%, 2 full, 1 partial, 1 zero." in text
    assert "q2 (1 pt): 2 submissions, mean 0%, 0 full, 0 partial, 2 zero." in text
    _plot(scores, tmp_path / "scores.png", "A1")
    with Image.open(tmp_path / "scores.png") as image:
        assert image.text["Description"] == text
