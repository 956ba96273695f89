"""The one writer: record a worker's outcome in the course's gradebook and autograded folder.

``record`` writes what nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` computed in
the worker (auto scores, "No response." comments, late penalty, submission time) into the
course's gradebook, in one transaction after the rows exist. A manual score already given
is never touched, and a cell with one is flagged for review, as nbgrader does. ``place``
then swaps the autograded folder into place in one rename.

A grader killed in the middle of ``place`` (``kill -9``, a power cut) leaves its hidden
``.<assignment>.incoming-<pid>`` or ``.<assignment>.old-<pid>`` folder beside the student's
autograded folder. ``course_lock`` removes such leftovers once it holds the lock (no other
grader can be placing then); a submission whose folder was lost that way is not graded by
``is_graded``'s rule, so the run grades it again.

A submission counts as graded (``is_graded``) when its autograded folder exists, is not older
than the submission (nbgrader's rule) and the gradebook holds it. The order (gradebook, then
folder) makes a rerun after an interruption safe: what was recorded but not placed is graded
again, and recording the same outcome twice gives the same gradebook. ::

    with course_lock(course):
        if not is_graded(course, "ada", "hw1-pipeline"):
            record(course, outcome)   # the scores, in one transaction
            place(course, outcome)    # then the autograded folder, in one rename
"""

from __future__ import annotations

import contextlib
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

from autograder.course.coursedir import Course, CourseError

from .worker import Outcome

LOCK_NAME = ".encoder-kit-grade.lock"
# what an interrupted ``place`` leaves beside autograded/<student>/<assignment>
STALE_PATTERNS = (".*.incoming-*", ".*.old-*")


@contextlib.contextmanager
def course_lock(course: Course) -> Iterator[None]:
    """Hold the course's grading lock; CourseError when another grader holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    path = course.root / LOCK_NAME
    handle = open(path, "a+")  # held for the whole block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise CourseError(
                f"another `encoder-kit course grade` is writing this course's gradebook "
                f"({holder}); wait for it to finish, or stop it, then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        remove_stale_folders(course)
        yield
    finally:
        handle.close()


def remove_stale_folders(course: Course) -> list[Path]:
    """Remove the temporary folders an interrupted ``place`` left in ``autograded/``; the
    paths removed. Call it with the course's lock held."""
    autograded = course.folder("autograded")
    if not autograded.is_dir():
        return []
    removed = []
    for pattern in STALE_PATTERNS:
        for path in sorted(autograded.glob(f"*/{pattern}")):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def assignment_exists(course: Course, assignment: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            return False
    return True


def recorded_students(course: Course, assignment: str) -> set[str]:
    """Students with a submission of ``assignment`` in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return set()
        return {submission.student.id for submission in found.submissions}


def is_graded(course: Course, student: str, assignment: str,
              recorded: set[str] | None = None) -> bool:
    """True when the submission's autograded folder is in place, current and recorded
    (``recorded``: the students ``recorded_students`` found, to save a gradebook query)."""
    coursedir = course.coursedir()
    graded = course.folder("autograded", student, assignment)
    if not graded.is_dir() or not any(graded.glob("*.ipynb")):
        return False
    submitted = coursedir.get_existing_timestamp(str(course.folder("submitted", student,
                                                                   assignment)))
    done = coursedir.get_existing_timestamp(str(graded))
    if submitted is not None and done is not None and submitted > done:
        return False  # submitted again since it was graded
    if recorded is None:
        recorded = recorded_students(course, assignment)
    return student in recorded


def record(course: Course, outcome: Outcome) -> None:
    """Write ``outcome``'s scores into the gradebook (the only place that does)."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with Gradebook(course.db_url, course.course_id) as gradebook, warnings.catch_warnings():
        # nbgrader's update_or_create_submission makes SQLAlchemy warn about autoflush
        warnings.simplefilter("ignore", SAWarning)
        gradebook.update_or_create_student(outcome.student)
        details = {"timestamp": outcome.timestamp} if outcome.timestamp is not None else {}
        gradebook.update_or_create_submission(outcome.assignment, outcome.student, **details)
        try:
            for name, scores in outcome.notebooks.items():
                for grade_id, auto_score in scores.auto_scores.items():
                    grade = gradebook.find_grade(grade_id, name, outcome.assignment,
                                                 outcome.student)
                    grade.auto_score = auto_score
                    grade.needs_manual_grade = grade.manual_score is not None or (
                        auto_score is None)
                for comment_id, text in scores.auto_comments.items():
                    comment = gradebook.find_comment(comment_id, name, outcome.assignment,
                                                     outcome.student)
                    comment.auto_comment = text
                notebook = gradebook.find_submission_notebook(name, outcome.assignment,
                                                              outcome.student)
                notebook.late_submission_penalty = scores.late_penalty
            gradebook.db.commit()
        except BaseException:
            gradebook.db.rollback()
            raise


def place(course: Course, outcome: Outcome) -> Path:
    """Put the autograded files in ``autograded/<student>/<assignment>`` in one rename."""
    target = course.folder("autograded", outcome.student, outcome.assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.incoming-{os.getpid()}")
    shutil.rmtree(incoming, ignore_errors=True)
    for relative, (data, mode) in outcome.files.items():
        path = incoming / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, mode)
    incoming.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(incoming, target)
    shutil.rmtree(old, ignore_errors=True)
    return target
