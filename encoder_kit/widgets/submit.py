"""Graded homework with the practice widgets: ``show("id")`` in a released notebook.

In a front end that renders widgets (JupyterLab, Notebook 7, VS Code) ``show`` displays the
question's widget built from the student's own version: the public view in
``encoder-kit-questions.json`` beside the notebook (never a key), drawn for (course,
assignment, student) exactly as the grader draws it. The widget is in *submit mode*: its
button is **Save**, nothing is graded before the deadline, and Save writes the same record as
the course's ``answer()`` (:func:`encoder_kit.questions.files.released.save_student_answer`). A
widget opened again shows the answer saved before.

Where widgets cannot render, ``show`` gives the text view instead: outside a Jupyter kernel
(a script, a terminal) it prints it; in a grading kernel (``$ENCODER_KIT_GRADER_SCORES``)
it displays it as Markdown. Elsewhere the widget is displayed together with the text view
as a fallback (one output, two forms): a front end without a widget manager, nbconvert and
nbgrader's feedback show the text. Either way ``show`` returns the question's numbers.

>>> import os, tempfile
>>> here = os.getcwd(); os.chdir(tempfile.mkdtemp())
>>> show("practice-pipeline-order") is None   # no kernel here: the text view is printed
**From text to a prediction** ...
True
>>> os.chdir(here)
"""

from __future__ import annotations

import os
from typing import Any

from encoder_kit.questions.files.released import PublicQuestion, identity, lookup, text_view

__all__ = ["GRADER_SCORES_ENV", "show", "submit_widget", "widgets_can_render"]

# set by the course's grader in a grading kernel (autograder.course.protocol.GRADER_SCORES_ENV)
GRADER_SCORES_ENV = "ENCODER_KIT_GRADER_SCORES"


def widgets_can_render() -> bool:
    """True in a Jupyter kernel that is not a grading kernel, with ipywidgets installed."""
    if os.environ.get(GRADER_SCORES_ENV) == "1":
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        return False
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency of encoder-kit
        return False
    return True


def submit_widget(question: str | PublicQuestion, who: dict[str, str] | None = None, *,
                  answers_path: Any = None) -> Any:
    """The submit-mode widget of ``question`` (an id, looked up as ``show`` does, or a
    stand-in) for ``who`` (default: this kernel's course, assignment and student)."""
    from .quiz import WIDGETS

    data: dict[str, Any] | None = None
    if isinstance(question, PublicQuestion):
        stand_in = question
    else:
        stand_in, data = lookup(question)
    who = dict(who) if who is not None else identity(data)
    cls = WIDGETS.get(stand_in.version_kind)
    if cls is None:
        raise TypeError(f"{stand_in.id!r} is a {stand_in.version_kind!r} question, which is "
                        "answered in a code cell, not with a widget")
    return cls(stand_in, identity=who, answers_path=answers_path)


def show(question_id: str) -> dict[str, int] | None:
    """Display your version of a question (its widget, with Save; or its text where widgets
    cannot render); return its numbers (None when it has none)."""
    stand_in, data = lookup(question_id)
    who = identity(data)
    text = text_view(stand_in.view(who))
    values = stand_in.values_for(who) or None
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        print(text)
        return values
    if get_ipython() is None:
        print(text)
        return values
    if not widgets_can_render() or stand_in.version_kind not in _widget_kinds():
        display(Markdown(text))
        return values
    widget = submit_widget(stand_in, who)
    bundle = dict(widget._repr_mimebundle_() or {})
    bundle["text/markdown"] = text
    bundle["text/plain"] = text
    display(bundle, raw=True)
    return values


def _widget_kinds() -> set[str]:
    from .quiz import WIDGETS

    return set(WIDGETS) - {"code"}
