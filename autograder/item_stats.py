"""Item statistics after grading: how each graded item behaved in a class.

Classical test theory as Moodle's quiz statistics report applies it, per item:

- ``facility``: the mean score as a share of the item's maximum (Moodle's facility index);
- ``sd``: the standard deviation of the points (``n - 1``) as a share of the maximum, like
  Moodle's SD column, so that it reads on the scale of the facility;
- ``discrimination``: the Pearson correlation of the item's points with the *rest* of the
  assignment (each student's total minus this item), so that an item is not correlated with
  itself; Moodle's discrimination index, here on the scale -1..1 (Moodle shows it x 100);
- ``efficiency``: Moodle's discriminative efficiency, the covariance of item and rest over
  the largest covariance the same marks could reach (both sorted), -1..1;
- ``upper_lower``: the classic upper-lower index: mean facility of the 27 % of students with
  the highest totals minus that of the 27 % with the lowest (students tied at a group's
  border share its last places, so ties never depend on row order);
- for choice-like items the share of students choosing each option, and the distractors
  nobody chose; for orderings the most common first wrong step.

Flags follow ``../shared/item-writing.md``: ``too-easy`` (facility above 0.9), ``too-hard``
(below 0.3), ``low-discrimination`` (below 0.2), ``negative-discrimination`` (below 0: review
the key before releasing grades), ``unused-distractor``, and, where a figure is undefined
rather than bad, ``no-variance`` (everyone scored the same), ``rest-constant`` (the rest of
the assignment does not vary) and ``too-few-students`` (fewer than two). An undefined figure
is ``None``, never NaN, and is printed as ``n/a``.

Pure computation: no nbgrader, no course folders. ``encoder-kit course report`` collects the
per-student points and answers and calls ``item_statistics``, ``format_table`` and ``plot``.

>>> stats = item_statistics(
...     {"ada": {"q1": 1, "q2": 2}, "bo": {"q1": 0, "q2": 0}, "cy": {"q1": 1, "q2": 1}},
...     {"q1": 1, "q2": 2})
>>> [(s.item, s.n, round(s.facility, 3)) for s in stats]
[('q1', 3, 0.667), ('q2', 3, 0.5)]
>>> round(stats[0].discrimination, 3)  # q1 against the rest (q2): r(1,0,1; 2,0,1) = 3**0.5/2
0.866
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# thresholds of ../shared/item-writing.md ("After grading")
TOO_EASY = 0.9
TOO_HARD = 0.3
LOW_DISCRIMINATION = 0.2
# share of the class in each of the upper and lower groups (Kelley's 27 %)
UPPER_LOWER_SHARE = 0.27
# variances below this are zero (scores are sums of a few floats)
_EPSILON = 1e-12

Response = str | Sequence[str] | Mapping[str, Any] | None


@dataclass(frozen=True)
class ItemStats:
    """The statistics of one item; ``None`` marks a figure the data cannot define.

    ``mean`` is in points; ``facility`` and ``sd`` are shares of ``max_points`` (0..1);
    ``discrimination``, ``efficiency`` and ``upper_lower`` lie in -1..1. ``option_shares``
    maps each option key to the share of students choosing it (``None``: nobody was shown
    it); ``first_wrong_step`` is the most common first step out of place of an ordering,
    chosen by ``first_wrong_count`` students.
    """

    item: str
    n: int
    max_points: float
    mean: float | None
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    upper_lower: float | None
    option_shares: dict[str, float | None] | None = None
    right_options: tuple[str, ...] = ()
    unused_distractors: tuple[str, ...] = ()
    first_wrong_step: str | None = None
    first_wrong_count: int = 0
    flags: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        data = asdict(self)
        data["right_options"] = list(self.right_options)
        data["unused_distractors"] = list(self.unused_distractors)
        data["flags"] = list(self.flags)
        return data


# ----------------------------------------------------------------------------- input


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        raise ValueError(f"a score must be a number (or missing), not {value!r}") from None


def _table(scores: Any) -> tuple[list[str], list[str], dict[str, dict[str, float]]]:
    """(students, items, student -> item -> points) from a DataFrame or nested mapping."""
    if hasattr(scores, "to_dict") and hasattr(scores, "columns"):  # a pandas DataFrame
        students = [str(s) for s in scores.index]
        items = [str(c) for c in scores.columns]
        nested = {
            str(student): {str(k): v for k, v in row.items()}
            for student, row in scores.to_dict(orient="index").items()
        }
    elif isinstance(scores, Mapping):
        nested = {str(s): {str(k): v for k, v in dict(row).items()} for s, row in scores.items()}
        students = list(nested)
        items = list(dict.fromkeys(item for row in nested.values() for item in row))
    else:
        raise TypeError(
            "scores must be a pandas DataFrame (rows students, columns items) or a mapping "
            f"student -> item -> points, not {type(scores).__name__}"
        )
    table = {
        student: {
            item: float(value) for item, value in nested[student].items() if not _is_missing(value)
        }
        for student in students
    }
    return students, items, table


def _chosen(response: Response) -> set[str] | None:
    """The option keys a response chose: ``"k7"``, ``["k7", "m2"]``, ``{"cause": "k7"}``."""
    if response is None:
        return None
    if isinstance(response, str):
        return {response}
    if isinstance(response, Mapping):
        keys: set[str] = set()
        for group, value in response.items():
            values = [value] if isinstance(value, str) else list(value or [])
            keys.update(f"{group}:{v}" for v in values)
        return keys
    if isinstance(response, Iterable):
        return {str(value) for value in response}
    raise TypeError(f"a response is an option id, a list of ids or a mapping, not {response!r}")


# ----------------------------------------------------------------------------- arithmetic


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _covariance(x: Sequence[float], y: Sequence[float]) -> float:
    """Sample covariance (``n - 1``), like Moodle."""
    mx, my = _mean(x), _mean(y)
    return math.fsum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / (len(x) - 1)


def _group_means(
    shares: Sequence[float], totals: Sequence[float], size: int
) -> tuple[float, float]:
    """Mean share of the top ``size`` and bottom ``size`` students by total, ties shared.

    Students tied at a group's border all belong to it with an equal part of the places
    left, so the result never depends on the order of the rows.
    """

    def top(order: Sequence[float]) -> float:
        weights = [0.0] * len(shares)
        left = float(size)
        for value in sorted(set(order), reverse=True):
            tied = [i for i, t in enumerate(order) if t == value]
            part = min(1.0, left / len(tied))
            for i in tied:
                weights[i] = part
            left -= part * len(tied)
            if left <= _EPSILON:
                break
        return math.fsum(w * s for w, s in zip(weights, shares, strict=True)) / size

    return top(totals), top([-t for t in totals])


def _upper_lower(shares: Sequence[float], totals: Sequence[float], share: float) -> float | None:
    n = len(shares)
    if n < 2:
        return None
    size = max(1, min(n // 2, math.floor(share * n + 0.5)))
    upper, lower = _group_means(shares, totals, size)
    return upper - lower


def _round(value: float | None) -> float | None:
    # 12 digits: hand-computed figures compare equal, float noise does not show
    return None if value is None else round(value, 12)


# ----------------------------------------------------------------------------- statistics


def _option_stats(
    item: str,
    answers: Mapping[str, Response],
    students: Sequence[str],
    declared: Mapping[str, bool] | None,
) -> tuple[dict[str, float | None], tuple[str, ...], tuple[str, ...]]:
    """(option -> share choosing it, right options, distractors nobody chose).

    An option key ``"version/option"`` belongs to a pool's version: its share counts only
    the students who answered that version.
    """
    chosen = {s: _chosen(answers.get(s)) for s in students}
    chosen = {s: c for s, c in chosen.items() if c is not None}
    picks: Counter[str] = Counter(key for keys in chosen.values() for key in keys)
    keys = list(declared or {}) + sorted(k for k in picks if k not in (declared or {}))

    def version(key: str) -> str | None:
        return key.split("/", 1)[0] if "/" in key else None

    answered: Counter[str | None] = Counter()
    for keys_chosen in chosen.values():
        for group in {version(k) for k in keys_chosen}:
            answered[group] += 1
    shares: dict[str, float | None] = {}
    for key in keys:
        seen = answered[version(key)] if version(key) is not None else len(chosen)
        shares[key] = picks[key] / seen if seen else None
    right = tuple(k for k, correct in (declared or {}).items() if correct)
    unused = tuple(
        k for k, correct in (declared or {}).items() if not correct and shares.get(k) == 0
    )
    return shares, right, unused


def item_statistics(
    scores: Any,
    max_points: Mapping[str, float],
    responses: Mapping[str, Mapping[str, Response]] | None = None,
    *,
    options: Mapping[str, Mapping[str, bool]] | None = None,
    first_wrong_steps: Mapping[str, Mapping[str, str | None]] | None = None,
    upper_share: float = UPPER_LOWER_SHARE,
) -> list[ItemStats]:
    """Statistics of every item of one assignment, in column order.

    ``scores``: a pandas DataFrame (rows students, columns items, values points earned) or
    a mapping student -> item -> points. A missing value (NaN, None, absent) means the
    student has no result for the item: they are left out of that item's figures, and the
    item counts 0 in the rest of their assignment.

    ``max_points``: item -> the item's maximum points.

    ``responses`` (choice-like items): item -> student -> the option chosen (an id), the
    options chosen (a list of ids) or, for a diagnosis, ``{"cause": id, "fix": id}``
    (counted as ``cause:id`` and ``fix:id``). ``options``: item -> option key -> whether it
    is right; it lists options nobody chose and lets distractors nobody chose be flagged.
    For a pool write keys as ``"version/option"``: shares then count within each version.

    ``first_wrong_steps`` (orderings): item -> student -> the id of the first step out of
    place (``details["first_problem"]`` of the grader's Result), ``None`` when none was.
    """
    if not 0 < upper_share <= 0.5:
        raise ValueError(f"upper_share must be in (0, 0.5], not {upper_share}")
    students, items, table = _table(scores)
    unknown = [item for item in items if item not in max_points]
    if unknown:
        raise ValueError(f"no maximum points for {unknown}; give max_points for every item")
    totals = {s: math.fsum(table[s].values()) for s in students}
    results = []
    for item in items:
        maximum = float(max_points[item])
        graded = [s for s in students if item in table[s]]
        points = [table[s][item] for s in graded]
        rest = [totals[s] - table[s][item] for s in graded]
        n = len(points)
        mean = _mean(points) if n else None
        facility = mean / maximum if mean is not None and maximum > 0 else None
        sd = discrimination = efficiency = None
        flags: list[str] = []
        if n >= 2:
            variance = _covariance(points, points)
            rest_variance = _covariance(rest, rest)
            sd = math.sqrt(max(variance, 0.0)) / maximum if maximum > 0 else None
            if variance <= _EPSILON:
                flags.append("no-variance")
            elif rest_variance <= _EPSILON:
                flags.append("rest-constant")
            else:
                covariance = _covariance(points, rest)
                discrimination = covariance / math.sqrt(variance * rest_variance)
                best = _covariance(sorted(points), sorted(rest))
                efficiency = covariance / best if best > _EPSILON else None
        else:
            flags.append("too-few-students")
        upper_lower = None
        if maximum > 0:
            upper_lower = _upper_lower(
                [p / maximum for p in points], [totals[s] for s in graded], upper_share
            )
        if facility is not None and facility > TOO_EASY:
            flags.append("too-easy")
        if facility is not None and facility < TOO_HARD:
            flags.append("too-hard")
        if discrimination is not None and discrimination < 0:
            flags.append("negative-discrimination")
        elif discrimination is not None and discrimination < LOW_DISCRIMINATION:
            flags.append("low-discrimination")
        shares = None
        right: tuple[str, ...] = ()
        unused: tuple[str, ...] = ()
        if (responses and item in responses) or (options and item in options):
            shares, right, unused = _option_stats(
                item, (responses or {}).get(item, {}), graded, (options or {}).get(item)
            )
            if unused:
                flags.append("unused-distractor")
        step, count = None, 0
        steps = (first_wrong_steps or {}).get(item)
        if steps:
            counted = Counter(steps[s] for s in graded if steps.get(s) is not None)
            if counted:
                step, count = min(counted.items(), key=lambda pair: (-pair[1], pair[0]))
        results.append(
            ItemStats(
                item=item,
                n=n,
                max_points=maximum,
                mean=_round(mean),
                facility=_round(facility),
                sd=_round(sd),
                discrimination=_round(discrimination),
                efficiency=_round(efficiency),
                upper_lower=_round(upper_lower),
                option_shares=shares,
                right_options=right,
                unused_distractors=unused,
                first_wrong_step=step,
                first_wrong_count=count,
                flags=tuple(flags),
            )
        )
    return results


# ----------------------------------------------------------------------------- from results


@dataclass
class ItemInputs:
    """The inputs of ``item_statistics`` gathered from graded results (see ``collect``)."""

    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    max_points: dict[str, float] = field(default_factory=dict)
    responses: dict[str, dict[str, Response]] = field(default_factory=dict)
    first_wrong_steps: dict[str, dict[str, str | None]] = field(default_factory=dict)
    options: dict[str, dict[str, bool]] = field(default_factory=dict)

    def statistics(self, **kwargs: Any) -> list[ItemStats]:
        """``item_statistics`` of these inputs."""
        return item_statistics(
            self.scores,
            self.max_points,
            self.responses,
            options=self.options,
            first_wrong_steps=self.first_wrong_steps,
            **kwargs,
        )


def declared_options(question: Any) -> dict[str, bool]:
    """Option key -> right, for a choice, a diagnosis (``cause:id``) or a pool of them.

    A pool's keys carry the version: ``version/id`` (``cause:version/id``), as ``collect``
    writes the responses.
    """
    versions = getattr(question, "versions", None)
    members = [(f"{v.id}/", v) for v in versions] if versions is not None else [("", question)]
    found: dict[str, bool] = {}
    for prefix, member in members:
        if member.kind == "choice":
            found.update({f"{prefix}{o.id}": o.correct for o in member.options})
        elif member.kind == "diagnosis":
            for group, options in (("cause", member.causes), ("fix", member.fixes)):
                found.update({f"{group}:{prefix}{o.id}": o.correct for o in options})
    return found


def collect(
    results: Iterable[tuple[str, Any]], questions: Mapping[str, Any] | None = None
) -> ItemInputs:
    """Gather ``item_statistics``' inputs from ``(student, result)`` pairs.

    A result is an ``autograder.Result`` or its ``to_dict()`` data: ``question_id``,
    ``points``, ``max_points`` and ``details`` (``picked`` of a choice, ``chosen`` of a
    diagnosis, ``first_problem`` of an ordering, ``version`` of a pool). A later result for
    the same student and item replaces an earlier one. ``questions`` (item id -> question)
    declares every option, so that distractors nobody chose are found.
    """
    inputs = ItemInputs()
    for student, result in results:
        data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        item = str(data["question_id"])
        details = data.get("details") or {}
        inputs.scores.setdefault(student, {})[item] = float(data.get("points") or 0.0)
        inputs.max_points[item] = float(data.get("max_points") or 0.0)
        prefix = f"{details['version']}/" if details.get("version") else ""
        if "picked" in details:
            picked = [f"{prefix}{p}" for p in details["picked"] or []]
            inputs.responses.setdefault(item, {})[student] = picked
        elif isinstance(details.get("chosen"), Mapping):
            chosen = {k: f"{prefix}{v}" for k, v in details["chosen"].items() if v}
            inputs.responses.setdefault(item, {})[student] = chosen
        if "first_problem" in details:
            inputs.first_wrong_steps.setdefault(item, {})[student] = details["first_problem"]
    for item, question in (questions or {}).items():
        declared = declared_options(question)
        if declared and item in inputs.max_points:
            inputs.options[item] = declared
    return inputs


# ----------------------------------------------------------------------------- output


def _figure(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _short_key(key: str, item: str) -> str:
    """``hw1-q--legal/k7`` of item ``hw1-q`` reads ``legal/k7`` (``cause:`` kept)."""
    group, colon, rest = key.rpartition(":")
    prefix = f"{item}--"
    rest = rest[len(prefix):] if rest.startswith(prefix) else rest
    return f"{group}{colon}{rest}"


def format_table(stats: Sequence[ItemStats]) -> str:
    """A plain-text table, one row per item, then option shares and first wrong steps.

    >>> print(format_table(item_statistics({"a": {"q": 1}, "b": {"q": 1}}, {"q": 1})))
    item  n  facility  sd    discr.  effic.  upper-lower  flags
    q     2  1.00      0.00  n/a     n/a     0.00         no-variance, too-easy
    """
    header = ["item", "n", "facility", "sd", "discr.", "effic.", "upper-lower", "flags"]
    rows = [
        [
            s.item,
            str(s.n),
            _figure(s.facility),
            _figure(s.sd),
            _figure(s.discrimination),
            _figure(s.efficiency),
            _figure(s.upper_lower),
            ", ".join(s.flags),
        ]
        for s in stats
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    for s in stats:
        if s.option_shares:
            parts = []
            for key, share in s.option_shares.items():
                if share is None:  # a pool's version nobody drew: nothing to say
                    continue
                note = " right" if key in s.right_options else ""
                note += " never chosen" if key in s.unused_distractors else ""
                parts.append(f"{_short_key(key, s.item)} {share:.0%}{note}")
            lines.append(f"{s.item}: chosen: " + ", ".join(parts))
        if s.first_wrong_step is not None:
            lines.append(
                f"{s.item}: most common first wrong step: {s.first_wrong_step} "
                f"({s.first_wrong_count} of {s.n} students)"
            )
    return "\n".join(lines)


def describe_plot(stats: Sequence[ItemStats]) -> str:
    """The plot in words (its text alternative): which items fall in which region.

    >>> print(describe_plot(item_statistics({"a": {"q": 1}, "b": {"q": 1}}, {"q": 1})))
    Facility (x) against discrimination (y) of 1 item; good: facility 0.3-0.9 and discrimination at least 0.2.
    Too easy: q.
    Discrimination undefined: q.
    """
    regions: dict[str, list[str]] = {
        "Good": [],
        "Too easy": [],
        "Too hard": [],
        "Low or negative discrimination": [],
        "Discrimination undefined": [],
    }
    for s in stats:
        if s.facility is not None and s.facility > TOO_EASY:
            regions["Too easy"].append(s.item)
        elif s.facility is not None and s.facility < TOO_HARD:
            regions["Too hard"].append(s.item)
        if s.discrimination is None or s.facility is None:
            regions["Discrimination undefined"].append(s.item)
        elif s.discrimination < LOW_DISCRIMINATION:
            regions["Low or negative discrimination"].append(f"{s.item} ({s.discrimination:.2f})")
        elif TOO_HARD <= s.facility <= TOO_EASY:
            regions["Good"].append(s.item)
    count = f"{len(stats)} item" + ("s" if len(stats) != 1 else "")
    lines = [
        f"Facility (x) against discrimination (y) of {count}; good: facility "
        f"{TOO_HARD}-{TOO_EASY} and discrimination at least {LOW_DISCRIMINATION}."
    ]
    lines += [f"{name}: {', '.join(items)}." for name, items in regions.items() if items]
    return "\n".join(lines)


def plot(stats: Sequence[ItemStats], path: str | Path, title: str = "Item statistics") -> Path:
    """Save a facility-discrimination scatter with item labels as a PNG; returns the path.

    The good region is shaded; items whose discrimination is undefined sit on a band below
    the axis, marked x. The PNG's ``Description`` holds ``describe_plot``'s text. Uses the
    Agg canvas directly, so it never changes the backend of the calling process.
    """
    from encoder_kit.extras import require_extra

    require_extra("course", ("matplotlib",), "the item-statistics plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    figure = Figure(figsize=(7, 5), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.fill_between([TOO_HARD, TOO_EASY], LOW_DISCRIMINATION, 1.05, color="#e8f4e8", zorder=0)
    axes.axhline(LOW_DISCRIMINATION, color="#999999", linestyle="--", linewidth=1)
    axes.axhline(0, color="#555555", linewidth=0.8)
    undefined_y = -1.1
    for s in stats:
        x = s.facility if s.facility is not None else 0.0
        if s.discrimination is None:
            axes.scatter([x], [undefined_y], marker="x", color="#aa3333", zorder=3)
            y = undefined_y
        else:
            bad = s.discrimination < LOW_DISCRIMINATION or not TOO_HARD <= x <= TOO_EASY
            y = s.discrimination
            axes.scatter([x], [y], color="#cc6600" if bad else "#2a6f2a", zorder=3)
        axes.annotate(s.item, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    axes.set_xlim(-0.05, 1.05)
    axes.set_ylim(-1.2, 1.05)
    axes.set_xlabel("facility (mean score / maximum)")
    axes.set_ylabel("discrimination (item vs rest of assignment)")
    axes.set_title(title)
    axes.text(0.0, undefined_y + 0.05, "undefined", fontsize=7, color="#aa3333")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Description": describe_plot(stats)})
    return path


__all__ = [
    "LOW_DISCRIMINATION",
    "TOO_EASY",
    "TOO_HARD",
    "UPPER_LOWER_SHARE",
    "ItemInputs",
    "ItemStats",
    "collect",
    "declared_options",
    "describe_plot",
    "format_table",
    "item_statistics",
    "plot",
]
