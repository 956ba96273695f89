"""The key of an ordering question: a total order, or a partial order given as a DAG.

A key is written either as a list (``["tokens", "embeddings", "encoder"]``: each item must
come after the one before it) or as a mapping from each item to the items that must come
before it (``{"fit": ["encode"], "encode": [], "load": []}``). Both become an
:class:`OrderKey`, which knows every item's ancestors (the transitive closure), so that
"is this a valid order?" is one question whatever way the key was written.

>>> key = OrderKey.from_spec({"encode": ["load"], "fit": ["encode"], "load": []})
>>> key.is_valid(["load", "encode", "fit"]), key.is_valid(["encode", "load", "fit"])
(True, False)
>>> OrderKey.from_spec(["a", "b", "c"]).total
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KeySpec = Sequence[str] | Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class OrderKey:
    """Items in declaration order and, for each item, the items that must come before it."""

    items: tuple[str, ...]
    ancestors: Mapping[str, frozenset[str]]

    @classmethod
    def from_spec(cls, spec: KeySpec | OrderKey) -> OrderKey:
        """Build a key from a list (total order) or a mapping item -> prerequisites.

        Raises ``TypeError`` for a key of the wrong type and ``ValueError`` for repeated
        items, unknown prerequisites, fewer than two items or a cycle.
        """
        if isinstance(spec, OrderKey):
            return spec
        if isinstance(spec, Mapping):
            return cls._from_mapping(spec)
        if isinstance(spec, Sequence) and not isinstance(spec, str | bytes):
            items = _string_items(spec, "the key")
            if len(set(items)) != len(items):
                repeated = sorted({item for item in items if items.count(item) > 1})
                raise ValueError(f"the key lists {repeated} more than once; list each item once")
            return cls._checked(items, {item: items[:index] for index, item in enumerate(items)})
        raise TypeError(
            "a key is a list of item ids (a total order) or a mapping from each item to the "
            f"items that must come before it, not {type(spec).__name__}"
        )

    @classmethod
    def _from_mapping(cls, spec: Mapping[Any, Any]) -> OrderKey:
        items = _string_items(list(spec), "the key")
        before: dict[str, list[str]] = {}
        for item in items:
            prerequisites = spec[item] if spec[item] is not None else []
            if isinstance(prerequisites, str | bytes) or not isinstance(prerequisites, Sequence):
                raise TypeError(
                    f"the prerequisites of {item!r} must be a list of item ids, "
                    f"e.g. {item}: [other_item]"
                )
            before[item] = _string_items(prerequisites, f"the prerequisites of {item!r}")
            unknown = [name for name in before[item] if name not in spec]
            if unknown:
                raise ValueError(
                    f"{item!r} must come after {unknown}, which are not items of the key; "
                    "list every item as a key of the mapping (with [] if nothing comes before)"
                )
            if item in before[item]:
                raise ValueError(f"{item!r} cannot be its own prerequisite")
        return cls._checked(items, before)

    @classmethod
    def _checked(cls, items: list[str], before: Mapping[str, Sequence[str]]) -> OrderKey:
        if len(items) < 2:
            raise ValueError("an ordering key needs at least two items")
        ancestors: dict[str, frozenset[str]] = {}
        for item in items:
            _closure(item, before, ancestors)
        return cls(items=tuple(items), ancestors=ancestors)

    @property
    def total(self) -> bool:
        """True when every pair of items is ordered (a single valid order exists)."""
        count = len(self.items)
        return sum(len(found) for found in self.ancestors.values()) == count * (count - 1) // 2

    def is_valid(self, sequence: Sequence[str]) -> bool:
        """True when ``sequence`` holds every item once, each after all of its ancestors."""
        if len(sequence) != len(self.items) or set(sequence) != set(self.items):
            return False
        seen: set[str] = set()
        for item in sequence:
            if not self.ancestors[item] <= seen:
                return False
            seen.add(item)
        return True

    def restricted(self, subset: Sequence[str]) -> OrderKey:
        """The key on a subset of its items; constraints through dropped items are kept."""
        chosen = [item for item in self.items if item in set(subset)]
        if len(chosen) != len(set(subset)):
            unknown = sorted(set(subset) - set(self.items))
            raise ValueError(f"cannot restrict the key to {unknown}: they are not items of it")
        return OrderKey._checked(
            chosen, {item: sorted(self.ancestors[item] & set(chosen)) for item in chosen}
        )

    def linearize(self, preferred: Sequence[str]) -> list[str]:
        """The valid order closest to ``preferred``: always take the earliest free item.

        Items missing from ``preferred`` come as late as their constraints allow, in
        declaration order. A valid ``preferred`` order is returned unchanged.

        >>> OrderKey.from_spec({"a": [], "b": [], "c": ["a"]}).linearize(["c", "b", "a"])
        ['b', 'a', 'c']
        """
        rank = {item: position for position, item in enumerate(preferred)}
        declared = {item: position for position, item in enumerate(self.items)}
        placed: list[str] = []
        remaining = set(self.items)
        while remaining:
            free = [item for item in remaining if not (self.ancestors[item] & remaining)]
            best = min(free, key=lambda item: (rank.get(item, len(rank)), declared[item]))
            placed.append(best)
            remaining.remove(best)
        return placed

    def as_spec(self) -> list[str] | dict[str, list[str]]:
        """The key as plain JSON data: a list when total, else item -> direct prerequisites."""
        if self.total:
            return sorted(self.items, key=lambda item: len(self.ancestors[item]))
        direct = {}
        for item in self.items:
            parents = self.ancestors[item]
            # a direct prerequisite is an ancestor that is not an ancestor of another ancestor
            implied = set().union(*(self.ancestors[p] for p in parents)) if parents else set()
            direct[item] = sorted(parents - implied, key=self.items.index)
        return direct


def _string_items(values: Sequence[Any], what: str) -> list[str]:
    items = list(values)
    wrong = [value for value in items if not isinstance(value, str) or not value]
    if wrong:
        raise TypeError(f"{what} must hold item ids (non-empty strings), not {wrong[0]!r}")
    return items


def _closure(
    item: str,
    before: Mapping[str, Sequence[str]],
    done: dict[str, frozenset[str]],
) -> frozenset[str]:
    """The ancestors of ``item``, filling ``done`` on the way; ``ValueError`` on a cycle.

    A depth-first walk with an explicit stack: a long chain of prerequisites must not hit
    Python's recursion limit.
    """
    stack: list[tuple[str, Iterator[str]]] = [(item, iter(before.get(item, ())))]
    on_path = {item}
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent in done:
                continue
            if parent in on_path:
                path = [name for name, _ in stack]
                cycle = path[path.index(parent) :] + [parent]
                raise ValueError(
                    "the prerequisites form a cycle (" + " -> ".join(cycle) + "), so no order "
                    "is valid"
                )
            stack.append((parent, iter(before.get(parent, ()))))
            on_path.add(parent)
            break
        else:  # every parent is done
            stack.pop()
            on_path.discard(node)
            found: set[str] = set()
            # Largest closures first: a parent already found brings nothing new (its own
            # ancestors are in), which keeps a long total order quadratic, not cubic.
            for parent in sorted(before.get(node, ()), key=lambda p: -len(done[p])):
                if parent not in found:
                    found.add(parent)
                    found |= done[parent]
            done[node] = frozenset(found)
    return done[item]
