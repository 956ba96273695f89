"""Small data sets written for encoder-kit (shipped in the package).

>>> texts, labels = load_demo_data()
>>> len(texts), sorted(set(labels))
(240, ['billing', 'feedback', 'technical'])
"""

from __future__ import annotations

import csv
import io
import random
from importlib.resources import files

__all__ = ["DEMO_LABELS", "available_datasets", "demo_split", "load_demo_data"]

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
    ValueError: unknown data set 'no_such_set'; available: support_emails
    """
    resource = files("encoder_kit.data") / f"{name}.csv"
    if not resource.is_file():
        available = ", ".join(available_datasets()) or "(none)"
        raise ValueError(f"unknown data set {name!r}; available: {available}")
    raw = resource.read_text(encoding="utf-8")
    texts: list[str] = []
    labels: list[str] = []
    for row in csv.DictReader(io.StringIO(raw, newline="")):
        texts.append(row["text"])
        labels.append(row["label"])
    return texts, labels


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
