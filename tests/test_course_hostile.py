"""Hostile submissions of hw1-pipeline graded in one batch with the normal ones.

One batch: every kind of ``hostile.KINDS``, the eight sample submissions and the victim
(a copy of ada with a secret file), graded by ``grade_assignment`` with small limits. Then,
per kind, the outcome it must get (``hostile.Expected``: exact score, graded or failed with
a reason, the instructor's note, grades left for a manual grade, secrets that must not
leak, processes that must be gone, the size of its autograded notebook), and for the batch:
the normal samples keep their scores, nothing is left running, the course outside the
grades is unchanged and the gradebook opens in nbgrader with one submission per graded
student.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    ASSIGNMENT,
    BY_NAME,
    CANARY_STUDENT,
    FULL,
    KINDS,
    VICTIM,
    BatchState,
    Context,
    build_all,
    gradebook_rows,
    kill_leftovers,
    leftover_processes,
    listener,
    plant_secrets,
    problems,
    tree_digest,
    wait_until,
)
from support.course import copy_course, submit
from test_course_roundtrip import EXPECTED as NORMAL

from autograder.course.coursedir import Course
from autograder.course.runner.batch import grade_assignment
from autograder.course.runner.gradebook_writer import LOCK_NAME
from autograder.course.sandbox.limits import Limits
from encoder_kit.cli import main

pytestmark = pytest.mark.slow

# small enough for a test, large enough for a normal hw1 notebook
LIMITS = {"cell_timeout": 10, "notebook_timeout": 60, "memory_mb": 1024, "max_processes": 64,
          "output_bytes": 1_000_000}
# what grading may change: the grades, the autograded folder, the grader's lock and notes
GRADER_OUTPUTS = ("autograded", "gradebook.db", "gradebook.db-journal", LOCK_NAME, "reports")


def batch_limits() -> Limits:
    """The test's limits; the time limits alone where the grader has no others yet."""
    try:
        return Limits(**LIMITS)
    except TypeError:  # the grader before its sandbox: no memory/process/output limits
        return Limits(cell_timeout=LIMITS["cell_timeout"],
                      notebook_timeout=LIMITS["notebook_timeout"])


@dataclass
class Batch:
    """One grading run of the hostile batch: the course's state and the run's summary."""

    state: BatchState
    summary: Any
    seconds: float
    rows_before: dict[str, list[tuple]]
    rows_after: dict[str, list[tuple]]
    students: list[str] = field(default_factory=list)

    @property
    def course(self) -> Course:
        return Course.open(self.state.root)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = copy_course(tmp_path_factory.mktemp("hostile") / "course")
    assert main(["course", "release", ASSIGNMENT, "--course", str(root)]) == 0
    normal = submit(root, ASSIGNMENT)
    with listener() as (port, received):
        context = Context(root=root, port=port)
        plant_secrets(root, context)
        hostile = build_all(root, context)
        before = tree_digest(root, skip=GRADER_OUTPUTS)
        rows_before = gradebook_rows(root / "gradebook.db")
        start = time.perf_counter()
        try:
            summary = grade_assignment(Course.open(root), ASSIGNMENT, workers=2,
                                       limits=batch_limits(), progress=False)
            seconds = time.perf_counter() - start
            # a killed process is gone at once; give the reaper a moment all the same
            wait_until(lambda: not leftover_processes(context), 5)
            state = BatchState(root, context, set(summary.graded), dict(summary.failed),
                               dict(getattr(summary, "notes", {}) or {}), before,
                               tree_digest(root, skip=GRADER_OUTPUTS),
                               leftover_processes(context), list(received))
            result = Batch(state, summary, seconds, rows_before,
                           gradebook_rows(root / "gradebook.db"), [*normal, VICTIM, *hostile])
            slowest = sorted(summary.seconds.items(), key=lambda item: -item[1])[:8]
            print(f"\nhostile batch: {len(result.students)} submissions in {seconds:.1f} s; "
                  "slowest: " + ", ".join(f"{s} {t:.1f} s" for s, t in slowest))
            yield result
        finally:
            kill_leftovers(context)


@pytest.mark.parametrize("name", [kind.name for kind in KINDS])
def test_hostile_kind_holds(batch: Batch, name: str) -> None:
    """The kind gets exactly its expected outcome (every property, listed when not)."""
    found = problems(BY_NAME[name], batch.state)
    assert not found, f"{name}: " + "; ".join(found)


@pytest.mark.parametrize("student", [*NORMAL, VICTIM])
def test_normal_submissions_keep_their_scores(batch: Batch, student: str) -> None:
    expected = FULL if student == VICTIM else NORMAL[student]
    assert student in batch.summary.graded, batch.summary.failed.get(student)
    assert batch.state.score(student) == pytest.approx(expected, abs=1e-5)


def test_the_batch_finished_with_every_submission_accounted_for(batch: Batch) -> None:
    summary = batch.summary
    assert not summary.interrupted
    assert not set(summary.graded) & set(summary.failed)
    assert sorted([*summary.graded, *summary.failed]) == sorted(batch.students)


def test_the_course_is_unchanged_outside_the_grades(batch: Batch) -> None:
    assert batch.state.changed() == []


def test_the_autograded_folder_holds_only_graded_submissions(batch: Batch) -> None:
    autograded = batch.course.folder("autograded")
    folders = sorted(p.name for p in autograded.iterdir())
    assert folders == sorted(batch.summary.graded)  # no hidden temporary folders either
    for student in folders:
        assert not any("pwned" in p.name.lower()
                       for p in (autograded / student).rglob("*")), student


def test_the_gradebook_opens_in_nbgrader_with_one_submission_per_graded_student(
        batch: Batch) -> None:
    from nbgrader.api import Gradebook

    course = batch.course
    with Gradebook(course.db_url, course.course_id) as gradebook:
        found = [s.student.id for s in gradebook.assignment_submissions(ASSIGNMENT)]
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            assert submission.max_score == FULL, submission.student.id
    assert sorted(found) == sorted(batch.summary.graded)
    assert batch.state.submission_rows() == {student: 1 for student in batch.summary.graded}


def test_the_gradebook_definitions_and_earlier_rows_are_unchanged(batch: Batch) -> None:
    for table, rows in batch.rows_before.items():
        if table == "student":
            assert set(rows) <= set(batch.rows_after["student"]), "a student row changed"
        else:
            assert batch.rows_after[table] == rows, table
    canary = [r for r in batch.rows_after["student"] if r[0] == CANARY_STUDENT]
    assert canary == [r for r in batch.rows_before["student"] if r[0] == CANARY_STUDENT]


def test_nobody_has_a_manual_score_extra_credit_or_a_new_name(batch: Batch) -> None:
    assert batch.state.tampered_rows() == []


def test_nothing_is_left_running(batch: Batch) -> None:
    assert batch.state.leftovers == []


def test_no_notebook_reached_the_listener(batch: Batch) -> None:
    assert batch.state.received == []


def test_every_kind_is_in_the_batch(batch: Batch) -> None:
    """A guard for the figures: all kinds were built and graded (or failed) in this run."""
    assert {kind.name for kind in KINDS} <= set(batch.students)
    assert all(Path(batch.course.folder("submitted", k.name, ASSIGNMENT)).is_dir()
               for k in KINDS)
