"""Questions answered by choosing: ``choice``, ``diagnosis`` and ``design``.

Answer formats (what a widget must produce):

- ``choice``: one option id (``"b"``); with ``multiple: true`` a list of ids (``["a", "c"]``);
- ``diagnosis``: ``{"cause": "<cause id>", "fix": "<fix id>"}``;
- ``design``: ``{"components": [ids], "connections": [[source_id, target_id], ...],
  "justification": "free text"}`` (connections and justification may be left out); the key
  is a list of acceptable ``designs``, plus ``forbidden`` and ``optional`` components.

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
    from ..draw.variants import Variant


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
    """A building block on the design palette.

    ``feedback`` says what the component does or why it does not belong; a student reads it
    when the component is missing from, misplaced in, or forbidden in their design, so it
    must make sense in each of those cases.
    """

    id: ItemId
    label: Text
    feedback: Text


class Connection(StrictModel):
    """An arrow (data flows ``source`` -> ``target``) of an acceptable design.

    A needed arrow carries ``feedback``: the hint a student reads when it is missing. With
    ``optional: true`` the arrow is merely allowed: drawing it costs nothing, leaving it out
    costs nothing either (for a flow that is defensible but not essential).
    """

    source: ItemId
    target: ItemId
    feedback: Text | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _needed_arrows_explain_themselves(self) -> Connection:
        if self.source == self.target:
            raise FieldError(
                "source",
                f"the arrow {self.source} -> {self.target} is a loop; an arrow joins two components",
            )
        if not self.optional and self.feedback is None:
            raise FieldError(
                "feedback",
                f"the arrow {self.source} -> {self.target} is needed, so it needs 'feedback' "
                "(the hint shown when it is missing); or mark it 'optional: true'",
            )
        return self

    @property
    def pair(self) -> tuple[str, str]:
        """``(source, target)``."""
        return (self.source, self.target)


class OptionalComponent(StrictModel):
    """A component that is neither needed nor wrong (a CRF decoder, a label aligner).

    Placing it costs nothing. ``between`` lists needed arrows ``[a, b]`` it may sit on:
    the path ``a -> component -> b`` then stands for the arrow ``a -> b``, and the two
    arrows into and out of it cost nothing. In a design without any of those arrows the
    component has no place and counts as superfluous.
    """

    component: ItemId
    between: list[tuple[ItemId, ItemId]] = Field(min_length=1)


class Design(StrictModel):
    """One acceptable design: the components it needs and the arrows between them."""

    name: Text
    components: list[ItemId] = Field(min_length=2)
    connections: list[Connection] = Field(min_length=1)

    def needed(self) -> dict[tuple[str, str], Connection]:
        """The needed arrows, by ``(source, target)``."""
        return {c.pair: c for c in self.connections if not c.optional}

    def allowed(self) -> set[tuple[str, str]]:
        """The optional arrows (neither needed nor wrong)."""
        return {c.pair for c in self.connections if c.optional}


class RubricPoint(StrictModel):
    """One point of the manual rubric for the free-text justification."""

    text: Text
    points: float = Field(gt=0)


class Justification(StrictModel):
    """A free-text justification, graded by hand against ``rubric``.

    The prompt is shown to the student, so it must not name the components of the answer
    (needed or forbidden); the rubric stays on the instructor's side.
    """

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

    ``designs`` holds every acceptable design (at least one; e.g. a frozen encoder with a
    trained head, and a fine-tuned encoder with its own training path). An answer is
    scored against the design it matches best (``autograder.design``): components and
    arrows by precision and recall. ``forbidden`` components are conceptual errors and cost
    more than superfluous ones; ``optional`` components cost nothing. The justification's
    points are graded by hand and reported separately.
    """

    ANSWER_FORMAT: ClassVar[str] = (
        '{"components": [ids], "connections": [[source, target], ...], "justification": text}'
    )

    kind: Literal["design"]
    palette: list[Component] = Field(min_length=2)
    designs: list[Design] = Field(min_length=1)
    forbidden: list[ItemId] = Field(default_factory=list)
    optional: list[OptionalComponent] = Field(default_factory=list)
    justification: Justification | None = None

    @model_validator(mode="after")
    def _a_consistent_key(self) -> DesignQuestion:
        unique_ids(self.palette, "component", "palette")
        known = {component.id for component in self.palette}
        optional = [entry.component for entry in self.optional]
        for field, ids in (("forbidden", self.forbidden), ("optional", optional)):
            _known_once(field, ids, known)
        overlap = sorted(set(self.forbidden) & set(optional))
        if overlap:
            raise FieldError(
                "optional", f"{overlap} are both optional and forbidden; keep them in one list"
            )
        names: set[str] = set()
        shapes: set[tuple[frozenset[str], frozenset[tuple[str, str]]]] = set()
        for index, design in enumerate(self.designs):
            field = f"designs.{index}"
            if design.name in names:
                raise FieldError(
                    f"{field}.name", f"two designs are named {design.name!r}; name each its own"
                )
            names.add(design.name)
            _known_once(f"{field}.components", design.components, known)
            for ids, what in ((self.forbidden, "forbidden"), (optional, "optional")):
                clash = sorted(set(design.components) & set(ids))
                if clash:
                    raise FieldError(
                        f"{field}.components",
                        f"{clash} are {what} yet part of the design {design.name!r}; take "
                        f"them out of the design or out of '{what}'",
                    )
            _check_arrows(design, set(optional), field)
            shape = (frozenset(design.components), frozenset(design.needed()))
            if shape in shapes:
                raise FieldError(
                    field, f"the design {design.name!r} repeats another design; remove one"
                )
            shapes.add(shape)
        needed = {pair for design in self.designs for pair in design.needed()}
        for index, entry in enumerate(self.optional):
            for source, target in entry.between:
                if (source, target) not in needed:
                    raise FieldError(
                        f"optional.{index}.between",
                        f"{entry.component} sits between {source} and {target}, but no design "
                        f"has the needed arrow {source} -> {target}; add that arrow to a "
                        "design or correct 'between'",
                    )
        return self

    def component(self, component_id: str) -> Component:
        """The palette entry with this id."""
        return next(c for c in self.palette if c.id == component_id)

    def optional_in(self, design: Design) -> dict[str, list[tuple[str, str]]]:
        """Optional components with a place in ``design``: id -> needed arrows it may sit on."""
        needed = design.needed()
        places = {
            entry.component: [pair for pair in entry.between if pair in needed]
            for entry in self.optional
        }
        return {component: pairs for component, pairs in places.items() if pairs}

    def reference_answer(self, design: int = 0) -> dict[str, Any]:
        """A full-marks answer: the components and needed arrows of ``designs[design]``."""
        chosen = self.designs[design]
        return {
            "components": list(chosen.components),
            "connections": [list(pair) for pair in chosen.needed()],
        }

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
        texts = [c.feedback for c in self.palette]
        texts += [c.feedback for d in self.designs for c in d.connections if c.feedback]
        if self.justification is not None:
            texts += [point.text for point in self.justification.rubric]
        return texts


def _known_once(field: str, ids: list[str], known: set[str]) -> None:
    unknown = sorted(set(ids) - known)
    if unknown:
        raise FieldError(
            field, f"names {unknown}, which are not on the palette; add them or fix the ids"
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise FieldError(field, f"names {repeated} more than once; list each id once")


def _check_arrows(design: Design, optional: set[str], field: str) -> None:
    """Arrows join the design's components (optional arrows may touch optional ones)."""
    members = set(design.components)
    seen: set[tuple[str, str]] = set()
    for connection in design.connections:
        pair = connection.pair
        if pair in seen:
            raise FieldError(
                f"{field}.connections",
                f"the arrow {pair[0]} -> {pair[1]} is listed twice; keep one",
            )
        seen.add(pair)
        ends = members | optional if connection.optional else members
        for end in pair:
            if end not in ends:
                raise FieldError(
                    f"{field}.connections",
                    f"the arrow {pair[0]} -> {pair[1]} uses {end!r}, which is not a component "
                    f"of the design {design.name!r}; add it to the design's components",
                )
    wired = {end for pair in design.needed() for end in pair}
    loose = [c for c in design.components if c not in wired]
    if loose:
        raise FieldError(
            f"{field}.connections",
            f"{loose} of the design {design.name!r} have no needed arrow; connect them or "
            "leave them out of the design",
        )
