"""Symbolic values in questions: shapes such as ``[batch, seq_len + 2, 768]`` and numbers.

An expression is a small piece of arithmetic over whole numbers and variable names
(``+``, ``-``, ``*``, ``//``, ``/``, ``%`` and parentheses). It is parsed with :mod:`ast` and
evaluated by a tiny interpreter, never by :func:`eval`, because question files are data.
A *condition* (``pieces >= words + 3``, ``a < b and b != 8``) compares expressions; the
``constraints`` of a question's variables are conditions every draw must satisfy.

>>> parse_dimensions("[batch, seq_len + 2, 768]")
('batch', 'seq_len + 2', '768')
>>> evaluate_shape("[batch, seq_len + 2, 768]", {"batch": 4, "seq_len": 10})
(4, 12, 768)
>>> sorted(names_in("layers + 1"))
['layers']
>>> holds("pieces >= words + 3", {"pieces": 12, "words": 9})
True
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

Number = int | float

_OPERATORS: dict[type, Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_COMPARISONS: dict[type, Callable[[Number, Number], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
MAX_DEPTH = 100  # operations nested in one expression
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@lru_cache(maxsize=4096)
def _parse(expression: str) -> ast.expr:
    """The checked syntax tree of an arithmetic expression (cached: trees are never changed)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    # RecursionError: a very long chain ("1+1+...") overflows the parser; ValueError: a NUL
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueError(
            f"cannot read the expression {expression!r}: use numbers, variable names, "
            "+ - * // / % and parentheses, e.g. 'seq_len + 2'"
        ) from error
    _check_nodes(tree.body, expression)
    return tree.body


@lru_cache(maxsize=1024)
def _parse_condition(condition: str) -> ast.expr:
    """The checked tree of a condition: comparisons of expressions joined by and/or."""
    try:
        tree = ast.parse(condition.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueError(
            f"cannot read the condition {condition!r}: compare expressions with < <= > >= == !=,"
            " joined by 'and' / 'or', e.g. 'pieces >= words + 3'"
        ) from error
    _check_condition(tree.body, condition)
    return tree.body


def _check_condition(node: ast.expr, condition: str) -> None:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And | ast.Or):
        for value in node.values:
            _check_condition(value, condition)
    elif isinstance(node, ast.Compare) and all(type(op) in _COMPARISONS for op in node.ops):
        for part in [node.left, *node.comparators]:
            _check_nodes(part, condition)
    else:
        raise ValueError(
            f"the condition {condition!r} is not a comparison; write it like "
            "'pieces >= words + 3' (comparisons may be joined by 'and' / 'or')"
        )


def _check_nodes(node: ast.expr, expression: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:  # keeps this check and _evaluate_node far from the recursion limit
        raise ValueError(
            f"the expression {expression!r} nests more than {MAX_DEPTH} operations; "
            "write it shorter, e.g. 'seq_len + 2'"
        )
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check_nodes(node.left, expression, depth + 1)
        _check_nodes(node.right, expression, depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check_nodes(node.operand, expression, depth + 1)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    elif isinstance(node, ast.Name):
        return
    else:
        raise ValueError(
            f"the expression {expression!r} uses something other than numbers, names and "
            "+ - * // / %; write it like 'layers + 1'"
        )


def names_in(expression: str | int | float) -> set[str]:
    """The variable names an expression uses.

    >>> names_in(768)
    set()
    """
    if isinstance(expression, int | float):
        return set()
    return {node.id for node in ast.walk(_parse(str(expression))) if isinstance(node, ast.Name)}


def condition_names(condition: str) -> set[str]:
    """The variable names a condition uses.

    >>> sorted(condition_names("pieces >= words and words < 40"))
    ['pieces', 'words']
    """
    tree = _parse_condition(str(condition))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def holds(condition: str, values: Mapping[str, Number]) -> bool:
    """Whether a condition is true for these variable values.

    >>> holds("a < b < 10 or a == 0", {"a": 3, "b": 12})
    False
    """
    return _holds(_parse_condition(str(condition)), values, str(condition))


def _holds(node: ast.expr, values: Mapping[str, Number], condition: str) -> bool:
    if isinstance(node, ast.BoolOp):
        results = (_holds(value, values, condition) for value in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    assert isinstance(node, ast.Compare)  # _check_condition allowed nothing else
    left = _evaluate_node(node.left, values, condition)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _evaluate_node(right_node, values, condition)
        if not _COMPARISONS[type(op)](left, right):
            return False
        left = right
    return True


def evaluate(expression: str | int | float, values: Mapping[str, Number]) -> Number:
    """Evaluate an expression with the given variable values.

    >>> evaluate("seq_len * 15 // 100", {"seq_len": 200})
    30
    """
    if isinstance(expression, bool):
        raise ValueError(f"{expression!r} is not a number")
    if isinstance(expression, int | float):
        return expression
    return _evaluate_node(_parse(str(expression)), values, str(expression))


def _evaluate_node(node: ast.expr, values: Mapping[str, Number], expression: str) -> Number:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise ValueError(
                f"the expression {expression!r} uses {node.id!r}, which has no value; "
                "declare it under 'variables'"
            )
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_evaluate_node(node.operand, values, expression)
    assert isinstance(node, ast.BinOp)  # _check_nodes allowed nothing else
    left = _evaluate_node(node.left, values, expression)
    right = _evaluate_node(node.right, values, expression)
    try:
        return _OPERATORS[type(node.op)](left, right)
    except ZeroDivisionError as error:
        raise ValueError(f"the expression {expression!r} divides by zero") from error
    except OverflowError as error:
        raise ValueError(f"the expression {expression!r} is too large to compute") from error


def parse_dimensions(spec: str | Sequence[str | int]) -> tuple[str, ...]:
    """Split a shape written as ``"[a, b + 1, 768]"`` or a list into dimension expressions.

    >>> parse_dimensions([2, "seq_len"])
    ('2', 'seq_len')
    """
    if isinstance(spec, str):
        inner = spec.strip()
        if inner[:1] in "([" and inner[-1:] in ")]":
            inner = inner[1:-1]
        parts = [part.strip() for part in inner.split(",") if part.strip()]
    else:
        parts = [str(part).strip() for part in spec]
    if not parts:
        raise ValueError(f"the shape {spec!r} has no dimensions; write it like '[batch, 768]'")
    for part in parts:
        _parse(part)
    return tuple(parts)


def evaluate_shape(
    spec: str | Sequence[str | int], values: Mapping[str, Number]
) -> tuple[int, ...]:
    """Evaluate every dimension of a symbolic shape to a whole number."""
    shape = []
    for dimension in parse_dimensions(spec):
        value = evaluate(dimension, values)
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"the dimension {dimension!r} is {value}, not a whole number")
            value = int(value)
        shape.append(value)
    return tuple(shape)


def placeholders_in(text: str) -> set[str]:
    """The ``{name}`` placeholders a prompt uses.

    >>> sorted(placeholders_in("A batch of {batch} sentences, {seq_len} pieces each"))
    ['batch', 'seq_len']
    """
    return set(_PLACEHOLDER.findall(text))


def fill_placeholders(text: str, values: Mapping[str, Number]) -> str:
    """Replace ``{name}`` by its value; braces around other text are left alone.

    >>> fill_placeholders("{batch} sentences, {not_a_variable}", {"batch": 4})
    '4 sentences, {not_a_variable}'
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(replace, text)
