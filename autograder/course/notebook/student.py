"""What a student calls in a released notebook: ``show`` a question, save an ``answer``.

``show("id")`` displays the student's own version of a question (their numbers, the options,
items or components with their ids) and returns the numbers. ``answer("id", value)`` saves
the answer, with the version it was given for, to ``encoder-kit-answers.json`` beside the
notebook: the same file the widgets write (:mod:`encoder_kit.questions.files.answers_file`), which is
handed in with the notebook and graded by the hidden test cells.

Questions come from ``encoder-kit-questions.json`` beside the notebook (written by
``encoder-kit course release``), else from the instructor's question path. The student is
``$ENCODER_KIT_STUDENT``, else ``$JUPYTERHUB_USER`` (the nbgrader student id on a hub), else
the login name; course and assignment come from the questions file (or
``$ENCODER_KIT_COURSE`` / ``$ENCODER_KIT_ASSIGNMENT``).

This ``show`` gives the text view. A released notebook imports ``show`` from
:mod:`encoder_kit.widgets` instead, which displays the question's widget in submit mode (Save,
no score) where widgets render and this same text elsewhere; both save the same record as
``answer()`` (:func:`encoder_kit.questions.files.released.save_student_answer`).

Before submitting, ``check_all_answered()`` (the public test of an assignment's last cell)
lists every question as answered, missing or malformed, with what to do, and the files to
hand in; ``submission_status()`` returns the same as data.

>>> import os, tempfile
>>> here = os.getcwd(); os.chdir(tempfile.mkdtemp())
>>> answer("practice-pipeline-order", ["tokens", "embeddings", "encoder", "head", "output"])
Saved your answer to 'practice-pipeline-order' in encoder-kit-answers.json (graded later).
>>> os.chdir(here)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from encoder_kit.questions.files.released import (
    PUBLIC_FILENAME,
    PublicQuestion,
    describe_answer,
    lookup,
    read_public_questions,
    save_student_answer,
    text_view,
)
from encoder_kit.questions.files.released import identity as _identity

__all__ = ["BEFORE_YOU_SUBMIT_MARKDOWN", "BEFORE_YOU_SUBMIT_TEST", "NOTEBOOK_SETUP",
           "QuestionStatus", "SubmissionStatus", "answer", "check_all_answered",
           "check_answered", "identity", "show", "submission_status"]

# The cells a released assignment is built with (exercises/tools/build_sources.py uses them).
#: the setup cell: ``show`` displays each question's widget with Save where widgets render
#: (JupyterLab, Notebook 7, VS Code) and this module's text view elsewhere
NOTEBOOK_SETUP = ("from autograder.course import answer, check_all_answered, check_answered\n"
                  "from encoder_kit.widgets import show")
#: the last cells: a heading, then a test cell (0 points) that fails until all is answered
BEFORE_YOU_SUBMIT_MARKDOWN = (
    "## Before you submit\n\nRun the cell below. It lists every question as answered, "
    "missing or malformed (with what to do) and names the files to hand in. It passes only "
    "when every question is answered, so nbgrader's *Validate* tells you too.")
#: (self-contained, so that it also works in a notebook without the setup cell, e.g. hw4)
BEFORE_YOU_SUBMIT_TEST = "from autograder.course import check_all_answered\n\ncheck_all_answered()"


def _lookup(question_id: str) -> tuple[PublicQuestion, dict[str, Any]]:
    """The stand-in for ``question_id`` and the file it came from (course and assignment)."""
    return lookup(question_id)


def identity(data: dict[str, Any] | None = None) -> dict[str, str]:
    """Course, assignment and student whose version of the questions this kernel shows."""
    return _identity(data)


def _markdown(view: dict[str, Any]) -> str:
    return text_view(view)


def show(question_id: str) -> dict[str, int] | None:
    """Display your version of a question as text; return its numbers (None when it has
    none). ``encoder_kit.widgets.show`` shows its widget where widgets render."""
    stand_in, data = _lookup(question_id)
    who = identity(data)
    text = _markdown(stand_in.view(who))
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        in_kernel = get_ipython() is not None
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        in_kernel = False
    if in_kernel:
        display(Markdown(text))
    else:
        print(text)
    return stand_in.values_for(who) or None


def answer(question_id: str, value: Any) -> None:
    """Save ``value`` as your answer to ``question_id`` (replacing an earlier one)."""
    stand_in, data = _lookup(question_id)
    path = save_student_answer(stand_in, value, identity(data))
    print(f"Saved your answer to {question_id!r} in {path.name} (graded later).")


def check_answered(question_id: str) -> None:
    """A public test: an answer to ``question_id`` is saved and readable (not graded here)."""
    from encoder_kit.questions.files.answers_file import AnswerFileError, answers_path, load_answer

    try:
        saved = load_answer(question_id)
    except AnswerFileError as error:
        target = answers_path()
        raise AssertionError(str(error).replace(str(target), target.name)) from None
    print(f"An answer to {question_id!r} is saved (attempt {saved.attempts}); it is graded "
          "after you submit.")


# -- before you submit ---------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionStatus:
    """One question before submission: ``state`` is "answered", "missing" or "malformed";
    ``todo`` says what to do (empty when answered); ``saved`` the answer in words."""

    question_id: str
    title: str
    state: str
    todo: str = ""
    saved: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmissionStatus:
    """Every question of the assignment and the files to hand in."""

    assignment: str
    questions: tuple[QuestionStatus, ...]
    hand_in: tuple[str, ...]
    problem: str = ""  # the answers file as a whole cannot be read

    @property
    def ready(self) -> bool:
        """True when every question is answered."""
        return not self.problem and all(q.state == "answered" for q in self.questions)

    def text(self) -> str:
        """The status as text, one line per question."""
        marks = {"answered": "[x] answered", "missing": "[ ] MISSING", "malformed": "[!] MALFORMED"}
        lines = [f"Before you submit {self.assignment}:"]
        if self.problem:
            lines.append(f"  The answers file cannot be read: {self.problem}")
        for q in self.questions:
            lines.append(f"  {marks[q.state]:<15} {q.title} ({q.question_id})")
            if q.state == "answered" and q.saved:
                lines += [f"{'':19}{line}" for line in q.saved]
            if q.todo:
                lines.append(f"{'':19}-> {q.todo}")
        if not self.questions:
            lines.append("  No question of this assignment is answered with answer() or a "
                         "widget.")
        done = sum(q.state == "answered" for q in self.questions)
        lines.append(f"{done} of {len(self.questions)} question(s) answered. Hand in: "
                     + ", ".join(self.hand_in) + ".")
        if not self.ready:
            lines.append("Not ready to submit yet: do what the lines marked -> say, then run "
                         "this cell again.")
        return "\n".join(lines)


def _form_problem(view: dict[str, Any], value: Any) -> str:
    """Why ``value`` is not an answer of the form the question asks for ("" when it is)."""
    kind = view.get("kind")

    def ids(field: str) -> set[str]:
        return {entry.get("id") for entry in view.get(field) or []}

    if kind == "ordering":
        if not isinstance(value, list) or not value:
            return "an ordering is a non-empty list of step ids"
        unknown = [v for v in value if v not in ids("items")]
        if unknown:
            return f"{unknown} are not steps of your version of the question"
        if len(set(value)) != len(value):
            return "a step appears twice in the ordering"
    elif kind == "choice":
        chosen = value if view.get("multiple") and isinstance(value, list) else [value]
        if not chosen or any(v not in ids("options") for v in chosen):
            return f"{value!r} is not one of the options' ids"
    elif kind == "diagnosis":
        if not isinstance(value, dict) or value.get("cause") not in ids("causes") \
                or value.get("fix") not in ids("fixes"):
            return 'a diagnosis is {"cause": <a cause id>, "fix": <a fix id>} of your version'
    elif kind == "design":
        if not isinstance(value, dict) or not isinstance(value.get("components"), list):
            return 'a design is {"components": [ids], "connections": [[from, to], ...]}'
        unknown = [c for c in value["components"] if c not in ids("palette")]
        if unknown:
            return f"{unknown} are not components of the palette"
        if view.get("justification") and not str(value.get("justification") or "").strip():
            return "the justification is empty (it is graded by hand)"
    elif kind == "shape":
        from autograder import ShapeError, parse_shape

        try:
            parse_shape(value)
        except (ShapeError, TypeError, ValueError) as error:
            return f"{value!r} is not a shape ({error})"
    elif kind == "numeric":
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            return f"{value!r} is not a number"
    return ""


def _hand_in(folder: Path, answered_here: bool) -> tuple[str, ...]:
    from encoder_kit.questions.files.answers_file import ANSWERS_FILENAME

    notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
    return (*notebooks, ANSWERS_FILENAME) if answered_here else tuple(notebooks)


def submission_status(folder: str | Path | None = None) -> SubmissionStatus:
    """Every question of the assignment (the questions file beside the notebook) as
    answered, missing or malformed, with what to do; and the files to hand in."""
    from encoder_kit.questions.files.answers_file import AnswerFileError, answers_path, load_answer

    where = Path(folder) if folder is not None else Path.cwd()
    data = read_public_questions(where)
    who = identity(data)
    target = answers_path(where if folder is not None else None)
    problem = ""
    if not data:
        problem = (f"{PUBLIC_FILENAME} is missing beside this notebook, so the questions "
                   "cannot be listed: download the assignment's files again and keep them in "
                   "the notebook's folder")
    elif target.exists():
        try:
            load_answer("", target)  # reads the whole file
        except AnswerFileError as error:
            if "no saved answer" not in str(error):
                problem = str(error).replace(str(target), target.name)
    statuses = []
    for question_id, entry in (data.get("questions") or {}).items():
        stand_in = PublicQuestion(entry)
        variant = stand_in.variant(who)
        view = stand_in.student_view(variant)
        title = str(view.get("title") or question_id)
        try:
            saved = load_answer(question_id, target)
        except AnswerFileError as error:
            text = str(error)
            if "no saved answer" in text or "does not exist" in text:
                statuses.append(QuestionStatus(
                    question_id, title, "missing",
                    f"answer it: press Save in its widget (or run answer({question_id!r}, "
                    "...)) under the question"))
            else:
                statuses.append(QuestionStatus(
                    question_id, title, "malformed",
                    f"answer it again (Save in its widget, or answer({question_id!r}, ...)): "
                    + text.replace(str(target), target.name)))
            continue
        expected = variant.to_dict() if variant is not None else None
        if saved.variant != expected:
            statuses.append(QuestionStatus(
                question_id, title, "malformed",
                "the saved answer was given for another version of this question than the "
                "one shown to you now: run its show cell and answer it again"))
            continue
        problem_text = _form_problem(view, saved.answer)
        if problem_text:
            statuses.append(QuestionStatus(
                question_id, title, "malformed",
                f"{problem_text}; answer it again (Save in its widget, or "
                f"answer({question_id!r}, ...))", tuple(describe_answer(view, saved.answer))))
            continue
        statuses.append(QuestionStatus(question_id, title, "answered", "",
                                       tuple(describe_answer(view, saved.answer))))
    return SubmissionStatus(who["assignment"], tuple(statuses),
                            _hand_in(where, bool(statuses)), problem)


def check_all_answered(folder: str | Path | None = None) -> None:
    """A public test for an assignment's last cell: print :func:`submission_status`; fail
    (AssertionError, so nbgrader's validate reports it) unless every question is answered."""
    status = submission_status(folder)
    print(status.text())
    if not status.ready:
        missing = [q.question_id for q in status.questions if q.state != "answered"]
        raise AssertionError(
            f"not every question is answered: {', '.join(missing) or 'the answers file'}; see "
            "the list above")
