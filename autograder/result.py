"""``Result``: the one thing that leaves the grader.

``score`` is the share of the question earned, in [0, 1]; ``points`` is always
``score * max_points``. ``feedback`` is for the student (never the key), ``details`` and
``flags`` are for the instructor. ``visibility`` says when the student may see it.

>>> r = Result(score=0.6, max_points=5, feedback="Step 3 is out of place.")
>>> r.points
3.0
>>> Result.zero("Your answer is empty: drag the steps into the answer box.").score
0.0
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, get_args

from encoder_kit.questions.kinds.common import Visibility  # defined once, with the questions

VISIBILITIES: tuple[str, ...] = get_args(Visibility)


@dataclass(frozen=True)
class Result:
    """A graded answer. Scores outside [0, 1] are clamped; NaN or non-numbers are errors."""

    score: float
    max_points: float = 1.0
    feedback: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    visibility: Visibility = "visible"
    flags: tuple[str, ...] = ()
    question_id: str = ""
    points: float = field(init=False)

    def __post_init__(self) -> None:
        for name in ("score", "max_points"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
                raise ValueError(f"Result.{name} must be a number, not {value!r}")
        if self.max_points < 0 or math.isinf(self.max_points):
            raise ValueError(
                f"Result.max_points must be a finite number >= 0, not {self.max_points}"
            )
        if self.visibility not in VISIBILITIES:
            raise ValueError(
                f"Result.visibility must be one of {VISIBILITIES}, not {self.visibility!r}"
            )
        if not isinstance(self.feedback, str):
            raise TypeError(f"Result.feedback must be text, not {type(self.feedback).__name__}")
        object.__setattr__(self, "score", float(min(1.0, max(0.0, self.score))))
        object.__setattr__(self, "max_points", float(self.max_points))
        object.__setattr__(self, "flags", tuple(dict.fromkeys(self.flags)))
        object.__setattr__(self, "points", self.score * self.max_points)

    @classmethod
    def zero(cls, message: str, **fields: Any) -> Result:
        """A zero score explaining what was wrong with the answer (bad input, withheld grade)."""
        return cls(score=0.0, feedback=message, **fields)

    @property
    def correct(self) -> bool:
        """True for full marks."""
        return self.score >= 1.0 - 1e-9

    def replace(self, **changes: Any) -> Result:
        """A copy with some fields changed (``points`` follows ``score`` and ``max_points``)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "question_id": self.question_id,
            "score": self.score,
            "points": self.points,
            "max_points": self.max_points,
            "feedback": self.feedback,
            "details": self.details,
            "visibility": self.visibility,
            "flags": list(self.flags),
        }
