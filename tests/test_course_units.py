"""The course workflow's parts, each on its own (fast; no notebook is graded here)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder import grade, reference_answer
from autograder.course import answer, check_answered, grade_cell, show
from autograder.course.commands.release import check_source, referenced_questions
from autograder.course.coursedir import Course, CourseError
from autograder.course.notebook.public import PublicQuestion, PublicQuestionError, public_question
from autograder.course.preprocessors import DropGradingRecords, KeepStderrOffTheGrade, LabelTests
from autograder.course.protocol import RESULT_MIME
from autograder.course.runner.executor import LocalExecutor
from autograder.course.sandbox.limits import Limits
from encoder_kit.questions import find_leaks, load_questions, make_variant

REPO = Path(__file__).resolve().parents[1]
EXERCISES = REPO / "exercises"
QUESTION_PATH = os.pathsep.join([str(EXERCISES / "questions"), str(EXERCISES / "code-questions")])
GRADED = load_questions(EXERCISES / "questions")
CODE = load_questions(EXERCISES / "code-questions")


@pytest.fixture
def instructor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A notebook folder on the instructor's side: graded questions on the path."""
    monkeypatch.setenv("ENCODER_KIT_QUESTION_PATH", QUESTION_PATH)
    monkeypatch.setenv("ENCODER_KIT_HIDDEN_DATA", str(EXERCISES / "hidden"))
    for name in ("ENCODER_KIT_COURSE", "ENCODER_KIT_ASSIGNMENT", "ENCODER_KIT_STUDENT",
                 "ENCODER_KIT_ANSWERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- the questions of the course ------------------------------------------------------------
def test_the_course_covers_every_concept_and_question_kind() -> None:
    concepts = {c for q in GRADED + CODE for c in q.concepts}
    assert concepts == {f"C{n}" for n in range(1, 12)}
    kinds = {getattr(q, "version_kind", q.kind) for q in GRADED + CODE}  # a pool: its versions'
    assert kinds >= {"ordering", "shape", "choice", "design", "diagnosis", "numeric", "code"}
    design = next(q for q in GRADED if getattr(q, "version_kind", q.kind) == "design")
    for version in design.versions:
        assert version.justification is not None and len(version.justification.rubric) >= 2


def test_every_source_notebook_names_only_known_questions() -> None:
    used = set()
    for source in sorted((EXERCISES / "source").iterdir()):
        used |= set(referenced_questions(source))
    known = {q.id for q in GRADED + CODE}
    assert used <= known
    assert len(list((EXERCISES / "source").iterdir())) >= 5


def test_public_questions_hold_no_secret_and_draw_the_graders_variant(tmp_path: Path) -> None:
    shown = [q for q in GRADED if getattr(q, "draw", None) is None]
    path = tmp_path / "public.json"
    path.write_text(json.dumps([public_question(q) for q in shown]))
    assert find_leaks([path], GRADED) == []
    for question in shown:
        stand_in = PublicQuestion(public_question(question))
        for student in ("ada", "ben", "chidi"):
            who = {"course": "c1", "assignment": "hw", "student": student}
            expected = make_variant(question, "c1", "hw", student) if question.is_variable else None
            assert stand_in.variant(who) == expected
            assert stand_in.view(who)["prompt"] == question.student_view(expected)["prompt"]


def test_a_question_that_draws_items_per_student_cannot_be_released() -> None:
    from encoder_kit.questions import load_bank

    drawn = next(q for q in load_bank() if getattr(q, "draw", None) is not None)
    with pytest.raises(PublicQuestionError, match="draw"):
        public_question(drawn)


# -- what a student calls -------------------------------------------------------------------
def test_show_and_answer_save_this_students_variant(instructor: Path, monkeypatch,
                                                     capsys) -> None:
    monkeypatch.setenv("ENCODER_KIT_STUDENT", "ada")
    monkeypatch.setenv("ENCODER_KIT_COURSE", "c1")
    monkeypatch.setenv("ENCODER_KIT_ASSIGNMENT", "hw2")
    values = show("hw2-shape-minilm-batch")
    question = next(q for q in GRADED if q.id == "hw2-shape-minilm-batch")
    assert values == make_variant(question, "c1", "hw2", "ada").values
    assert f"{values['batch']} product reviews" in capsys.readouterr().out
    answer("hw2-shape-minilm-batch", [values["batch"], values["seq_len"], 384])
    saved = json.loads((instructor / "encoder-kit-answers.json").read_text())
    record = saved["answers"]["hw2-shape-minilm-batch"]
    assert record["variant"]["identity"]["student"] == "ada"
    check_answered("hw2-shape-minilm-batch")
    assert grade_cell("hw2-shape-minilm-batch") == 2.0


def test_an_answer_for_another_students_numbers_is_withheld(instructor: Path,
                                                              monkeypatch) -> None:
    monkeypatch.setenv("ENCODER_KIT_COURSE", "c1")
    monkeypatch.setenv("ENCODER_KIT_ASSIGNMENT", "hw2")
    monkeypatch.setenv("ENCODER_KIT_STUDENT", "ada")
    values = show("hw2-shape-minilm-batch")
    answer("hw2-shape-minilm-batch", [values["batch"], values["seq_len"], 384])
    monkeypatch.setenv("ENCODER_KIT_STUDENT", "ben")  # the grader grades ben's folder
    assert grade_cell("hw2-shape-minilm-batch") == 0.0


def test_grade_cell_says_why_an_answer_is_missing_and_never_writes_stderr(
        instructor: Path, capsys) -> None:
    assert grade_cell("hw1-choice-two-stages") == 0.0
    out = capsys.readouterr()
    assert "encoder-kit-answers.json does not exist" in out.out and out.err == ""
    assert str(instructor) not in out.out  # the file is named, not the grading folder
    (instructor / "encoder-kit-answers.json").write_text('{"format": "encoder-kit-ans')
    assert grade_cell("hw1-choice-two-stages") == 0.0
    assert "not valid JSON" in capsys.readouterr().out
    assert grade_cell("no-such-question", "a") == 0.0
    out = capsys.readouterr()
    assert "no question with id 'no-such-question'" in out.out and out.err == ""
    with pytest.raises(AssertionError, match="not valid JSON"):
        check_answered("hw1-choice-two-stages")


def test_grade_cell_grades_every_kind_like_the_engine(instructor: Path, monkeypatch) -> None:
    who = {"course": "c1", "assignment": "hw", "student": "dev"}
    for name, value in who.items():
        monkeypatch.setenv(f"ENCODER_KIT_{name.upper()}", value)
    for question in GRADED:
        if getattr(question, "draw", None) is not None:
            continue
        variant = make_variant(question, **who) if question.is_variable else None
        right = reference_answer(question, variant)
        answer(question.id, right)
        assert grade_cell(question.id) == question.points, question.id
    ordering = next(q for q in GRADED if q.id == "hw1-order-encoder-steps")
    right = reference_answer(ordering, make_variant(ordering, **who))  # dev's version
    swapped = [*right[:2], right[3], right[2], *right[4:]]
    answer(ordering.id, swapped)
    assert grade_cell(ordering.id) == pytest.approx(grade(ordering, swapped).points, abs=1e-6)
    assert 0 < grade_cell(ordering.id) < ordering.points


# -- the checks behind the coding questions -------------------------------------------------
class _Lookup:
    """A 'classifier' that answers from a table (or with one label for everything)."""

    def __init__(self, table: dict[str, str] | None = None, default: str = "roads") -> None:
        self.table, self.default = table or {}, default

    def predict(self, texts):
        return [self.table.get(t, self.default) for t in texts]


def test_the_accuracy_check_reads_the_hidden_set_and_applies_the_bar(instructor: Path) -> None:
    from autograder.course.checks import CLASSIFIER_ACCURACY_BAR, score_classifier_accuracy
    from encoder_kit.data.exercises import read_labelled_tsv

    hidden = EXERCISES / "hidden"
    texts, labels = read_labelled_tsv(hidden / "city_requests_test.tsv")

    def score(predictions: list[str], refit_difference: float = 0.0) -> tuple:
        collected = {"predictions": predictions, "refit_difference": refit_difference}
        return score_classifier_accuracy(collected, hidden)

    assert score(labels)[0] == 1.0
    zero, feedback, _ = score(_Lookup().predict(texts))
    assert zero == 0.0 and "20.0%" in feedback and f"{CLASSIFIER_ACCURACY_BAR:.0%}" in feedback
    wrong = list(labels)
    wrong[: int(len(texts) * (1 - CLASSIFIER_ACCURACY_BAR)) + 2] = ["nowhere"] * (
        int(len(texts) * (1 - CLASSIFIER_ACCURACY_BAR)) + 2)
    assert score(wrong)[0] == 0.0
    # perfect predictions from a model that did not learn from the training data alone
    assert score(labels, refit_difference=0.3)[::2] == (0.0, ("not-training-data",))


def test_the_frozen_check_wants_a_frozen_encoder(instructor: Path) -> None:
    from sklearn.dummy import DummyClassifier
    from sklearn.pipeline import make_pipeline

    from autograder.course.checks import classifier_frozen
    from encoder_kit import FrozenEncoder

    with pytest.raises(AssertionError, match="no FrozenEncoder"):
        classifier_frozen(make_pipeline(DummyClassifier()))
    assert classifier_frozen(make_pipeline(FrozenEncoder(), DummyClassifier()))[0] == 1.0


def test_the_tagger_check_scores_entities(instructor: Path) -> None:
    from autograder.course.checks import tagger_f1
    from encoder_kit.conll import read_conll

    sentences, tags = read_conll(EXERCISES / "hidden" / "ner_test.conll")
    gold = {tuple(s): t for s, t in zip(sentences, tags, strict=True)}

    class Tagger:
        def __init__(self, perfect: bool) -> None:
            self.perfect = perfect

        def predict(self, batch):
            return [gold[tuple(s)] if self.perfect else ["O"] * len(s) for s in batch]

    assert tagger_f1(Tagger(True))[0] == 1.0
    score, feedback = tagger_f1(Tagger(False))
    assert score == 0.0 and "0.000" in feedback


def test_hidden_data_is_not_there_for_students(monkeypatch) -> None:
    from autograder.course.checks import classifier_accuracy

    monkeypatch.delenv("ENCODER_KIT_HIDDEN_DATA", raising=False)
    with pytest.raises(AssertionError, match="instructor's side only"):
        classifier_accuracy(_Lookup())


# -- preprocessors ----------------------------------------------------------------------------
def _test_cell(source: str, outputs: list) -> object:
    cell = new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 2}})
    cell.outputs = outputs
    return cell


def test_stderr_in_a_test_cell_no_longer_zeroes_it_but_errors_do() -> None:
    from nbgrader.utils import determine_grade

    warned = _test_cell("f()", [new_output("stream", name="stderr", text="Warning: slow\n"),
                                new_output("execute_result", data={"text/plain": "2.0"})])
    failed = _test_cell("f()", [new_output("error", ename="ValueError", evalue="x",
                                           traceback=[])])
    answer_cell = new_code_cell("x = 1", metadata={"nbgrader": {"solution": True,
                                                               "grade": False, "grade_id": "a"}})
    answer_cell.outputs = [new_output("stream", name="stderr", text="kept\n")]
    assert determine_grade(warned)[0] == 0  # stock nbgrader
    nb, _ = KeepStderrOffTheGrade().preprocess(new_notebook(cells=[warned, failed,
                                                                   answer_cell]), {})
    assert determine_grade(nb.cells[0]) == (2.0, 2)
    assert nb.cells[0].outputs[0].text == "[stderr] Warning: slow\n"
    assert determine_grade(nb.cells[1])[0] == 0
    assert nb.cells[2].outputs[0].name == "stderr"


def test_feedback_cells_lose_hidden_code_and_records_and_get_labels() -> None:
    hidden = _test_cell("check_answered('q')\n### BEGIN HIDDEN TESTS\nsecret_call()\n"
                        "### END HIDDEN TESTS",
                        [new_output("error", ename="AssertionError", evalue="no answer",
                                    traceback=["----> 1 check_answered('q')",
                                               "      3 secret_call()"]),
                         new_output("display_data", data={RESULT_MIME: {"score": 0}})])
    only_hidden = _test_cell("### BEGIN HIDDEN TESTS\nsecret_call()\n### END HIDDEN TESTS", [])
    public = _test_cell("assert True", [])
    nb = new_notebook(cells=[hidden, only_hidden, public])
    nb, _ = LabelTests().preprocess(nb, {})
    nb, _ = DropGradingRecords().preprocess(nb, {})
    text = json.dumps(nb)
    assert "secret_call" not in text and RESULT_MIME not in text
    assert nb.cells[0].source.startswith("# Public test with a hidden part")
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: no answer"]
    assert nb.cells[1].source.startswith("# Hidden test")
    assert nb.cells[2].source.startswith("# Public test:")


# -- release checks, limits, executor -------------------------------------------------------
def _course_copy(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text((EXERCISES / "nbgrader_config.py").read_text())
    for name in ("source", "questions", "code-questions", "hidden"):
        __import__("shutil").copytree(EXERCISES / name, root / name)
    return Course.open(root)


def test_release_refuses_unknown_questions_and_wrong_points(tmp_path: Path) -> None:
    course = _course_copy(tmp_path)
    assert "ENCODER_KIT_HIDDEN_DATA" in course.environment
    assert os.environ.get("ENCODER_KIT_HIDDEN_DATA") != course.environment[
        "ENCODER_KIT_HIDDEN_DATA"]  # opening a course leaves this process's environment alone
    questions, problems = check_source(course, "hw1-pipeline")
    assert problems == [] and len(questions) == 4
    path = course.source("hw1-pipeline") / "hw1-pipeline.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "test-hw1-order-encoder-steps":
            cell.metadata.nbgrader.points = 3
        if grade_id == "answer-hw1-choice-two-stages":
            cell.source = cell.source.replace("hw1-choice-two-stages", "hw1-choice-typo")
    nbformat.write(nb, path)
    _, problems = check_source(course, "hw1-pipeline")
    assert any("gives 3 points" in p and "worth 4" in p for p in problems)
    assert any("no question with id 'hw1-choice-typo'" in p for p in problems)
    with pytest.raises(CourseError, match="no assignment 'hw9'"):
        course.source("hw9")


def test_limits_say_how_to_fix_a_bad_value() -> None:
    assert Limits.for_course({"Execute": {"timeout": 60}}).cell_timeout == 60
    with pytest.raises(ValueError, match="--timeout"):
        Limits(notebook_timeout=-1)


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _die(code: int) -> None:
    os._exit(code)


def _fail(message: str) -> None:
    raise RuntimeError(message)


@pytest.mark.slow  # fresh processes: a few seconds each (make test, not test-fast)
def test_the_executor_reports_every_job_even_those_that_hang_crash_or_raise() -> None:
    executor = LocalExecutor(workers=2, timeout=3, start_method="fork")
    finished = dict(executor.run(_sleep, [0.1, 30]))
    assert finished[0.1].ok and finished[0.1].value == 0.1
    assert not finished[30].ok and "time limit" in finished[30].message
    [(_, crashed)] = list(executor.run(_die, [3]))
    assert not crashed.ok and "exited with 3" in crashed.message
    [(_, raised)] = list(executor.run(_fail, ["broken"]))
    assert not raised.ok and "RuntimeError: broken" in raised.message
