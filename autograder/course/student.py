"""What a student calls in a released notebook: ``show`` a question, save an ``answer``.

``show("id")`` displays the student's own version of a question (their numbers, the options,
items or components with their ids) and returns the numbers. ``answer("id", value)`` saves
the answer, with the version it was given for, to ``encoder-kit-answers.json`` beside the
notebook: the same file the widgets write (:mod:`encoder_kit.widgets.answers`), which is
handed in with the notebook and graded by the hidden test cells.

Questions come from ``encoder-kit-questions.json`` beside the notebook (written by
``encoder-kit course release``), else from the instructor's question path. The student is
``$ENCODER_KIT_STUDENT``, else ``$JUPYTERHUB_USER`` (the nbgrader student id on a hub), else
the login name; course and assignment come from the questions file (or
``$ENCODER_KIT_COURSE`` / ``$ENCODER_KIT_ASSIGNMENT``).

>>> import os, tempfile
>>> here = os.getcwd(); os.chdir(tempfile.mkdtemp())
>>> answer("practice-pipeline-order", ["tokens", "embeddings", "encoder", "head", "output"])
Saved your answer to 'practice-pipeline-order' in encoder-kit-answers.json (graded later).
>>> os.chdir(here)
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from .public import PublicQuestion, PublicQuestionError, public_question, read_public_questions

__all__ = ["answer", "check_answered", "identity", "show"]


def _lookup(question_id: str) -> tuple[PublicQuestion, dict[str, Any]]:
    """The stand-in for ``question_id`` and the file it came from (course and assignment)."""
    if not isinstance(question_id, str) or not question_id.strip():
        raise PublicQuestionError(f"a question id is text such as 'hw1-choice-two-stages', not "
                                  f"{question_id!r}")
    data = read_public_questions()
    entry = (data.get("questions") or {}).get(question_id)
    if entry is not None:
        return PublicQuestion(entry), data
    from encoder_kit.questions import QuestionNotFoundError, find_question

    try:
        return PublicQuestion(public_question(find_question(question_id))), data
    except QuestionNotFoundError:
        raise PublicQuestionError(
            f"no question {question_id!r} in encoder-kit-questions.json beside this notebook; "
            "check the id, and keep that file in the notebook's folder (it comes with the "
            "assignment)"
        ) from None


def identity(data: dict[str, Any] | None = None) -> dict[str, str]:
    """Course, assignment and student whose version of the questions this kernel shows."""
    data = read_public_questions() if data is None else data
    student = (
        os.environ.get("ENCODER_KIT_STUDENT")
        or os.environ.get("JUPYTERHUB_USER")
        or getpass.getuser()
    )
    return {
        "course": os.environ.get("ENCODER_KIT_COURSE") or data.get("course") or "course",
        "assignment": os.environ.get("ENCODER_KIT_ASSIGNMENT")
        or data.get("assignment")
        or Path.cwd().name,
        "student": student,
    }


def _markdown(view: dict[str, Any]) -> str:
    lines = [f"**{view.get('title', view['id'])}** ({view.get('points', 1):g} points, "
             f"`{view['id']}`)", "", str(view.get("prompt", ""))]
    symptom = view.get("symptom") or {}
    if symptom:
        lines += ["", f"*Symptom:* {symptom.get('text', '')}"]
        if symptom.get("log"):
            lines += ["", "```", str(symptom["log"]), "```"]
    for field, heading, text_key in (
        ("items", "Items", "text"),
        ("options", "Options", "text"),
        ("causes", "Possible causes", "text"),
        ("fixes", "Possible fixes", "text"),
        ("palette", "Components", "label"),
    ):
        if view.get(field):
            lines += ["", f"*{heading}:*"]
            lines += [f"- `{entry['id']}`: {entry[text_key]}" for entry in view[field]]
    if view.get("justification"):
        spec = view["justification"]
        lines += ["", f"*Justification ({spec['points']:g} points, graded by hand):* "
                      f"{spec['prompt']}"]
    if view.get("unit"):
        lines += ["", f"*Unit:* {view['unit']}"]
    lines += ["", f"*Answer with:* `answer({view['id']!r}, ...)`, giving "
                  f"{view.get('answer_format', 'your answer')}."]
    return "\n".join(lines)


def show(question_id: str) -> dict[str, int] | None:
    """Display your version of a question; return its numbers (None when it has none)."""
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
    from encoder_kit.widgets.answers import AnswerFileError, load_answer, save_answer

    stand_in, data = _lookup(question_id)
    variant = stand_in.variant(identity(data))
    try:
        attempts = load_answer(question_id).attempts + 1
    except AnswerFileError:
        attempts = 1
    try:
        path = save_answer(
            question_id,
            value,
            kind=stand_in.kind,
            variant=variant.to_dict() if variant is not None else None,
            attempts=attempts,
        )
    except TypeError as error:
        raise TypeError(
            f"the answer to {question_id!r} must be plain data (text, numbers, lists, dicts), "
            f"not {type(value).__name__}: {error}"
        ) from None
    print(f"Saved your answer to {question_id!r} in {path.name} (graded later).")


def check_answered(question_id: str) -> None:
    """A public test: an answer to ``question_id`` is saved and readable (not graded here)."""
    from encoder_kit.widgets.answers import AnswerFileError, answers_path, load_answer

    try:
        saved = load_answer(question_id)
    except AnswerFileError as error:
        target = answers_path()
        raise AssertionError(str(error).replace(str(target), target.name)) from None
    print(f"An answer to {question_id!r} is saved (attempt {saved.attempts}); it is graded "
          "after you submit.")
