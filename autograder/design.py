"""Grade a ``design`` question: chosen components and connections; the justification is manual.

The answer is ``{"components": [ids], "connections": [[source, target], ...],
"justification": "text"}``. Each required component present, each forbidden component
absent and each required connection drawn is one criterion; the score is the share met.
Feedback explains every forbidden component used and, like ordering feedback, names only
the first missing component or connection, with a count of the rest. A justification is
passed on to the instructor (``flags`` holds ``"manual-grading"``).

>>> from encoder_kit.questions import load_bank
>>> q = next(q for q in load_bank() if q.kind == "design")
>>> grade_design_question(q, {"components": []}).feedback.startswith("The design answer is empty")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .answers import AnswerError, id_list, known_ids
from .result import Result

_EXAMPLE = '{"components": ["a", "b"], "connections": [["a", "b"]], "justification": "..."}'


def _read(answer: Any, question: Any) -> tuple[list[str], set[tuple[str, str]], str]:
    if not isinstance(answer, Mapping):
        raise AnswerError(f"A design answer is a dict such as {_EXAMPLE}, not {answer!r}.")
    extra = sorted(set(map(str, answer)) - {"components", "connections", "justification"})
    if extra:
        raise AnswerError(f"Unexpected key(s) {extra}; a design answer looks like {_EXAMPLE}.")
    if not answer.get("components"):
        raise AnswerError(f"The design answer is empty: place components, e.g. {_EXAMPLE}.")
    components = id_list(answer["components"], "design", example='["a", "b"]')
    known_ids(components, {c.id for c in question.palette}, "components on the palette")
    connections: set[tuple[str, str]] = set()
    for pair in answer.get("connections") or []:
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(end, str) for end in pair)
        ):
            raise AnswerError(f"A connection is a pair [source_id, target_id], not {pair!r}.")
        for end in pair:
            if end not in components:
                raise AnswerError(
                    f"The connection {pair[0]} -> {pair[1]} uses {end!r}, which is not among "
                    "your components; add it or remove the connection."
                )
        connections.add((pair[0], pair[1]))
    justification = answer.get("justification") or ""
    if not isinstance(justification, str):
        raise AnswerError("The justification must be text.")
    return components, connections, justification.strip()


def grade_design_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade a ``DesignQuestion``'s automatic part."""
    try:
        components, connections, justification = _read(answer, question)
    except AnswerError as error:
        return Result.zero(str(error), max_points=question.points)
    chosen = set(components)
    missing = [c for c in question.required if c not in chosen]
    misused = [c for c in question.forbidden if c in chosen]
    unlinked = [c for c in question.connections if (c.source, c.target) not in connections]
    total = len(question.required) + len(question.forbidden) + len(question.connections)
    met = total - len(missing) - len(misused) - len(unlinked)
    lines = []
    for component_id in misused:
        component = question.component(component_id)
        lines.append(f"{component.label!r} does not belong in this design: {component.feedback}")
    if missing:
        first = question.component(missing[0])
        lines.append(
            f"{len(missing)} needed component(s) missing. One of them: {first.label!r}. "
            f"{first.feedback}"
        )
    if unlinked:
        lines.append(f"{len(unlinked)} needed connection(s) missing. {unlinked[0].feedback}")
    if not lines:
        lines.append("Correct: every automatically checked part of the design is right.")
    flags: tuple[str, ...] = ()
    details: dict[str, Any] = {"criteria_met": met, "criteria": total}
    if question.justification is not None:
        details["manual_points"] = question.justification.points
        details["justification"] = justification
        if justification:
            flags = ("manual-grading",)
            lines.append("Your justification will be graded by hand.")
        else:
            lines.append(
                f"You gave no justification; it is worth {question.justification.points:g} "
                "point(s), graded by hand."
            )
    return Result(met / total, question.points, "\n".join(lines), details, flags=flags)
