"""The ``ordering`` question: put steps in order (a total order or a DAG), with partial credit.

Answer format (what a widget must produce): a list of item ids in the order the student
chose, e.g. ``["tokens", "embeddings", "encoder", "head", "output"]``. It may leave items out
and may include distractors; both cost points. The student view lists items and distractors
together, shuffled, so that neither their YAML order nor their role leaks.

>>> q = OrderingQuestion(
...     kind="ordering", id="demo", title="Demo", prompt="Order the steps.", concepts=["C1"],
...     explanation="Text becomes tokens before anything else.",
...     items=[{"id": "embed", "text": "Look up embeddings"}, {"id": "tokenize", "text": "Split"}],
...     order=["tokenize", "embed"])
>>> q.key().items
('tokenize', 'embed')
>>> sorted(item["id"] for item in q.student_view()["items"])
['embed', 'tokenize']
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .common import (
    FieldError,
    ItemId,
    QuestionBase,
    StrictModel,
    Text,
    stable_shuffle,
    unique_ids,
)
from .order_key import OrderKey

if TYPE_CHECKING:  # pragma: no cover
    from ..draw.variants import Variant

OrderingMethod = Literal[
    "all_or_nothing",
    "absolute_position",
    "relative_to_correct",
    "relative_next_exclude_last",
    "relative_next_include_last",
    "relative_both",
    "relative_all",
    "longest_ordered_subset",
    "longest_contiguous_subset",
    "dag_lcs",
]
ORDERING_METHODS: tuple[str, ...] = get_args(OrderingMethod)


class OrderingItem(StrictModel):
    """A step of the process; ``feedback`` is shown when it is the first step out of place."""

    id: ItemId
    text: Text
    feedback: Text | None = None


class Distractor(StrictModel):
    """A step that belongs nowhere in the process, with feedback saying why."""

    id: ItemId
    text: Text
    feedback: Text


class ItemDraw(StrictModel):
    """Per-student subset: ``items`` steps of the key and ``distractors`` of the distractors."""

    items: int = Field(ge=2)
    distractors: int | None = Field(default=None, ge=0)


class OrderingQuestion(QuestionBase):
    """Arrange items in order. Give ``order`` (a total order) or ``prerequisites`` (a DAG)."""

    ANSWER_FORMAT: ClassVar[str] = "a list of item ids, first step first"

    kind: Literal["ordering"]
    items: list[OrderingItem] = Field(min_length=2)
    distractors: list[Distractor] = Field(default_factory=list)
    order: list[ItemId] | None = None
    prerequisites: dict[ItemId, list[ItemId]] | None = None
    method: OrderingMethod = "dag_lcs"
    draw: ItemDraw | None = None

    @field_validator("distractors")
    @classmethod
    def _distinct_ids(cls, distractors: list[Distractor], info: ValidationInfo) -> list[Distractor]:
        unique_ids([*info.data.get("items", []), *distractors], "item or distractor", "distractors")
        return distractors

    @field_validator("order")
    @classmethod
    def _order_is_permutation(cls, order: list[str] | None, info: ValidationInfo) -> Any:
        if order is not None and "items" in info.data:
            item_ids = [item.id for item in info.data["items"]]
            if sorted(order) != sorted(item_ids):
                missing = sorted(set(item_ids) - set(order))
                extra = sorted(set(order) - set(item_ids))
                raise ValueError(
                    "must list every item exactly once"
                    + (f"; missing {missing}" if missing else "")
                    + (f"; not items: {extra}" if extra else "")
                    + (" (distractors belong nowhere, leave them out)" if extra else "")
                )
            OrderKey.from_spec(order)
        return order

    @field_validator("prerequisites")
    @classmethod
    def _prerequisites_form_dag(cls, prerequisites: Any, info: ValidationInfo) -> Any:
        if prerequisites is not None and "items" in info.data:
            item_ids = [item.id for item in info.data["items"]]
            unknown = sorted(set(prerequisites) - set(item_ids))
            if unknown:
                raise ValueError(f"{unknown} are not items of this question")
            # items not mentioned have no prerequisites
            OrderKey.from_spec({item: prerequisites.get(item, []) for item in item_ids})
        return prerequisites

    @model_validator(mode="after")
    def _one_key(self) -> OrderingQuestion:
        if (self.order is None) == (self.prerequisites is None):
            raise FieldError(
                "order",
                "give exactly one key: 'order' (a list, for a total order) or "
                "'prerequisites' (item -> items that must come before it, for a partial order)",
            )
        if self.draw is not None:
            if self.draw.items > len(self.items):
                raise FieldError(
                    "draw", f"items is {self.draw.items} but there are only {len(self.items)}"
                )
            if (self.draw.distractors or 0) > len(self.distractors):
                raise FieldError("draw", "distractors is larger than the number of distractors")
        return self

    @property
    def is_variable(self) -> bool:
        return self.draw is not None

    def key(self, variant: Variant | None = None) -> OrderKey:
        """The key, restricted to the variant's items when the variant drew a subset."""
        if self.order is not None:
            full = OrderKey.from_spec(self.order)
        else:
            prerequisites = self.prerequisites or {}
            full = OrderKey.from_spec({i.id: prerequisites.get(i.id, []) for i in self.items})
        if variant is not None and variant.items is not None:
            return full.restricted(variant.items)
        return full

    def distractor_ids(self, variant: Variant | None = None) -> list[str]:
        """The distractors shown to this variant."""
        if variant is not None and variant.distractors is not None:
            return list(variant.distractors)
        return [distractor.id for distractor in self.distractors]

    def texts(self) -> dict[str, str]:
        """Item and distractor id -> text shown to the student."""
        return {entry.id: entry.text for entry in [*self.items, *self.distractors]}

    def feedback_for(self) -> dict[str, str]:
        """Item and distractor id -> feedback (items without feedback are left out)."""
        return {e.id: e.feedback for e in [*self.items, *self.distractors] if e.feedback}

    def _student_fields(self, variant: Variant | None) -> dict[str, Any]:
        key = self.key(variant)
        shown = [*key.items, *self.distractor_ids(variant)]
        seed = self.shuffle_seed(variant)
        shuffled = stable_shuffle(shown, seed)
        # a shuffle that happens to be a valid answer would give the key away
        for attempt in range(1, 50):
            if not key.is_valid([item for item in shuffled if item in key.ancestors]):
                break
            shuffled = stable_shuffle(shown, f"{seed}|{attempt}")
        texts = self.texts()
        return {"items": [{"id": item, "text": texts[item]} for item in shuffled]}

    def _key_texts(self) -> list[str]:
        spec = self.key().as_spec()
        return [json.dumps(spec), json.dumps(spec, separators=(",", ":")), repr(spec)]

    def _feedback_texts(self) -> list[str]:
        return list(self.feedback_for().values())
