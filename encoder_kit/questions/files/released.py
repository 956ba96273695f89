"""The released questions file, and what a student's kernel does with it.

Graded questions stay on the instructor's side, yet a released notebook must show each
student their own version of a question (their numbers, their pool version). ``release``
therefore writes ``encoder-kit-questions.json`` beside the notebooks: per question, its
student view (prompt template, options, items, palette; never the key, the feedback or the
explanation) and the specification of its per-student variables. The student's kernel draws
the variant from (course, assignment, student) exactly as the grader does.

This is a contract between the course's ``release`` (which writes the file), the course's
``show`` / ``answer`` and the widgets' submit mode (which read it and save answers), so it
lives here, below both front ends, like the answers file (:mod:`.answers_file`):

- :class:`PublicQuestion`: a keyless stand-in that draws a variant and shows it;
- :func:`identity`, :func:`lookup`: whose version, and the stand-in for an id;
- :func:`text_view`: the question as Markdown (where widgets cannot render);
- :func:`save_student_answer`: the one record ``answer()`` and a widget's Save both write;
- :func:`describe_answer`: a saved answer in words (an ordering as a numbered list of its
  steps, a design as its components and arrows by label), for the student.

Questions that draw a subset of ordering items per student (``draw:``) cannot be released
this way: drawing needs the items in the order of the question file, which often is the key.

>>> from encoder_kit.questions import find_question
>>> data = public_question(find_question("practice-shape-padded-batch"))
>>> sorted(data["variables"]), "{" in data["prompt"]
(['batch', 'seq_len'], True)
>>> stand_in = PublicQuestion(data)
>>> stand_in.values_for({"course": "c", "assignment": "a", "student": "s"}) == (
...     stand_in.values_for({"course": "c", "assignment": "a", "student": "s"}))
True
>>> describe_answer({"kind": "shape"}, [2, 12, 384])
['(2, 12, 384)']
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..draw.symbols import fill_placeholders
from ..draw.variants import IDENTITY_ENVIRONMENT
from ..kinds.common import Variable

FORMAT = "encoder-kit-questions"
PUBLIC_FILENAME = "encoder-kit-questions.json"

__all__ = ["FORMAT", "PUBLIC_FILENAME", "PublicQuestion", "PublicQuestionError",
           "describe_answer", "identity", "lookup", "public_question", "read_public_questions",
           "save_student_answer", "text_view", "write_public_questions"]


class PublicQuestionError(ValueError):
    """A question that cannot be released, or a public questions file that cannot be read."""


def public_question(question: Any) -> dict[str, Any]:
    """The released form of ``question``: its default student view with the prompt as a
    template and the per-student variables' specifications (and constraints).

    A pool is released as its slot fields and every version's released form (never a key),
    so the kernel draws the student's version exactly as the grader does.
    """
    if getattr(question, "versions", None) is not None:
        return {
            "id": question.id,
            "kind": "pool",
            "title": question.title,
            "concepts": list(question.concepts),
            "points": question.points,
            "versions": [public_question(version) for version in question.versions],
        }
    if getattr(question, "draw", None) is not None:
        raise PublicQuestionError(
            f"question {question.id!r} draws a subset of its items per student ('draw:'), which "
            "a released notebook cannot reproduce without the file's item order (often the key);"
            " remove 'draw' from the question or leave it out of released notebooks"
        )
    view = dict(question.student_view(None))
    view["prompt"] = question.prompt
    view["variables"] = {
        name: spec if isinstance(spec, int) else spec.model_dump(exclude_none=True)
        for name, spec in question.variable_specs().items()
    }
    constraints = question.variable_constraints()
    if constraints:
        view["constraints"] = list(constraints)
    return view


class PublicQuestion:
    """A keyless stand-in for a graded question: enough to draw a variant and show it.

    It offers what ``encoder_kit.questions.make_variant`` reads (``id``,
    ``variable_specs()``, ``variable_constraints()``, no ``draw``; for a pool ``versions``),
    so the variant equals the grader's; and what a widget reads (``student_view``,
    ``member``, ``title``, ``graded``). A released question is always graded.
    """

    draw = None
    graded = True

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = dict(data)
        self.id: str = self.data["id"]
        self.kind: str = self.data["kind"]
        self.title: str = str(self.data.get("title") or self.id)
        self.points: float = float(self.data.get("points", 1))
        self.versions: list[PublicQuestion] | None = None
        if self.kind == "pool":
            self.versions = [PublicQuestion(version) for version in self.data["versions"]]
        self._specs = {
            name: spec if isinstance(spec, int) else Variable(**spec)
            for name, spec in (self.data.get("variables") or {}).items()
        }

    @property
    def version_kind(self) -> str:
        """The kind of the answer: a pool's versions' kind, else the question's own."""
        return self.versions[0].kind if self.versions else self.kind

    @property
    def is_variable(self) -> bool:
        if self.versions is not None:
            return True
        return any(not isinstance(spec, int) for spec in self._specs.values())

    def variable_specs(self) -> dict[str, int | Variable]:
        return self._specs

    def variable_constraints(self) -> list[str]:
        return list(self.data.get("constraints") or [])

    def member(self, variant: Any) -> PublicQuestion:
        """The version a variant drew (this question itself when it is no pool)."""
        if self.versions is None:
            return self
        wanted = variant.version if variant is not None else self.versions[0].id
        return next(version for version in self.versions if version.id == wanted)

    def variant(self, identity: Mapping[str, str]) -> Any:
        """This student's ``Variant`` (None when the question is the same for everyone)."""
        from ..draw.variants import make_variant

        if not self.is_variable:
            return None
        return make_variant(self, identity["course"], identity["assignment"], identity["student"])

    def _values(self, variant: Any) -> dict[str, int]:
        member = self.member(variant)
        fixed = {k: v for k, v in member._specs.items() if isinstance(v, int)}
        return {**fixed, **(variant.values if variant is not None else {})}

    def values_for(self, identity: Mapping[str, str]) -> dict[str, int]:
        return self._values(self.variant(identity))

    def student_view(self, variant: Any = None) -> dict[str, Any]:
        """The view for ``variant`` (its version, its numbers in the prompt), under this
        question's id and title: what a widget shows."""
        member = self.member(variant)
        shown = dict(member.data)
        shown["prompt"] = fill_placeholders(member.data["prompt"], self._values(variant))
        shown.pop("variables", None)
        shown.pop("constraints", None)
        if member is not self:
            shown.update(id=self.id, title=self.data.get("title", shown.get("title")))
        return shown

    def view(self, identity: Mapping[str, str]) -> dict[str, Any]:
        """The student view with this student's numbers in the prompt (for a pool: of the
        version this student draws, under the slot's id and title)."""
        return self.student_view(self.variant(identity))


def write_public_questions(
    questions: Iterable[Any], folder: str | os.PathLike[str], course: str, assignment: str
) -> Path:
    """Write ``encoder-kit-questions.json`` for ``questions`` into ``folder``."""
    payload = {
        "format": FORMAT,
        "course": course,
        "assignment": assignment,
        "questions": {q.id: public_question(q) for q in questions},
    }
    target = Path(folder) / PUBLIC_FILENAME
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def read_public_questions(folder: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The public questions file in ``folder`` (default: the working folder), or {} if absent."""
    target = Path(folder or Path.cwd()) / PUBLIC_FILENAME
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise PublicQuestionError(
            f"{target} cannot be read ({error}); download the assignment's files again"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PublicQuestionError(f"{target} is not an encoder-kit questions file")
    return data


def identity(data: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Course, assignment and student whose version of the questions this kernel shows.

    The student is ``$ENCODER_KIT_STUDENT``, else ``$JUPYTERHUB_USER`` (the nbgrader student
    id on a hub), else the login name; course and assignment come from the environment, else
    the questions file, else the folder's name.
    """
    data = read_public_questions() if data is None else data
    student = (
        os.environ.get(IDENTITY_ENVIRONMENT["student"])
        or os.environ.get("JUPYTERHUB_USER")
        or getpass.getuser()
    )
    return {
        "course": os.environ.get(IDENTITY_ENVIRONMENT["course"]) or data.get("course")
        or "course",
        "assignment": os.environ.get(IDENTITY_ENVIRONMENT["assignment"])
        or data.get("assignment") or Path.cwd().name,
        "student": student,
    }


def lookup(question_id: str) -> tuple[PublicQuestion, dict[str, Any]]:
    """The stand-in for ``question_id`` and the file it came from (course and assignment);
    a question on the instructor's path or in the practice bank when the file lacks it."""
    if not isinstance(question_id, str) or not question_id.strip():
        raise PublicQuestionError(f"a question id is text such as 'hw1-choice-two-stages', not "
                                  f"{question_id!r}")
    data = read_public_questions()
    entry = (data.get("questions") or {}).get(question_id)
    if entry is not None:
        return PublicQuestion(entry), data
    from .loader import QuestionNotFoundError, find_question

    try:
        return PublicQuestion(public_question(find_question(question_id))), data
    except QuestionNotFoundError:
        raise PublicQuestionError(
            f"no question {question_id!r} in {PUBLIC_FILENAME} beside this notebook; "
            "check the id, and keep that file in the notebook's folder (it comes with the "
            "assignment)"
        ) from None


def text_view(view: Mapping[str, Any]) -> str:
    """The question as Markdown: what ``show`` prints where no widget can render."""
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


def save_student_answer(stand_in: PublicQuestion, value: Any, who: Mapping[str, str], *,
                        path: str | os.PathLike[str] | None = None) -> Path:
    """Save ``value`` as the answer to ``stand_in`` for ``who``: the record ``answer()``
    and a widget's Save both write (answer, kind, variant, attempt, time; no score).

    The attempt is one more than the saved one. Raises ``TypeError`` naming the problem
    when ``value`` is not plain data.
    """
    from .answers_file import AnswerFileError, load_answer, save_answer

    variant = stand_in.variant(who)
    try:
        attempts = load_answer(stand_in.id, path).attempts + 1
    except AnswerFileError:
        attempts = 1
    try:
        return save_answer(
            stand_in.id,
            value,
            kind=stand_in.kind,
            variant=variant.to_dict() if variant is not None else None,
            attempts=attempts,
            path=path,
        )
    except TypeError as error:
        raise TypeError(
            f"the answer to {stand_in.id!r} must be plain data (text, numbers, lists, dicts), "
            f"not {type(value).__name__}: {error}"
        ) from None


def _label(entries: Any, key: str, wanted: Any) -> str:
    for entry in entries or []:
        if isinstance(entry, Mapping) and entry.get("id") == wanted:
            return str(entry.get(key, wanted))
    return f"{wanted} (not one of the choices)"


def describe_answer(view: Mapping[str, Any], answer: Any) -> list[str]:
    """``answer`` in words, line by line, with the texts of ``view`` (a student view): an
    ordering as a numbered list of its steps, a choice as the option's text, a design as its
    components and arrows by label, a diagnosis as cause and fix. Never raises: an answer
    of an unexpected form is shown as it is."""
    kind = view.get("kind")
    try:
        if kind == "ordering" and isinstance(answer, list):
            return [f"{n}. {_label(view.get('items'), 'text', step)}"
                    for n, step in enumerate(answer, start=1)] or ["(no steps)"]
        if kind == "choice":
            chosen = answer if isinstance(answer, list) else [answer]
            return [f"• {_label(view.get('options'), 'text', option)}" for option in chosen]
        if kind == "diagnosis" and isinstance(answer, Mapping):
            return [f"Cause: {_label(view.get('causes'), 'text', answer.get('cause'))}",
                    f"Fix: {_label(view.get('fixes'), 'text', answer.get('fix'))}"]
        if kind == "design" and isinstance(answer, Mapping):
            palette = view.get("palette")
            parts = [_label(palette, "label", c) for c in answer.get("components") or []]
            arrows = [f"{_label(palette, 'label', a[0])} → {_label(palette, 'label', a[1])}"
                      for a in answer.get("connections") or []
                      if isinstance(a, list | tuple) and len(a) == 2]
            lines = [f"Components ({len(parts)}):", *(f"• {part}" for part in parts)]
            lines += [f"Arrows ({len(arrows)}):", *(f"• {arrow}" for arrow in arrows)]
            if answer.get("justification"):
                lines.append(f"Justification: {answer['justification']}")
            return lines
        if kind == "shape" and isinstance(answer, list | tuple):
            return ["(" + ", ".join(str(a) for a in answer) + ("," if len(answer) == 1 else "")
                    + ")"]
        if kind == "numeric" and not isinstance(answer, bool):
            unit = view.get("unit")
            return [f"{answer:g}" + (f" {unit}" if unit else "")
                    if isinstance(answer, int | float) else repr(answer)]
    except Exception:  # a malformed answer: show it as it is
        pass
    return [json.dumps(answer, ensure_ascii=False)[:500]]
