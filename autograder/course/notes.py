"""The grader's notes per student: limits a notebook hit, helpers it replaced, what the
sandbox could not do. Kept in ``reports/<assignment>/grading-notes.json`` (one entry per
student, replaced when the student is graded again) for ``encoder-kit course report``.

>>> import tempfile, types
>>> course = types.SimpleNamespace(root=Path(tempfile.mkdtemp()))
>>> path = save_notes(course, "hw1", {"ada": ["cell 3: stopped at the 30 s cell limit"]})
>>> load_notes(course, "hw1")
{'ada': ['cell 3: stopped at the 30 s cell limit']}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FILENAME = "grading-notes.json"


def notes_path(course: Any, assignment: str) -> Path:
    return Path(course.root) / "reports" / assignment / FILENAME


def load_notes(course: Any, assignment: str) -> dict[str, list[str]]:
    """The notes saved so far (empty when there are none or the file is damaged)."""
    try:
        data = json.loads(notes_path(course, assignment).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [str(n) for n in v] for k, v in data.items() if isinstance(v, list)}


def save_notes(course: Any, assignment: str, notes: dict[str, list[str]]) -> Path | None:
    """Merge ``notes`` into the saved ones (atomically); the file, or None when empty."""
    merged = load_notes(course, assignment)
    merged.update({k: v for k, v in notes.items() if v})
    if not merged:
        return None
    path = notes_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps(merged, indent=1, sort_keys=True))
    os.replace(temporary, path)
    return path
