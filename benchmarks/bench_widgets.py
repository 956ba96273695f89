"""Time from a Check click to the feedback appearing, in real JupyterLab (goal: under 100 ms).

Starts JupyterLab on loopback, opens a one-cell notebook showing a choice widget in headless
Chromium, and clicks Check ``--repeats`` times, alternating between two options so that every
click is graded anew. The time is measured in the page, from the click to the change of the
feedback element (kernel round trip, grading, saving the answer file, rendering). It also
times ``check()`` inside the kernel alone. Writes benchmarks/_out/widgets.md.

    .venv/bin/python benchmarks/bench_widgets.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402

QUESTION = "practice-pipeline-head-input"
_MEASURE = """async ([selector, repeats]) => {
  const w = document.querySelector(selector);
  const radios = w.querySelectorAll('input[type=radio]');
  const button = w.querySelector('button.ek-check');
  const feedback = w.querySelector('.ek-feedback');
  const times = [];
  for (let i = 0; i < repeats; i++) {
    radios[i % 2].click();
    await new Promise((r) => setTimeout(r, 200));  // the choice reaches the kernel first
    const before = feedback.innerHTML;
    const done = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (feedback.innerHTML !== before) { observer.disconnect(); resolve(performance.now()); }
      });
      observer.observe(feedback, { childList: true, subtree: true, characterData: true });
    });
    const start = performance.now();
    button.click();
    times.push((await done) - start);
  }
  return times;
}"""


def in_kernel(repeats: int) -> list[float]:
    """Milliseconds per ``check()`` call without a browser (grading + saving)."""
    from encoder_kit.widgets import widget_for

    folder = tempfile.mkdtemp()
    widget = widget_for(QUESTION, answers_path=folder)
    options = [value for _label, value in widget.radio.options]
    widget.radio.value = options[0]
    widget.check()  # warm up
    times = []
    for i in range(repeats):
        widget.radio.value = options[(i + 1) % 2]
        start = time.perf_counter()
        widget.check()
        times.append(1000 * (time.perf_counter() - start))
    return times


def in_browser(repeats: int) -> list[float] | str:
    """Milliseconds from click to feedback in JupyterLab, or why it could not be measured."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    from support.browser import JupyterLab, browser_unavailable, launch_chromium, open_and_run

    reason = browser_unavailable()
    if reason:
        return reason
    from playwright.sync_api import sync_playwright

    with JupyterLab() as lab, sync_playwright() as playwright:
        book = new_notebook(cells=[new_code_cell(
            f"from encoder_kit.widgets import widget_for\nwidget_for({QUESTION!r})")])
        book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
        nbformat.write(book, lab.root / "bench.ipynb")
        browser = launch_chromium(playwright)
        page = browser.new_page()
        problems = open_and_run(page, lab, "bench.ipynb")
        if problems:
            return "the benchmark notebook failed: " + "; ".join(problems)
        selector = f".ek-q-{QUESTION}"
        page.wait_for_selector(f"{selector} button.ek-check")
        page.evaluate(_MEASURE, [selector, 3])  # warm up
        times = page.evaluate(_MEASURE, [selector, repeats])
        browser.close()
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (f"median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms, "
            f"max {max(times):.1f} ms (n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    kernel = in_kernel(200)
    browser = in_browser(args.repeats)
    lines = ["# Widget benchmark: Check click to feedback", "", f"Machine: {machine()}", "",
             "- in JupyterLab + headless Chromium, click to feedback shown: "
             + (summary(browser) if isinstance(browser, list) else f"not measured ({browser})"),
             f"- check() inside the kernel alone (grade + save answer file): {summary(kernel)}",
             "", "Goal: under 100 ms from click to feedback."]
    report = "\n".join(lines)
    print(report)
    out = HERE / "_out"
    out.mkdir(exist_ok=True)
    (out / "widgets.md").write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
