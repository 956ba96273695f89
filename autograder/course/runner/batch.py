"""``grade_assignment``: autograde every submission of an assignment, in parallel, resumably.

Processes: this (parent) process plans the work, hands one job per submission to an
executor (by default ``LocalExecutor``: one process per notebook, ``workers`` at a time) and
is the only one that writes the gradebook and the autograded folders, one submission at a
time as results arrive (see :mod:`.gradebook_writer`). A failed or stopped submission is reported
and left ungraded; the rest of the batch goes on.

Resume: a submission whose autograded folder is in place, current and recorded is skipped,
so a run that was interrupted (Ctrl-C, a crash) and started again grades only what is left.
``force=True`` grades everything again. ::

    summary = grade_assignment(Course.open("exercises"), "hw4-classifier", workers=4)
    summary.graded, summary.failed, summary.skipped
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course.coursedir import Course, CourseError, scripts_on_path
from autograder.course.notes import Note, save_notes
from autograder.course.sandbox.limits import Limits

from .executor import LocalExecutor, remove_orphaned_scratch, scratch_prefix
from .gradebook_writer import (
    assignment_exists,
    course_lock,
    is_graded,
    place,
    record,
    recorded_students,
)
from .worker import Job, Outcome, run_job


@dataclass
class GradeSummary:
    """What one run of the grader did."""

    assignment: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False
    autograded_dir: Path | None = None
    gradebook: str = ""
    notes: dict[str, list[Note]] = field(default_factory=dict)  # by student
    notes_file: Path | None = None
    # recorded with 0 and flagged: {student: [why, per notebook]} (see runner.unreadable)
    flagged: dict[str, list[str]] = field(default_factory=dict)


# seconds past the notebook limit before the whole grading process is killed: the kernel
# stops at the limit itself, and nbgrader then still scores and saves the notebook
HARD_TIMEOUT_MARGIN = 120.0


def hard_timeout(limits: Limits) -> float:
    """When an executor kills a submission's grading process outright."""
    return limits.notebook_timeout + HARD_TIMEOUT_MARGIN


def _jobs(course: Course, assignment: str, students: Iterable[str], snapshot: Path,
          scratch: Path, limits: Limits, kernel: str,
          environment: dict[str, str], allow_unconfined: bool = False) -> list[Job]:
    source = str(course.source(assignment))
    submissions = course.submissions(assignment)
    jobs = []
    for student in students:
        folder = scratch / student
        folder.mkdir()
        jobs.append(Job(
            student=student, assignment=assignment, source=source,
            submission=str(submissions[student]), snapshot_db=str(snapshot),
            scratch=str(folder), config=course.config, course_id=course.course_id,
            environment=environment, limits=limits, kernel=kernel,
            hide=[str(course.root), str(scratch)], allow_unconfined=allow_unconfined,
        ))
    return jobs


def plan(course: Course, assignment: str, students: Iterable[str] | None = None,
         force: bool = False) -> tuple[list[str], list[str]]:
    """(students to grade, students already graded) for ``assignment``."""
    submissions = course.submissions(assignment)
    if not submissions:
        raise CourseError(
            f"nobody has submitted {assignment!r}: nothing in "
            f"{course.folder('submitted')}/<student>/{assignment}/ (collect the submissions "
            "first, e.g. with `nbgrader collect`)"
        )
    chosen = list(submissions) if students is None else list(students)
    unknown = sorted(set(chosen) - set(submissions))
    if unknown:
        raise CourseError(f"no submission of {assignment!r} from {', '.join(unknown)}; "
                          f"submitted: {', '.join(submissions)}")
    recorded = set() if force else recorded_students(course, assignment)
    todo = [s for s in chosen if force or not is_graded(course, s, assignment, recorded)]
    return todo, [s for s in chosen if s not in todo]


def grade_assignment(
    course: Course,
    assignment: str,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    students: Iterable[str] | None = None,
    force: bool = False,
    kernel: str = "sandboxed",
    executor: Any = None,
    environment: dict[str, str] | None = None,
    progress: bool | None = None,
    allow_unconfined: bool = False,
) -> GradeSummary:
    """Autograde the submissions of ``assignment`` that are not graded yet
    (``allow_unconfined``: grade even where a kernel cannot be confined, noted)."""
    from tqdm import tqdm

    from .worker import OLD_KERNEL_NAMES

    if OLD_KERNEL_NAMES.get(kernel, kernel) == "subprocess" and not allow_unconfined:
        raise CourseError("kernel='subprocess' is stock nbgrader's unconfined kernel (the "
                          "grader's rights, files and network): pass allow_unconfined=True "
                          "to grade that way, or use the sandboxed kernel")
    scripts_on_path()
    course.source(assignment)
    limits = limits or Limits.for_course(course.config)
    summary = GradeSummary(assignment, gradebook=course.db_url,
                           autograded_dir=course.folder("autograded"))
    with course_lock(course):
        if not assignment_exists(course, assignment):
            raise CourseError(f"{assignment!r} is not in the gradebook yet: release it first "
                              f"(encoder-kit course release {assignment})")
        todo, summary.skipped = plan(course, assignment, students, force)
        if not todo:
            return summary
        remove_orphaned_scratch()
        scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix(f"grade-{assignment}")))
        try:
            snapshot = scratch / "gradebook-snapshot.db"
            shutil.copyfile(Path(course.db_url.removeprefix("sqlite:///")), snapshot)
            env = {**course.environment, **(environment or {})}
            jobs = _jobs(course, assignment, todo, snapshot, scratch, limits, kernel, env,
                         allow_unconfined)
            runner = executor or LocalExecutor(workers=workers, timeout=hard_timeout(limits))
            bar = tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission",
                       disable=None if progress is None else not progress)
            try:
                for job, finished in runner.run(run_job, jobs):
                    _take(course, job, finished, summary, bar)
            except KeyboardInterrupt:
                summary.interrupted = True
            finally:
                bar.close()
                summary.notes_file = save_notes(course, assignment, summary.notes)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return summary


def _take(course: Course, job: Job, finished: Any, summary: GradeSummary, bar: Any) -> None:
    outcome: Outcome | None = finished.value if finished.ok else None
    if outcome is not None and (outcome.notes or outcome.ok):
        summary.notes[job.student] = list(outcome.notes)  # graded again: replaces the old
    if outcome is None:
        summary.failed[job.student] = finished.message.strip().splitlines()[0] if (
            finished.message.strip()) else "the grading process failed"
    elif not outcome.ok:
        summary.failed[job.student] = outcome.error.strip()
    else:
        try:
            record(course, outcome)
            place(course, outcome)
        except Exception as error:  # e.g. the gradebook locked by another program
            summary.failed[job.student] = (f"graded, but the result could not be recorded "
                                           f"({type(error).__name__}: {error})")
        else:
            summary.graded.append(job.student)
            summary.seconds[job.student] = outcome.seconds
            if getattr(outcome, "flagged", None):
                summary.flagged[job.student] = list(outcome.flagged.values())
    if job.student in summary.failed:
        bar.write(f"  {job.student}: NOT graded: {summary.failed[job.student]}")
    bar.update(1)
