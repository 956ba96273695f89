"""A released assignment answered in real JupyterLab with the widgets, then graded (issue 17).

A scratch copy of the course releases hw1-pipeline (and hw5-ner); student ``ada`` opens the
released notebook in JupyterLab (headless Chromium) and answers every question with the
widgets in submit mode: the ordering by drag and by keyboard, the option buttons, the number
field (hw1); the design's palette, arrows and justification, and a diagnosis (hw5). She
presses Save (no score shows), reloads the page, restarts the kernel and runs the cells again
(the answers are still there), runs "Before you submit", saves the notebook and submits.
``encoder-kit course grade`` grades the submission; each question's points must equal what
the same answers get through ``answer()``. ``encoder-kit course feedback`` then writes her
feedback file, which must show her answers in words, the points and wrapped feedback.

Set ENCODER_KIT_UPDATE_SCREENSHOTS=1 to write ``docs/img/submit_mode*.png`` and
``docs/img/feedback.png``. Slow: run it alone
(``pytest -m browser tests/test_browser_submit.py``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from support.browser import REPO, JupyterLab, browser_unavailable, screenshot
from support.course import copy_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
_REASON = browser_unavailable()
if _REASON:
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

WAIT = 90_000  # ms: generous, the machine is shared
STUDENT = "ada"
ASSIGNMENTS = ("hw1-pipeline", "hw2-shapes", "hw5-ner")
# what a student's kernel must not see: the instructor's side of the course
INSTRUCTOR_ONLY = ("ENCODER_KIT_QUESTION_PATH", "ENCODER_KIT_HIDDEN_DATA",
                   "ENCODER_KIT_HIDDEN_INPUTS", "ENCODER_KIT_COURSE", "ENCODER_KIT_ASSIGNMENT",
                   "ENCODER_KIT_ANSWERS", "ENCODER_KIT_GRADER_SCORES")


def _use_the_student_cells(source: Path) -> None:
    """The setup and "Before you submit" cells of the released assignments (a no-op once
    exercises/tools/build_sources.py writes them)."""
    import nbformat

    from autograder.course.notebook.student import (
        BEFORE_YOU_SUBMIT_MARKDOWN,
        BEFORE_YOU_SUBMIT_TEST,
        NOTEBOOK_SETUP,
    )

    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "setup":
            cell.source = NOTEBOOK_SETUP
    if not any(cell.source.strip() == BEFORE_YOU_SUBMIT_TEST for cell in nb.cells):
        heading = nbformat.v4.new_markdown_cell(BEFORE_YOU_SUBMIT_MARKDOWN)
        heading.id = "md-before-you-submit"
        test = nbformat.v4.new_code_cell(BEFORE_YOU_SUBMIT_TEST, metadata={"nbgrader": {
            "grade": True, "grade_id": "test-before-you-submit", "locked": True, "points": 0,
            "schema_version": 3, "solution": False, "task": False}})
        test.id = "test-before-you-submit"
        nb.cells += [heading, test]
    nbformat.write(nb, source)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A scratch course with hw1-pipeline, hw2-shapes and hw5-ner released."""
    from autograder.course.coursedir import Course
    from encoder_kit.cli import main

    saved_env = {name: os.environ.get(name) for name in INSTRUCTOR_ONLY}
    root = copy_course(tmp_path_factory.mktemp("submit") / "course")
    for assignment in ASSIGNMENTS:
        _use_the_student_cells(root / "source" / assignment / f"{assignment}.ipynb")
        assert main(["course", "release", assignment, "--course", str(root)]) == 0
    yield Course.open(root)
    for name, value in saved_env.items():  # loading nbgrader_config.py set some
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    """JupyterLab over ada's copy of the released assignments (as nbgrader fetch gives)."""
    home = tmp_path_factory.mktemp("ada")
    for assignment in ASSIGNMENTS:
        shutil.copytree(course.folder("release", ".", assignment), home / assignment)
    server = JupyterLab(home, env={"ENCODER_KIT_STUDENT": STUDENT})
    for name in INSTRUCTOR_ONLY:
        server.env.pop(name, None)
    with server.start():
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
    # tall enough for the design widget in one screenshot, below JupyterLab's toolbar
    context = browser.new_context(viewport={"width": 1000, "height": 2600})
    page = context.new_page()
    page.set_default_timeout(WAIT)
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


# -- driving JupyterLab ----------------------------------------------------------------------
_RUN_MATCHING = """async (pattern) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  const notebook = panel.content;
  const problems = [];
  const texts = [];
  const wanted = new RegExp(pattern);
  for (let i = 0; i < notebook.widgets.length; i++) {
    const cell = notebook.widgets[i];
    if (cell.model.type !== 'code' || !wanted.test(cell.model.sharedModel.getSource())) continue;
    notebook.activeCellIndex = i;
    await app.commands.execute('notebook:run-cell');
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') problems.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream') {
        texts.push(String(out.text));
        if (out.name === 'stderr') problems.push(`cell ${i} stderr: ${out.text}`);
      }
    }
  }
  return {problems, texts};
}"""
SETUP_AND_SHOW = r"^from autograder\.course import answer|show\(\""


def open_notebook(page, lab, name: str) -> None:
    page.goto(lab.notebook_url(name))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        f" && window.jupyterapp.shell.currentWidget.context.path === {json.dumps(name)}")
    page.wait_for_selector(".jp-Notebook:visible .jp-Cell")
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")


def run_matching(page, pattern: str) -> list[str]:
    """Run the code cells whose source matches ``pattern``; their printed text."""
    outcome = page.evaluate(_RUN_MATCHING, pattern)
    assert not outcome["problems"], "\n".join(outcome["problems"])
    return outcome["texts"]


def restart_kernel(page) -> None:
    page.evaluate("async () => { const s = window.jupyterapp.shell.currentWidget"
                  ".sessionContext; await s.restartKernel(); await s.ready; }")


def save_notebook(page) -> None:
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.context.save(); }")


def widget(page, question_id: str):
    return page.locator(f".ek-q-{question_id}").first


def order_of(w) -> list[str]:
    return w.locator(".ek-order-list li.ek-item").evaluate_all(
        "els => els.map(e => e.dataset.itemId)")


def save(w) -> None:
    w.locator("button.ek-save").click()
    expect(w.locator(".ek-feedback")).to_contain_text("Saved", timeout=WAIT)


def no_verdict(w) -> None:
    text = w.locator(".ek-feedback").inner_text()
    for word in ("Correct", "Partly right", "Not yet", "point"):
        assert word not in text, f"submit mode showed {word!r}: {text}"


def arrange(page, w, target: list[str]) -> None:
    """Put the ordering in ``target``: the first step by drag, the rest by keyboard."""
    first = target[0]
    w.locator(f'.ek-order-list li[data-item-id="{first}"]').drag_to(
        w.locator(".ek-order-list li.ek-item").first, target_position={"x": 30, "y": 3})
    expect(w.locator(".ek-order-list li.ek-item").first).to_have_attribute(
        "data-item-id", first, timeout=WAIT)
    for step in [s for s in order_of(w) if s not in target]:  # leave the distractors out
        w.locator(f'.ek-order-list li[data-item-id="{step}"] button.ek-remove').focus()
        page.keyboard.press("Enter")
    for position, step in enumerate(target):
        moves = order_of(w).index(step) - position
        if moves > 0:
            w.locator(f'.ek-order-list li[data-item-id="{step}"] button.ek-up').focus()
            for _ in range(moves):
                page.keyboard.press("Enter")  # the focus stays on the moved step's button
            expect(w.locator(".ek-order-list li.ek-item").nth(position)).to_have_attribute(
                "data-item-id", step)
    assert order_of(w) == target


# -- the instructor's side ---------------------------------------------------------------------
def _question_and_variant(course, question_id: str, assignment: str):
    from encoder_kit.questions import make_variant

    question = course.find_question(question_id)
    return question, make_variant(question, course.course_id, assignment, STUDENT)


def submit_and_grade(course, lab, assignment: str) -> dict[str, float]:
    """Copy ada's folder into submitted/, grade it; the points per question."""
    from autograder.course.protocol import read_result_records
    from encoder_kit.cli import main

    target = course.folder("submitted", STUDENT, assignment)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(lab.root / assignment, target,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (target / "timestamp.txt").write_text("2026-11-29 08:00:00.000000 UTC\n")
    assert main(["course", "grade", assignment, "--course", str(course.root),
                 "--workers", "1", "--force"]) == 0
    notebook = course.folder("autograded", STUDENT, assignment) / f"{assignment}.ipynb"
    return {r["question_id"]: r["points"] for r in read_result_records(notebook)}


def points_through_answer(course, folder: Path, assignment: str, tmp_path: Path,
                          monkeypatch) -> dict[str, float]:
    """The points the same saved answers get when given with ``answer()`` instead."""
    from autograder.course.notebook.student import answer
    from autograder.saved import grade_saved
    from encoder_kit.questions.files.answers_file import load_answer

    by_code = tmp_path / f"{assignment}-by-code"
    by_code.mkdir()
    shutil.copy(folder / "encoder-kit-questions.json", by_code)
    ids = list(json.loads((folder / "encoder-kit-questions.json").read_text())["questions"])
    with monkeypatch.context() as patched:
        patched.chdir(by_code)
        patched.setenv("ENCODER_KIT_STUDENT", STUDENT)
        for name in ("ENCODER_KIT_COURSE", "ENCODER_KIT_ASSIGNMENT", "ENCODER_KIT_ANSWERS"):
            patched.delenv(name, raising=False)
        for question_id in ids:
            answer(question_id, load_answer(question_id, folder).answer)
    points = {}
    for question_id in ids:
        question, variant = _question_and_variant(course, question_id, assignment)
        points[question_id] = grade_saved(question, by_code, variant=variant).points
    return points


# -- the tests ---------------------------------------------------------------------------------
def test_hw1_answered_with_widgets_saved_reopened_graded(page, lab, course, shots, tmp_path,
                                                         monkeypatch):
    from autograder import reference_answer

    hw = "hw1-pipeline"
    name = f"{hw}/{hw}.ipynb"
    open_notebook(page, lab, name)
    run_matching(page, SETUP_AND_SHOW)

    # 1. the ordering: drag, then keyboard; the last two steps swapped (partial credit)
    order_q, order_v = _question_and_variant(course, "hw1-order-encoder-steps", hw)
    w = widget(page, order_q.id)
    expect(w.locator("button.ek-save")).to_be_visible(timeout=WAIT)
    expect(w.locator("button.ek-check")).to_have_count(0)
    target = list(reference_answer(order_q, order_v))
    target[-1], target[-2] = target[-2], target[-1]
    arrange(page, w, target)
    save(w)
    no_verdict(w)
    expect(w.locator(".ek-saved-answer li").first).to_contain_text("1. ")
    screenshot(w, shots / "submit_mode.png")

    # 2. option buttons: a wrong option for the two stages, the right one for the vector
    stages_q, stages_v = _question_and_variant(course, "hw1-choice-two-stages", hw)
    view = stages_q.student_view(stages_v)
    right = reference_answer(stages_q, stages_v)
    wrong = next(o for o in view["options"] if o["id"] != right)
    c = widget(page, stages_q.id)
    c.locator("button.ek-save").click()  # nothing picked yet: advice, nothing saved
    expect(c.locator(".ek-feedback")).to_contain_text("Nothing was saved", timeout=WAIT)
    c.locator("label", has_text=wrong["text"]).first.click()
    save(c)
    no_verdict(c)
    vector_q, vector_v = _question_and_variant(course, "hw1-choice-sentence-vector", hw)
    vector_view = vector_q.student_view(vector_v)
    vector_right = reference_answer(vector_q, vector_v)
    v = widget(page, vector_q.id)
    v.locator("label", has_text=next(o["text"] for o in vector_view["options"]
                                     if o["id"] == vector_right)).first.click()
    save(v)

    # 3. the number field, saved with Enter
    tokens_q, tokens_v = _question_and_variant(course, "hw1-numeric-special-tokens", hw)
    n = widget(page, tokens_q.id)
    box = n.locator("input[type=text]")
    box.fill("lots")
    box.press("Enter")
    expect(n.locator(".ek-feedback")).to_contain_text("is not a number", timeout=WAIT)
    box.fill(str(reference_answer(tokens_q, tokens_v)))
    box.press("Enter")
    expect(n.locator(".ek-feedback")).to_contain_text("Saved", timeout=WAIT)
    no_verdict(n)

    # 4. reload the page, restart the kernel, run the cells again: the answers are there
    page.reload()
    open_notebook(page, lab, name)
    restart_kernel(page)
    run_matching(page, SETUP_AND_SHOW)
    w = widget(page, order_q.id)
    expect(w.locator(".ek-feedback")).to_contain_text("Your saved answer is shown",
                                                      timeout=WAIT)
    assert order_of(w) == target
    expect(widget(page, stages_q.id).locator("input[type=radio]:checked")).to_have_count(1)
    checked = widget(page, stages_q.id).locator("label:has(input:checked)")
    expect(checked).to_contain_text(wrong["text"][:40])
    expect(widget(page, tokens_q.id).locator("input[type=text]")).to_have_value(
        str(reference_answer(tokens_q, tokens_v)))

    # 5. before you submit: every question answered, the files named
    printed = "".join(run_matching(page, r"^from autograder\.course import check_all_answered\n"))
    assert "4 of 4 question(s) answered" in printed, printed
    assert "Hand in: hw1-pipeline.ipynb, encoder-kit-answers.json." in printed
    save_notebook(page)

    # 6. graded by the engine: each question's points equal those of answer()
    graded = submit_and_grade(course, lab, hw)
    by_code = points_through_answer(course, lab.root / hw, hw, tmp_path, monkeypatch)
    assert graded == pytest.approx(by_code), (graded, by_code)
    assert graded["hw1-choice-two-stages"] == 0.0
    assert 0 < graded["hw1-order-encoder-steps"] < order_q.points
    assert graded["hw1-numeric-special-tokens"] == tokens_q.points
    assert graded["hw1-choice-sentence-vector"] == vector_q.points

    # 7. the feedback file shows her answers in words, the points, wrapped feedback
    from encoder_kit.cli import main

    assert main(["course", "feedback", hw, "--course", str(course.root)]) == 0
    html_file = course.folder("feedback", STUDENT, hw) / f"{hw}.html"
    page.goto(html_file.as_uri())
    card = page.locator(".ek-result").first
    expect(card).to_contain_text("1. ")
    expect(card).to_contain_text("point(s)")
    wraps = card.locator(".ek-feedback-text").evaluate("e => getComputedStyle(e).whiteSpace")
    assert wraps == "pre-wrap"
    scroll = page.evaluate("() => document.documentElement.scrollWidth"
                           " <= document.documentElement.clientWidth + 1")
    assert scroll, "the feedback page scrolls sideways"
    screenshot(page.locator(".cell:has(.ek-result)").first, shots / "feedback.png")


def test_hw2_shape_fields_number_and_choice(page, lab, course, tmp_path, monkeypatch):
    from autograder import reference_answer

    hw = "hw2-shapes"
    name = f"{hw}/{hw}.ipynb"
    open_notebook(page, lab, name)
    run_matching(page, SETUP_AND_SHOW)
    ids = list(json.loads((lab.root / hw / "encoder-kit-questions.json").read_text())
               ["questions"])
    wrong = None  # the first shape question gets one wrong size
    for question_id in ids:
        question, variant = _question_and_variant(course, question_id, hw)
        key = reference_answer(question, variant)
        w = widget(page, question_id)
        expect(w.locator("button.ek-save")).to_be_visible(timeout=WAIT)
        kind = question.student_view(variant)["kind"]
        if kind == "shape":
            box = w.locator("input[type=text]")
            box.fill("(4, 24")  # not a shape: advice, nothing saved
            box.press("Enter")
            expect(w.locator(".ek-feedback")).to_contain_text("Nothing was saved",
                                                              timeout=WAIT)
            shape = list(key)
            if wrong is None:
                wrong = question_id
                shape[-1] += 1  # one wrong size: partial credit or none
            box.fill(" x ".join(map(str, shape)))
            save(w)
        elif kind == "numeric":
            w.locator("input[type=text]").fill(str(key))
            save(w)
        else:
            text = next(o["text"] for o in question.student_view(variant)["options"]
                        if o["id"] == key)
            w.locator("label", has_text=text).first.click()
            save(w)
        no_verdict(w)
    printed = "".join(run_matching(page, r"^from autograder\.course import check_all_answered\n"))
    assert f"{len(ids)} of {len(ids)} question(s) answered" in printed, printed
    save_notebook(page)
    graded = submit_and_grade(course, lab, hw)
    by_code = points_through_answer(course, lab.root / hw, hw, tmp_path, monkeypatch)
    assert graded == pytest.approx(by_code), (graded, by_code)
    assert wrong is not None and graded[wrong] < course.find_question(wrong).points
    assert all(graded[i] == course.find_question(i).points for i in ids if i != wrong), graded


def test_hw5_design_and_diagnosis_with_widgets(page, lab, course, shots, tmp_path,
                                               monkeypatch):
    from autograder import reference_answer

    hw = "hw5-ner"
    name = f"{hw}/{hw}.ipynb"
    open_notebook(page, lab, name)
    run_matching(page, SETUP_AND_SHOW)

    design_q, design_v = _question_and_variant(course, "hw5-design-ner", hw)
    view = design_q.student_view(design_v)
    labels = {c["id"]: c["label"] for c in view["palette"]}
    reference = reference_answer(design_q, design_v)
    w = widget(page, design_q.id)
    expect(w.locator("button.ek-save")).to_be_visible(timeout=WAIT)
    for component in reference["components"]:
        w.locator(f"button.ek-component-{component}").click()
        expect(w.locator(".ek-diagram")).to_contain_text(labels[component])
    # one arrow too many, taken away again
    extra = (reference["connections"][0][1], reference["connections"][0][0])
    for source, target in [*reference["connections"], extra]:
        w.locator(".ek-source select").select_option(label=labels[source])
        w.locator(".ek-target select").select_option(label=labels[target])
        w.locator("button.ek-connect").click()
        expect(w.locator(".ek-arrows")).to_contain_text(labels[target])
    w.locator(".ek-source select").select_option(label=labels[extra[0]])
    w.locator(".ek-target select").select_option(label=labels[extra[1]])
    w.locator("button.ek-disconnect").click()
    expect(w.locator(".ek-arrows li")).to_have_count(len(reference["connections"]))
    w.locator("textarea").fill("Each word needs its own vector, so the tagger reads per-word "
                               "vectors, not one pooled sentence vector.")
    save(w)
    no_verdict(w)
    expect(w.locator(".ek-saved-answer")).to_contain_text("→")
    screenshot(w, shots / "submit_mode_design.png")

    diag_q, diag_v = _question_and_variant(course, "hw5-diagnosis-sentence-head", hw)
    diag_view = diag_q.student_view(diag_v)
    diag_key = reference_answer(diag_q, diag_v)
    d = widget(page, diag_q.id)
    cause = next(o["text"] for o in diag_view["causes"] if o["id"] == diag_key["cause"])
    fix = next(o["text"] for o in diag_view["fixes"] if o["id"] != diag_key["fix"])
    d.locator(".ek-cause label", has_text=cause).first.click()
    d.locator(".ek-fix label", has_text=fix).first.click()
    save(d)
    no_verdict(d)

    page.reload()
    open_notebook(page, lab, name)
    restart_kernel(page)
    run_matching(page, SETUP_AND_SHOW)
    w = widget(page, design_q.id)
    expect(w.locator(".ek-feedback")).to_contain_text("Your saved answer is shown",
                                                      timeout=WAIT)
    expect(w.locator(".ek-arrows li")).to_have_count(len(reference["connections"]))
    printed = "".join(run_matching(page, r"^from autograder\.course import check_all_answered\n"))
    assert "2 of 2 question(s) answered" in printed, printed
    save_notebook(page)

    graded = submit_and_grade(course, lab, hw)
    by_code = points_through_answer(course, lab.root / hw, hw, tmp_path, monkeypatch)
    for question_id, points in by_code.items():
        assert graded[question_id] == pytest.approx(points), (question_id, graded, by_code)
    assert graded["hw5-design-ner"] > 0
    assert 0 < graded["hw5-diagnosis-sentence-head"] < diag_q.points
