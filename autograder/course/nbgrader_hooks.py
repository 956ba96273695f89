"""Small functions the course's ``nbgrader_config.py`` hands to nbgrader.

``set_grading_identity`` is Autograde's ``pre_convert_hook``: before nbgrader grades one
student's submission it sets ``ENCODER_KIT_ASSIGNMENT`` and ``ENCODER_KIT_STUDENT``, which
the kernel it starts inherits, so ``check``/``grade_cell`` grade that student's variant.
nbgrader passes ``student="*"`` when grading everyone, so the student is read from the
submitted notebook's path (``submitted/<student>/<assignment>/<notebook>.ipynb``).

>>> import os
>>> set_grading_identity(assignment="*", student="*",
...                      notebooks=["/c/submitted/ada/hw1/hw1.ipynb"])
>>> os.environ["ENCODER_KIT_STUDENT"], os.environ["ENCODER_KIT_ASSIGNMENT"]
('ada', 'hw1')
>>> for name in ("ENCODER_KIT_STUDENT", "ENCODER_KIT_ASSIGNMENT"):
...     del os.environ[name]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .protocol import ANSWERS_FILENAME, ASSIGNMENT_ENV, STUDENT_ENV


def set_grading_identity(
    assignment: str = "", student: str = "", notebooks: Sequence[str] = (), **_: Any
) -> None:
    """Set the kernel's identity for the submission nbgrader is about to grade."""
    if notebooks:
        path = Path(notebooks[0])
        student = student if student not in ("", "*") else path.parent.parent.name
        assignment = assignment if assignment not in ("", "*") else path.parent.name
    if assignment and assignment != "*":
        os.environ[ASSIGNMENT_ENV] = assignment
    if student and student != "*":
        os.environ[STUDENT_ENV] = student


def answers_file_kept(source: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Autograde's ``exclude_overwriting`` for every assignment in ``source``: the students'
    answers file is theirs, never replaced by a copy the instructor's own runs left there."""
    folder = Path(source)
    if not folder.is_dir():
        return {}
    return {
        entry.name: [ANSWERS_FILENAME]
        for entry in sorted(folder.iterdir())
        if entry.is_dir() and not entry.name.startswith(".")
    }
