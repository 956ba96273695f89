"""CodeQuestionWidget: write a function in a notebook cell, press Check to run the question's test.

A ``code`` question names the function a student writes (``answer_name``, e.g. ``mean_pool``)
and a test (``module:function``) that scores it. The student writes the function in an
ordinary code cell, runs that cell, and presses **Check**: the widget looks the name up among
the notebook's variables (the kernel's user namespace), hands the function to the same
grading engine the autograder uses (``autograder.grade``, which calls the question's test),
and shows the score and feedback. The grading engine therefore decides, not the widget.

Why the function is looked up at Check time, not when the widget is built: the student
changes and re-runs the cell many times; every Check must test the function the notebook
holds *now*.

A practice answer here is a Python function, which the answers file (JSON) cannot hold, so
Check does not save it: practice code questions are feedback for the student, not hand-in
material. Graded code questions are answered in an nbgrader test cell (``check(id, fn)``),
never with this widget.

The student's function runs in the notebook's own kernel, as any code cell does; a function
that never returns blocks the kernel until it is interrupted (Kernel > Interrupt).

>>> ns = {}
>>> w = CodeQuestionWidget("practice-code-mean-pool", namespace=ns)
>>> w.check() is None  # nothing defined yet: advice, no attempt counted
True
>>> w.attempts
0
>>> exec("def mean_pool(v, m):\\n"
...      "    kept = [x for x, keep in zip(v, m) if keep]\\n"
...      "    return [sum(c) / len(kept) for c in zip(*kept)]", ns)
>>> w.check().score
1.0
"""

from __future__ import annotations

import contextlib
import html
import io
import textwrap
from typing import Any

import ipywidgets as widgets

from . import theme
from ._grading import resolve_question
from .base import AnswerInputError, QuestionWidget

_MAX_PRINTED = 2000  # characters of the function's own printing shown under the feedback


def _user_namespace() -> dict[str, Any] | None:
    """The notebook's variables (IPython's user namespace), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipywidgets depends on IPython
        return None
    shell = get_ipython()
    return None if shell is None else shell.user_ns


def _code_signature(function: Any) -> tuple[Any, ...] | None:
    """What identifies a function's body (bytecode, constants, names), or None."""
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    return code.co_code, code.co_consts, code.co_names


class CodeQuestionWidget(QuestionWidget):
    """Answer a practice ``code`` question: the function defined in the notebook is tested.

    ``namespace`` is where the function is looked up (a dict such as ``globals()``); by
    default the notebook kernel's own variables. Other options are those of every question
    widget, except that nothing is saved (a function is not JSON).
    """

    kind = "code"

    def __init__(self, question: Any, *, namespace: dict[str, Any] | None = None,
                 **options: Any) -> None:
        # a graded question (or a released notebook's keyless stand-in, always graded) is
        # answered in its assignment's cells: refuse before resolving, which needs the bank
        resolved = question if getattr(question, "graded", False) else resolve_question(question)
        if getattr(resolved, "graded", False):
            raise TypeError(
                f"{resolved.id!r} is a graded code question: it is answered in the "
                f"assignment's code cell and graded by its test cell "
                f"(check({resolved.id!r}, {getattr(resolved, 'answer_name', 'your_function')}))"
                ", not with a widget")
        self.namespace = namespace
        self._given: Any = None
        options["save"] = False  # see the module docstring: a function cannot be saved as JSON
        super().__init__(resolved, **options)

    @property
    def answer_name(self) -> str:
        """The name the student's function must have, e.g. ``mean_pool``."""
        return str(self.view.get("answer_name") or self.version.answer_name)

    # -- QuestionWidget --------------------------------------------------------------------
    def _build_answer(self) -> widgets.Widget:
        name = html.escape(self.answer_name)
        starter = self.view.get("starter") or getattr(self.version, "starter", "") or ""
        starter_html = ""
        if starter.strip():
            starter_html = (
                f"<div style='color:{theme.MUTED};font-size:0.9em;margin-top:4px'>Start from:</div>"
                f"<pre class='ek-code-starter' style='background:{theme.SUNKEN};"
                f"color:{theme.TEXT};padding:6px 10px;"
                f"margin:2px 0;border-radius:4px'>{html.escape(textwrap.dedent(starter))}</pre>")
        self.instructions = widgets.HTML(
            f"<div class='ek-code-instructions'>Write <code>{name}</code> in a code cell of this "
            "notebook (the cell above holds the starter), run that cell, then press "
            f"<b>Check</b>: Check tests the <code>{name}</code> the notebook holds at that "
            f"moment. Practice only: nothing is saved.</div>{starter_html}")
        return self.instructions

    def get_answer(self) -> Any:
        """The student's function, found by name; :class:`AnswerInputError` when unusable."""
        if self._given is not None:
            return self._given
        name = self.answer_name
        namespace = self.namespace if self.namespace is not None else _user_namespace()
        if namespace is None:
            raise AnswerInputError(
                f"Check looks for {name} among the notebook's variables, but this is not "
                f"running in a notebook kernel; build the widget with namespace=globals().")
        if name not in namespace:
            raise AnswerInputError(
                f"There is no {name} yet: write it in a code cell (def {name}(...):), run "
                "that cell (Shift+Enter), then press Check.")
        function = namespace[name]
        if not callable(function):
            raise AnswerInputError(
                f"{name} is a {type(function).__name__}, not a function: define it with "
                f"def {name}(...):, run the cell, then press Check.")
        if self._is_starter(function):
            raise AnswerInputError(
                f"{name} is still the starter (its body is only ...): write the body, run "
                "the cell, then press Check.")
        return function

    def set_answer(self, answer: Any) -> None:
        """Check ``answer`` (a function) instead of the one named in the notebook."""
        if not callable(answer):
            raise AnswerInputError(f"A code question's answer is a function, not a "
                                   f"{type(answer).__name__}.")
        self._given = answer

    def check(self, _button: Any = None) -> Any:
        """Grade the function as every widget does; show what the function printed, if anything.

        Printing inside a button's callback would otherwise go to the browser's log, where
        a student never looks.
        """
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            result = super().check(_button)
        text = printed.getvalue()
        if text.strip():
            cut = text[:_MAX_PRINTED] + (" ..." if len(text) > _MAX_PRINTED else "")
            self.feedback.value += (
                f"<div class='ek-code-printed' style='color:{theme.MUTED};font-size:0.9em'>Your function "
                f"printed:<pre style='margin:2px 0'>{html.escape(cut)}</pre></div>")
        return result

    # -- helpers ---------------------------------------------------------------------------
    def _is_starter(self, function: Any) -> bool:
        """True when ``function`` has the starter's body (e.g. only ``...``)."""
        starter = getattr(self.version, "starter", "") or ""
        if not starter.strip():
            return False
        scratch: dict[str, Any] = {}
        try:
            exec(compile(textwrap.dedent(starter), "<starter>", "exec"), scratch)  # noqa: S102
        except Exception:  # a starter that does not run alone (an import): cannot compare
            return False
        reference = scratch.get(self.answer_name)
        signature = _code_signature(function)
        return signature is not None and signature == _code_signature(reference)


__all__ = ["CodeQuestionWidget"]
