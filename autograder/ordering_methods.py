"""The ordering scores: Moodle's nine grading types and PrairieLearn's ``dag_lcs``.

Each Moodle method compares a clean answer (known items only, no repeats, possibly
incomplete) with a reference order ``ref`` of all n items and returns a share in [0, 1].
Worked example throughout: key ``T E N H O`` (tokens, embeddings, encoder, head, output)
answered ``T E H N O`` (encoder and head swapped).

- ``all_or_nothing``: 1 only if the answer is the reference order. Example: 0.
- ``absolute_position``: share of items at their own position. T, E, O: 3/5 = 0.60.
- ``relative_to_correct``: each item earns (n-1) - |offset| of n-1. 4+4+3+3+4 = 18/20 = 0.90.
- ``relative_next_exclude_last``: share of items, the answer's last excluded, followed by
  their right successor, out of n-1. Only T->E: 1/4 = 0.25.
- ``relative_next_include_last``: as above, counting "nothing follows" for the last item,
  out of n. T->E and O->end: 2/5 = 0.40.
- ``relative_both``: each item earns one for the right predecessor and one for the right
  successor ("none" at the ends counts), out of 2n. T: 2, E: 1, O: 1: 4/10 = 0.40.
- ``relative_all``: for each item, how many of the items that belong before (and after) it
  are before (after) it, out of n(n-1). Only the pair N, H is wrong: 18/20 = 0.90.
- ``longest_ordered_subset``: the longest subsequence of the answer in key order, out of n
  (a single item earns nothing, as in Moodle). T E N O: 4/5 = 0.80.
- ``longest_contiguous_subset``: the longest subsequence of the answer whose key positions
  run k, k+1, k+2, ..., adjacent in the answer or not (Moodle's computation). T E N: 0.60.
- ``dag_lcs``: max(0, (n - d) / n), d the fewest insertions and deletions that turn the
  answer into a valid order of the key (PrairieLearn's ``pl-order-blocks``). Deleting N (or
  H) and inserting it back gives d = 2: (5 - 2) / 5 = 0.60.

>>> ref = ["T", "E", "N", "H", "O"]
>>> [round(MOODLE_METHODS[m](["T", "E", "H", "N", "O"], ref), 2) for m in sorted(MOODLE_METHODS)]
[0.6, 0.0, 0.6, 0.8, 0.9, 0.4, 0.25, 0.4, 0.9]
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from encoder_kit.questions.kinds.order_key import OrderKey

Method = Callable[[Sequence[str], Sequence[str]], float]


def all_or_nothing(seq: Sequence[str], ref: Sequence[str]) -> float:
    return 1.0 if list(seq) == list(ref) else 0.0


def absolute_position(seq: Sequence[str], ref: Sequence[str]) -> float:
    hits = sum(1 for index, item in enumerate(seq) if index < len(ref) and ref[index] == item)
    return hits / len(ref)


def relative_to_correct(seq: Sequence[str], ref: Sequence[str]) -> float:
    n = len(ref)
    where = {item: index for index, item in enumerate(seq)}
    earned = sum(
        max(0, (n - 1) - abs(index - where[item]))
        for index, item in enumerate(ref)
        if item in where
    )
    return earned / (n * (n - 1))


def _successors(order: Sequence[str], include_last: bool) -> dict[str, str | None]:
    following: dict[str, str | None] = {order[i]: order[i + 1] for i in range(len(order) - 1)}
    if include_last and order:
        following[order[-1]] = None
    return following


def relative_next_exclude_last(seq: Sequence[str], ref: Sequence[str]) -> float:
    wanted, given = _successors(ref, False), _successors(seq, False)
    return sum(1 for item, nxt in wanted.items() if item in given and given[item] == nxt) / (
        len(ref) - 1
    )


def relative_next_include_last(seq: Sequence[str], ref: Sequence[str]) -> float:
    wanted, given = _successors(ref, True), _successors(seq, True)
    return sum(1 for item, nxt in wanted.items() if item in given and given[item] == nxt) / len(ref)


def relative_both(seq: Sequence[str], ref: Sequence[str]) -> float:
    def neighbours(order: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        padded = [None, *order, None]
        return {padded[i]: (padded[i - 1], padded[i + 1]) for i in range(1, len(padded) - 1)}

    wanted, given = neighbours(ref), neighbours(seq)
    earned = 0
    for item, (before, after) in wanted.items():
        if item in given:
            earned += (given[item][0] == before) + (given[item][1] == after)
    return earned / (2 * len(ref))


def relative_all(seq: Sequence[str], ref: Sequence[str]) -> float:
    n = len(ref)
    where = {item: index for index, item in enumerate(seq)}
    earned = 0
    for i, first in enumerate(ref):
        for second in ref[i + 1 :]:
            if first in where and second in where and where[first] < where[second]:
                earned += 2  # once as "before" of the second, once as "after" of the first
    return earned / (n * (n - 1))


def _significant(length: int) -> int:
    # Moodle ignores a "subset" of one item
    return length if length > 1 else 0


def longest_ordered_subset(seq: Sequence[str], ref: Sequence[str]) -> float:
    position = {item: index for index, item in enumerate(ref)}
    tails: list[int] = []  # patience sorting: longest strictly increasing run of positions
    for item in seq:
        spot = bisect.bisect_left(tails, position[item])
        tails[spot : spot + 1] = [position[item]]
    return _significant(len(tails)) / len(ref)


def longest_contiguous_subset(seq: Sequence[str], ref: Sequence[str]) -> float:
    position = {item: index for index, item in enumerate(ref)}
    run_ending_at: dict[int, int] = {}
    for item in seq:
        value = position[item]
        run_ending_at[value] = run_ending_at.get(value - 1, 0) + 1
    return _significant(max(run_ending_at.values(), default=0)) / len(ref)


MOODLE_METHODS: dict[str, Method] = {
    "all_or_nothing": all_or_nothing,
    "absolute_position": absolute_position,
    "relative_to_correct": relative_to_correct,
    "relative_next_exclude_last": relative_next_exclude_last,
    "relative_next_include_last": relative_next_include_last,
    "relative_both": relative_both,
    "relative_all": relative_all,
    "longest_ordered_subset": longest_ordered_subset,
    "longest_contiguous_subset": longest_contiguous_subset,
}


def longest_consistent_subsequence(seq: Sequence[str], key: OrderKey) -> int:
    """Size of the largest set of answer items that breaks no "must come before" pair.

    Two answer positions i < j conflict when seq[j] must come before seq[i]. Conflicts are
    transitive, so they form a partial order and the largest conflict-free set is its
    largest antichain, which by Dilworth's theorem is len(seq) minus a maximum matching.
    (PrairieLearn gets the same number from a minimum vertex cover.)

    >>> longest_consistent_subsequence(["T", "E", "H", "N", "O"], OrderKey.from_spec(list("TENHO")))
    4
    """
    conflicts = [
        [j for j in range(i + 1, len(seq)) if seq[j] in key.ancestors[seq[i]]]
        for i in range(len(seq))
    ]
    matched_to: dict[int, int] = {}

    def augment(i: int, visited: set[int]) -> bool:
        for j in conflicts[i]:
            if j not in visited:
                visited.add(j)
                if j not in matched_to or augment(matched_to[j], visited):
                    matched_to[j] = i
                    return True
        return False

    matching = sum(1 for i in range(len(seq)) if augment(i, set()))
    return len(seq) - matching


def dag_lcs(seq: Sequence[str], key: OrderKey, distractors: int = 0) -> tuple[float, int]:
    """PrairieLearn's partial credit and the edit distance d behind it.

    >>> dag_lcs(["T", "E", "H", "N", "O"], OrderKey.from_spec(list("TENHO")))
    (0.6, 2)
    """
    n = len(key.items)
    kept = longest_consistent_subsequence(seq, key)
    edits = distractors + (len(seq) - kept) + (n - kept)
    return max(0.0, (n - edits) / n), edits
