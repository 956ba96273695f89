"""A hostile batch around the kinds: the planted secrets, the submissions written, and what
a grading run left (scores, notes, files, processes, connections) checked against each kind.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.course import copy_sample

from autograder.course.notes import Note

from .model import (
    ASSIGNMENT,
    CANARY_STUDENT,
    COURSE_SECRET_FILE,
    FULL,
    MARKER,
    NOTEBOOK,
    SECRET_FILE,
    VICTIM,
    Context,
    Hostile,
)


def plant_secrets(root: Path, context: Context) -> None:
    """The victim (a copy of ada with a secret file), a secret in the course root and one
    in the gradebook (a student row); ``context.canaries`` gets their values."""
    from nbgrader.api import Gradebook

    for key in ("victim", "gradebook", "course"):
        context.canaries[key] = f"CANARY-{secrets.token_hex(8)}"
    victim = root / "submitted" / VICTIM / ASSIGNMENT
    copy_sample(ASSIGNMENT, "ada", victim, VICTIM)  # ada's answers, for the victim's versions
    (victim / SECRET_FILE).write_text(context.canaries["victim"] + "\n")
    (root / COURSE_SECRET_FILE).write_text(context.canaries["course"] + "\n")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_student(CANARY_STUDENT, first_name=context.canaries["gradebook"])


def build_all(root: Path, context: Context, kinds: list[Hostile] | None = None) -> list[str]:
    """Write every hostile submission into ``root/submitted``; their student ids."""
    from .catalogue import KINDS

    names = []
    for kind in kinds or KINDS:
        folder = root / "submitted" / kind.name / ASSIGNMENT
        folder.mkdir(parents=True)
        kind.build(folder, context)
        names.append(kind.name)
    return names


def tree_digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """``{relative path: sha256}`` of every file (links as their target) under ``root``."""
    import hashlib

    digest = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if any(relative == s or relative.startswith(s + "/") for s in skip):
            continue
        if path.is_symlink():
            digest[relative] = "link:" + os.readlink(path)
        elif path.is_file():
            digest[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


DEFINITION_TABLES = ("course", "assignment", "notebook", "base_cell", "source_cell",
                     "grade_cells", "solution_cells", "task_cells", "alembic_version")


def gradebook_rows(db: Path) -> dict[str, list[tuple]]:
    """The gradebook's definition tables and student rows, read straight from SQLite."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = {table: sorted(map(tuple, con.execute(f"SELECT * FROM {table}")), key=repr)
                for table in DEFINITION_TABLES}
        rows["student"] = sorted(map(tuple, con.execute("SELECT * FROM student")), key=repr)
        return rows
    finally:
        con.close()


@dataclass(frozen=True)
class Leftover:
    """A process an attack started that is still alive."""

    pid: int
    name: str  # /proc/PID/comm
    cmdline: str

    def of(self, context: Context, tag: str) -> bool:
        """Started by the attack whose processes carry ``tag`` (``MARKER``: the command line
        marker; else the name ``context.process_name(tag)``)."""
        if tag == MARKER:
            return context.marker in self.cmdline
        return self.name == context.process_name(tag)



def leftover_processes(context: Context) -> list[Leftover]:
    """Processes an attack of this run started that are still alive."""
    import psutil

    prefix = context.process_name("")
    found = []
    for process in psutil.process_iter(["pid", "name", "cmdline", "status"]):
        info = process.info
        if info["status"] == psutil.STATUS_ZOMBIE:
            continue
        try:
            name = Path(f"/proc/{info['pid']}/comm").read_text().strip()
        except OSError:
            name = info["name"] or ""
        line = " ".join(info["cmdline"] or [])
        if name.startswith(prefix) or context.marker in line:
            found.append(Leftover(info["pid"], name, line[:120]))
    return found


def kill_leftovers(context: Context) -> None:
    """Kill whatever ``leftover_processes`` finds (clean-up after a failed test)."""
    for leftover in leftover_processes(context):
        try:
            os.kill(leftover.pid, 9)
        except OSError:
            pass


@contextmanager
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on 127.0.0.1: (port, what it received) while the block runs."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    received.append(connection.recv(1024) or b"(connected)")
                except OSError:
                    received.append(b"(connected)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join(2)
        server.close()


# -- the outcome of a batch, and what each kind must have got ---------------------------
@dataclass
class BatchState:
    """A course after one grading run, and what it looked like before."""

    root: Path
    context: Context
    graded: set[str]
    failed: dict[str, str]  # student -> the reason given
    notes: dict[str, list[str]]  # student -> the instructor's notes
    before: dict[str, str]  # tree_digest of the course before (grader outputs skipped)
    after: dict[str, str]
    leftovers: list[Leftover]
    received: list[bytes]

    @property
    def db(self) -> Path:
        return self.root / "gradebook.db"

    def query(self, sql: str, *args: object) -> list[tuple]:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return list(con.execute(sql, args))
        finally:
            con.close()

    def score(self, student: str) -> float | None:
        """The student's total for hw1 (nbgrader's rule), None without a submission."""
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.db}") as gradebook:
            try:
                return gradebook.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                return None

    def grades(self, student: str) -> dict[str, tuple]:
        """``{grade id: (auto score, manual score, needs manual grade)}``."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.db}") as gradebook:
            submission = gradebook.find_submission(ASSIGNMENT, student)
            return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                    for notebook in submission.notebooks for g in notebook.grades}

    def submission_rows(self) -> dict[str, int]:
        """``{student: submitted_assignment rows}`` for hw1, straight from SQLite."""
        return dict(self.query(
            "SELECT sa.student_id, COUNT(*) FROM submitted_assignment sa JOIN assignment a "
            "ON sa.assignment_id = a.id WHERE a.name = ? GROUP BY sa.student_id", ASSIGNMENT))

    def tampered_rows(self) -> list[tuple]:
        """Grades with a manual score or extra credit, students renamed (none may be)."""
        return [*self.query(
            "SELECT 'grade', sa.student_id, g.manual_score, g.extra_credit FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id JOIN submitted_assignment sa "
            "ON sn.assignment_id = sa.id WHERE g.manual_score IS NOT NULL OR "
            "g.extra_credit IS NOT NULL"),
            *self.query("SELECT 'student', id, first_name, NULL FROM student "
                        "WHERE first_name = 'pwned'")]

    def changed(self, prefixes: tuple[str, ...] = ("",)) -> list[str]:
        """Course paths under ``prefixes`` changed, added or removed by the run."""
        def under(path: str) -> bool:
            return any(not p or path == p or path.startswith(p + "/") for p in prefixes)

        keys = {k for k in self.before.keys() | self.after.keys() if under(k)}
        return sorted(k for k in keys if self.before.get(k) != self.after.get(k))

    def autograded_bytes(self, student: str) -> bytes:
        folder = self.root / "autograded" / student / ASSIGNMENT
        if not folder.is_dir():
            return b""
        return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def problems(kind: Hostile, state: BatchState) -> list[str]:
    """How ``kind``'s outcome differs from its ``Expected`` (empty: it held)."""
    expected, name = kind.expected, kind.name
    found = []
    score = state.score(name)
    if expected.graded:
        if name not in state.graded:
            found.append(f"not graded: {state.failed.get(name, 'no result')!r}")
        elif score is None or abs(score - expected.score) > 1e-6:
            found.append(f"score {score}, expected {expected.score}")
    else:
        if name not in state.failed:
            found.append(f"graded ({score} points); expected a failure with a reason")
        if score is not None:
            found.append("a failed submission has a gradebook row")
    told = notes_text(state.notes, state.failed, name)
    if not matches(expected.note, told):
        found.append(f"the instructor is not told /{expected.note}/: {told.strip()[:300]!r}")
    tampering = tampering_notes(state.notes, name)
    if expected.graded and bool(tampering) != expected.tampering:
        found.append(f"tampering notes {tampering[:3]!r}, expected "
                     f"{'some' if expected.tampering else 'none'}")
    if expected.manual and name in state.graded:
        grades = state.grades(name)
        for grade_id in expected.manual:
            auto, _, needs = grades.get(grade_id, (0, None, False))
            if auto is not None or not needs:
                found.append(f"{grade_id}: auto score {auto}, needs manual grade {needs}")
    files = state.autograded_bytes(name)
    for key in expected.secrets:
        if state.context.canaries[key].encode() in files:
            found.append(f"the {key} secret is in its autograded files")
    if expected.processes:
        alive = [p for p in state.leftovers if p.of(state.context, expected.processes)]
        if alive:
            found.append(f"{len(alive)} of its processes still run, e.g. {alive[0]}")
    if expected.max_notebook_bytes:
        notebook = state.root / "autograded" / name / ASSIGNMENT / NOTEBOOK
        size = notebook.stat().st_size if notebook.exists() else 0
        if size > expected.max_notebook_bytes:
            found.append(f"autograded notebook of {size} bytes")
    if expected.no_connection and state.received:
        found.append(f"the listener heard {state.received[:3]}")
    if expected.untouched:
        changed = state.changed(expected.untouched)
        if changed:
            found.append(f"it changed {changed[:5]}")
    if expected.nothing_planted:
        planted = [str(p.relative_to(state.root)) for p in state.root.rglob("*")
                   if "pwned" in p.name.lower()]
        if planted:
            found.append(f"files planted: {planted[:5]}")
    if expected.gradebook_clean:
        tampered = state.tampered_rows()
        if tampered:
            found.append(f"gradebook rows changed: {tampered[:5]}")
        if state.score(VICTIM) != FULL:
            found.append(f"the victim has {state.score(VICTIM)} points, not {FULL}")
    return found


def notes_text(notes: dict[str, list[Any]], failed: dict[str, str], student: str) -> str:
    """Everything the instructor is told about ``student``: notes and failure reason."""
    return "\n".join([*map(str, notes.get(student, [])), failed.get(student, "")])


def tampering_notes(notes: dict[str, list[Any]], student: str) -> list[str]:
    """The notes of kind ``tampering`` about ``student``."""
    return [str(n) for n in map(Note.of, notes.get(student, [])) if n.kind == "tampering"]


def matches(pattern: str | None, text: str) -> bool:
    return pattern is None or re.search(pattern, text, re.IGNORECASE) is not None


def wait_until(predicate: Callable[[], bool], seconds: float, step: float = 0.2) -> bool:
    """Poll ``predicate`` until it holds or ``seconds`` pass; whether it held."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
