"""Real JupyterLab in headless Chromium: open each notebook, run all cells, answer as a student.

Each notebook gets a fresh kernel. The tests drag and keyboard-reorder an ordering question,
type a shape (a bad one first), pick a choice, build the NER design and diagnose a run, and
assert the feedback the grading engine shows; the saved answers file beside the notebook is
then graded as nbgrader's autograde would. Set ENCODER_KIT_UPDATE_SCREENSHOTS=1 to write the
screenshots of the answered widgets to docs/img/ (otherwise they go to a temporary folder).
"""

from __future__ import annotations

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
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
_REASON = browser_unavailable()
if _REASON:
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from encoder_kit.questions import find_question  # noqa: E402

WAIT = 60_000  # ms: generous, the machine is shared


@pytest.fixture(scope="module")
def lab():
    with JupyterLab() as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        from support.browser import launch_chromium

        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1000, "height": 1600})
    page = context.new_page()
    yield page
    context.close()
    lab.shutdown_kernels()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("ENCODER_KIT_UPDATE_SCREENSHOTS"):
        folder = REPO / "docs" / "img"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def run_notebook(page, lab, name: str) -> None:
    problems = open_and_run(page, lab, name)
    assert not problems, f"{name}: " + "\n".join(problems)


def order_of(widget) -> list[str]:
    return widget.locator(".ek-order-list li.ek-item").evaluate_all(
        "els => els.map(e => e.dataset.itemId)")


def feedback(widget):
    return widget.locator(".ek-feedback")


def check(widget) -> None:
    widget.locator("button.ek-check").click()


def pick(widget, text: str) -> None:
    widget.locator("label", has_text=text).first.click()


def test_notebook_1_ordering_shape_choice(page, lab, shots):
    run_notebook(page, lab, "01_pipeline_and_shapes.ipynb")
    q = find_question("practice-pipeline-order")
    w = question(page, q.id)
    w.locator("button.ek-check").wait_for(timeout=WAIT)
    # Check on an unanswered-but-unsorted list gives graded feedback, not an error
    # 1. mouse: drag the first step to the top
    first = q.order[0]
    w.locator(f'li[data-item-id="{first}"]').drag_to(
        w.locator(".ek-order-list li.ek-item").first, target_position={"x": 30, "y": 3})
    expect(w.locator(".ek-order-list li.ek-item").first).to_have_attribute(
        "data-item-id", first, timeout=WAIT)
    # 2. keyboard: leave the distractors out, then move each step up with Enter
    for distractor in q.distractor_ids():
        w.locator(f'li[data-item-id="{distractor}"] button.ek-remove').focus()
        page.keyboard.press("Enter")
    expect(w.locator(".ek-pool-list li.ek-item")).to_have_count(len(q.distractor_ids()))
    for position, item in enumerate(q.order):
        up = w.locator(f'.ek-order-list li[data-item-id="{item}"] button.ek-up')
        moves = order_of(w).index(item) - position
        if moves > 0:
            up.focus()
            for _ in range(moves):
                page.keyboard.press("Enter")  # focus stays on the moved step's button
            expect(w.locator(".ek-order-list li.ek-item").nth(position)).to_have_attribute(
                "data-item-id", item)
    assert order_of(w) == list(q.order)
    check(w)
    expect(feedback(w)).to_contain_text("Correct", timeout=WAIT)
    expect(w.locator(".ek-attempts")).to_contain_text("Attempts: 1")
    w.locator("button.ek-explain").click()
    expect(w.locator(".ek-explanation")).to_contain_text("Explanation", timeout=WAIT)
    screenshot(w, shots / "ordering.png")
    # Check again on the same answer: a note, no second attempt
    check(w)
    expect(feedback(w)).to_contain_text("already checked", timeout=WAIT)
    expect(w.locator(".ek-attempts")).to_contain_text("Attempts: 1")

    shape = find_question("practice-shape-padded-batch")
    s = question(page, shape.id)
    box = s.locator("input[type=text]")
    box.fill("(4, 24")
    box.press("Enter")
    expect(feedback(s)).to_contain_text("Cannot read", timeout=WAIT)
    expect(feedback(s)).to_contain_text("No attempt was counted")
    box.fill(", ".join(map(str, shape.expected_shape())))
    box.press("Enter")
    expect(feedback(s)).to_contain_text("Correct", timeout=WAIT)
    screenshot(s, shots / "shape.png")

    choice = find_question("practice-pipeline-head-input")
    c = question(page, choice.id)
    check(c)  # nothing picked yet
    expect(feedback(c)).to_contain_text("Pick one of the options", timeout=WAIT)
    right = next(o for o in choice.options if o.correct)
    pick(c, right.text)
    check(c)
    expect(feedback(c)).to_contain_text("Correct", timeout=WAIT)
    screenshot(c, shots / "choice.png")

    screenshot(page.locator(".ek-pipeline").first, shots / "pipeline_explorer.png")
    screenshot(page.locator(".ek-shape-explorer").first, shots / "shape_explorer.png")

    # what nbgrader's autograde will do: grade the file beside the notebook, no browser
    from encoder_kit.widgets import grade_saved

    answers = lab.root / "encoder-kit-answers.json"
    assert answers.is_file()
    for question_id in (q.id, shape.id, choice.id):
        assert grade_saved(question_id, answers).score == 1.0


def test_notebook_2_context(page, lab, shots):
    run_notebook(page, lab, "02_context_and_layers.ipynb")
    table = page.locator(".ek-context .ek-context-table").first
    expect(table).to_contain_text("S1 vs S2", timeout=WAIT)
    screenshot(page.locator(".ek-context").first, shots / "context_explorer.png")


def test_notebook_3_masking_numeric(page, lab, shots):
    run_notebook(page, lab, "03_pretraining_and_masking.ipynb")
    masking = page.locator(".ek-masking").first
    expect(masking.locator(".ek-masked")).to_contain_text("[MASK]", timeout=WAIT)
    screenshot(masking, shots / "masking_explorer.png")
    n = question(page, "practice-mlm-mask-count")
    box = n.locator("input[type=text]")
    box.fill("lots")
    box.press("Enter")
    expect(feedback(n)).to_contain_text("is not a number", timeout=WAIT)


def test_notebook_4_frozen_vs_fine_tuned(page, lab, shots):
    run_notebook(page, lab, "04_frozen_or_fine_tuned.ipynb")
    out = page.locator(".ek-finetune .ek-finetune-output").first
    expect(out).to_contain_text("0.0 (frozen)", timeout=WAIT)
    screenshot(page.locator(".ek-finetune").first, shots / "frozen_vs_finetuned.png")


def test_notebook_5_ner_design(page, lab, shots):
    run_notebook(page, lab, "05_token_tasks_ner.ipynb")
    q = find_question("practice-ner-design")
    w = question(page, q.id)
    w.locator("button.ek-check").wait_for(timeout=WAIT)
    check(w)  # an empty design
    expect(feedback(w)).to_contain_text("Your design is empty", timeout=WAIT)
    reference = q.reference_answer()
    for component in reference["components"]:
        w.locator(f"button.ek-component-{component}").click()
        expect(w.locator(".ek-diagram")).to_contain_text(q.component(component).label)
    for source, target in reference["connections"]:
        w.locator(".ek-source select").select_option(label=q.component(source).label)
        w.locator(".ek-target select").select_option(label=q.component(target).label)
        w.locator("button.ek-connect").click()
        expect(w.locator(".ek-arrows")).to_contain_text(q.component(target).label)
    if q.justification is not None:
        w.locator("textarea").fill("Each token needs its own prediction from its own vector.")
    check(w)
    expect(feedback(w)).to_contain_text("Correct", timeout=WAIT)
    screenshot(w, shots / "design.png")


def test_notebook_6_diagnosis(page, lab, shots):
    run_notebook(page, lab, "06_diagnosing_training_runs.ipynb")
    q = find_question("practice-diagnose-pooled-ner")
    w = question(page, q.id)
    w.locator("button.ek-check").wait_for(timeout=WAIT)
    cause = next(o for o in q.causes if o.correct)
    wrong_fix = next(o for o in q.fixes if not o.correct)
    w.locator(".ek-cause label", has_text=cause.text).first.click()
    w.locator(".ek-fix label", has_text=wrong_fix.text).first.click()
    check(w)
    expect(feedback(w)).to_contain_text("Partly right", timeout=WAIT)
    right_fix = next(o for o in q.fixes if o.correct)
    w.locator(".ek-fix label", has_text=right_fix.text).first.click()
    check(w)
    expect(feedback(w)).to_contain_text("Correct", timeout=WAIT)
    expect(w.locator(".ek-attempts")).to_contain_text("Attempts: 2")
    screenshot(w, shots / "diagnosis.png")
