"""Graded homework answered with the widgets, as a student would (issue 17, items 1-3).

A released assignment folder is built here as ``release`` builds it (the public questions
file of the course's graded questions, never a key). Then, per question kind:

- the submit-mode widget shows the student's own version with **Save**, grades nothing and
  writes the same record as ``answer()``; both records get the same score from the grader;
- a widget opened again shows the saved answer;
- ``show`` prints the text view where widgets cannot render and displays the widget, with
  the text as a fallback, in a kernel;
- the "Before you submit" status lists answered / missing / malformed questions;
- the feedback preprocessor shows the student's answer in words and wraps the text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import reference_answer
from autograder.saved import grade_saved
from encoder_kit.questions import find_question, load_questions, make_variant
from encoder_kit.questions.files.answers_file import ANSWERS_FILENAME, load_answer
from encoder_kit.questions.files.released import (
    PUBLIC_FILENAME,
    PublicQuestion,
    read_public_questions,
    write_public_questions,
)

REPO = Path(__file__).resolve().parents[1]
COURSE_QUESTIONS = REPO / "exercises" / "questions"
WHO = {"course": "encoder-kit-course", "assignment": "hw-test", "student": "ada"}
WIDGET_KINDS = ("ordering", "choice", "shape", "numeric", "diagnosis", "design")


@pytest.fixture(scope="module")
def graded() -> dict[str, object]:
    """The course's graded questions with a widget kind, one per kind at least."""
    questions = load_questions(COURSE_QUESTIONS)
    return {q.id: q for q in questions
            if getattr(q, "version_kind", q.kind) in WIDGET_KINDS}


@pytest.fixture()
def released(tmp_path, monkeypatch, graded):
    """A released assignment folder for student ``ada`` (the kernel's working folder)."""
    monkeypatch.setenv("ENCODER_KIT_QUESTION_PATH", str(COURSE_QUESTIONS))
    folder = tmp_path / "hw-test"
    folder.mkdir()
    write_public_questions(graded.values(), folder, WHO["course"], WHO["assignment"])
    (folder / "hw-test.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("ENCODER_KIT_STUDENT", WHO["student"])
    monkeypatch.delenv("ENCODER_KIT_COURSE", raising=False)
    monkeypatch.delenv("ENCODER_KIT_ASSIGNMENT", raising=False)
    monkeypatch.delenv("ENCODER_KIT_ANSWERS", raising=False)
    monkeypatch.delenv("ENCODER_KIT_GRADER_SCORES", raising=False)
    return folder


def _no_grading(monkeypatch):
    """Any grading call from a submit-mode widget fails the test."""
    import autograder

    def refuse(*_args, **_kwargs):
        raise AssertionError("a submit-mode widget must not grade")

    monkeypatch.setattr(autograder, "grade", refuse)


def _record(path: Path, question_id: str) -> dict:
    entry = json.loads(path.read_text(encoding="utf-8"))["answers"][question_id]
    entry.pop("saved_at")
    return entry


def test_the_released_file_holds_no_key(released, graded):
    text = (released / PUBLIC_FILENAME).read_text(encoding="utf-8")
    for question in graded.values():
        for secret in question.secret_strings(include_feedback=True):
            assert " ".join(secret.split()) not in " ".join(text.split()), question.id
    kinds = {PublicQuestion(e).version_kind for e in read_public_questions()["questions"]
             .values()}
    assert set(WIDGET_KINDS) <= kinds, "the course should have every widget kind graded"


@pytest.mark.parametrize("kind", WIDGET_KINDS)
def test_save_writes_the_record_answer_writes_and_both_grade_the_same(
        kind, released, graded, monkeypatch, tmp_path):
    from autograder.course.notebook.student import answer
    from encoder_kit.widgets.submit import submit_widget

    question = next(q for q in graded.values() if getattr(q, "version_kind", q.kind) == kind)
    variant = make_variant(question, **WHO)
    stand_in = PublicQuestion(read_public_questions()["questions"][question.id])
    assert stand_in.variant(WHO).to_dict() == variant.to_dict()  # the grader's draw

    with monkeypatch.context() as patched:
        _no_grading(patched)
        widget = submit_widget(question.id, WHO)
        assert widget.check_button.description == "Save" and widget.submit_mode
        assert widget.view == {k: v for k, v in stand_in.view(WHO).items()}
        key = reference_answer(question, variant)
        if kind == "design":
            key = {**key, "justification": "Per-word vectors feed a tagger."}
        widget.set_answer(key)
        saved = widget.check()
    shown = widget.feedback.value
    assert saved is not None and "Saved" in shown
    for word in ("Correct", "Not yet", "Partly", "point"):
        assert word not in shown, f"submit mode showed {word!r}: {shown}"
    given = widget.get_answer()

    # the same answer through answer(), in another folder with the same questions file
    other = tmp_path / "by-code"
    other.mkdir()
    (other / PUBLIC_FILENAME).write_bytes((released / PUBLIC_FILENAME).read_bytes())
    monkeypatch.chdir(other)
    answer(question.id, given)
    by_widget = _record(released / ANSWERS_FILENAME, question.id)
    by_code = _record(other / ANSWERS_FILENAME, question.id)
    assert by_widget == by_code
    assert by_widget["attempts"] == 1 and by_widget["score"] is None
    assert by_widget["variant"] == variant.to_dict()

    scores = [grade_saved(question, folder, variant=variant).score
              for folder in (released, other)]
    assert scores[0] == scores[1]
    if kind != "design":  # the design's justification is graded by hand
        assert scores[0] == 1.0


def test_reopening_shows_the_saved_answer_and_counts_saves(released, graded):
    from encoder_kit.widgets.submit import submit_widget

    question = graded["hw1-order-encoder-steps"]
    first = submit_widget(question.id, WHO)
    order = list(reversed(first.get_answer()))
    first.set_answer(order)
    first.check()
    first.check()
    assert load_answer(question.id).attempts == 2
    again = submit_widget(question.id, WHO)
    assert again.get_answer() == order
    assert "Your saved answer is shown" in again.feedback.value
    assert "1. " in again.feedback.value  # the ordering as a numbered list
    assert "Saved 2 times" in again.attempts_label.value


def test_an_unfinished_answer_saves_nothing(released):
    from encoder_kit.widgets.submit import submit_widget

    widget = submit_widget("hw1-choice-two-stages", WHO)
    assert widget.check() is None
    assert "Nothing was saved" in widget.feedback.value
    assert "press Save" in widget.feedback.value
    assert not (released / ANSWERS_FILENAME).exists()


def test_show_prints_the_text_view_without_a_kernel(released, capsys):
    from encoder_kit.widgets import show

    assert show("hw1-numeric-special-tokens") is not None  # its numbers
    printed = capsys.readouterr().out
    assert "Positions BERT sees" in printed and "answer('hw1-numeric-special-tokens'" in printed


def test_show_in_a_kernel_displays_the_widget_with_the_text_as_fallback(released,
                                                                          monkeypatch,
                                                                          request):
    import IPython
    import IPython.display
    from IPython.core.interactiveshell import InteractiveShell

    from encoder_kit.widgets import submit

    if not InteractiveShell.initialized():
        # leave no shell behind: get_ipython() would find it in later tests
        request.addfinalizer(InteractiveShell.clear_instance)
    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    submit.show("hw1-order-encoder-steps")
    bundle, options = shown[-1]
    assert options.get("raw") is True
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "hw1-order-encoder-steps" in bundle["text/markdown"]

    # a grading kernel: the text only, no widget
    monkeypatch.setenv("ENCODER_KIT_GRADER_SCORES", "1")
    submit.show("hw1-order-encoder-steps")
    markdown = shown[-1][0]
    assert isinstance(markdown, IPython.display.Markdown)
    assert "hw1-order-encoder-steps" in markdown.data


def test_submission_status_lists_answered_missing_and_malformed(released, graded, capsys):
    from autograder.course.notebook.student import (
        answer,
        check_all_answered,
        submission_status,
    )

    status = submission_status()
    assert {q.state for q in status.questions} == {"missing"}
    assert status.hand_in == ("hw-test.ipynb", ANSWERS_FILENAME)
    with pytest.raises(AssertionError, match="not every question is answered"):
        check_all_answered()
    assert "MISSING" in capsys.readouterr().out

    ids = list(graded)
    for question_id in ids:
        question = graded[question_id]
        answer(question_id, reference_answer(question, make_variant(question, **WHO)))
    answer(ids[0], ["not-a-step"] if graded[ids[0]].version_kind == "ordering" else "zz")
    status = submission_status()
    states = {q.question_id: q for q in status.questions}
    assert states[ids[0]].state == "malformed" and "answer it again" in states[ids[0]].todo
    assert all(states[i].state == "answered" for i in ids[1:] if i != "hw5-design-ner")
    # a design without a justification is malformed: the justification is graded by hand
    assert states["hw5-design-ner"].state == "malformed"
    assert "justification" in states["hw5-design-ner"].todo
    assert not status.ready

    first = graded[ids[0]]
    answer(ids[0], reference_answer(first, make_variant(first, **WHO)))
    design = graded["hw5-design-ner"]
    answer(design.id, {**reference_answer(design, make_variant(design, **WHO)),
                       "justification": "A tag per word needs a vector per word."})
    check_all_answered()
    out = capsys.readouterr().out
    assert f"{len(ids)} of {len(ids)} question(s) answered" in out
    assert "Hand in: hw-test.ipynb, encoder-kit-answers.json." in out


def test_an_answer_for_another_version_is_malformed(released, monkeypatch):
    from autograder.course.notebook.student import answer, submission_status

    answer("hw1-numeric-special-tokens", 12)
    monkeypatch.setenv("ENCODER_KIT_STUDENT", "ben")  # another identity draws other numbers
    status = {q.question_id: q for q in submission_status().questions}
    assert status["hw1-numeric-special-tokens"].state == "malformed"
    assert "another version" in status["hw1-numeric-special-tokens"].todo


def _test_cell(question_id: str, answer: object, feedback: str, score: float) -> object:
    from nbformat.v4 import new_code_cell, new_output

    from autograder.course.protocol import RESULT_MIME

    cell = new_code_cell("# Hidden test", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": f"test-{question_id}", "points": 4,
        "locked": True}})
    record = {"question_id": question_id, "answer": answer, "score": score,
              "points": 4 * score, "max_points": 4, "flags": [], "student": "ada"}
    cell.outputs = [
        new_output("stream", name="stdout", text=f"A title: {4 * score:g} / 4 point(s)\n"
                                                 f"{feedback}\n"),
        new_output("display_data", data={RESULT_MIME: record}),
        new_output("execute_result", data={"text/plain": str(4 * score)}, execution_count=1),
    ]
    return cell


def test_feedback_shows_the_answer_in_words_and_wraps(monkeypatch, graded):
    from nbformat.v4 import new_notebook

    from autograder.course.preprocessors import DropGradingRecords, ReadableResults

    monkeypatch.setenv("ENCODER_KIT_QUESTION_PATH", str(COURSE_QUESTIONS))
    monkeypatch.setenv("ENCODER_KIT_COURSE", WHO["course"])
    order_q, design_q = graded["hw1-order-encoder-steps"], graded["hw5-design-ner"]
    resources = {"nbgrader": {"student": "ada", "assignment": WHO["assignment"]}}
    order_view = order_q.student_view(make_variant(order_q, **WHO))
    design_view = design_q.student_view(make_variant(design_q, **WHO))
    steps = [item["id"] for item in order_view["items"]][:3]
    palette = design_view["palette"]
    design = {"components": [palette[0]["id"], palette[1]["id"]],
              "connections": [[palette[0]["id"], palette[1]["id"]]]}
    long_line = "This step comes too late: " + "the word pieces go first " * 20
    nb = new_notebook(cells=[_test_cell(order_q.id, steps, long_line, 0.5),
                             _test_cell(design_q.id, design, "Two arrows are missing.", 0.25)])
    for step in (ReadableResults(), DropGradingRecords()):
        nb, _ = step.preprocess(nb, resources)
    order_html = nb.cells[0].outputs[0]["data"]["text/html"]
    for n, step_id in enumerate(steps, start=1):
        text = next(i["text"] for i in order_view["items"] if i["id"] == step_id)
        assert f"<li>{n}. " in order_html and text.split()[0] in order_html
    assert "2 / 4 point(s)" in order_html and "white-space:pre-wrap" in order_html
    assert "overflow-wrap:anywhere" in order_html and "the word pieces go first" in order_html
    design_html = nb.cells[1].outputs[0]["data"]["text/html"]
    assert f"{palette[0]['label']} → {palette[1]['label']}" in design_html.replace(
        "&gt;", ">")
    assert "Components (2):" in design_html and "Arrows (1):" in design_html
    for question in (order_q, design_q):  # never the explanation
        for version in getattr(question, "versions", None) or [question]:
            assert " ".join(version.explanation.split())[:60] not in " ".join(
                (order_html + design_html).split())
    # the machine-readable records are gone, the points (execute_result) stay
    kinds = [o["output_type"] for o in nb.cells[0].outputs]
    assert kinds == ["display_data", "execute_result"]


def test_find_question_still_reaches_released_ids(released):
    # the stand-in's id is the slot id the notebook uses; the grader finds the same id
    data = read_public_questions()
    for question_id in data["questions"]:
        assert find_question(question_id).id == question_id


def test_without_the_questions_file_the_status_is_not_ready(tmp_path, monkeypatch, capsys):
    from autograder.course.notebook.student import check_all_answered

    monkeypatch.chdir(tmp_path)
    (tmp_path / "hw-test.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(AssertionError):
        check_all_answered()
    assert "encoder-kit-questions.json is missing" in capsys.readouterr().out


def test_an_assignment_of_coding_questions_only_is_ready(tmp_path, monkeypatch, capsys):
    from autograder.course.notebook.student import check_all_answered

    monkeypatch.chdir(tmp_path)
    write_public_questions([], tmp_path, WHO["course"], "hw4-classifier")
    (tmp_path / "hw4-classifier.ipynb").write_text("{}", encoding="utf-8")
    check_all_answered()
    assert "Hand in: hw4-classifier.ipynb." in capsys.readouterr().out


def test_nbconvert_shows_the_text_where_the_widget_cannot_render(released):
    """A notebook saved with show()'s output, exported without widget state (nbconvert,
    nbgrader's feedback): the question's text is shown instead of the widget."""
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from encoder_kit.questions.files.released import lookup, text_view

    stand_in, data = lookup("hw1-choice-two-stages")
    text = text_view(stand_in.view(WHO))
    cell = new_code_cell('show("hw1-choice-two-stages")')
    cell.outputs = [new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "0f3a", "version_major": 2,
                                                     "version_minor": 0},
        "text/markdown": text, "text/plain": text})]
    body, _ = HTMLExporter().from_notebook_node(new_notebook(cells=[cell]))
    # rendered as Markdown (the title in bold), not as the widget's empty placeholder
    assert "<strong>Which data for which stage</strong>" in body
