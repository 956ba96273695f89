"""Tensor shapes: read what a student typed (``parse_shape``) and grade it (``grade_shape``).

>>> parse_shape("torch.Size([15, 768])"), parse_shape("15 × 768"), parse_shape("15 by 768")
((15, 768), (15, 768), (15, 768))
>>> grade_shape("(2, 768)", "[batch, seq_len, 768]", {"batch": 2, "seq_len": 9}).details
{'answer': [2, 768], 'mistake': 'pooled_vs_token'}
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from encoder_kit.questions.draw.symbols import evaluate_shape
from encoder_kit.questions.kinds.value import SHAPE_MISTAKES, ShapeMistake

from .result import Result

Shape = tuple[int, ...]
ACCEPTED_FORMS = "(15, 768), [15, 768], 15 x 768, 15 × 768, 15 by 768 or torch.Size([15, 768])"
_WRAPPER = re.compile(r"^torch\.Size\s*\((.*)\)$", re.DOTALL)
# longer numbers are no tensor size, and int() refuses more than 4300 digits
_MAX_DIGITS = 30
_SEPARATOR = re.compile(r"\s*(?:,|×|\*|\bby\b|(?<=\d)\s*[xX]\s*(?=\d))\s*")


class ShapeError(ValueError):
    """An answer that cannot be read as a shape; the message shows accepted forms."""


def _reject(answer: Any, reason: str) -> ShapeError:
    return ShapeError(
        f"Cannot read {answer!r} as a shape: {reason}. Write it like {ACCEPTED_FORMS}."
    )


def parse_shape(answer: Any) -> Shape:
    """A shape as a tuple of whole numbers; ``ShapeError`` (a ``ValueError``) otherwise.

    Accepts text (``"(15, 768)"``, ``"15x768"``, ``"15 × 768"``, ``"[15, 768]"``,
    ``"15 by 768"``, ``"torch.Size([15, 768])"``), a tuple, a list, ``torch.Size`` or a numpy
    shape. A one-axis shape needs brackets: ``(768,)`` or ``[768]``.
    """
    if isinstance(answer, str):
        return _parse_text(answer)
    if isinstance(answer, tuple | list):
        return _checked(answer, [_whole_number(answer, value) for value in answer])
    if answer is None:
        raise _reject(answer, "no shape was given")
    raise _reject(answer, f"a shape is a tuple, a list or text, not {type(answer).__name__}")


def _whole_number(answer: Any, value: Any) -> int:
    if isinstance(value, bool) or isinstance(value, float):
        raise _reject(answer, f"{value!r} is not a whole number")
    try:
        return operator.index(value)  # accepts numpy integers, refuses floats and text
    except TypeError:
        raise _reject(answer, f"{value!r} is not a whole number") from None


def _checked(answer: Any, dimensions: list[int]) -> Shape:
    if not dimensions:
        raise _reject(answer, "it has no axes")
    if any(dimension < 0 for dimension in dimensions):
        raise _reject(answer, "a dimension cannot be negative")
    return tuple(dimensions)


def _parse_text(answer: str) -> Shape:
    # Runs of whitespace become one space: _SEPARATOR's \s* is quadratic on long runs.
    text = " ".join(answer.split())
    wrapped = _WRAPPER.match(text)
    if wrapped:
        text = wrapped.group(1).strip()
    bracketed = text[:1] in "([" and text[-1:] in ")]"
    if text[:1] in "([" and not bracketed or text[-1:] in ")]" and not bracketed:
        raise _reject(answer, "the brackets do not match")
    if bracketed:
        text = text[1:-1].strip()
    if not text:
        raise _reject(answer, "it is empty")
    parts = _SEPARATOR.split(text)
    if bracketed and len(parts) > 1 and parts[-1] == "":
        parts = parts[:-1]  # "(768,)"
    # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts
    if not all(part.isdecimal() for part in parts):
        bad = next(part for part in parts if not part.isdecimal())
        if re.fullmatch(r"\d+(\s+\d+)+", bad):
            raise _reject(answer, "separate the axes with a comma, 'x' or 'by'")
        raise _reject(answer, f"{bad!r} is not a whole number" if bad else "an axis is empty")
    if len(parts) == 1 and not bracketed:
        raise _reject(answer, f"write a one-axis shape with brackets, ({parts[0]},)")
    if any(len(part) > _MAX_DIGITS for part in parts):
        raise _reject(answer, f"a dimension has more than {_MAX_DIGITS} digits")
    return _checked(answer, [int(part) for part in parts])


def _one_axis_off(a: Shape, e: Shape, by: int) -> bool:
    if len(a) != len(e):
        return False
    differing = [i for i in range(len(e)) if a[i] != e[i]]
    return len(differing) == 1 and a[differing[0]] == e[differing[0]] - by


def _one_axis_dropped(longer: Shape, shorter: Shape) -> bool:
    return len(longer) == len(shorter) + 1 and any(
        longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer) - 1)
    )


DETECTORS: dict[str, Callable[[Shape, Shape], bool]] = {
    "transposed": lambda a, e: a != e and sorted(a) == sorted(e),
    "missing_batch": lambda a, e: len(e) > 1 and a == e[1:],
    "extra_axis": lambda a, e: a[1:] == e,
    "pooled_vs_token": lambda a, e: _one_axis_dropped(e, a) or _one_axis_dropped(a, e),
    "forgot_special_tokens": lambda a, e: _one_axis_off(a, e, 2),
    "layers_without_embedding": lambda a, e: _one_axis_off(a, e, 1),
}
DEFAULT_FEEDBACK: dict[str, str] = {
    "transposed": "Right sizes, wrong order: check which axis is which (batch, then tokens, "
    "then features).",
    "missing_batch": "The leading batch axis is missing: a batch of inputs adds one axis in front.",
    "extra_axis": "There is one axis too many in front: this tensor has no batch (or layer) axis.",
    "pooled_vs_token": "One axis too many or too few: per-token outputs keep one vector per "
    "token, pooled outputs one vector per sequence.",
    "forgot_special_tokens": "One axis is 2 short: did you forget the special tokens the "
    "tokenizer adds ([CLS] and [SEP])?",
    "layers_without_embedding": "One axis is 1 short: the hidden states include the embedding "
    "layer's output as well as one per encoder layer.",
}
assert set(DETECTORS) == set(SHAPE_MISTAKES) == set(DEFAULT_FEEDBACK)


def grade_shape(
    answer: Any,
    expected: Any,
    variables: Mapping[str, int] | None = None,
    *,
    mistakes: Iterable[ShapeMistake | Mapping[str, Any]] | None = None,
    max_points: float = 1.0,
) -> Result:
    """Grade a shape answer; the first matching mistake of the table gives the feedback.

    ``expected`` may be symbolic (``"[batch, seq_len, 768]"``) with values in ``variables``.
    ``mistakes`` is a question's table (``mistake``, ``feedback``, optional ``shape`` and
    ``credit``); without one, the built-in mistakes with generic feedback are used. An
    unreadable answer scores 0 with a message showing the accepted forms; a bad ``expected``
    raises ``ValueError``.
    """
    values = dict(variables or {})
    target = evaluate_shape(expected, values) if not _is_shape(expected) else tuple(expected)
    table = _table(mistakes)
    try:
        given = parse_shape(answer)
    except ShapeError as error:
        return Result.zero(str(error), max_points=max_points, details={"error": "unreadable"})
    details: dict[str, Any] = {"answer": list(given)}
    if given == target:
        return Result(1.0, max_points, "Correct.", details)
    batch_axis = _batch_axis(expected)
    for mistake in table:
        if mistake.shape is not None:
            matches = evaluate_shape(mistake.shape, values) == given
        elif batch_axis is not None and mistake.mistake in ("missing_batch", "pooled_vs_token"):
            # the symbolic shape says which axis is the batch: losing it is a missing batch,
            # never pooling (pooling drops the token axis); a tensor without a batch axis
            # cannot miss one
            without_batch = batch_axis >= 0 and given == target[:batch_axis] + target[
                batch_axis + 1:]
            matches = without_batch if mistake.mistake == "missing_batch" else (
                not without_batch and DETECTORS["pooled_vs_token"](given, target))
        else:
            matches = DETECTORS[mistake.mistake](given, target)
        if matches:
            details["mistake"] = mistake.mistake
            return Result(mistake.credit, max_points, mistake.feedback, details)
    if len(given) != len(target):
        message = (
            f"Your shape has {len(given)} axes, which is not the right number: ask which axes "
            "this tensor has (a batch axis? a layer axis? a token axis? a feature axis?)."
        )
    else:
        wrong = next(i for i in range(len(target)) if given[i] != target[i])
        message = (
            f"The number of axes is right, but axis {wrong} (counting from 0) has the wrong size."
        )
    return Result(0.0, max_points, message, details)


def _batch_axis(expected: Any) -> int | None:
    """Where a symbolic shape has its ``batch`` axis: its index, -1 when it names no batch
    axis, ``None`` when the shape is plain numbers (nothing is known about its axes).

    >>> _batch_axis("[13, batch, seq_len, 768]"), _batch_axis("[seq_len, 384]"), _batch_axis((2, 3))
    (1, -1, None)
    """
    if not isinstance(expected, str):
        return None
    axes = [axis.strip() for axis in expected.strip().strip("[]()").split(",")]
    return axes.index("batch") if "batch" in axes else -1


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple | list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )


def _table(mistakes: Iterable[ShapeMistake | Mapping[str, Any]] | None) -> list[ShapeMistake]:
    if mistakes is None:
        return [ShapeMistake(mistake=name, feedback=DEFAULT_FEEDBACK[name]) for name in DETECTORS]
    return [m if isinstance(m, ShapeMistake) else ShapeMistake.model_validate(m) for m in mistakes]


def grade_shape_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade a ``ShapeQuestion`` with the numbers of ``variant``."""
    return grade_shape(
        answer,
        question.expected,
        question.values_for(variant),
        mistakes=question.mistakes,
        max_points=question.points,
    )
