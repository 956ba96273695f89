"""The widget for practice ``code`` questions: Check tests the function the notebook holds."""

from __future__ import annotations

import pytest

from encoder_kit.questions import load_bank
from encoder_kit.widgets import CodeQuestionWidget, quiz, widget_for

GOOD = {
    "practice-code-mean-pool": (
        "def mean_pool(v, m):\n"
        "    kept = [x for x, keep in zip(v, m) if keep]\n"
        "    return [sum(c) / len(kept) for c in zip(*kept)]\n"),
    "practice-code-align-labels": (
        "def align_labels(labels, word_ids):\n"
        "    out, previous = [], None\n"
        "    for w in word_ids:\n"
        "        out.append(-100 if w is None or w == previous else labels[w])\n"
        "        previous = w\n"
        "    return out\n"),
    "practice-code-bio-spans": (
        "def bio_to_spans(tags):\n"
        "    spans, open_ = [], None\n"
        "    for i, tag in enumerate(tags + ['O']):\n"
        "        kind, _, label = tag.partition('-')\n"
        "        if open_ and (kind != 'I' or label != open_[0]):\n"
        "            spans.append((open_[0], open_[1], i)); open_ = None\n"
        "        if kind in ('B', 'I') and open_ is None:\n"
        "            open_ = (label, i)\n"
        "    return spans\n"),
}


def test_every_practice_code_question_gets_the_code_widget():
    code_ids = {q.id for q in load_bank() if q.kind == "code"}
    assert code_ids == set(GOOD)
    for question_id in code_ids:
        assert isinstance(widget_for(question_id, namespace={}), CodeQuestionWidget)
    shown = quiz(sorted(code_ids))
    assert not shown.problems and len(shown.widgets) == 3


@pytest.mark.parametrize("question_id", sorted(GOOD))
def test_a_right_function_scores_full_marks_and_nothing_is_saved(question_id, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    widget = CodeQuestionWidget(question_id, namespace=namespace, answers_path=tmp_path)
    exec(GOOD[question_id], namespace)
    result = widget.check()
    assert result.score == 1.0, result.feedback
    assert "Correct" in widget.feedback.value and widget.attempts == 1
    assert widget.explain_button.layout.display == ""  # explanation offered after an attempt
    assert list(tmp_path.iterdir()) == []  # a function is not saved to the answers file


def test_missing_starter_and_non_function_cost_no_attempt():
    namespace: dict = {}
    widget = CodeQuestionWidget("practice-code-mean-pool", namespace=namespace)
    assert widget.check() is None and "There is no mean_pool yet" in widget.feedback.value
    namespace["mean_pool"] = 3
    assert widget.check() is None and "not a function" in widget.feedback.value
    starter = load_bank()  # the question's own starter, as the notebook cell holds it
    starter = next(q for q in starter if q.id == "practice-code-mean-pool").starter
    exec("# a comment the student left\n" + starter, namespace)
    assert widget.check() is None and "still the starter" in widget.feedback.value
    assert widget.attempts == 0


def test_a_wrong_function_gets_the_tests_feedback_and_a_redefinition_is_checked_anew():
    namespace: dict = {}
    widget = CodeQuestionWidget("practice-code-mean-pool", namespace=namespace)
    exec("def mean_pool(v, m):\n    print('debug', len(v))\n"
         "    return [sum(c) / len(v) for c in zip(*v)]\n", namespace)
    result = widget.check()
    assert result.score == 0 and "Padding (mask 0) must not count" in widget.feedback.value
    assert "Your function printed" in widget.feedback.value and "debug" in widget.feedback.value
    widget.check()  # the same function again: no new attempt
    assert widget.attempts == 1 and "already checked" in widget.feedback.value
    exec(GOOD["practice-code-mean-pool"], namespace)  # the cell edited and run again
    assert widget.check().score == 1.0 and widget.attempts == 2


def test_a_crashing_function_is_a_zero_with_the_error_named():
    namespace: dict = {}
    widget = CodeQuestionWidget("practice-code-bio-spans", namespace=namespace)
    exec("def bio_to_spans(tags):\n    return 1 / 0\n", namespace)
    assert widget.check().score == 0
    assert "ZeroDivisionError" in widget.feedback.value


def test_outside_a_kernel_the_widget_says_how_to_pass_the_namespace():
    widget = CodeQuestionWidget("practice-code-align-labels")  # no IPython shell in pytest
    assert widget.check() is None and "namespace=globals()" in widget.feedback.value


def test_a_graded_code_question_is_refused_with_the_way_to_answer_it():
    class Graded:  # what a released notebook's keyless stand-in offers
        id, kind, graded, answer_name = "hw5-code-align", "code", True, "align_labels"

    with pytest.raises(TypeError, match=r"graded code question.*check\('hw5-code-align'"):
        CodeQuestionWidget(Graded())
