"""Small data sets written for encoder-kit (shipped in the package).

- ``support_emails``: 240 customer e-mails, 80 per queue (billing, technical, feedback).
  Each queue has its own words (the keyword case), yet with 180 training e-mails TF-IDF stays
  about 13 points behind frozen sentence vectors: a test e-mail often says its point in words
  no training e-mail used.
- ``sarcastic_reviews``: 340 one- or two-sentence product reviews, 170 sarcastic (praise words
  for a bad experience: "Fantastic kettle. It now takes eleven minutes to boil a cup") and 170
  sincere (85 pleased, 85 displeased, often about the same products and faults). The label
  depends on how the words relate to the facts, not on single words: the hard case. A fixed
  ``split`` column holds 85 texts (42 sarcastic, 43 sincere) out for testing; texts that share
  their content words were kept on the same side, so no test text has a near-duplicate in
  training.

Every text was written for encoder-kit by its authors (no public data set was copied) and is
under the project's licence.

>>> texts, labels = load_demo_data()
>>> len(texts), sorted(set(labels))
(240, ['billing', 'feedback', 'technical'])
>>> train_x, test_x, train_y, test_y = load_split("sarcastic_reviews")
>>> len(train_x), len(test_x), sorted(set(test_y))
(255, 85, ['sarcastic', 'sincere'])
"""

from __future__ import annotations

import csv
import io
import random
from importlib.resources import files

__all__ = ["DEMO_LABELS", "available_datasets", "demo_split", "load_demo_data", "load_split"]

DEMO_LABELS: tuple[str, ...] = ("billing", "technical", "feedback")


def available_datasets() -> list[str]:
    """Names of the CSV data sets shipped in ``encoder_kit.data``.

    >>> "support_emails" in available_datasets()
    True
    """
    root = files("encoder_kit.data")
    return sorted(
        entry.name[: -len(".csv")] for entry in root.iterdir() if entry.name.endswith(".csv")
    )


def load_demo_data(name: str = "support_emails") -> tuple[list[str], list[str]]:
    """Return ``(texts, labels)`` read from the shipped CSV data set ``name``.

    The CSV has a ``text,label`` header; rows keep their order in the file.

    >>> load_demo_data("no_such_set")
    Traceback (most recent call last):
    ...
    ValueError: unknown data set 'no_such_set'; available: sarcastic_reviews, support_emails
    """
    rows = _rows(name)
    return [row["text"] for row in rows], [row["label"] for row in rows]


def _rows(name: str) -> list[dict[str, str]]:
    resource = files("encoder_kit.data") / f"{name}.csv"
    if not resource.is_file():
        available = ", ".join(available_datasets()) or "(none)"
        raise ValueError(f"unknown data set {name!r}; available: {available}")
    raw = resource.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(raw, newline="")))


def load_split(name: str = "sarcastic_reviews") -> tuple[list[str], list[str], list[str], list[str]]:
    """The fixed train/test split of the shipped data set ``name``:
    ``(train_texts, test_texts, train_labels, test_labels)``, like :func:`demo_split`.

    A data set with a ``split`` column ("train" or "test", e.g. ``sarcastic_reviews``) is split
    by it; one without (``support_emails``) by :func:`demo_split`'s defaults (a quarter of each
    label for testing, seed 0). The same name always gives the same split.

    >>> [len(part) for part in load_split("support_emails")]
    [180, 60, 180, 60]
    """
    rows = _rows(name)
    if rows and "split" not in rows[0]:
        return _stratified([r["text"] for r in rows], [r["label"] for r in rows], 0.25, 0)
    parts: dict[str, list[dict[str, str]]] = {"train": [], "test": []}
    for row in rows:
        if row["split"] not in parts:
            raise ValueError(f"{name}.csv: split must be 'train' or 'test', got {row['split']!r}")
        parts[row["split"]].append(row)
    return ([r["text"] for r in parts["train"]], [r["text"] for r in parts["test"]],
            [r["label"] for r in parts["train"]], [r["label"] for r in parts["test"]])


def demo_split(
    test_size: float = 0.25, seed: int = 0
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Deterministic stratified train/test split of the support e-mails.

    Each label contributes ``round(n_label * test_size)`` rows to the test set, so
    the label proportions match in both parts. The same ``seed`` always gives the
    same split. Returns ``(train_texts, test_texts, train_labels, test_labels)``.

    >>> x_train, x_test, y_train, y_test = demo_split()
    >>> len(x_train), len(x_test)
    (180, 60)
    >>> sorted((label, y_test.count(label)) for label in DEMO_LABELS)
    [('billing', 20), ('feedback', 20), ('technical', 20)]
    >>> demo_split(seed=1)[1] == demo_split(seed=1)[1] != x_test
    True
    """
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be between 0 and 1 (exclusive), got {test_size!r}")
    texts, labels = load_demo_data()
    return _stratified(texts, labels, test_size, seed)


def _stratified(texts: list[str], labels: list[str], test_size: float, seed: int
                ) -> tuple[list[str], list[str], list[str], list[str]]:
    rng = random.Random(seed)

    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)

    train_idx: list[int] = []
    test_idx: list[int] = []
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        n_test = min(max(1, round(len(indices) * test_size)), len(indices) - 1)
        test_idx.extend(indices[:n_test])
        train_idx.extend(indices[n_test:])

    # Interleave labels instead of leaving them grouped.
    rng.shuffle(train_idx)
    rng.shuffle(test_idx)
    return (
        [texts[i] for i in train_idx],
        [texts[i] for i in test_idx],
        [labels[i] for i in train_idx],
        [labels[i] for i in test_idx],
    )
