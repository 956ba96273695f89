"""Question pools: one graded slot, several interchangeable versions, one drawn per student.

A pool (``kind: pool``) holds at least three complete questions of one kind, each another
scenario of the same idea, so that a correct answer copied from another student (whose
version differs) is usually not correct for you. Notebooks and answers files use the
pool's id (the *slot*); the variant names the drawn version (``Variant.version``). Versions
inherit ``graded``, ``points``, ``concepts``, ``title`` and ``visibility`` from the pool
when they leave them out; a version that states other points or grading is an error.

>>> pool = QuestionPool.model_validate({
...     "kind": "pool", "id": "slot", "title": "Stages", "concepts": ["C2"], "points": 2,
...     "versions": [{"id": f"slot--{word}", "kind": "numeric", "prompt": f"{word}?",
...                   "explanation": "Because it is so.", "expected": n}
...                  for n, word in enumerate(["legal", "support", "news"], 1)]})
>>> pool.version_kind, [v.points for v in pool.versions]
('numeric', [2.0, 2.0, 2.0])
>>> from encoder_kit.questions import make_variant
>>> variant = make_variant(pool, "c", "a", "s")
>>> view = pool.student_view(variant)
>>> view["id"], view["kind"], view["prompt"] == pool.member(variant).prompt
('slot', 'numeric', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from .common import Concept, FieldError, QuestionId, StrictModel, Text, Visibility
from .schema import AnyQuestion, Question, parse_question

if TYPE_CHECKING:  # pragma: no cover
    from ..draw.variants import Variant

MIN_VERSIONS = 3
# fields a version takes from its pool when it leaves them out
INHERITED: tuple[str, ...] = ("graded", "points", "concepts", "title", "visibility")


class PoolError(FieldError):
    """A problem with a pool, about ``field`` of the question ``question_id`` (pool or version)."""

    def __init__(self, question_id: str | None, field: str, message: str) -> None:
        super().__init__(field, message)
        self.question_id = question_id


def version_entries(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The pool's version entries as plain data, each with the pool's inherited fields.

    Raises ``PoolError`` naming the version (id and field) for a version that is not a
    mapping, is itself a pool, or states other points or grading than the pool.
    """
    pool_id = str(entry.get("id", "?"))
    versions = entry.get("versions")
    if not isinstance(versions, list) or len(versions) < MIN_VERSIONS:
        count = len(versions) if isinstance(versions, list) else 0
        raise PoolError(
            pool_id,
            "versions",
            f"a pool needs at least {MIN_VERSIONS} versions (a list under 'versions'), "
            f"this one has {count}; write more scenarios or make it a plain question",
        )
    inherited = {name: entry[name] for name in INHERITED if name in entry}
    inherited.setdefault("points", 1.0)
    entries = []
    for index, version in enumerate(versions, 1):
        if not isinstance(version, Mapping):
            raise PoolError(pool_id, "versions", f"version {index} is not a mapping of fields")
        version_id = str(version.get("id", f"{pool_id}#{index}"))
        if version.get("kind") == "pool":
            raise PoolError(
                version_id,
                "kind",
                f"a version of pool {pool_id!r} is itself a pool; pools cannot be nested, "
                "list its versions directly in the outer pool",
            )
        for name in ("points", "graded"):
            if name in version and name in inherited and version[name] != inherited[name]:
                raise PoolError(
                    version_id,
                    name,
                    f"is {version[name]!r} but pool {pool_id!r} has {name} "
                    f"{inherited[name]!r}; every version of a slot is worth the same and "
                    f"graded alike, so leave '{name}' out of the version",
                )
        entries.append({**inherited, **version})
    return entries


class QuestionPool(StrictModel):
    """A graded slot whose students each answer one of several versions (same kind)."""

    kind: Literal["pool"]
    id: QuestionId
    title: Text
    concepts: list[Concept] = Field(min_length=1)
    points: float = Field(default=1.0, gt=0)
    graded: bool = False
    visibility: Visibility = "visible"
    versions: list[Question]

    @model_validator(mode="before")
    @classmethod
    def _inherit(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("versions"), list):
            if all(isinstance(version, Mapping) for version in data["versions"]):
                return {**data, "versions": version_entries(data)}
        return data

    @model_validator(mode="after")
    def _interchangeable(self) -> QuestionPool:
        if len(self.versions) < MIN_VERSIONS:
            raise PoolError(
                self.id,
                "versions",
                f"a pool needs at least {MIN_VERSIONS} versions, this one has "
                f"{len(self.versions)}; write more scenarios or make it a plain question",
            )
        first = self.versions[0]
        seen = {self.id}
        for version in self.versions:
            if version.kind != first.kind:
                raise PoolError(
                    version.id,
                    "kind",
                    f"is a {version.kind} question, but the first version of pool {self.id!r} "
                    f"({first.id!r}) is a {first.kind} question; all versions of a pool are "
                    "of one kind",
                )
            if version.id in seen:
                raise PoolError(
                    version.id,
                    "id",
                    f"is used twice in pool {self.id!r} (as the slot or a version); give each "
                    f"version its own id, such as '{self.id}--<scenario>'",
                )
            seen.add(version.id)
            for name in ("points", "graded"):
                if getattr(version, name) != getattr(self, name):
                    raise PoolError(
                        version.id,
                        name,
                        f"is {getattr(version, name)!r} but pool {self.id!r} has "
                        f"{getattr(self, name)!r}; leave '{name}' out of the version",
                    )
        return self

    @property
    def version_kind(self) -> str:
        """The kind of every version (choice, diagnosis, ...)."""
        return self.versions[0].kind

    @property
    def is_variable(self) -> bool:
        """Always true: different students answer different versions."""
        return True

    def version_ids(self) -> list[str]:
        """The member ids in file order (the order the draw picks from)."""
        return [version.id for version in self.versions]

    def version(self, version_id: str) -> AnyQuestion:
        """The member question with this id; ``KeyError`` names the known ones."""
        for version in self.versions:
            if version.id == version_id:
                return version
        raise KeyError(
            f"pool {self.id!r} has no version {version_id!r}; its versions are "
            f"{self.version_ids()}"
        )

    def member(self, variant: Variant | None = None) -> AnyQuestion:
        """The version a variant drew (the first one when there is no variant)."""
        if variant is None:
            return self.versions[0]
        if variant.version is None:
            raise ValueError(
                f"the variant of {variant.question_id!r} names no version of pool {self.id!r}; "
                "draw it with make_variant(pool, course, assignment, student)"
            )
        try:
            return self.version(variant.version)
        except KeyError as error:
            raise ValueError(error.args[0]) from None

    def variable_specs(self) -> dict[str, Any]:
        """A pool has no variables of its own (its versions may)."""
        return {}

    def variable_constraints(self) -> list[str]:
        return []

    def values_for(self, variant: Variant | None) -> dict[str, int]:
        """The drawn version's variable values."""
        return self.member(variant).values_for(variant)

    def student_view(self, variant: Variant | None = None) -> dict[str, Any]:
        """The drawn version's student view, under the slot's id (answers are saved by it)."""
        member = self.member(variant)
        view = member.student_view(variant)
        view.update(id=self.id, kind=member.kind, title=self.title)
        return view

    def secret_strings(self, include_feedback: bool = True) -> list[str]:
        """Every version's secrets: no version's key may reach any student."""
        found = [s for v in self.versions for s in v.secret_strings(include_feedback)]
        return list(dict.fromkeys(found))

    def shuffle_seed(self, variant: Variant | None) -> str:
        """The drawn version's display-order seed."""
        return self.member(variant).shuffle_seed(variant)


def parse_entry(data: Mapping[str, Any]) -> AnyQuestion | QuestionPool:
    """A question or a pool from plain data (raises ``pydantic.ValidationError``)."""
    if isinstance(data, Mapping) and data.get("kind") == "pool":
        return QuestionPool.model_validate(data)
    return parse_question(data)
