"""The widgets read well in JupyterLab's light AND dark theme (real JupyterLab, headless Chromium).

For each theme a JupyterLab server starts with that theme in its user settings
(``@jupyterlab/apputils-extension:themes``). A notebook shows practice questions (ordering,
choice, design, diagnosis with its loss curve) and a heat-map; the test answers the ordering
question (so a feedback box shows), then measures every piece of visible text in the widgets:
the WCAG contrast ratio of its computed colour against the background it is drawn on (the
backgrounds of its ancestors composited, alpha included) must be at least 4.5:1 (3:1 for large
text); disabled controls are exempt, as in WCAG. It also checks that the theme really is the
one asked for and that the text alternatives of the plots are there. Set
ENCODER_KIT_UPDATE_SCREENSHOTS=1 to write docs/img/*_light.png and *_dark.png.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.browser import (
    REPO,
    JupyterLab,
    browser_unavailable,
    open_and_run,
    question,
    screenshot,
    theme_settings,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
_REASON = browser_unavailable()
if _REASON:
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from encoder_kit.questions import find_question  # noqa: E402

WAIT = 60_000  # ms: generous, the machine is shared
NOTEBOOK = "theme_check.ipynb"
QUESTIONS = ["practice-pipeline-order", "practice-pipeline-head-input", "practice-ner-design",
             "practice-diagnose-overfitting"]
CELLS = [
    "from encoder_kit import quiz\n"
    f"quiz({QUESTIONS!r})",
    "import ipywidgets, numpy as np\n"
    "from encoder_kit.widgets.explorer import heatmap_html, message_html\n"
    "ipywidgets.HTML(heatmap_html(np.linspace(-1, 1, 24).reshape(3, 8), ['the', 'bank', 'opens'])"
    " + message_html('Type a sentence first.'), _dom_classes=['ek-theme-extras'])",
]

# Per visible text element of `root`: its colour and background composited over the page,
# as the browser draws them (canvas pixels, so any CSS colour syntax, color-mix included, works)
CONTRAST_JS = """(root) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = 'rgba(0,0,0,0)';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, base) => {  // `top` (with alpha) over an opaque `base`
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + base[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const lin = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const background = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.push(e);
    let colour = [255, 255, 255, 1];  // the canvas under the page
    for (const e of chain.reverse()) colour = over(rgba(getComputedStyle(e).backgroundColor), colour);
    return colour;
  };
  const exempt = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (e.disabled || e.getAttribute('aria-disabled') === 'true') return 'disabled';
      if (parseFloat(s.opacity) < 1) return 'disabled';  // dimmed controls (WCAG: inactive)
      if (e.classList.contains('ek-sr-only')) return 'screen-reader only';
      if (e.tagName === 'DETAILS' && !e.open && e.firstElementChild !== el) return 'closed';
    }
    return null;
  };
  const out = [];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent.trim()).join(' ').trim();
    if (!text || ['SCRIPT', 'STYLE', 'OPTION', 'TITLE'].includes(el.tagName)) continue;
    const box = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || s.visibility !== 'visible') continue;
    if (exempt(el)) continue;
    const bg = background(el);
    const fg = over(rgba(s.color), bg);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    out.push({text: text.slice(0, 40), tag: el.tagName, cls: String(el.className).slice(0, 40),
              ratio: (l1 + 0.05) / (l2 + 0.05), large: size >= 24 || (bold && size >= 18.66),
              graphic: !!el.closest('[aria-hidden=true]'),
              fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round)});
  }
  return out;
}"""


def _notebook() -> dict:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": source} for source in CELLS]
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3",
                                                        "display_name": "Python 3",
                                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        from support.browser import launch_chromium

        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("ENCODER_KIT_UPDATE_SCREENSHOTS"):
        folder = REPO / "docs" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("theme-screenshots")


def contrast(locator) -> list[dict]:
    return locator.evaluate(CONTRAST_JS)


def poor(measured: list[dict]) -> list[dict]:
    """Text under 4.5:1; large text and decorative glyphs (aria-hidden) under 3:1."""
    return [m for m in measured if m["ratio"] < (3.0 if m["large"] or m["graphic"] else 4.5)]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_widgets_readable_in_theme(browser, shots, theme):
    name = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}[theme]
    with JupyterLab(settings=theme_settings(name)) as lab:
        (lab.root / NOTEBOOK).write_text(json.dumps(_notebook()), encoding="utf-8")
        context = browser.new_context(viewport={"width": 1000, "height": 1600})
        page = context.new_page()
        try:
            problems = open_and_run(page, lab, NOTEBOOK)
            assert not problems, "\n".join(problems)
            page.set_default_timeout(WAIT)
            # the theme asked for is the theme shown
            assert page.evaluate("() => document.body.dataset.jpThemeName") == name
            assert page.evaluate("() => document.body.dataset.jpThemeLight") == str(
                theme == "light").lower()

            order = find_question("practice-pipeline-order")
            w = question(page, order.id)
            w.locator("button.ek-check").wait_for(timeout=WAIT)
            w.locator("button.ek-check").click()  # the starting order: graded feedback
            expect(w.locator(".ek-feedback .ek-fb")).to_be_visible(timeout=WAIT)
            choice = find_question("practice-pipeline-head-input")
            c = question(page, choice.id)
            c.locator("label", has_text=choice.options[0].text).first.click()
            c.locator("button.ek-check").click()
            expect(c.locator(".ek-feedback .ek-fb")).to_be_visible(timeout=WAIT)
            design = find_question("practice-ner-design")
            d = question(page, design.id)
            first = design.reference_answer()["components"][0]
            d.locator(f"button.ek-component-{first}").click()
            expect(d.locator(".ek-diagram .ek-box")).to_have_count(1, timeout=WAIT)
            diagnosis = question(page, "practice-diagnose-overfitting")
            extras = page.locator(".ek-theme-extras").first
            for details in (diagnosis.locator("details"), extras.locator("details")):
                details.first.locator("summary").click()  # open the numbers, measure them too

            report = {}
            for label, widget in (("ordering", w), ("choice", c), ("design", d),
                                  ("diagnosis", diagnosis), ("heat-map", extras)):
                measured = contrast(widget)
                assert len(measured) >= 3, f"{label}: no text measured"
                bad = poor(measured)
                assert not bad, f"{theme} theme, {label}: poor contrast {bad}"
                report[label] = min(m["ratio"] for m in measured if not m["graphic"])
                glyphs = [m["ratio"] for m in measured if m["graphic"]]
                if glyphs:
                    report[f"{label} glyphs"] = min(glyphs)
            # the feedback box's text on its tinted background, named on its own
            for label, widget in (("ordering feedback", w), ("choice feedback", c)):
                measured = contrast(widget.locator(".ek-fb").first)
                report[label] = min(m["ratio"] for m in measured)
            print(f"\n{theme}: lowest contrast per widget: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in report.items()))

            # text alternatives of the plots
            curve = diagnosis.locator("svg[role=img]").first
            assert "Loss over" in (curve.get_attribute("aria-label") or "")
            expect(diagnosis.locator(".ek-loss-numbers table")).to_be_visible()
            heat = extras.locator(".ek-heatmap[role=img]").first
            assert "Heat-map of 3 rows" in (heat.get_attribute("aria-label") or "")
            cells = heat.locator("span[style*=color-mix]").evaluate_all(
                "els => els.map(e => getComputedStyle(e).backgroundColor)")
            assert len(cells) == 24 and len(set(cells)) > 10, cells  # drawn, and graded
            assert "rgba(0, 0, 0, 0)" not in cells, "color-mix cells not drawn"

            for label, widget in (("ordering", w), ("choice", c), ("design", d),
                                  ("diagnosis", diagnosis)):
                screenshot(widget, shots / f"{label}_{theme}.png")
        finally:
            context.close()
