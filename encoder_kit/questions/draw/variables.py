"""Per-student variables: their domains, values derived from other variables, constraints.

A variable is a whole number drawn per student from ``choices`` or ``min``..``max``. With
``plus`` it is *derived*: its value is an expression over other variables plus the drawn
number, so that related numbers stay possible together (a sentence never has fewer word
pieces than words):

    variables:
      words: {min: 8, max: 30}
      pieces: {plus: words, min: 3, max: 12}     # 3 to 12 more pieces than words

A question's ``constraints`` are conditions (``"pieces >= words"``) every draw must
satisfy; a draw that violates one is drawn again from the same random generator, so the
notebook and the grader still agree. ``variable_space`` enumerates (or, for a large space,
samples) the possible draws, which is how questions check at load time that every draw is
possible and that no two mistake values collide.

This module sits below ``common`` and ``variants`` (both import it; it imports neither).

>>> specs = {"words": Variable(min=8, max=10), "pieces": Variable(plus="words", min=3, max=4)}
>>> sorted(set(v["pieces"] - v["words"] for v in variable_space(specs, [])))
[3, 4]
>>> default_values(specs)
{'words': 8, 'pieces': 11}
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .symbols import condition_names, evaluate, holds, names_in

# at most this many draws are enumerated; a larger space is sampled (deterministically)
MAX_ENUMERATED = 5000
SAMPLED = 2000
# a draw that violates a constraint is drawn again, at most this many times
MAX_REDRAWS = 1000


class VariableError(ValueError):
    """A problem with the variables of a question (the message names what and how to fix)."""


class Variable(BaseModel):
    """A number drawn per student: from ``choices`` or ``min``..``max`` (inclusive).

    With ``plus`` (an expression over other variables) the value is that expression plus the
    drawn number; ``default`` is then the default of the drawn number.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    choices: list[int] | None = Field(default=None, min_length=1)
    min: int | None = None
    max: int | None = None
    default: int | None = None
    plus: str | None = None

    @model_validator(mode="after")
    def _one_domain(self) -> Variable:
        has_range = self.min is not None or self.max is not None
        if (self.choices is None) == (not has_range):
            raise ValueError("give either 'choices' or both 'min' and 'max'")
        if has_range and (self.min is None or self.max is None or self.min > self.max):
            raise ValueError("'min' and 'max' must both be given, with min <= max")
        if self.default is not None and not self._allows(self.default):
            raise ValueError(f"the default {self.default} is not among the possible values")
        if self.plus is not None:
            names_in(self.plus)  # a ValueError names an unreadable expression
        return self

    def _allows(self, value: int) -> bool:
        # never through domain(): min 0, max 10**12 must not build a list of 10**12 numbers
        if self.choices is not None:
            return value in self.choices
        assert self.min is not None and self.max is not None
        return self.min <= value <= self.max

    def size(self) -> int:
        """How many numbers can be drawn."""
        if self.choices is not None:
            return len(self.choices)
        assert self.min is not None and self.max is not None
        return self.max - self.min + 1

    def domain(self) -> list[int]:
        """Every number that can be drawn (for a derived variable: the added part)."""
        if self.choices is not None:
            return list(self.choices)
        assert self.min is not None and self.max is not None
        return list(range(self.min, self.max + 1))

    def default_value(self) -> int:
        """The drawn number used when no variant is given: ``default``, else the first one."""
        if self.default is not None:
            return self.default
        return self.choices[0] if self.choices is not None else int(self.min or 0)

    def draw(self, rng: random.Random) -> int:
        """One number from the domain (``choice`` or ``randint``: existing draws never change)."""
        if self.choices is not None:
            return rng.choice(self.choices)
        assert self.min is not None and self.max is not None
        return rng.randint(self.min, self.max)

    def depends_on(self) -> set[str]:
        """The variables this one is derived from."""
        return names_in(self.plus) if self.plus is not None else set()


VariableSpec = int | Variable


def _order(specs: Mapping[str, VariableSpec]) -> list[str]:
    """Names in an order where every variable comes after those it is derived from."""
    done: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name) :], name])
            raise VariableError(f"the variables are derived from each other in a cycle ({cycle})")
        visiting.append(name)
        spec = specs[name]
        if isinstance(spec, Variable):
            for other in sorted(spec.depends_on()):
                if other not in specs:
                    raise VariableError(
                        f"{name!r} is derived from {other!r} ('plus'), which is not a variable; "
                        "declare it under 'variables'"
                    )
                visit(other)
        visiting.pop()
        done.append(name)

    for name in sorted(specs):
        visit(name)
    return done


def resolve(specs: Mapping[str, VariableSpec], drawn: Mapping[str, int]) -> dict[str, int]:
    """Variable values from the drawn numbers: a derived variable adds its ``plus``."""
    values: dict[str, int] = {}
    for name in _order(specs):
        spec = specs[name]
        if isinstance(spec, Variable) and spec.plus is not None:
            base = evaluate(spec.plus, values)
            if isinstance(base, float):
                if not base.is_integer():
                    raise VariableError(f"{name!r}: 'plus: {spec.plus}' is {base}, not whole")
                base = int(base)
            values[name] = base + drawn[name]
        else:
            values[name] = drawn[name]
    return {name: values[name] for name in specs}


def default_values(specs: Mapping[str, VariableSpec]) -> dict[str, int]:
    """Each variable's value when no variant is given."""
    drawn = {
        name: spec if isinstance(spec, int) else spec.default_value()
        for name, spec in specs.items()
    }
    return resolve(specs, drawn)


def satisfies(values: Mapping[str, int], constraints: Sequence[str]) -> bool:
    """Whether a draw satisfies every constraint."""
    return all(holds(condition, values) for condition in constraints)


def draw_values(
    specs: Mapping[str, VariableSpec], constraints: Sequence[str], rng: random.Random
) -> dict[str, int]:
    """This generator's draw: numbers in sorted name order, redrawn until constraints hold."""
    for _ in range(MAX_REDRAWS):
        drawn = {
            name: spec if isinstance(spec, int) else spec.draw(rng)
            for name, spec in sorted(specs.items())
        }
        values = resolve(specs, drawn)
        if satisfies(values, constraints):
            return values
    raise VariableError(
        f"no draw satisfying {list(constraints)} was found in {MAX_REDRAWS} tries; "
        "widen the variables' domains or relax the constraints"
    )


def space_size(specs: Mapping[str, VariableSpec]) -> int:
    """How many combinations of drawn numbers there are (before constraints)."""
    size = 1
    for spec in specs.values():
        if isinstance(spec, Variable):
            size *= spec.size()
    return size


def variable_space(
    specs: Mapping[str, VariableSpec], constraints: Sequence[str]
) -> Iterator[dict[str, int]]:
    """Every possible draw satisfying the constraints, or a deterministic sample of them.

    A space of at most ``MAX_ENUMERATED`` combinations is enumerated; a larger one yields
    every combination of the domains' ends plus ``SAMPLED`` random draws (seed 0).
    """
    names = sorted(specs)
    if space_size(specs) <= MAX_ENUMERATED:
        domains = [[s] if isinstance(s, int) else s.domain() for s in (specs[n] for n in names)]
        combinations: Iterator[tuple[int, ...]] | list[tuple[int, ...]] = itertools.product(
            *domains
        )
    else:
        ordered = [specs[name] for name in names]
        ends = [[s] if isinstance(s, int) else _ends(s) for s in ordered]
        rng = random.Random(0)
        sampled = [
            tuple(s if isinstance(s, int) else s.draw(rng) for s in ordered)
            for _ in range(SAMPLED)
        ]
        combinations = [*itertools.product(*ends), *sampled]
    for combination in combinations:
        values = resolve(specs, dict(zip(names, combination, strict=True)))
        if satisfies(values, constraints):
            yield values


def _ends(spec: Variable) -> list[int]:
    """The smallest and largest number a variable can draw."""
    if spec.choices is not None:
        return sorted({min(spec.choices), max(spec.choices)})
    assert spec.min is not None and spec.max is not None
    return sorted({spec.min, spec.max})


def check_variables(specs: Mapping[str, VariableSpec], constraints: Sequence[str]) -> None:
    """Raise ``VariableError`` for unknown names, cycles, or defaults that break a constraint.

    The defaults lie in the domains, so defaults that satisfy the constraints also prove
    that some draw does.
    """
    _order(specs)
    for condition in constraints:
        unknown = condition_names(condition) - set(specs)
        if unknown:
            raise VariableError(
                f"the constraint {condition!r} uses {sorted(unknown)}, which are not declared "
                "under 'variables'"
            )
    if constraints and not satisfies(default_values(specs), constraints):
        raise VariableError(
            f"the default values {default_values(specs)} violate the constraints "
            f"{list(constraints)}; change the defaults"
        )


def dump_specs(specs: Mapping[str, VariableSpec]) -> dict[str, Any]:
    """Plain data for the specs (what a released questions file stores)."""
    return {
        name: spec if isinstance(spec, int) else spec.model_dump(exclude_none=True)
        for name, spec in specs.items()
    }


def load_specs(data: Mapping[str, Any]) -> dict[str, VariableSpec]:
    """Specs from ``dump_specs`` data."""
    return {
        name: spec if isinstance(spec, int) else Variable(**spec) for name, spec in data.items()
    }
