"""Building blocks shared by every question kind: the base model, options, variables.

Every question has an id, the concepts it covers (C1-C11 of the curriculum), points, a
prompt and an explanation shown after an attempt. ``student_view()`` returns what a student
may see (never the key); ``secret_strings()`` returns the texts that must never reach a
student for a graded question (the explanation, all feedback, serialised keys).

>>> option = Option(id="a", text="Fine-tune", correct=True, feedback="Yes: the data is large.")
>>> option.public()
{'id': 'a', 'text': 'Fine-tune'}
>>> Variable(choices=[2, 4, 8]).domain()
[2, 4, 8]
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..draw.symbols import fill_placeholders
from ..draw.variables import Variable, VariableSpec, default_values

if TYPE_CHECKING:  # pragma: no cover
    from ..draw.variants import Variant  # variants imports variables, never this module

__all__ = [
    "CONCEPTS",
    "FieldError",
    "Option",
    "QuestionBase",
    "StrictModel",
    "Variable",
    "VariableSpec",
    "default_values",
    "stable_shuffle",
    "unique_ids",
]

Concept = Literal["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11"]
CONCEPTS: tuple[str, ...] = tuple(f"C{number}" for number in range(1, 12))
Visibility = Literal["visible", "hidden", "after_due"]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# secrets shorter than this are too common to scan for without false alarms
MIN_SECRET_LENGTH = 16


class FieldError(ValueError):
    """A validation error about one named field, raised where pydantic cannot tell which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StrictModel(BaseModel):
    """Unknown fields are errors (a typo must not silently drop a key), values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(StrictModel):
    """One answer option with the feedback a student sees after choosing it."""

    id: ItemId
    text: Text
    correct: bool = False
    feedback: Text

    def public(self) -> dict[str, str]:
        """The option without its correctness and feedback."""
        return {"id": self.id, "text": self.text}


def stable_shuffle(values: Sequence[Any], seed_text: str) -> list[Any]:
    """Shuffle reproducibly from a text seed (the same text gives the same order).

    >>> stable_shuffle(["a", "b", "c", "d"], "q1") == stable_shuffle(["a", "b", "c", "d"], "q1")
    True
    """
    seed = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big")
    shuffled = list(values)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def unique_ids(values: Sequence[Any], what: str, field: str) -> None:
    """Raise ``FieldError`` naming the first id used twice."""
    seen: set[str] = set()
    for value in values:
        if value.id in seen:
            raise FieldError(field, f"the {what} id {value.id!r} is used twice; ids must be unique")
        seen.add(value.id)


class QuestionBase(StrictModel):
    """Fields and behaviour common to every kind of question."""

    ANSWER_FORMAT: ClassVar[str] = ""

    id: QuestionId
    title: Text
    prompt: Text
    concepts: list[Concept] = Field(min_length=1)
    points: float = Field(default=1.0, gt=0)
    explanation: Text
    graded: bool = False
    visibility: Visibility = "visible"

    def variable_specs(self) -> Mapping[str, VariableSpec]:
        """The per-student variables of this question (none by default)."""
        return {}

    def variable_constraints(self) -> list[str]:
        """Conditions every draw of the variables satisfies (none by default)."""
        return []

    @property
    def is_variable(self) -> bool:
        """True when different students may see different numbers or items."""
        return any(not isinstance(spec, int) for spec in self.variable_specs().values())

    def values_for(self, variant: Variant | None) -> dict[str, int]:
        """Variable values for a variant (the defaults when there is none)."""
        values = default_values(self.variable_specs())
        if variant is not None:
            values.update(variant.values)
        return values

    def student_view(self, variant: Variant | None = None) -> dict[str, Any]:
        """Everything a widget needs to show the question, and nothing of the key."""
        view: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,  # type: ignore[attr-defined]
            "title": self.title,
            "prompt": fill_placeholders(self.prompt, self.values_for(variant)),
            "concepts": list(self.concepts),
            "points": self.points,
            "answer_format": self.ANSWER_FORMAT,
        }
        view.update(self._student_fields(variant))
        return view

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        return {}

    def secret_strings(self, include_feedback: bool = True) -> list[str]:
        """Texts that reveal the key: a graded question's must never reach a student.

        With ``include_feedback=False`` only what must stay out even of feedback files: the
        explanation and serialised keys (a feedback file legitimately holds the feedback of
        the options the student chose).
        """
        found = [self.explanation, *self._key_texts()]
        if include_feedback:
            found += self._feedback_texts()
        unique = dict.fromkeys(" ".join(text.split()) for text in found)
        return [text for text in unique if len(text) >= MIN_SECRET_LENGTH]

    def _key_texts(self) -> list[str]:
        return []

    def _feedback_texts(self) -> list[str]:
        return []

    def shuffle_seed(self, variant: Variant | None) -> str:
        """The text that seeds the order options are shown in (per variant when there is one)."""
        return f"{self.id}|{variant.seed if variant is not None else ''}"
