"""Evaluation measures shared by the library and the grader (one definition each).

Entity-level F1 is the measure of a named-entity tagger (concept C10). It is defined once,
here, so that ``TokenTagger.score``, ``probe_layers`` and the course's hidden-data check give
the same number for the same tags: seqeval in *strict* IOB2 mode, micro-averaged over all
entity types. Strict means an entity counts only when its type and both ends match; an
``I-X`` that follows ``O`` is not silently promoted to a new entity, as the lenient conlleval
scheme does.

>>> gold = [["B-PER", "I-PER", "O", "B-LOC"]]
>>> entity_f1(gold, [["B-PER", "I-PER", "O", "B-LOC"]])
1.0
>>> entity_f1(gold, [["B-PER", "O", "O", "B-LOC"]])  # PER cut short: 1 of 2 right each way
0.5
>>> entity_f1(gold, [["I-PER", "I-PER", "O", "B-LOC"]])  # no B-: strict drops the PER
0.6666666666666666
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2

__all__ = ["entity_f1", "entity_report"]


def _check_pairs(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> None:
    """Raise a ValueError naming the first sentence whose gold and predicted lengths differ."""
    if len(gold) != len(predicted):
        raise ValueError(f"got {len(gold)} gold sentences but {len(predicted)} predicted ones; "
                         "give one predicted tag sequence per gold sentence")
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        if len(g) != len(p):
            raise ValueError(f"sentence {i} has {len(g)} gold tags but {len(p)} predicted "
                             "tags; give exactly one tag per word")


def entity_f1(gold_tag_sequences: Sequence[Sequence[str]],
              predicted_tag_sequences: Sequence[Sequence[str]]) -> float:
    """Entity-level micro F1 of predicted IOB2 tags against gold ones (strict spans).

    Both arguments are lists of sentences, each a list of tags (``"O"``, ``"B-PER"``,
    ``"I-PER"``, ...), one per word. An entity counts as found only when its type and both
    ends match a gold entity. No entity at all on either side gives 0.0 (not a warning).
    """
    gold = [list(row) for row in gold_tag_sequences]
    predicted = [list(row) for row in predicted_tag_sequences]
    _check_pairs(gold, predicted)
    return float(f1_score(gold, predicted, mode="strict", scheme=IOB2, average="micro",
                          zero_division=0))


def entity_report(gold_tag_sequences: Sequence[Sequence[str]],
                  predicted_tag_sequences: Sequence[Sequence[str]]) -> dict[str, dict[str, Any]]:
    """Precision, recall, F1 and support per entity type and averaged, as :func:`entity_f1`.

    The same strict definition as :func:`entity_f1`; the keys are the entity types and
    ``"micro avg"``, ``"macro avg"``, ``"weighted avg"``; each value has ``"precision"``,
    ``"recall"``, ``"f1-score"`` and ``"support"``.
    """
    gold = [list(row) for row in gold_tag_sequences]
    predicted = [list(row) for row in predicted_tag_sequences]
    _check_pairs(gold, predicted)
    return classification_report(gold, predicted, mode="strict", scheme=IOB2, output_dict=True,
                                 zero_division=0)
