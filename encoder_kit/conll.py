"""Tagged sentences: CoNLL files, input checks, and the IOB2 tag scheme.

A tagged sentence is a list of words with one tag per word. Tags follow IOB2: ``B-TYPE``
begins an entity, ``I-TYPE`` continues it, ``O`` is outside any entity.

>>> repair_iob2(["O", "I-PER", "I-PER", "B-LOC", "I-ORG"])
['O', 'B-PER', 'I-PER', 'B-LOC', 'B-ORG']
>>> entity_spans(["B-PER", "I-PER", "O", "B-LOC"])
[('PER', 0, 2), ('LOC', 3, 4)]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from .inputs import check_unicode, describe

DOCSTART = "-DOCSTART-"


def check_sentences(X: Any, *, name: str = "sentences",
                    allow_empty: bool = True) -> list[list[str]]:
    """Return ``X`` as a list of lists of words, or raise an error that says how to fix it."""
    if X is None:
        raise TypeError(f"{name} is None; pass a list of sentences, each a list of words, "
                        f"e.g. {name}=[['Ada', 'Lovelace', 'wrote']]")
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of sentences, each a list of words, got a single string "
            f"({describe(X)}); split it into words first, e.g. [text.split()], or use "
            "TokenTagger.predict_entities(text) for raw text"
        )
    if isinstance(X, dict) or not hasattr(X, "__iter__"):
        raise TypeError(f"{name} must be a list of sentences (lists of words), "
                        f"got {type(X).__name__}")
    out: list[list[str]] = []
    for i, sentence in enumerate(X):
        if isinstance(sentence, str):
            raise TypeError(
                f"{name}[{i}] is a string ({describe(sentence)}), not a list of words; pass a "
                f"list of sentences, e.g. [['Ada', 'Lovelace']] (wrap one sentence in a list, "
                "and split texts into words with text.split())"
            )
        if isinstance(sentence, dict) or not hasattr(sentence, "__iter__"):
            raise TypeError(f"{name}[{i}] is {type(sentence).__name__} ({describe(sentence)}), "
                            "not a list of words")
        words = list(sentence.tolist() if hasattr(sentence, "tolist") else sentence)
        if not words:
            raise ValueError(
                f"{name}[{i}] is an empty sentence (no words); every sentence needs at least one "
                f"word: drop empty ones first, e.g. [s for s in {name} if len(s)]"
            )
        for j, word in enumerate(words):
            if isinstance(word, np.str_):
                words[j] = str(word)
            if isinstance(word, str):
                check_unicode(word, f"{name}[{i}][{j}]")
            else:
                raise TypeError(
                    f"{name}[{i}][{j}] is {type(word).__name__} ({describe(word)}), not a "
                    "string; every word must be a str (convert with str(), drop missing values)"
                )
        out.append(words)
    if not out and not allow_empty:
        raise ValueError(f"{name} is empty; pass at least one sentence")
    return out



def check_tags(tags: Any, sentences: list[list[str]], *, name: str = "tags") -> list[list[str]]:
    """Return ``tags`` as lists of IOB2 tags, one per word of ``sentences``, or raise."""
    if tags is None or isinstance(tags, (str, bytes)) or not hasattr(tags, "__iter__"):
        raise TypeError(f"{name} must be a list with one list of tags per sentence, e.g. "
                        f"[['B-PER', 'I-PER', 'O']], got {describe(tags)}")
    rows = [list(t.tolist() if hasattr(t, "tolist") else t)
            if not isinstance(t, str) and hasattr(t, "__iter__") else t for t in tags]
    if len(rows) != len(sentences):
        raise ValueError(f"{name} has {len(rows)} tag lists for {len(sentences)} sentences; "
                         "pass exactly one list of tags per sentence")
    for i, (row, words) in enumerate(zip(rows, sentences, strict=True)):
        if not isinstance(row, list):
            raise TypeError(f"{name}[{i}] is {type(row).__name__} ({describe(row)}), not a list "
                            "of tags; pass one list of tags per sentence")
        if len(row) != len(words):
            raise ValueError(
                f"{name}[{i}] has {len(row)} tags but sentence {i} has {len(words)} words "
                f"({describe(words)}); every word needs exactly one tag"
            )
        for j, tag in enumerate(row):
            if not isinstance(tag, str) or not _is_iob2_tag(tag):
                raise ValueError(
                    f"{name}[{i}][{j}] = {describe(tag)} is not an IOB2 tag (unknown tag "
                    "scheme): use 'O', 'B-TYPE' or 'I-TYPE'. Convert IOB1, BIOES/BILOU or plain "
                    f"type labels first: {name} = [to_iob2(t) for t in {name}] "
                    "(from encoder_kit.conll import to_iob2)"
                )
            if tag.startswith("I-") and (j == 0 or row[j - 1][2:] != tag[2:]
                                         or row[j - 1] == "O"):
                raise ValueError(
                    f"{name}[{i}][{j}] = {tag!r} continues no {tag[2:]!r} entity (the tag before "
                    f"it is {row[j - 1] if j else 'the sentence start'!r}): invalid IOB2, as in "
                    f"IOB1 files. Convert first: {name} = [to_iob2(t) for t in {name}] "
                    "(from encoder_kit.conll import to_iob2)"
                )
    return rows


def _is_iob2_tag(tag: str) -> bool:
    return tag == "O" or (tag[:2] in ("B-", "I-") and len(tag) > 2 and not tag[2:].isspace())


def repair_iob2(tags: Sequence[str]) -> list[str]:
    """Valid IOB2: an ``I-X`` that continues no ``X`` entity becomes ``B-X``."""
    out: list[str] = []
    for tag in tags:
        if tag.startswith("I-") and (not out or out[-1] == "O" or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def to_iob2(tags: Sequence[str]) -> list[str]:
    """Convert one sentence's IOB1, IOB2, BIOES/BILOU or plain type tags ("PER") to IOB2."""
    out: list[str] = []
    for tag in tags:
        if tag in ("O", "", "-"):
            out.append("O")
            continue
        prefix, _, kind = tag.partition("-")
        if not kind or len(prefix) != 1:  # a plain type label: consecutive ones form an entity
            prefix, kind = "I", tag
        if prefix in ("B", "S", "U"):
            out.append("B-" + kind)
        else:  # I, E, L: continue an entity of the same type, else begin one
            out.append(("I-" if out and out[-1] != "O" and out[-1][2:] == kind else "B-") + kind)
    return out


def entity_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(type, first word, end word) of each entity in IOB2 ``tags`` (repaired first)."""
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(repair_iob2(tags)):
        if tag.startswith("B-"):
            spans.append((tag[2:], i, i + 1))
        elif tag.startswith("I-"):
            spans[-1] = (spans[-1][0], spans[-1][1], i + 1)
    return spans


def read_conll(path: str | os.PathLike) -> tuple[list[list[str]], list[list[str]]]:
    """Read a ``token<TAB>tag`` file: the sentences (lists of words) and their tags.

    Blank lines end sentences; ``-DOCSTART-`` lines are skipped. Without a tab, a line is split
    on spaces and its first and last fields are used (CoNLL-2003's four columns). A line with a
    single field fails with its line number.
    """
    sentences: list[list[str]] = []
    tags: list[list[str]] = []
    words: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8-sig") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if words:
                    sentences.append(words)
                    tags.append(labels)
                    words, labels = [], []
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if fields[0].strip() == DOCSTART:
                continue
            if len(fields) < 2 or not fields[0] or not fields[-1].strip():
                raise ValueError(
                    f"{os.fspath(path)}, line {number}: expected 'token<TAB>tag', got "
                    f"{describe(line)}; every non-blank line needs a token and a tag, and "
                    "sentences are separated by blank lines"
                )
            words.append(fields[0])
            labels.append(fields[-1].strip())
    if words:
        sentences.append(words)
        tags.append(labels)
    return sentences, tags


def write_conll(path: str | os.PathLike, sentences: Any, tags: Any) -> None:
    """Write ``token<TAB>tag`` lines, with a blank line after each sentence."""
    sentences = check_sentences(sentences)
    if tags is None or isinstance(tags, str) or len(tags) != len(sentences):
        raise ValueError(f"tags must hold one list of tags per sentence ({len(sentences)}), "
                         f"got {describe(tags)}")
    lines = []
    for i, (words, row) in enumerate(zip(sentences, tags, strict=True)):
        row = list(row)
        if len(row) != len(words):
            raise ValueError(f"tags[{i}] has {len(row)} tags but sentence {i} has {len(words)} "
                             "words; every word needs exactly one tag")
        for j, (word, tag) in enumerate(zip(words, row, strict=True)):
            bad = not word or not isinstance(tag, str) or not tag.strip()
            if bad or any(c in word + tag for c in "\t\n\r") or tag != tag.strip():
                raise ValueError(
                    f"sentences[{i}][{j}] = {word!r} with tag {tag!r} cannot be written as one "
                    "'token<TAB>tag' line: words and tags must be non-empty and hold no tabs or "
                    "line breaks (tags no spaces)"
                )
            lines.append(f"{word}\t{tag}\n")
        lines.append("\n")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)
