"""``quiz``: a set of question widgets, chosen by concept (``"C4"``) or by question id.

>>> from encoder_kit import quiz
>>> q = quiz("C4")  # doctest: +SKIP
>>> q = quiz(["practice-pipeline-order", "C3"])  # doctest: +SKIP

A practice ``code`` question gets :class:`~.code_question.CodeQuestionWidget`: its Check runs
the question's test on the function the student wrote in a notebook cell.

A selection that names no known question never raises: the quiz shows what was wrong (an
unknown id, a concept with no questions) and how to fix it, next to the questions it found.
"""

from __future__ import annotations

import re
from typing import Any

import ipywidgets as widgets

from ._grading import UnknownQuestionError, resolve_question, result_parts
from .base import QuestionWidget
from .choice import ChoiceWidget
from .code_question import CodeQuestionWidget
from .design import DesignWidget
from .diagnosis import DiagnosisWidget
from .explorer import message_html
from .numeric import NumericWidget
from .ordering import OrderingWidget
from .shape import ShapeWidget

WIDGETS: dict[str, type[QuestionWidget]] = {
    "ordering": OrderingWidget, "shape": ShapeWidget, "choice": ChoiceWidget,
    "design": DesignWidget, "diagnosis": DiagnosisWidget, "numeric": NumericWidget,
    "code": CodeQuestionWidget,  # practice code: the function written in a notebook cell
}
_CONCEPT = re.compile(r"^[Cc](\d{1,2})$")


def widget_for(question: Any, **options: Any) -> QuestionWidget:
    """The widget for ``question`` (an object or an id), picked by its kind."""
    question = resolve_question(question)
    cls = WIDGETS.get(getattr(question, "version_kind", question.kind))  # a pool: its versions
    if cls is None:
        raise UnknownQuestionError(
            f"{question.id!r} is a {question.kind!r} question, which is answered in a code cell "
            f"(write the code, then run autograder.check({question.id!r}, your_answer)), "
            "not with a widget")
    return cls(question, **options)


def select_questions(selection: Any) -> tuple[list[Any], list[str]]:
    """The questions a selection names, and a message for every part that named none."""
    from encoder_kit.questions import CONCEPTS, load_bank

    if isinstance(selection, str):
        selection = [selection]
    if not isinstance(selection, (list, tuple)) or not selection:
        return [], [f"quiz() takes a concept such as 'C4', a question id, or a list of them; got "
                    f"{selection!r}."]
    found: dict[str, Any] = {}
    problems = []
    for entry in selection:
        if not isinstance(entry, str):
            problems.append(f"{entry!r} is neither a concept (e.g. 'C4') nor a question id.")
            continue
        concept = _CONCEPT.match(entry.strip())
        if concept:
            name = f"C{int(concept.group(1))}"
            if name not in CONCEPTS:
                problems.append(f"There is no concept {entry!r}: use C1 ... C11.")
                continue
            chosen = [q for q in load_bank() if name in q.concepts and q.kind in WIDGETS]
            if not chosen:
                problems.append(f"The practice bank has no widget question on {name} yet.")
            found.update((q.id, q) for q in chosen)
            continue
        try:
            question = resolve_question(entry)
        except UnknownQuestionError as err:
            problems.append(str(err))
            continue
        if getattr(question, "version_kind", question.kind) not in WIDGETS:
            problems.append(f"{question.id!r} is a {question.kind!r} question: answer it in a "
                            f"code cell and run autograder.check({question.id!r}, answer).")
            continue
        found[question.id] = question
    return list(found.values()), problems


class Quiz(widgets.VBox):
    """Question widgets one below the other; :meth:`total` adds up the points earned."""

    def __init__(self, selection: Any, **options: Any) -> None:
        questions, problems = select_questions(selection)
        self.widgets: list[QuestionWidget] = []
        for question in questions:
            try:
                self.widgets.append(widget_for(question, **options))
            except Exception as err:  # one broken question must not hide the others
                problems.append(f"{question.id!r} cannot be shown: {err}")
        notes = [widgets.HTML(message_html(p)) for p in problems]
        for note in notes:
            note.add_class("ek-quiz-problem")
        if not questions and not problems:
            notes.append(widgets.HTML(message_html("No questions matched.")))
        super().__init__(children=[*notes, *self.widgets])
        self.add_class("ek-quiz")
        self.problems = problems

    def total(self) -> tuple[float, float]:
        """(points earned on the last Check of each question, points available)."""
        earned = sum(result_parts(w.result)["points"] for w in self.widgets if w.result)
        return earned, sum(float(w.question.points) for w in self.widgets)

    def __repr__(self) -> str:
        ids = ", ".join(w.question.id for w in self.widgets)
        return f"Quiz([{ids}])" + (f" with {len(self.problems)} problem(s)" if self.problems
                                    else "")


def quiz(concept_or_ids: Any, **options: Any) -> Quiz:
    """Show the practice questions on a concept (``"C4"``), with these ids, or both.

    Options go to every widget: ``answers_path`` (where answers are saved), ``variant``,
    ``save``.
    """
    return Quiz(concept_or_ids, **options)


__all__ = ["WIDGETS", "Quiz", "quiz", "select_questions", "widget_for"]
