"""Question widgets, quiz() and saved answers, driven in-process (no browser, no model)."""

from __future__ import annotations

import json

import pytest

from encoder_kit.questions import find_question
from encoder_kit.widgets import (
    AnswerFileError,
    ChoiceWidget,
    DesignWidget,
    DiagnosisWidget,
    NumericWidget,
    OrderingWidget,
    ShapeWidget,
    grade_saved,
    load_answer,
    quiz,
    save_answer,
    widget_for,
)


@pytest.fixture()
def answers(tmp_path, monkeypatch):
    """Widgets save into a fresh folder, as if the notebook were there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENCODER_KIT_ANSWERS", raising=False)
    return tmp_path / "encoder-kit-answers.json"


def text_of(widget) -> str:
    return widget.feedback.value


# -- saved answers ------------------------------------------------------------------------

def test_save_then_load_round_trip(answers):
    save_answer("q1", ["a", "b"], kind="ordering", attempts=2, score=0.5)
    save_answer("q2", "c")
    saved = load_answer("q1")
    assert (saved.answer, saved.kind, saved.attempts, saved.score) == (["a", "b"], "ordering", 2, 0.5)
    assert saved.saved_at.endswith("Z")
    assert load_answer("q2").answer == "c"
    assert [p.name for p in answers.parent.iterdir()] == [answers.name]  # no temp files left


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    ("", "is empty"),
    ("   \n", "is empty"),
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "not an encoder-kit answers file"),
    ('{"format": "encoder-kit-answers", "answers": []}', "no 'answers' object"),
    ('{"format": "encoder-kit-answers", "answers": {"q1": {"kind": "x"}}}', "malformed"),
    ('{"format": "encoder-kit-answers", "answers": {}}', "no saved answer for question"),
])
def test_bad_answer_files_give_a_clear_message_and_a_zero(answers, content, message):
    if content is not None:
        answers.write_text(content, encoding="utf-8")
    with pytest.raises(AnswerFileError, match=message):
        load_answer("q1")
    question = find_question("practice-pipeline-order")
    save = content is not None and "q1" in content
    result = grade_saved(question.id, answers) if not save else None
    if result is not None:
        assert result.score == 0.0 and result.points == 0.0
        assert result.max_points == question.points
        assert result.feedback  # says what is wrong, never a traceback


def test_grade_saved_never_raises_for_an_unknown_question(answers, capsys):
    result = grade_saved("no-such-question", answers, show=True)
    assert result.score == 0.0 and "no question with id 'no-such-question'" in result.feedback
    assert "no-such-question" in capsys.readouterr().out


def test_grade_saved_grades_what_the_widget_saved(answers):
    w = OrderingWidget("practice-pipeline-order")
    w.set_answer(list(w.question.order))
    assert w.check().score == 1.0
    data = json.loads(answers.read_text())
    entry = data["answers"]["practice-pipeline-order"]
    assert entry["answer"] == list(w.question.order) and entry["attempts"] == 1
    assert entry["kind"] == "ordering" and entry["variant"] is None
    assert grade_saved("practice-pipeline-order").score == 1.0


def test_a_damaged_file_is_moved_aside_on_the_next_check(answers):
    answers.write_text("{half a file", encoding="utf-8")
    w = ChoiceWidget("practice-pipeline-head-input")
    w.set_answer(w.question.correct_ids()[0])
    assert w.check().score == 1.0
    assert (answers.parent / (answers.name + ".damaged")).read_text() == "{half a file"
    assert load_answer(w.question.id).answer == w.question.correct_ids()[0]


def test_an_unwritable_answers_path_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    w = ChoiceWidget("practice-pipeline-head-input", answers_path=blocker / "sub" / "a.json")
    w.set_answer(w.question.correct_ids()[0])
    assert w.check().score == 1.0
    assert "could not be saved" in text_of(w)


def test_restore_puts_the_saved_answer_back(answers):
    w = ShapeWidget("practice-shape-padded-batch")
    w.text.value = "(4, 24, 768)"
    w.check()
    again = ShapeWidget("practice-shape-padded-batch")
    assert again.restore() and again.text.value == "(4, 24, 768)"
    assert not ShapeWidget("practice-shape-single-sentence").restore()


# -- the Check cycle ----------------------------------------------------------------------

def test_ordering_partial_credit_attempts_and_explanation(answers):
    w = OrderingWidget("practice-pipeline-order")
    assert w.explain_button.layout.display == "none"
    w.show_explanation()  # not offered before an attempt
    assert w.explanation.value == ""
    key = list(w.question.order)
    w.set_answer([key[1], key[0], *key[2:]])
    result = w.check()
    assert 0 < result.score < 1 and "Partly right" in text_of(w)
    assert w.attempts == 1 and w.explain_button.layout.display == ""
    w.show_explanation()
    assert "Explanation" in w.explanation.value
    w.move(key[0], -1)
    assert w.check().score == 1.0 and w.attempts == 2 and "Correct" in text_of(w)


def test_empty_ordering_costs_no_attempt(answers):
    w = OrderingWidget("practice-pipeline-order")
    w.order_list.order = []
    assert w.check() is None
    assert "ordering is empty" in text_of(w) and w.attempts == 0
    assert not answers.exists()


def test_check_pressed_twice_on_the_same_answer(answers):
    w = ChoiceWidget("practice-pipeline-head-input")
    wrong = next(o.id for o in w.question.options if not o.correct)
    w.set_answer(wrong)
    first = w.check()
    second = w.check()
    assert first is second and w.attempts == 1
    assert "already checked this answer" in text_of(w)
    assert "Not yet" in text_of(w)  # the earlier feedback stays in view
    option = next(o for o in w.question.options if o.id == wrong)
    assert option.feedback.split()[0] in text_of(w)


def test_check_while_busy_is_ignored(answers):
    w = ChoiceWidget("practice-pipeline-head-input")
    w._busy = True
    assert w.check() is None and w.attempts == 0


@pytest.mark.parametrize("typed, message", [
    ("", "Type a shape first"),
    ("(4, 24", "Cannot read"),
    ("four by twenty", "Cannot read"),
    ("(4, -2, 768)", "Cannot read"),
])
def test_unparseable_shapes_get_advice(answers, typed, message):
    w = ShapeWidget("practice-shape-padded-batch")
    w.text.value = typed
    assert w.check() is None and w.attempts == 0
    assert message in text_of(w) and "No attempt was counted" in text_of(w)


def test_shape_right_and_wrong(answers):
    w = ShapeWidget("practice-shape-padded-batch")
    expected = w.question.expected_shape()
    w.text.value = " x ".join(map(str, reversed(expected)))
    assert w.check().score < 1
    w.text.value = str(tuple(expected))
    assert w.check().score == 1.0
    assert load_answer(w.question.id).answer == list(expected)


def test_choice_needs_a_pick(answers):
    w = ChoiceWidget("practice-pipeline-head-input")
    assert w.check() is None and "Pick one of the options" in text_of(w)


def test_numeric_rejects_text(answers):
    w = NumericWidget("practice-mlm-mask-count")
    w.text.value = "about ten"
    assert w.check() is None and "is not a number" in text_of(w)


def test_design_empty_forbidden_and_correct(answers):
    w = DesignWidget("practice-ner-design")
    q = w.question
    assert w.check() is None and "Your design is empty" in text_of(w)
    w.connect()  # nothing placed: advice, no crash
    assert "Place at least two components" in text_of(w)
    reference = q.reference_answer()
    for cid in [*reference["components"], q.forbidden[0]]:
        w.palette[cid].value = True
    w.connect(reference["components"][0], reference["components"][0])
    assert "two different components" in text_of(w)
    for source, target in reference["connections"]:
        w.connect(source, target)
    result = w.check()
    assert result.score < 1 and q.component(q.forbidden[0]).label in text_of(w)
    w.palette[q.forbidden[0]].value = False
    assert w.check().score == 1.0
    w.connect(*reversed(reference["connections"][0]))  # a reversed arrow costs credit
    assert w.check().score < 1 and "points the wrong way" in text_of(w)
    w.disconnect(*reversed(reference["connections"][0]))
    assert w.check().score == 1.0
    w.disconnect(*reversed(reference["connections"][0]))
    assert "There is no such arrow" in text_of(w)
    first = reference["connections"][0][0]
    w.palette[first].value = False  # removing a component drops its arrows
    assert all(first not in c for c in w.connections)


def test_diagnosis_needs_cause_and_fix(answers):
    w = DiagnosisWidget("practice-diagnose-pooled-ner")
    q = w.question
    w.cause.value = next(o.id for o in q.causes if o.correct)
    assert w.check() is None and "Choose a fix" in text_of(w)
    w.fix.value = next(o.id for o in q.fixes if o.correct)
    assert w.check().score == 1.0


def test_diagnosis_draws_the_loss_curve():
    q = next(q for q in __import__("encoder_kit.questions", fromlist=["load_bank"]).load_bank()
             if q.kind == "diagnosis" and q.symptom.loss_curve is not None)
    assert "<svg" in DiagnosisWidget(q).symptom.value


def test_a_grading_failure_becomes_a_message(answers, monkeypatch):
    import autograder

    def broken(*_args, **_kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(autograder, "grade", broken)
    w = ChoiceWidget("practice-pipeline-head-input")
    w.set_answer(w.question.correct_ids()[0])
    result = w.check()
    assert result.score == 0 and "could not be graded" in text_of(w)
    assert "Traceback" not in text_of(w)


def test_an_unexpected_error_never_reaches_the_student(answers, monkeypatch):
    w = ChoiceWidget("practice-pipeline-head-input")
    monkeypatch.setattr(w, "get_answer", lambda: 1 / 0)
    assert w.check() is None
    assert "Something went wrong" in text_of(w) and not w.check_button.disabled


def test_graded_questions_only_save(answers):
    q = find_question("practice-pipeline-head-input").model_copy(update={"graded": True})
    w = ChoiceWidget(q)
    w.set_answer(q.correct_ids()[0])
    w.check()
    assert "graded later" in text_of(w) and "Correct" not in text_of(w)
    assert w.explain_button.layout.display == "none"
    assert load_answer(q.id).score is None


def test_variant_is_saved_with_the_answer(answers, monkeypatch):
    for name, value in (("COURSE", "nlp"), ("ASSIGNMENT", "hw1"), ("STUDENT", "ada")):
        monkeypatch.setenv(f"ENCODER_KIT_{name}", value)
    q = next(q for q in __import__("encoder_kit.questions", fromlist=["load_bank"]).load_bank()
             if q.kind == "shape" and q.is_variable)
    w = ShapeWidget(q)
    w.text.value = str(tuple(q.expected_shape(w.variant)))
    assert w.check().score == 1.0
    saved = load_answer(q.id)
    assert saved.variant["identity"]["student"] == "ada"
    assert grade_saved(q.id).score == 1.0


# -- quiz ---------------------------------------------------------------------------------

def test_quiz_by_concept_and_id():
    q = quiz(["C10", "practice-pipeline-order"])
    ids = [w.question.id for w in q.widgets]
    assert "practice-ner-design" in ids and "practice-pipeline-order" in ids
    assert all("C10" in w.question.concepts or w.question.id == "practice-pipeline-order"
               for w in q.widgets)
    assert q.total() == (0, sum(w.question.points for w in q.widgets))


@pytest.mark.parametrize("selection, message", [
    ("no-such-question", "no question with id 'no-such-question'"),
    ("C12", "There is no concept 'C12'"),
    (5, "quiz() takes a concept"),
    ([], "quiz() takes a concept"),
])
def test_quiz_explains_bad_selections(selection, message):
    q = quiz(selection)
    assert q.problems and message in q.problems[0]
    assert "ek-quiz-problem" in q.children[0]._dom_classes


def test_widget_for_picks_by_kind_and_checks_it():
    assert isinstance(widget_for("practice-ner-design"), DesignWidget)
    with pytest.raises(TypeError, match="use encoder_kit.quiz"):
        ShapeWidget("practice-pipeline-order")
    with pytest.raises(LookupError, match="no question with id"):
        widget_for("nope")


def test_quiz_is_exported_lazily():
    import encoder_kit

    assert encoder_kit.quiz is quiz
