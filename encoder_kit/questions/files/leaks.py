"""Find graded keys in material a student receives (a wheel, a release folder, feedback).

Graded questions live in instructor folders only. This scanner is the proof: it looks for
each graded question's ``secret_strings()`` (explanation, every feedback text, serialised
keys) in files, folders, and the members of ``.whl`` / ``.zip`` archives. Whitespace is
normalised and JSON files (notebooks) are also searched after decoding their strings, so a
secret split over notebook lines or escaped in JSON is still found.

>>> from encoder_kit.questions import parse_question
>>> q = parse_question({"kind": "numeric", "id": "g", "title": "G", "prompt": "How many?",
...     "concepts": ["C4"], "explanation": "Twelve layers plus the embedding output.",
...     "expected": 13, "graded": True})
>>> leaks_in_text("notes: Twelve layers plus\\n  the embedding output.", "notes.txt", [q])
[Leak(question_id='g', location='notes.txt', secret='Twelve layers plus the embedding output.')]
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ARCHIVES = (".whl", ".zip")


@dataclass(frozen=True)
class Leak:
    """A secret of ``question_id`` found in ``location`` (a file, or ``archive!member``)."""

    question_id: str
    location: str
    secret: str


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for entry in value:
            yield from _json_strings(entry)
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield key
            yield from _json_strings(entry)


def _searchable(text: str) -> str:
    texts = [text]
    stripped = text.lstrip()
    if stripped[:1] in "[{":
        try:
            # notebook sources are lists of lines: join them so no secret is split
            texts.append("".join(_json_strings(json.loads(text))))
            texts.append(" ".join(_json_strings(json.loads(text))))
        except ValueError:
            pass
    return "\n".join(_normalise(t) for t in texts)


def leaks_in_text(
    text: str, location: str, questions: Iterable[Any], include_feedback: bool = True
) -> list[Leak]:
    """Every secret of every question that occurs in ``text``."""
    haystack = _searchable(text)
    return [
        Leak(question.id, location, secret)
        for question in questions
        for secret in question.secret_strings(include_feedback)
        if secret in haystack
    ]


def _texts(place: Path) -> Iterator[tuple[str, str]]:
    if place.is_dir():
        for path in sorted(p for p in place.rglob("*") if p.is_file()):
            yield from _texts(path)
    elif place.suffix in _ARCHIVES and zipfile.is_zipfile(place):
        with zipfile.ZipFile(place) as archive:
            for member in archive.namelist():
                data = archive.read(member)
                yield f"{place}!{member}", data.decode("utf-8", errors="ignore")
    elif place.is_file():
        yield str(place), place.read_bytes().decode("utf-8", errors="ignore")
    else:
        raise FileNotFoundError(f"nothing to scan at {place}")


def find_leaks(
    places: Iterable[str | os.PathLike[str]],
    questions: Iterable[Any],
    include_feedback: bool = True,
) -> list[Leak]:
    """Scan files, folders and archives for the secrets of ``questions``; ``[]`` means clean.

    Scan a wheel or a release folder with ``include_feedback=True`` (nothing of a graded
    question may be there) and feedback files with ``include_feedback=False``.
    """
    questions = list(questions)
    found: list[Leak] = []
    for place in places:
        for location, text in _texts(Path(place)):
            found.extend(leaks_in_text(text, location, questions, include_feedback))
    return found
