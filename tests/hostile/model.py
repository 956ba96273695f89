"""The model of the hostile catalogue: the constants of hw1-pipeline, a run's context, the
outcome a kind must get, and one kind."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from support.course import SAMPLES as SAMPLES  # the sample submissions (re-exported)

ASSIGNMENT = "hw1-pipeline"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ANSWERS = "encoder-kit-answers.json"
# points of each graded test cell of hw1-pipeline, in notebook order
POINTS = {
    "hw1-order-encoder-steps": 4.0,
    "hw1-choice-two-stages": 2.0,
    "hw1-numeric-special-tokens": 1.0,
    "hw1-choice-sentence-vector": 1.0,
}
FULL, BLANK = 8.0, 0.0  # ada, cam
BEFORE_MID = 4.0 + 2.0  # the test cells that run before an attack placed at MID
VICTIM = "vic"  # a copy of ada with a secret file: the target of reads and writes
CANARY_STUDENT = "zz-canary"  # a gradebook row holding a secret
CANARY_PATTERN = r"CANARY-[0-9a-f]{16}"
SECRET_FILE = "secret.txt"
COURSE_SECRET_FILE = "instructor-notes.txt"
MARKER = "marker"  # Expected.processes for processes found by their command line


@dataclass(frozen=True)
class Context:
    """What the builders need: the course, this run's markers, secrets and listener."""

    root: Path
    run: str = field(default_factory=lambda: secrets.token_hex(6))
    canaries: dict[str, str] = field(default_factory=dict)  # "victim"/"gradebook"/"course"
    port: int = 0  # a TCP listener on 127.0.0.1 that no notebook may reach

    @property
    def marker(self) -> str:
        """Put in the command line of every process an attack starts."""
        return f"ekh-marker-{self.run}"

    def process_name(self, tag: str) -> str:
        """The name (``/proc/PID/comm``, 15 bytes) of a forked process of this run."""
        return f"ekh{self.run[:6]}{tag}"[:15]


@dataclass(frozen=True)
class Expected:
    """The outcome one hostile submission must get."""

    score: float | None  # the exact total (None: not graded)
    graded: bool = True  # False: reported as failed, with a reason
    note: str | None = None  # a regex (case-insensitive) the notes or the reason must match
    manual: tuple[str, ...] = ()  # grade ids left for a manual grade (no auto score)
    secrets: tuple[str, ...] = ()  # keys of Context.canaries that must not reach its files
    processes: str | None = None  # the tag its processes carry (see Leftover.of)
    untouched: tuple[str, ...] = ()  # course paths (prefixes) its writes must not change
    gradebook_clean: bool = False  # no manual score, extra credit or renamed student
    nothing_planted: bool = False  # no file named "pwned" anywhere in the course
    max_notebook_bytes: int | None = None  # its autograded notebook stays this small
    no_connection: bool = False  # the listener must not hear from it
    # a "tampering" note for the instructor: only for kinds that change what the release
    # gave (a locked cell's content, type, lock or points); never for honest work
    tampering: bool = False


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile submission."""

    name: str
    description: str
    build: Callable[[Path, Context], None]  # writes the submission folder
    expected: Expected
    why: str


STOPPED = BEFORE_MID  # 6: the kernel stopped at MID
# what write-course-files aims at (relative to the course; new files there count too)
COURSE_FILES = ("nbgrader_config.py", "source", "release", "questions", "code-questions",
                "hidden", "PWNED.txt", "PWNED-relative.txt")

