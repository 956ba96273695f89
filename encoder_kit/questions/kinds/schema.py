"""The question schema: one pydantic model per kind, a discriminated union on ``kind``.

``parse_question`` turns plain data (as read from YAML) into the right model; the loader
adds the file name to its errors.

>>> q = parse_question({
...     "kind": "numeric", "id": "hidden-states", "title": "Hidden states",
...     "prompt": "How many hidden states does BERT-base return?", "concepts": ["C4", "C7"],
...     "explanation": "12 layers plus the embedding output.", "expected": 13})
>>> type(q).__name__, q.expected_value()
('NumericQuestion', 13)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, get_args

from pydantic import Field, TypeAdapter

from .choice import (
    ChoiceQuestion,
    Component,
    Connection,
    DesignQuestion,
    DiagnosisQuestion,
    Justification,
    LossCurve,
    RubricPoint,
    Symptom,
)
from .common import CONCEPTS, Option, QuestionBase, Variable
from .ordering import ORDERING_METHODS, Distractor, ItemDraw, OrderingItem, OrderingQuestion
from .value import (
    SHAPE_MISTAKES,
    CodeQuestion,
    NumericMistake,
    NumericQuestion,
    ShapeMistake,
    ShapeQuestion,
)

AnyQuestion = (
    OrderingQuestion
    | ShapeQuestion
    | ChoiceQuestion
    | DesignQuestion
    | DiagnosisQuestion
    | NumericQuestion
    | CodeQuestion
)
Question = Annotated[AnyQuestion, Field(discriminator="kind")]
QUESTION_KINDS: tuple[str, ...] = tuple(
    get_args(model.model_fields["kind"].annotation)[0] for model in get_args(AnyQuestion)
)
_ADAPTER: TypeAdapter[AnyQuestion] = TypeAdapter(Question)


def parse_question(data: Mapping[str, Any]) -> AnyQuestion:
    """Validate plain data into a question model (raises ``pydantic.ValidationError``)."""
    return _ADAPTER.validate_python(data)


__all__ = [
    "CONCEPTS",
    "ORDERING_METHODS",
    "QUESTION_KINDS",
    "SHAPE_MISTAKES",
    "AnyQuestion",
    "ChoiceQuestion",
    "CodeQuestion",
    "Component",
    "Connection",
    "DesignQuestion",
    "DiagnosisQuestion",
    "Distractor",
    "ItemDraw",
    "Justification",
    "LossCurve",
    "NumericMistake",
    "NumericQuestion",
    "Option",
    "OrderingItem",
    "OrderingQuestion",
    "Question",
    "QuestionBase",
    "RubricPoint",
    "ShapeMistake",
    "ShapeQuestion",
    "Symptom",
    "Variable",
    "parse_question",
]
