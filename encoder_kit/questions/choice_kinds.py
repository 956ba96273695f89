"""Questions answered by choosing: ``choice``, ``diagnosis`` and ``design``.

Answer formats (what a widget must produce):

- ``choice``: one option id (``"b"``); with ``multiple: true`` a list of ids (``["a", "c"]``);
- ``diagnosis``: ``{"cause": "<cause id>", "fix": "<fix id>"}``;
- ``design``: ``{"components": [ids], "connections": [[source_id, target_id], ...],
  "justification": "free text"}`` (connections and justification may be left out).

>>> q = ChoiceQuestion(
...     kind="choice", id="demo-choice", title="Demo", prompt="Pick one.", concepts=["C3"],
...     explanation="Freezing keeps the encoder's weights fixed.", shuffle=False,
...     options=[{"id": "a", "text": "Frozen", "correct": True, "feedback": "Right."},
...              {"id": "b", "text": "Tuned", "feedback": "Tuning changes the weights."}])
>>> q.student_view()["options"]
[{'id': 'a', 'text': 'Frozen'}, {'id': 'b', 'text': 'Tuned'}]
>>> q.correct_ids()
['a']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from .common import (
    FieldError,
    ItemId,
    Option,
    QuestionBase,
    StrictModel,
    Text,
    stable_shuffle,
    unique_ids,
)

if TYPE_CHECKING:  # pragma: no cover
    from .variants import Variant


def _check_options(options: list[Option], what: str, field: str, *, single: bool) -> None:
    unique_ids(options, what, field)
    correct = [option.id for option in options if option.correct]
    if not correct:
        raise FieldError(field, f"no {what} is marked 'correct: true'; mark the right one")
    if single and len(correct) > 1:
        raise FieldError(
            field,
            f"{len(correct)} {what}s are marked correct ({correct}); a single-answer question "
            "has exactly one (set 'multiple: true' to allow several)",
        )


class ChoiceQuestion(QuestionBase):
    """Multiple choice: one answer, or several with ``multiple: true``; feedback per option."""

    ANSWER_FORMAT: ClassVar[str] = "an option id, or a list of option ids when multiple"

    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2)
    multiple: bool = False
    shuffle: bool = True

    @model_validator(mode="after")
    def _has_correct(self) -> ChoiceQuestion:
        _check_options(self.options, "option", "options", single=not self.multiple)
        return self

    def correct_ids(self) -> list[str]:
        """Ids of the correct options."""
        return [option.id for option in self.options if option.correct]

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        options = [option.public() for option in self.options]
        if self.shuffle:
            options = stable_shuffle(options, self.shuffle_seed(variant))
        return {"options": options, "multiple": self.multiple}

    def _feedback_texts(self) -> list[str]:
        return [option.feedback for option in self.options]


class LossCurve(StrictModel):
    """Loss per epoch (or step) during training, and optionally on validation data."""

    train: list[float] = Field(min_length=2)
    validation: list[float] | None = None
    x_label: Text = "epoch"


class Symptom(StrictModel):
    """What the student observes: a description, optionally a loss curve and a log excerpt."""

    text: Text
    loss_curve: LossCurve | None = None
    log: Text | None = None


class DiagnosisQuestion(QuestionBase):
    """A failed run: choose its cause and its fix; ``cause_weight`` is the cause's share."""

    ANSWER_FORMAT: ClassVar[str] = '{"cause": cause id, "fix": fix id}'

    kind: Literal["diagnosis"]
    symptom: Symptom
    causes: list[Option] = Field(min_length=2)
    fixes: list[Option] = Field(min_length=2)
    cause_weight: float = Field(default=0.5, gt=0, lt=1)

    @model_validator(mode="after")
    def _one_right_each(self) -> DiagnosisQuestion:
        _check_options(self.causes, "cause", "causes", single=True)
        _check_options(self.fixes, "fix", "fixes", single=True)
        return self

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        seed = self.shuffle_seed(variant)
        return {
            "symptom": self.symptom.model_dump(exclude_none=True),
            "causes": stable_shuffle([o.public() for o in self.causes], seed + "|causes"),
            "fixes": stable_shuffle([o.public() for o in self.fixes], seed + "|fixes"),
        }

    def _feedback_texts(self) -> list[str]:
        return [option.feedback for option in [*self.causes, *self.fixes]]


class Component(StrictModel):
    """A building block on the design palette; ``feedback`` explains its role when misused."""

    id: ItemId
    label: Text
    feedback: Text


class Connection(StrictModel):
    """A required data flow from one component to another."""

    source: ItemId
    target: ItemId
    feedback: Text


class RubricPoint(StrictModel):
    """One point of the manual rubric for the free-text justification."""

    text: Text
    points: float = Field(gt=0)


class Justification(StrictModel):
    """A free-text justification, graded by hand against ``rubric``."""

    prompt: Text
    points: float = Field(gt=0)
    rubric: list[RubricPoint] = Field(min_length=1)

    @model_validator(mode="after")
    def _rubric_adds_up(self) -> Justification:
        total = sum(point.points for point in self.rubric)
        if abs(total - self.points) > 1e-9:
            raise FieldError(
                "rubric", f"the rubric points add up to {total}, not to points={self.points}"
            )
        return self


class DesignQuestion(QuestionBase):
    """Choose and connect components; ``points`` covers the automatic part only.

    The automatic part checks each required component (present), each forbidden one
    (absent) and each required connection, all with equal weight. The justification's
    points are graded by hand and reported separately.
    """

    ANSWER_FORMAT: ClassVar[str] = (
        '{"components": [ids], "connections": [[source, target], ...], "justification": text}'
    )

    kind: Literal["design"]
    palette: list[Component] = Field(min_length=2)
    required: list[ItemId] = Field(min_length=1)
    forbidden: list[ItemId] = Field(default_factory=list)
    connections: list[Connection] = Field(default_factory=list)
    justification: Justification | None = None

    @model_validator(mode="after")
    def _refers_to_palette(self) -> DesignQuestion:
        unique_ids(self.palette, "component", "palette")
        known = {component.id for component in self.palette}
        for field, ids in (("required", self.required), ("forbidden", self.forbidden)):
            unknown = sorted(set(ids) - known)
            if unknown:
                raise FieldError(field, f"names {unknown}, which are not on the palette")
        overlap = sorted(set(self.required) & set(self.forbidden))
        if overlap:
            raise FieldError("forbidden", f"{overlap} are both required and forbidden")
        for connection in self.connections:
            for end in (connection.source, connection.target):
                if end not in self.required:
                    raise FieldError(
                        "connections",
                        f"the connection {connection.source} -> {connection.target} uses {end!r}, "
                        "which is not a required component",
                    )
        return self

    def component(self, component_id: str) -> Component:
        """The palette entry with this id."""
        return next(c for c in self.palette if c.id == component_id)

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        palette = [{"id": c.id, "label": c.label} for c in self.palette]
        fields: dict[str, Any] = {"palette": stable_shuffle(palette, self.shuffle_seed(variant))}
        if self.justification is not None:
            fields["justification"] = {
                "prompt": self.justification.prompt,
                "points": self.justification.points,
            }
        return fields

    def _feedback_texts(self) -> list[str]:
        texts = [c.feedback for c in self.palette] + [c.feedback for c in self.connections]
        if self.justification is not None:
            texts += [point.text for point in self.justification.rubric]
        return texts
