"""Training data of the nbgrader course's exercises (shipped; the hidden test sets are not).

Two sets, written for encoder-kit:

- ``city_requests``: 300 messages residents sent to a city council, each routed to one of
  five departments (``noise``, ``parks``, ``roads``, ``waste``, ``water``; 60 each). A
  sentence-level task: one label per message, from a pooled sentence vector.
- ``ner``: 249 short news sentences, one IOB2 tag per word (``PER``, ``LOC``, ``ORG``). A
  token-level task: one tag per word, from that word's contextual vector.

The instructor keeps a separate test set of each (150 messages, 100 sentences) that grading
uses and students never receive.

>>> texts, labels = load_city_requests()
>>> len(texts), sorted(set(labels))
(300, ['noise', 'parks', 'roads', 'waste', 'water'])
>>> sentences, tags = load_ner_train()
>>> len(sentences), sentences[0][:3], tags[0][:3]
(249, ['Blackwater', 'Rowing', 'Club'], ['B-ORG', 'I-ORG', 'I-ORG'])
"""

from __future__ import annotations

import csv
import io
import os
from importlib.resources import as_file, files
from pathlib import Path

from ..conll import read_conll

__all__ = [
    "CITY_REQUEST_LABELS",
    "load_city_requests",
    "load_ner_train",
    "read_labelled_tsv",
]

CITY_REQUEST_LABELS: tuple[str, ...] = ("noise", "parks", "roads", "waste", "water")
_CITY_FILE = "exercise_city_requests.tsv"
_NER_FILE = "exercise_ner_train.conll"


def _parse_tsv(raw: str, where: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter="\t")
    if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
        raise ValueError(
            f"{where} must start with the header 'text<TAB>label', found {reader.fieldnames}"
        )
    for number, row in enumerate(reader, start=2):
        text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
        if not text or not label:
            raise ValueError(f"{where}, line {number}: every row needs a text and a label")
        texts.append(text)
        labels.append(label)
    return texts, labels


def read_labelled_tsv(path: str | os.PathLike[str]) -> tuple[list[str], list[str]]:
    """``(texts, labels)`` from a ``text<TAB>label`` file (the format of the course's sets)."""
    target = Path(path)
    try:
        raw = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no labelled data file at {target}") from None
    return _parse_tsv(raw, str(target))


def load_city_requests() -> tuple[list[str], list[str]]:
    """The 300 training messages and their departments, in a fixed shuffled order."""
    resource = files("encoder_kit.data") / _CITY_FILE
    return _parse_tsv(resource.read_text(encoding="utf-8"), _CITY_FILE)


def load_ner_train() -> tuple[list[list[str]], list[list[str]]]:
    """The 249 training sentences (lists of words) and their IOB2 tags."""
    with as_file(files("encoder_kit.data") / _NER_FILE) as path:
        return read_conll(path)
