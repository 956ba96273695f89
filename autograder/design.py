"""Grade a ``design`` question: components and arrows by precision and recall.

The answer is ``{"components": [ids], "connections": [[source, target], ...],
"justification": "text"}``. It is scored against each acceptable design of the key and
keeps the best match:

- **components**: recall is the share of the design's components placed; precision is
  those components over everything placed, where a superfluous component counts once
  and a forbidden one ``FORBIDDEN_COST`` times (it is a conceptual error, not clutter).
  Optional components (``question.optional``) count neither way.
- **arrows**: recall is the share of the design's needed arrows drawn; precision is those
  arrows over every arrow drawn. A reversed, invented or superfluous arrow, and any arrow
  to or from a forbidden or superfluous component, lowers precision. Optional arrows
  count neither way; an optional component placed on a needed arrow ``a -> b`` (drawn
  ``a -> o -> b``) stands for that arrow.
- **score** = ``COMPONENT_WEIGHT`` * F1(components) + (1 - ``COMPONENT_WEIGHT``) *
  F1(arrows): a design is mostly its wiring, so the arrows weigh two thirds.

These figures make test-wise answers fail: placing the whole palette and connecting every
ordered pair scores at most 0.3, the needed components with every pair connected at most
0.6, one component about 0.07 (all asserted in ``tests/test_design_grading.py``).

Feedback names one problem at a time, in the order a student should fix them (forbidden,
superfluous, missing components; reversed, wrong, missing arrows), with the labels the
student sees and a count of the rest. A justification is passed on to the instructor
(``flags`` holds ``"manual-grading"``).

>>> from encoder_kit.questions import find_question
>>> q = find_question("practice-ner-design")
>>> grade_design_question(q, q.reference_answer()).score
1.0
>>> grade_design_question(q, {"components": []}).feedback.startswith("The design answer is empty")
True
>>> everything = [c.id for c in q.palette]
>>> pairs = [[a, b] for a in everything for b in everything if a != b]
>>> grade_design_question(q, {"components": everything, "connections": pairs}).score <= 0.3
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .answers import AnswerError, id_list, known_ids
from .result import Result

# share of the score earned by the choice of components; the arrows earn the rest
COMPONENT_WEIGHT = 1 / 3
# a forbidden component weighs this many superfluous ones in the component precision
FORBIDDEN_COST = 3

_EXAMPLE = '{"components": ["k1", "k2"], "connections": [["k1", "k2"]], "justification": "..."}'


def _read(answer: Any, question: Any) -> tuple[list[str], list[tuple[str, str]], str]:
    if not isinstance(answer, Mapping):
        raise AnswerError(f"A design answer is a dict such as {_EXAMPLE}, not {answer!r}.")
    extra = sorted(set(map(str, answer)) - {"components", "connections", "justification"})
    if extra:
        raise AnswerError(f"Unexpected key(s) {extra}; a design answer looks like {_EXAMPLE}.")
    if not answer.get("components"):
        raise AnswerError(f"The design answer is empty: place components, e.g. {_EXAMPLE}.")
    components = id_list(answer["components"], "design", example='["k1", "k2"]')
    known_ids(components, {c.id for c in question.palette}, "components on the palette")
    connections: list[tuple[str, str]] = []
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
        if pair[0] == pair[1]:
            raise AnswerError(f"The connection {pair[0]} -> {pair[1]} joins a component to itself.")
        if (pair[0], pair[1]) not in connections:
            connections.append((pair[0], pair[1]))
    justification = answer.get("justification") or ""
    if not isinstance(justification, str):
        raise AnswerError("The justification must be text.")
    return components, connections, justification.strip()


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass
class Match:
    """How an answer compares with one acceptable design (``problems`` in fixing order)."""

    design: str
    component_precision: float
    component_recall: float
    arrow_precision: float
    arrow_recall: float
    problems: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The weighted F1 of components and arrows (see the module docstring)."""
        components = _f1(self.component_precision, self.component_recall)
        arrows = _f1(self.arrow_precision, self.arrow_recall)
        return COMPONENT_WEIGHT * components + (1 - COMPONENT_WEIGHT) * arrows

    def figures(self) -> dict[str, Any]:
        """The figures behind the score, rounded, for ``Result.details``."""
        return {
            "design": self.design,
            "components": {
                "precision": round(self.component_precision, 4),
                "recall": round(self.component_recall, 4),
            },
            "connections": {
                "precision": round(self.arrow_precision, 4),
                "recall": round(self.arrow_recall, 4),
            },
            "problems": len(self.problems),
        }


def match_design(
    question: Any, design: Any, components: list[str], connections: list[tuple[str, str]]
) -> Match:
    """Compare an answer's components and arrows with one of ``question.designs``.

    >>> from encoder_kit.questions import find_question
    >>> q = find_question("practice-ner-design")
    >>> answer = q.reference_answer()
    >>> m = match_design(q, q.designs[0], answer["components"][:1], [])
    >>> (m.component_recall < 0.2, m.arrow_recall, len(m.problems) > 1)
    (True, 0.0, True)
    """
    label = {c.id: f"'{c.label}'" for c in question.palette}
    feedback = {c.id: c.feedback for c in question.palette}
    needed = design.needed()
    members = set(design.components)
    places = question.optional_in(design)
    forbidden = [c for c in components if c in question.forbidden]
    superfluous = [c for c in components if c not in members | set(places) | set(forbidden)]
    placed = [c for c in components if c in members]
    missing = [c for c in design.components if c not in components]
    cost = len(placed) + len(superfluous) + FORBIDDEN_COST * len(forbidden)
    component_precision = len(placed) / cost if cost else 0.0
    component_recall = len(placed) / len(members)

    drawn = set(connections)
    free = set(design.allowed())  # arrows that cost nothing
    bridged: set[tuple[str, str]] = set()
    for optional, pairs in places.items():
        if optional not in components:
            continue
        for source, target in pairs:
            free |= {(source, optional), (optional, target)}
            if {(source, optional), (optional, target)} <= drawn:
                bridged.add((source, target))
    matched = [pair for pair in needed if pair in drawn or pair in bridged]
    wrong = [pair for pair in connections if pair not in needed and pair not in free]
    arrow_cost = len(matched) + len(wrong)
    arrow_precision = len(matched) / arrow_cost if arrow_cost else 0.0
    arrow_recall = len(matched) / len(needed)

    problems = [f"{label[c]} does not belong in this design: {feedback[c]}" for c in forbidden]
    elsewhere = {c for other in question.designs for c in other.components}
    for c in superfluous:
        if c in elsewhere:
            problems.append(
                f"{label[c]} belongs to another way of building this system than the rest of "
                f"your design; keep one consistent design. {feedback[c]}"
            )
        else:
            problems.append(f"{label[c]} has no role in this design: {feedback[c]}")
    problems += [f"Your design lacks {label[c]}. {feedback[c]}" for c in missing]
    # an arrow touching a misplaced component goes when that component goes
    misplaced = set(forbidden) | set(superfluous)
    wrong = [pair for pair in wrong if not misplaced & set(pair)]
    for source, target in wrong:
        if (target, source) in needed:
            problems.append(
                f"The arrow {label[source]} -> {label[target]} points the wrong way: draw "
                "arrows in the direction data flows."
            )
    for source, target in wrong:
        if (target, source) not in needed:
            problems.append(
                f"No data flows directly from {label[source]} to {label[target]} in this "
                "design: remove that arrow."
            )
    for (source, target), connection in needed.items():
        if (source, target) not in matched and source in components and target in components:
            problems.append(f"An arrow out of {label[source]} is missing: {connection.feedback}")
    return Match(
        design.name,
        component_precision,
        component_recall,
        arrow_precision,
        arrow_recall,
        problems,
    )


def best_match(question: Any, components: list[str], connections: list[tuple[str, str]]) -> Match:
    """The acceptable design the answer matches best (the first one on a tie)."""
    matches = [match_design(question, d, components, connections) for d in question.designs]
    return max(matches, key=lambda m: (m.score, -len(m.problems)))


def grade_design_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade a ``DesignQuestion``'s automatic part against its best-matching design."""
    try:
        components, connections, justification = _read(answer, question)
    except AnswerError as error:
        return Result.zero(str(error), max_points=question.points)
    match = best_match(question, components, connections)
    if match.problems:
        lines = [match.problems[0]]
        rest = len(match.problems) - 1
        if rest:
            lines.append(f"({rest} more problem(s) to fix after this one.)")
    else:
        lines = ["Correct: every automatically checked part of the design is right."]
    flags: tuple[str, ...] = ()
    details: dict[str, Any] = match.figures()
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
    return Result(match.score, question.points, "\n".join(lines), details, flags=flags)
