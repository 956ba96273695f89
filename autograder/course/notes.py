"""The grader's notes per student, by kind: limits a notebook hit, cells changed from the
release, helpers it replaced, what the sandbox could not do, answers files that could not be
read. Kept in ``reports/<assignment>/grading-notes.json`` (one entry per student, replaced
when the student is graded again) for the instructor; ``encoder-kit course grade`` counts
them per kind and ``encoder-kit course report`` lists them per student.

While one submission is graded, the grading steps (the sandboxed kernel, the scoring step,
nbgrader's cell checks) ``add_note``; the worker then ``take_notes`` (a process grades one
submission at a time). A note given as plain text (from the kernel process, from a log line)
gets its kind from ``classify``.

>>> import tempfile, types
>>> course = types.SimpleNamespace(root=Path(tempfile.mkdtemp()))
>>> path = save_notes(course, "hw1", {"ada": ["cell 3: stopped at the 30 s cell limit"]})
>>> load_notes(course, "hw1")
{'ada': [Note(kind='limit', text='cell 3: stopped at the 30 s cell limit')]}
>>> count_kinds(load_notes(course, "hw1"))
{'limit': 1}
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILENAME = "grading-notes.json"

#: the kinds of note, in the order a summary lists them
NOTE_KINDS: tuple[str, ...] = (
    "tampering",         # a locked cell, a cell id or the submission's files changed
    "unreadable",        # a notebook or file that could not be read
    "answers-file",      # the answers file missing, malformed or for another version
    "limit",             # a time, memory, process or output limit reached
    "helpers-restored",  # the notebook replaced grading helpers; they were put back
    "not-isolated",      # a sandbox layer this machine could not provide
    "late",              # nbgrader's late-submission notice
    "other",
)

# how a note given as plain text is classified: the first pattern that matches wins
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("tampering", r"has changed|differs from the released|multiple times|"
                      r"does not exist in the database|Missing grade cell|symbolic link"),
        ("unreadable", r"not a readable notebook|cannot be read|unreadable|not valid JSON"),
        ("answers-file", r"encoder-kit-answers\.json|answers file|no submission record"),
        ("helpers-restored", r"had replaced|put back"),
        ("not-isolated", r"not isolated|not dropped|not joined|watching the (process|tree)|"
                         r"no overlay|not confined"),
        ("limit", r"\blimit\b|kernel stopped|timed? ?out|memory|too many processes|"
                  r"output .*cut|could not start"),
        ("late", r"seconds late|\blate\b"),
    ))


def classify(text: str) -> str:
    """The kind of a note given as plain text (``"other"`` when no pattern fits).

    >>> classify("cell 4: stopped at the 30 s cell limit"), classify("capabilities not dropped")
    ('limit', 'not-isolated')
    """
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return "other"


@dataclass(frozen=True)
class Note:
    """One note for the instructor: its ``kind`` (one of ``NOTE_KINDS``) and its text."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text

    @classmethod
    def of(cls, value: Note | str | Mapping[str, Any], kind: str | None = None) -> Note:
        """A note from a ``Note``, its JSON form, or plain text (classified)."""
        if isinstance(value, Note):
            return value
        if isinstance(value, Mapping):
            text = str(value.get("text", ""))
            given = value.get("kind")
            return cls(given if given in NOTE_KINDS else classify(text), text)
        text = str(value)
        return cls(kind if kind in NOTE_KINDS else classify(text), text)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


_pending: list[Note] = []


def add_note(text: str | Note, kind: str | None = None) -> None:
    """Note ``text`` for the instructor about the submission being graded in this process."""
    if kind is not None and kind not in NOTE_KINDS:
        raise ValueError(f"a note's kind is one of {NOTE_KINDS}, not {kind!r}")
    _pending.append(Note.of(text, kind))


def take_notes() -> list[Note]:
    """The notes added since the last call, each once, in order (and forget them)."""
    notes = list(dict.fromkeys(_pending))
    _pending.clear()
    return notes


def count_kinds(notes: Mapping[str, Iterable[Note | str]]) -> dict[str, int]:
    """How many notes of each kind (kinds in ``NOTE_KINDS`` order, absent ones left out)."""
    counts = Counter(Note.of(note).kind for per_student in notes.values() for note in per_student)
    return {kind: counts[kind] for kind in NOTE_KINDS if counts[kind]}


def notes_path(course: Any, assignment: str) -> Path:
    return Path(course.root) / "reports" / assignment / FILENAME


def load_notes(course: Any, assignment: str) -> dict[str, list[Note]]:
    """The notes saved so far (empty when there are none or the file is damaged); notes
    saved as plain text by an earlier version get their kind from ``classify``."""
    try:
        data = json.loads(notes_path(course, assignment).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [Note.of(n) for n in v] for k, v in data.items() if isinstance(v, list)}


def save_notes(course: Any, assignment: str,
               notes: Mapping[str, Iterable[Note | str]]) -> Path | None:
    """Merge ``notes`` into the saved ones (atomically); the file, or None when empty."""
    merged = load_notes(course, assignment)
    # a student graded again without notes loses the old ones (an empty list replaces)
    merged.update({k: [Note.of(n) for n in v] for k, v in notes.items()})
    merged = {k: v for k, v in merged.items() if v}
    if not merged:
        return None
    path = notes_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps({k: [n.to_json() for n in v] for k, v in merged.items()},
                                    indent=1, sort_keys=True))
    os.replace(temporary, path)
    return path
