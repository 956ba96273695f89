"""Per-student variants: the numbers or items one student sees, drawn from a stable seed.

The seed is derived from (course, assignment, student, question id), so the student's
notebook and the grader compute the same variant independently. The widget records the
variant next to the answer (``record_answer``); the grader recomputes it from the identity
it knows and compares (see ``autograder.grade``): a different identity is flagged for the
instructor, never silently graded against another variant.

>>> derive_seed("nlp101", "hw1", "ada", "q1") == derive_seed("nlp101", "hw1", "ada", "q1")
True
>>> v = Variant(question_id="q1", seed=7, identity=None, values={"batch": 4})
>>> Variant.from_dict(v.to_dict()) == v
True

For a question pool (``kind: pool``) the same seed first draws the version (``version``:
the id of the member question this student answers), then the member's own numbers or
items from the same random generator.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .variables import draw_values

IDENTITY_FIELDS: tuple[str, ...] = ("course", "assignment", "student")
# environment variables a grading run may set to tell check() whose submission it grades
IDENTITY_ENVIRONMENT: dict[str, str] = {
    "course": "ENCODER_KIT_COURSE",
    "assignment": "ENCODER_KIT_ASSIGNMENT",
    "student": "ENCODER_KIT_STUDENT",
}


def derive_seed(course: str, assignment: str, student: str, question_id: str) -> int:
    """A 64-bit seed from sha256 of ``"course|assignment|student|question_id"``."""
    parts = [course, assignment, student, question_id]
    for name, value in zip(("course", "assignment", "student", "question_id"), parts, strict=True):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(
                f"{name} must be a non-empty string to derive a variant, not {value!r}"
            )
        if "|" in value:
            raise ValueError(f"{name} must not contain '|' (it separates the seed's parts)")
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class Variant:
    """One student's version of a question; plain JSON through ``to_dict`` / ``from_dict``.

    ``identity`` is ``None`` for the default variant (no student known), else the course,
    assignment and student it was drawn for. ``items`` and ``distractors`` are ``None``
    unless an ordering question drew a subset; ``version`` is ``None`` unless the question
    is a pool, where it names the drawn member question.
    """

    question_id: str
    seed: int | None
    identity: dict[str, str] | None
    values: dict[str, int] = field(default_factory=dict)
    items: tuple[str, ...] | None = None
    distractors: tuple[str, ...] | None = None
    version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (saved next to the answer)."""
        return {
            "question_id": self.question_id,
            "seed": self.seed,
            "identity": dict(self.identity) if self.identity is not None else None,
            "values": dict(self.values),
            "items": list(self.items) if self.items is not None else None,
            "distractors": list(self.distractors) if self.distractors is not None else None,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Variant:
        """Rebuild a variant saved by ``to_dict``; ``ValueError`` names a bad field."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a recorded variant must be a dict, not {type(data).__name__}")
        if not isinstance(data.get("question_id"), str):
            raise ValueError("the recorded variant has no 'question_id' string")
        seed = data.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError(f"the recorded variant's 'seed' must be an integer, not {seed!r}")
        identity = data.get("identity")
        if identity is not None and (
            not isinstance(identity, Mapping)
            or sorted(identity) != sorted(IDENTITY_FIELDS)
            or not all(isinstance(value, str) for value in identity.values())
        ):
            raise ValueError(
                f"the recorded variant's 'identity' must map {IDENTITY_FIELDS} to text"
            )
        values = data.get("values") or {}
        if not isinstance(values, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values.values()
        ):
            raise ValueError("the recorded variant's 'values' must map names to integers")
        version = data.get("version")
        if version is not None and not isinstance(version, str):
            raise ValueError(
                f"the recorded variant's 'version' must be a question id, not {version!r}"
            )
        return cls(
            question_id=data["question_id"],
            seed=seed,
            identity=dict(identity) if identity is not None else None,
            values=dict(values),
            items=_optional_ids(data.get("items"), "items"),
            distractors=_optional_ids(data.get("distractors"), "distractors"),
            version=version,
        )


def _optional_ids(value: Any, name: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"the recorded variant's {name!r} must be a list of ids")
    return tuple(value)


def _versions(question: Any) -> list[Any] | None:
    """A pool's member questions (duck-typed: public stand-ins are pools too), else None."""
    return getattr(question, "versions", None)


def default_variant(question: Any) -> Variant:
    """The variant used when no student is known: default values, every item.

    For a pool: the first version with its default values.
    """
    versions = _versions(question)
    if versions is not None:
        first = versions[0]
        return Variant(
            question_id=question.id,
            seed=None,
            identity=None,
            values=first.values_for(None),
            version=first.id,
        )
    return Variant(
        question_id=question.id, seed=None, identity=None, values=question.values_for(None)
    )


def make_variant(question: Any, course: str, assignment: str, student: str) -> Variant:
    """Draw this student's variant of ``question`` (same inputs, same variant, everywhere).

    The seed comes from the question's own id (for a pool: the slot id); a pool draws the
    version first (``rng.choice`` of the member ids in file order), then that member's
    numbers and items with the same generator.

    >>> from encoder_kit.questions import load_bank
    >>> q = next(q for q in load_bank() if q.is_variable and q.kind == "shape")
    >>> make_variant(q, "c", "a", "s") == make_variant(q, "c", "a", "s")
    True
    """
    seed = derive_seed(course, assignment, student, question.id)
    rng = random.Random(seed)
    version = None
    member = question
    versions = _versions(question)
    if versions is not None:
        version = rng.choice([candidate.id for candidate in versions])
        member = next(candidate for candidate in versions if candidate.id == version)
    constraints = getattr(member, "variable_constraints", None)
    # sorted names: reordering the YAML must not change anyone's numbers
    values = draw_values(member.variable_specs(), constraints() if constraints else [], rng)
    items = distractors = None
    draw = getattr(member, "draw", None)
    if draw is not None:
        all_items = [item.id for item in member.items]
        chosen = set(rng.sample(all_items, draw.items))
        items = tuple(item for item in all_items if item in chosen)
        all_distractors = [d.id for d in member.distractors]
        count = len(all_distractors) if draw.distractors is None else draw.distractors
        picked = set(rng.sample(all_distractors, count))
        distractors = tuple(d for d in all_distractors if d in picked)
    identity = {"course": course, "assignment": assignment, "student": student}
    return Variant(question.id, seed, identity, values, items, distractors, version)


def expected_variant(question: Any, recorded: Variant) -> Variant:
    """The variant the recorded identity should have produced (to detect edited records)."""
    if recorded.identity is None:
        return default_variant(question)
    return make_variant(question, **recorded.identity)


def variant_from_environment(
    question: Any, environ: Mapping[str, str] | None = None
) -> Variant | None:
    """The variant for the identity in ``ENCODER_KIT_COURSE`` / ``_ASSIGNMENT`` / ``_STUDENT``.

    Returns ``None`` unless all three are set.
    """
    environ = os.environ if environ is None else environ
    identity = {name: environ.get(variable, "") for name, variable in IDENTITY_ENVIRONMENT.items()}
    if not all(identity.values()):
        return None
    return make_variant(question, **identity)


def record_answer(question: Any, answer: Any, variant: Variant | None = None) -> dict[str, Any]:
    """The JSON record a widget saves: the answer and the variant it was given for.

    >>> record_answer(type("Q", (), {"id": "q1"})(), ["a", "b"])["question_id"]
    'q1'
    """
    return {
        "question_id": question.id,
        "answer": answer,
        "variant": variant.to_dict() if variant is not None else None,
    }


def is_recorded_answer(value: Any) -> bool:
    """True for a dict made by ``record_answer`` (no kind's own answer has these keys)."""
    return isinstance(value, Mapping) and {"question_id", "answer", "variant"} <= set(value)
