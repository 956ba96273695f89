"""The public side of graded questions: what a released notebook may show, and nothing more.

Graded questions stay on the instructor's side, yet a released notebook must show each
student their own version of a question (their numbers). ``release`` therefore writes
``encoder-kit-questions.json`` beside the notebooks: per question, its student view (prompt
template, options, items, palette; never the key, the feedback or the explanation) and the
specification of its per-student variables. The student's kernel draws the variant from
(course, assignment, student) exactly as the grader does, so both agree on the numbers.

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
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from encoder_kit.questions.common import Variable
from encoder_kit.questions.symbols import fill_placeholders

PUBLIC_FILENAME = "encoder-kit-questions.json"
FORMAT = "encoder-kit-questions"


class PublicQuestionError(ValueError):
    """A question that cannot be released, or a public questions file that cannot be read."""


def public_question(question: Any) -> dict[str, Any]:
    """The released form of ``question``: its default student view with the prompt as a
    template and the per-student variables' specifications."""
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
    return view


class PublicQuestion:
    """A keyless stand-in for a graded question: enough to draw a variant and show it.

    It offers what ``encoder_kit.questions.make_variant`` reads (``id``,
    ``variable_specs()``, no ``draw``), so the variant equals the grader's.
    """

    draw = None

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = dict(data)
        self.id: str = self.data["id"]
        self.kind: str = self.data["kind"]
        self.points: float = float(self.data.get("points", 1))
        self._specs = {
            name: spec if isinstance(spec, int) else Variable(**spec)
            for name, spec in (self.data.get("variables") or {}).items()
        }

    @property
    def is_variable(self) -> bool:
        return any(not isinstance(spec, int) for spec in self._specs.values())

    def variable_specs(self) -> dict[str, int | Variable]:
        return self._specs

    def variant(self, identity: Mapping[str, str]) -> Any:
        """This student's ``Variant`` (None when the question is the same for everyone)."""
        from encoder_kit.questions import make_variant

        if not self.is_variable:
            return None
        return make_variant(self, identity["course"], identity["assignment"], identity["student"])

    def values_for(self, identity: Mapping[str, str]) -> dict[str, int]:
        variant = self.variant(identity)
        fixed = {k: v for k, v in self._specs.items() if isinstance(v, int)}
        return {**fixed, **(variant.values if variant is not None else {})}

    def view(self, identity: Mapping[str, str]) -> dict[str, Any]:
        """The student view with this student's numbers in the prompt."""
        shown = dict(self.data)
        shown["prompt"] = fill_placeholders(self.data["prompt"], self.values_for(identity))
        shown.pop("variables", None)
        return shown


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
