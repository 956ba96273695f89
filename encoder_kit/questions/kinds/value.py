"""Questions answered with a value: ``shape``, ``numeric`` and ``code``.

Answer formats (what a widget must produce):

- ``shape``: a list of whole numbers, ``[15, 768]``, or a text such as ``"15 x 768"``;
- ``numeric``: a number, or a text holding one (``"13"``);
- ``code``: the Python object the prompt asks for (usually a function); not JSON, so code
  questions are answered in a notebook cell and graded by ``check()``, not by a widget.

Shapes and numbers may be symbolic (``[batch, seq_len, 768]``) with per-student variables
(see :mod:`.variables`: derived variables with ``plus``, and ``constraints`` every draw
satisfies). At load time every possible draw is checked (enumerated, or sampled when the
space is large): a draw must give a possible answer (no negative dimension), the right
answer must differ from every mistake value, and the mistake values from each other, or
the feedback would name the wrong mistake. A violation is a load error naming the draw.

>>> q = ShapeQuestion(
...     kind="shape", id="demo-shape", title="Demo", concepts=["C4"],
...     prompt="{batch} sentences of {seq_len} pieces through BERT-base.",
...     explanation="One 768-vector per piece per sentence.",
...     expected="[batch, seq_len, 768]",
...     variables={"batch": {"choices": [2, 4]}, "seq_len": 9})
>>> q.expected_shape()
(2, 9, 768)
>>> q.student_view()["prompt"]
'2 sentences of 9 pieces through BERT-base.'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field, StringConstraints, model_validator

from ..draw.symbols import evaluate, evaluate_shape, names_in, parse_dimensions, placeholders_in
from ..draw.variables import VariableError, check_variables, variable_space
from .common import FieldError, QuestionBase, StrictModel, Text, Variable

if TYPE_CHECKING:  # pragma: no cover
    from ..draw.variants import Variant

# mistakes the grader recognises without an explicit wrong shape (see autograder.shapes)
SHAPE_MISTAKES: tuple[str, ...] = (
    "transposed",
    "missing_batch",
    "extra_axis",
    "pooled_vs_token",
    "forgot_special_tokens",
    "layers_without_embedding",
)
MistakeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
ShapeSpec = str | list[int | str]


def _check_names(
    question: Any, expressions: list[Any], where: str, field: str, *, shapes: bool
) -> None:
    """Every variable an expression or the prompt uses must be declared."""
    declared = set(question.variables)
    for expression in expressions:
        if expression is None:
            continue
        try:
            parts = parse_dimensions(expression) if shapes else [expression]
            used = set().union(*(names_in(part) for part in parts))
        except ValueError as error:
            raise FieldError(field, str(error)) from None
        unknown = used - declared
        if unknown:
            raise FieldError(
                field, f"{where} uses {sorted(unknown)}, which are not declared under 'variables'"
            )
    unknown_placeholders = placeholders_in(question.prompt) - declared
    if unknown_placeholders:
        raise FieldError(
            "prompt",
            f"the prompt uses {{{sorted(unknown_placeholders)[0]}}}, which is not a variable; "
            "declare it under 'variables'",
        )


def _check_variables(question: Any) -> None:
    """Derived variables and constraints name declared variables, without cycles."""
    try:
        check_variables(question.variables, question.constraints)
    except VariableError as error:
        raise FieldError("variables", str(error)) from None
    except ValueError as error:  # an unreadable constraint
        raise FieldError("constraints", str(error)) from None


def _draws(question: Any) -> Any:
    """Every draw to check: the whole variable space (sampled when large), or the default."""
    if not question.is_variable and not question.constraints:
        return [question.values_for(None)]
    return variable_space(question.variables, question.constraints)


def _show_draw(values: dict[str, int]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(values.items())) or "no variables"


def _in_draw(field: str, values: dict[str, int], compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except ValueError as error:
        raise FieldError(field, f"with {_show_draw(values)}: {error}") from None


def _in_field(field: str, compute: Callable[[], Any]) -> Any:
    """Run ``compute``; a ``ValueError`` becomes a ``FieldError`` about ``field``."""
    try:
        return compute()
    except FieldError:
        raise
    except ValueError as error:
        raise FieldError(field, str(error)) from None


class ShapeMistake(StrictModel):
    """A common wrong shape: a built-in ``mistake`` name, or any name with an explicit ``shape``."""

    mistake: MistakeName
    feedback: Text
    shape: ShapeSpec | None = None
    credit: float = Field(default=0.0, ge=0, lt=1)

    @model_validator(mode="after")
    def _recognisable(self) -> ShapeMistake:
        if self.shape is None and self.mistake not in SHAPE_MISTAKES:
            raise ValueError(
                f"the mistake {self.mistake!r} is not built in ({', '.join(SHAPE_MISTAKES)}); "
                "give the wrong shape it stands for under 'shape'"
            )
        if self.shape is not None:
            parse_dimensions(self.shape)
        return self


class ShapeQuestion(QuestionBase):
    """Give the shape of a tensor; ``mistakes`` maps common wrong shapes to feedback."""

    ANSWER_FORMAT: ClassVar[str] = (
        "a shape: a list of whole numbers such as [15, 768], or '15 x 768'"
    )

    kind: Literal["shape"]
    expected: ShapeSpec
    variables: dict[str, int | Variable] = Field(default_factory=dict)
    constraints: list[Text] = Field(default_factory=list)
    mistakes: list[ShapeMistake] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ShapeQuestion:
        _check_names(self, [self.expected], "expected", "expected", shapes=True)
        shapes = [m.shape for m in self.mistakes]
        _check_names(self, shapes, "a mistake's shape", "mistakes", shapes=True)
        _check_variables(self)
        _in_field("expected", self.expected_shape)
        explicit = [m for m in self.mistakes if m.shape is not None]
        for values in _draws(self):
            expected = _in_draw(
                "expected", values, lambda v=values: evaluate_shape(self.expected, v)
            )
            if any(dimension < 0 for dimension in expected):
                raise FieldError(
                    "expected",
                    f"with {_show_draw(values)} it is {expected}, with a negative dimension; "
                    "restrict the variables ('constraints' or 'plus') so every draw is possible",
                )
            wrong: dict[tuple[int, ...], str] = {}
            for mistake in explicit:
                shape = _in_draw(
                    "mistakes", values, lambda m=mistake, v=values: evaluate_shape(m.shape, v)
                )
                if shape == expected:
                    raise FieldError(
                        "mistakes",
                        f"with {_show_draw(values)} the shape of mistake {mistake.mistake!r} "
                        f"equals the expected shape {expected}; restrict the variables so "
                        "they differ in every draw",
                    )
                if shape in wrong:
                    raise FieldError(
                        "mistakes",
                        f"with {_show_draw(values)} the mistakes {wrong[shape]!r} and "
                        f"{mistake.mistake!r} both give {shape}, so the feedback could name the "
                        "wrong mistake; restrict the variables so they differ in every draw",
                    )
                wrong[shape] = mistake.mistake
        return self

    def variable_specs(self) -> dict[str, int | Variable]:
        return self.variables

    def variable_constraints(self) -> list[str]:
        return list(self.constraints)

    def expected_shape(self, variant: Variant | None = None) -> tuple[int, ...]:
        """The expected shape with this variant's numbers."""
        return evaluate_shape(self.expected, self.values_for(variant))

    def mistake_shape(
        self, mistake: ShapeMistake, variant: Variant | None = None
    ) -> tuple[int, ...] | None:
        """The explicit wrong shape of a mistake with this variant's numbers, if it has one."""
        if mistake.shape is None:
            return None
        return evaluate_shape(mistake.shape, self.values_for(variant))

    def _feedback_texts(self) -> list[str]:
        return [mistake.feedback for mistake in self.mistakes]


class NumericMistake(StrictModel):
    """A common wrong value (possibly symbolic) with feedback and optional partial credit."""

    value: int | float | str
    feedback: Text
    credit: float = Field(default=0.0, ge=0, lt=1)


class NumericQuestion(QuestionBase):
    """Give a number; ``tolerance`` is the largest accepted absolute difference."""

    ANSWER_FORMAT: ClassVar[str] = "a number such as 13, or a text holding one"

    kind: Literal["numeric"]
    expected: int | float | str
    variables: dict[str, int | Variable] = Field(default_factory=dict)
    constraints: list[Text] = Field(default_factory=list)
    tolerance: float = Field(default=0.0, ge=0)
    unit: Text | None = None
    mistakes: list[NumericMistake] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> NumericQuestion:
        _check_names(self, [self.expected], "expected", "expected", shapes=False)
        mistake_values = [m.value for m in self.mistakes]
        _check_names(self, mistake_values, "a mistake's value", "mistakes", shapes=False)
        _check_variables(self)
        _in_field("expected", self.expected_value)
        tolerance = max(self.tolerance, 1e-9)
        for values in _draws(self):
            expected = _in_draw("expected", values, lambda v=values: evaluate(self.expected, v))
            seen: list[tuple[float, NumericMistake]] = []
            for mistake in self.mistakes:
                wrong = _in_draw(
                    "mistakes", values, lambda m=mistake, v=values: evaluate(m.value, v)
                )
                if abs(wrong - expected) <= tolerance:
                    raise FieldError(
                        "mistakes",
                        f"with {_show_draw(values)} the mistake value {mistake.value!r} is "
                        f"{wrong:g}, which is accepted as correct (expected {expected:g}); "
                        "restrict the variables ('plus' or 'constraints') so they differ",
                    )
                for other_value, other in seen:
                    if abs(wrong - other_value) <= 2 * tolerance:
                        raise FieldError(
                            "mistakes",
                            f"with {_show_draw(values)} the mistake values {other.value!r} and "
                            f"{mistake.value!r} are both {wrong:g}, so the feedback could name "
                            "the wrong mistake; restrict the variables ('plus' or "
                            "'constraints') so they differ in every draw",
                        )
                seen.append((wrong, mistake))
        return self

    def variable_specs(self) -> dict[str, int | Variable]:
        return self.variables

    def variable_constraints(self) -> list[str]:
        return list(self.constraints)

    def expected_value(self, variant: Variant | None = None) -> int | float:
        """The expected number with this variant's values."""
        return evaluate(self.expected, self.values_for(variant))

    def mistake_value(self, mistake: NumericMistake, variant: Variant | None = None) -> float:
        """A mistake's wrong value with this variant's values."""
        return evaluate(mistake.value, self.values_for(variant))

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        return {"unit": self.unit} if self.unit else {}

    def _feedback_texts(self) -> list[str]:
        return [mistake.feedback for mistake in self.mistakes]


class CodeQuestion(QuestionBase):
    """Write code; ``test`` names a function ``module:function`` that scores the answer.

    The test function receives the student's object and returns a score in [0, 1], or a
    ``(score, feedback)`` pair, or raises ``AssertionError`` with a message for the student.
    """

    ANSWER_FORMAT: ClassVar[str] = "the Python object named in the prompt (usually a function)"

    kind: Literal["code"]
    test: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")]
    answer_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]\w*$")]
    starter: str = ""

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        return {"answer_name": self.answer_name, "starter": self.starter}


__all__ = [
    "SHAPE_MISTAKES",
    "CodeQuestion",
    "NumericMistake",
    "NumericQuestion",
    "ShapeMistake",
    "ShapeQuestion",
]
