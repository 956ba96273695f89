"""The shared base of every question widget: Check button, feedback, attempts, explanation.

A question widget is built from one question of the bank (the same object the grading engine
grades), so the widget and the grader cannot disagree. A subclass only builds its answer
controls (:meth:`QuestionWidget._build_answer`) and reads them back
(:meth:`QuestionWidget.get_answer`); everything else happens here:

* **Check** reads the answer; an answer that cannot be graded (nothing chosen, an unparseable
  shape, an empty ordering) gets advice and costs no attempt;
* the answer is graded with ``autograder.grade`` and the engine's feedback is shown;
* the answer is saved to the answers file (see :mod:`encoder_kit.widgets.answers`);
* attempts are counted, and after the first one the explanation is offered;
* Check pressed again on an unchanged answer says so and costs no attempt;
* no exception reaches the student: an unexpected error becomes a short message.

**Submit mode** (a released notebook's keyless stand-in of a graded question,
:class:`encoder_kit.questions.files.released.PublicQuestion`): the button is **Save**; nothing is
graded and no correctness shows, only "saved" and what was saved. Save writes the same
record as the course's ``answer()`` (answer, kind, variant, attempt, time; see
:func:`encoder_kit.questions.files.released.save_student_answer`), and the widget opens with the
answer saved earlier.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any, ClassVar

import ipywidgets as widgets

from encoder_kit.questions.files.released import (
    PublicQuestion,
    describe_answer,
    save_student_answer,
)

from . import answers as answers_mod
from . import theme
from ._grading import grade_answer, resolve_question, result_parts

_MISSING = object()


class AnswerInputError(ValueError):
    """The answer cannot be graded yet; the message tells the student what to do."""


def markdown_lite(text: str) -> str:
    """Escape ``text`` and render `code`, **bold**, *italic* and blank-line paragraphs."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<![*\w])\*([^*\n]+)\*(?!\w)", r"<i>\1</i>", out)
    paragraphs = [p.strip().replace("\n", "<br>") for p in re.split(r"\n\s*\n", out) if p.strip()]
    return "".join(f"<p style='margin:0.3em 0'>{p}</p>" for p in paragraphs)


def on_enter(text: widgets.Text, callback: Any) -> None:
    """Call ``callback()`` when Enter is pressed in ``text``.

    ipywidgets 8 marks ``on_submit`` as deprecated but offers no other Enter event; the
    warning is silenced (nbgrader scores any stderr output as a failure). Use
    ``continuous_update=True`` so that the value reaches the kernel before the Enter does.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        text.on_submit(lambda _t: callback())


def _status_box(kind: str, body: str) -> str:
    # the theme's text on a tint of the signal colour; the signal is the left border
    signal = theme.SIGNAL.get(kind, theme.SIGNAL["note"])
    return (f"<div class='ek-fb ek-fb-{kind}' role='status' aria-live='polite' "
            f"style='background:{theme.tint(signal)};color:{theme.TEXT_STRONG};"
            f"border-left:4px solid {signal};"
            f"padding:6px 10px;margin:4px 0;line-height:1.4'>{body}</div>")


class QuestionWidget(widgets.VBox):
    """Base of the question widgets; subclasses set ``kind`` and build the answer controls."""

    kind: ClassVar[str] = ""

    def __init__(self, question: Any, *, variant: Any = None, answers_path: Any = None,
                 save: bool = True, identity: Any = None) -> None:
        # a released notebook's keyless stand-in, or a question of the bank / question path
        released = isinstance(question, PublicQuestion)
        self.question = question if released else resolve_question(question)
        if released and identity is None:
            from encoder_kit.questions.files.released import identity as this_kernels_identity

            identity = this_kernels_identity()
        self.identity = identity  # whose version a stand-in shows (course, assignment, student)
        if released and variant is None:
            variant = question.variant(identity)
        elif variant is None:
            from encoder_kit.questions import variant_from_environment

            variant = variant_from_environment(self.question)
        # a pool (graded slot) shows the version this student drew; answers use the slot id
        is_pool = getattr(self.question, "versions", None) is not None
        self.version = self.question.member(variant) if is_pool else self.question
        qkind = getattr(self.version, "kind", None)
        if self.kind and qkind != self.kind:
            raise TypeError(
                f"{type(self).__name__} shows {self.kind!r} questions, but "
                f"{self.question.id!r} is a {qkind!r} question; use encoder_kit.quiz("
                f"[{self.question.id!r}]), which picks the right widget")
        self.variant = variant
        self.view: dict[str, Any] = self.question.student_view(variant)
        self.answers_path = answers_path
        self.save = save
        self.attempts = 0
        self.result: Any = None
        self.last_saved: Any = None
        self._last_answer: Any = _MISSING
        self._busy = False

        points = self.view.get("points", 1)
        concepts = ", ".join(self.view.get("concepts", []))
        self.header = widgets.HTML(
            f"<div class='ek-title' style='font-weight:600;font-size:1.05em'>"
            f"{html.escape(self.view.get('title', self.question.id))}</div>"
            f"<div style='color:{theme.MUTED};font-size:0.85em'>{concepts} &middot; "
            f"{points:g} point{'s' if points != 1 else ''} &middot; "
            f"<code>{html.escape(self.question.id)}</code></div>")
        self.prompt = widgets.HTML(markdown_lite(self.view.get("prompt", "")))
        self.submit_mode = released  # a released notebook: Save, nothing graded
        self.check_button = widgets.Button(
            description="Save" if self.submit_mode else "Check", button_style="primary",
            icon="save" if self.submit_mode else "check",
            tooltip="Save your answer (it is graded after you submit)" if self.submit_mode
            else "Check your answer and save it", layout=widgets.Layout(width="auto"))
        self.check_button.add_class("ek-save" if self.submit_mode else "ek-check")
        self.check_button.on_click(self.check)
        self.attempts_label = widgets.HTML("<span class='ek-attempts'>No attempts yet</span>")
        self.feedback = widgets.HTML("")
        self.feedback.add_class("ek-feedback")
        self.explain_button = widgets.Button(
            description="Show explanation", icon="lightbulb-o", tooltip="Show the explanation",
            layout=widgets.Layout(width="auto", display="none"))
        self.explain_button.add_class("ek-explain")
        self.explain_button.on_click(self.show_explanation)
        self.explanation = widgets.HTML("", layout=widgets.Layout(display="none"))
        self.explanation.add_class("ek-explanation")
        answer_area = self._build_answer()
        buttons = widgets.HBox([self.check_button, self.explain_button, self.attempts_label],
                               layout=widgets.Layout(align_items="center"))
        super().__init__(
            children=[self.header, self.prompt, answer_area, buttons, self.feedback,
                      self.explanation],
            layout=widgets.Layout(border=f"1px solid {theme.BORDER}", padding="8px 12px",
                                  margin="8px 0",
                                  max_width="820px"))
        self.add_class("ek-question")
        self.add_class(f"ek-kind-{qkind}")
        self.add_class(f"ek-q-{self.question.id}")
        if self.submit_mode:
            self.add_class("ek-submit-mode")
            self.attempts_label.value = "<span class='ek-attempts'>Not saved yet</span>"
            if self.save and self.restore():
                saved = answers_mod.load_answer(self.question.id, self.answers_path)
                self._show_saved(saved, restored=True)

    # -- to be provided by each kind -------------------------------------------------------
    def _build_answer(self) -> widgets.Widget:
        """The controls a student answers with."""
        raise NotImplementedError

    def get_answer(self) -> Any:
        """The answer as JSON data, or :class:`AnswerInputError` saying what is missing."""
        raise NotImplementedError

    def set_answer(self, answer: Any) -> None:
        """Put ``answer`` into the controls (used to restore a saved answer, and in tests)."""
        raise NotImplementedError

    # -- the Check cycle -------------------------------------------------------------------
    @property
    def reveals(self) -> bool:
        """Practice questions show score, feedback and explanation; graded ones only save."""
        return not getattr(self.question, "graded", False)

    def check(self, _button: Any = None) -> Any:
        """Grade and save the current answer, show the feedback; return the Result (or None)."""
        if self._busy:  # a second click that arrives while the first is being graded
            return self.result
        self._busy = True
        self.check_button.disabled = True
        try:
            return self._check()
        except Exception as err:  # the last guard: no traceback reaches the student
            self._show("error", f"Something went wrong while checking your answer "
                                f"({html.escape(type(err).__name__)}: {html.escape(str(err))}). "
                                "It was not graded; press Check again, and tell your "
                                "instructor if this keeps happening.")
            return None
        finally:
            self._busy = False
            self.check_button.disabled = False

    def _check(self) -> Any:
        try:
            answer = self.get_answer()
        except AnswerInputError as err:
            if self.submit_mode:
                self._show("note", html.escape(str(err).replace("press Check", "press Save"))
                           + " <i>(Nothing was saved.)</i>")
            else:
                self._show("note", html.escape(str(err)) + " <i>(No attempt was counted.)</i>")
            return None
        if self.submit_mode:
            return self._save_only(answer)
        if self.result is not None and answer == self._last_answer:
            note = _status_box("note", f"You already checked this answer (attempt "
                                       f"{self.attempts}). Change it, then press Check again.")
            self.feedback.value = note + self._result_html(self.result)
            return self.result
        result = grade_answer(self.question, answer, variant=self.variant)
        self.attempts += 1
        self.result = result
        self._last_answer = copy.deepcopy(answer)
        saved_note = self._save(answer, result)
        self.feedback.value = self._result_html(result) + saved_note
        self.attempts_label.value = (f"<span class='ek-attempts'>Attempts: {self.attempts}"
                                     "</span>")
        if self.reveals:
            self.explain_button.layout.display = ""
        return result

    def _save_only(self, answer: Any) -> Any:
        """Submit mode: save ``answer`` (the record ``answer()`` writes), grade nothing,
        show what was saved; return the saved record (a ``SavedAnswer``), or None."""
        if not self.save:
            self._show("note", "Saving is off for this widget (save=False): nothing was saved.")
            return None
        try:
            save_student_answer(self.question, answer, self.identity, path=self.answers_path)
            saved = answers_mod.load_answer(self.question.id, self.answers_path)
        except (OSError, TypeError, ValueError) as err:
            self._show("error", f"Your answer could not be saved ({html.escape(str(err))}). "
                                "Check that the notebook's folder is writable, then press Save "
                                "again.")
            return None
        self.last_saved = saved
        self.attempts = saved.attempts
        self._last_answer = copy.deepcopy(answer)
        self._show_saved(saved)
        return saved

    def _show_saved(self, saved: Any, restored: bool = False) -> None:
        """Say that ``saved`` is saved and show what it holds (no score, no correctness)."""
        when = (saved.saved_at or "").replace("T", " ").replace("Z", " UTC")
        lines = "".join(f"<li>{html.escape(line)}</li>"
                        for line in describe_answer(self.view, saved.answer))
        lead = ("Your saved answer is shown" if restored else "Saved")
        body = (f"<b class='ek-saved'>{lead}</b> (save {saved.attempts}, {html.escape(when)}). "
                "It is graded later, after you submit; the feedback comes with your grade."
                f"<div style='margin-top:4px'>What is saved:</div>"
                f"<ul class='ek-saved-answer' style='margin:2px 0 0 0;padding-left:1.2em;"
                f"list-style:none'>{lines}</ul>")
        self.feedback.value = _status_box("note", body)
        self.attempts_label.value = (f"<span class='ek-attempts'>Saved {saved.attempts} "
                                     f"time{'s' if saved.attempts != 1 else ''}</span>")

    def _save(self, answer: Any, result: Any) -> str:
        if not self.save:
            return ""
        score = result_parts(result)["score"]
        try:
            self.last_saved = answers_mod.save_answer(
                self.question.id, answer, kind=getattr(self.question, "kind", None),
                variant=_variant_identity(self.variant), attempts=self.attempts,
                score=score if self.reveals else None, path=self.answers_path)
        except (OSError, TypeError, ValueError) as err:
            return _status_box("error", f"Your answer could not be saved ({html.escape(str(err))})"
                                        ". Check that the notebook's folder is writable, then "
                                        "press Check again.")
        return ""

    def _result_html(self, result: Any) -> str:
        parts = result_parts(result)
        if not self.reveals:
            return _status_box("note", "Saved. This question is graded later; the feedback "
                                       "comes with your grade.")
        score, points, max_points = parts["score"], parts["points"], parts["max_points"]
        kind = "correct" if score >= 0.999 else "partial" if score > 0 else "wrong"
        verdict = {"correct": "Correct", "partial": "Partly right", "wrong": "Not yet"}[kind]
        lines = "".join(f"<li>{markdown_lite(line)}</li>" for line in parts["feedback"])
        body = (f"<b class='ek-verdict'>{verdict}</b> &mdash; "
                f"<span class='ek-score'>{points:g} / {max_points:g}</span>"
                + (f"<ul style='margin:4px 0 0 0;padding-left:1.2em'>{lines}</ul>" if lines else ""))
        return _status_box(kind, body)

    def _show(self, kind: str, body: str) -> None:
        self.feedback.value = _status_box(kind, body)

    def show_explanation(self, _button: Any = None) -> None:
        """Show the explanation (offered after the first attempt)."""
        if not self.reveals or self.attempts == 0:
            return
        self.explanation.value = (
            f"<div class='ek-explanation-text' style='background:{theme.SUNKEN};"
            f"color:{theme.TEXT};padding:6px 10px'>"
            f"<b>Explanation.</b> {markdown_lite(self.version.explanation)}</div>")
        self.explanation.layout.display = ""
        self.explain_button.layout.display = "none"

    def restore(self, path: Any = None) -> bool:
        """Put the answer saved earlier back into the controls; True when there was one."""
        try:
            saved = answers_mod.load_answer(self.question.id, path or self.answers_path)
            self.set_answer(saved.answer)
        except (answers_mod.AnswerFileError, AnswerInputError, TypeError, ValueError,
                KeyError):
            return False
        return True


def _variant_identity(variant: Any) -> Any:
    """The variant as JSON data for the answers file (``Variant.to_dict()``), or None."""
    if variant is None:
        return None
    return variant.to_dict() if hasattr(variant, "to_dict") else variant
