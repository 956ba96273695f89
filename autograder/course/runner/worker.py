"""One submission, graded by nbgrader's own Autograde in a one-student course of its own.

A worker never touches the course's gradebook. It builds a private course in its scratch
folder: the assignment's source folder (read only), a copy of the submission and a copy of
the gradebook taken when the batch started. nbgrader's ``Autograde`` converter then does
exactly what ``nbgrader autograde`` does (timestamps, files restored from source, cells
checked against the gradebook, execution, scores, late penalties), except that execution
uses the sandboxed kernel (``kernel="sandboxed"``: ``SandboxedExecute``, then
``ScoreGradeCells`` scores the test cells here; see :mod:`autograder.course.sandbox`)
unless ``kernel="subprocess"`` asks for nbgrader's own kernel per notebook. The limits and
the kernel's view reach those steps as traitlets in the private course's config. The worker
returns plain data: the scores nbgrader computed and the autograded files. The grader's
parent process, the only writer, records them in the real gradebook. ::

    outcome = run_job(job)            # in a worker process (see batch._jobs for a Job)
    outcome.ok, outcome.notebooks["hw1-pipeline"].auto_scores
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, OverwriteCells

from autograder.course.notes import Note, take_notes
from autograder.course.protocol import (
    ANSWERS_FILENAME,
    ASSIGNMENT_ENV,
    COURSE_ENV,
    STUDENT_ENV,
)
from autograder.course.released_cells import CheckReleasedCells
from autograder.course.sandbox.execute import SandboxedExecute
from autograder.course.sandbox.kernel_view import KernelView, kernel_view
from autograder.course.sandbox.layers.confine import protect_grader
from autograder.course.sandbox.limits import Limits
from autograder.course.scoring import ScoreGradeCells

from . import unreadable
from .unreadable import REFUSAL
from .warmup import WORKER_DB_URL

KERNELS = ("sandboxed", "subprocess")
# other names: the sandboxed kernel's old one, the CLI's name of nbgrader's own kernel
OLD_KERNEL_NAMES = {"in-process": "sandboxed", "unconfined-nbgrader": "subprocess"}


@dataclass
class Job:
    """Everything a worker needs to grade one submission (plain, picklable data)."""

    student: str
    assignment: str
    source: str
    submission: str
    snapshot_db: str
    scratch: str
    config: Any
    course_id: str
    environment: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    kernel: str = "sandboxed"  # or "subprocess" ("in-process": the old name of "sandboxed")
    # folders the student's kernel must not see (the course, the batch's scratch space)
    hide: list[str] = field(default_factory=list)
    # grade even where the kernel cannot be confined (each such submission noted)
    allow_unconfined: bool = False


@dataclass
class NotebookScores:
    """nbgrader's results for one notebook of a submission."""

    auto_scores: dict[str, float | None]
    auto_comments: dict[str, str | None]
    late_penalty: float | None


@dataclass
class Outcome:
    """What grading one submission produced."""

    student: str
    assignment: str
    ok: bool
    error: str = ""
    timestamp: Any = None
    notebooks: dict[str, NotebookScores] = field(default_factory=dict)
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    log: str = ""
    seconds: float = 0.0
    notes: list[Note] = field(default_factory=list)  # by kind, for the instructor's report
    # notebooks recorded with 0 because they could not be graded: {name: why}
    flagged: dict[str, str] = field(default_factory=dict)


def _preprocessors(configured: list[Any], kernel: str) -> list[Any]:
    """The autograde chain: the course's, with Execute replaced by the sandboxed kernel and
    the scoring step right after it (a subprocess kernel scores in the notebook itself)."""
    kernel = OLD_KERNEL_NAMES.get(kernel, kernel)
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, not {kernel!r}")
    if kernel == "subprocess":
        return list(configured)
    chain: list[Any] = []
    for step in configured:
        chain += [SandboxedExecute, ScoreGradeCells] if step is Execute else [step]
    return chain


_notes: list[str] = []


def _released_cell_check(configured: list[Any]) -> list[Any]:
    """nbgrader's sanitize chain with ``OverwriteCells`` judging cells against the release
    (no false tampering note for every test cell with hidden tests: nbgrader issue 1961)."""
    return [CheckReleasedCells if step is OverwriteCells else step for step in configured]

# nbgrader log lines worth a note for the instructor (a cell id it does not know, say); a
# changed cell is noted by CheckReleasedCells itself, judged against the release
_WORTH_NOTING = re.compile(r"does not exist in the database|Missing grade cell|"
                           r"multiple times|is \S+ seconds late|Skipping unknown notebook")
_REASONS = re.compile(r"NotJSONError|MissingEntry|metadata|multiple times|not valid|"
                      r"does not exist in the database|"
                      r"Unreadable|JSONDecodeError|SchemaError|ValidationError")





def _drop_links(folder: Path) -> None:
    """Remove symbolic links from a copied submission: grading must never follow a link a
    student made (to another student's answers, to the gradebook)."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            path.unlink()
            _notes.append(f"the submission held a symbolic link, removed before grading: "
                          f"{path.relative_to(folder)}")


def _private_course(job: Job, view: KernelView) -> tuple[Path, Any]:
    root = Path(job.scratch) / "course"
    (root / "source").mkdir(parents=True)
    os.symlink(job.source, root / "source" / job.assignment)
    target = root / "submitted" / job.student / job.assignment
    shutil.copytree(job.submission, target, symlinks=True)
    _drop_links(target)
    shutil.copyfile(job.snapshot_db, root / "gradebook.db")
    config = job.config.copy()
    config.CourseDirectory.root = str(root)
    # relative, opened from inside the private course: the fork server's warm engine
    config.CourseDirectory.db_url = WORKER_DB_URL
    config.CourseDirectory.assignment_id = job.assignment
    config.CourseDirectory.student_id = job.student
    kept = dict(config.Autograde.get("exclude_overwriting", {}) or {})
    kept[job.assignment] = sorted({*kept.get(job.assignment, []), ANSWERS_FILENAME})
    config.Autograde.exclude_overwriting = kept
    configured = config.Autograde.get("autograde_preprocessors") or list(
        Autograde.class_traits()["autograde_preprocessors"].default()
    )
    config.Autograde.autograde_preprocessors = _preprocessors(configured, job.kernel)
    config.Autograde.sanitize_preprocessors = _released_cell_check(
        config.Autograde.get("sanitize_preprocessors") or list(
            Autograde.class_traits()["sanitize_preprocessors"].default()))
    config.Execute.timeout = int(max(1, round(job.limits.cell_timeout)))
    config.SandboxedExecute.drop_links = True  # this course is the grader's private copy
    if job.allow_unconfined:
        config.SandboxedExecute.allow_unconfined = True
    for section, traits in view.config(job.limits).items():  # the course's own ones kept
        for name, value in traits.items():
            mine = config[section].get(name)
            if isinstance(value, list) and isinstance(mine, list):
                value = list(dict.fromkeys([*mine, *value]))
            elif isinstance(value, dict) and isinstance(mine, dict):
                value = {**mine, **value}
            setattr(config[section], name, value)
    return root, config


def _scores(db_url: str, course_id: str, job: Job) -> tuple[Any, dict[str, NotebookScores]]:
    with Gradebook(db_url, course_id) as gradebook:
        submission = gradebook.find_submission(job.assignment, job.student)
        notebooks = {
            notebook.name: NotebookScores(
                auto_scores={grade.name: grade.auto_score for grade in notebook.grades},
                auto_comments={c.name: c.auto_comment for c in notebook.comments},
                late_penalty=notebook.late_submission_penalty,
            )
            for notebook in submission.notebooks
        }
        return submission.timestamp, notebooks


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mode & 0o777)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _one_thread_each() -> None:
    """One BLAS/OpenMP thread per worker: the workers already fill the cores (also for the
    processes a notebook starts, through the environment)."""
    from .warmup import THREAD_VARIABLES

    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception:  # only slower
        pass


def _flag(job: Job, root: Path, outcome: Outcome, broken: dict[str, str]) -> None:
    """Record what could not be graded with 0 and a flag (see :mod:`.unreadable`): the
    unreadable notebooks, or every notebook when nbgrader failed on the submission. A
    kernel that refused to run unconfined stays a failure: nothing is recorded."""
    if REFUSAL in outcome.error or REFUSAL in outcome.log:
        if REFUSAL not in outcome.error:  # the kernel's own words: what is missing, the fix
            line = next(x for x in outcome.log.splitlines() if REFUSAL in x)
            outcome.error = "not graded: " + line[line.find("the grading kernel"):][:1500]
        return
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    try:
        names = unreadable.assignment_notebooks(db_url, job.course_id, job.assignment)
    except Exception:  # noqa: BLE001 - no gradebook to read: leave it a failure
        return
    reasons = {Path(name).stem: why for name, why in broken.items()}
    if not outcome.ok:
        why = outcome.error.strip().splitlines()[0] if outcome.error.strip() else (
            "the grader failed on this submission")
        reasons = {name: reasons.get(name, f"not graded: {why[:600]}") for name in names}
    release = Path(job.source).parent.parent / "release" / job.assignment
    submitted = Path(job.submission)
    for name, why in reasons.items():
        zeros = unreadable.zero_scores(db_url, job.course_id, job.assignment, name, why)
        if zeros is None:
            continue
        outcome.notebooks[name] = NotebookScores(auto_scores=zeros[0], auto_comments=zeros[1],
                                                 late_penalty=None)
        raw = submitted / f"{name}.ipynb"
        try:
            data = raw.read_bytes() if raw.is_file() and not raw.is_symlink() else None
        except OSError:
            data = None
        for file, content in unreadable.placeholder(release, name, why, data).items():
            outcome.files[file] = (content, 0o644)
        outcome.flagged[name] = why
        outcome.notes.append(Note.of(why if "not a readable notebook" in why else
                                     f"{name}.ipynb could not be graded, recorded with 0 "
                                     f"points (cannot be read by the grader): {why}",
                                     "unreadable"))
    if outcome.flagged and not outcome.ok:
        outcome.ok, outcome.error = True, ""
    outcome.notes = list(dict.fromkeys(outcome.notes))


def run_job(job: Job) -> Outcome:
    """Grade one submission in a private course; never raises for a bad notebook."""
    start = time.perf_counter()
    protect_grader()
    os.environ.update(job.environment)
    _one_thread_each()
    view = kernel_view(job)
    os.environ.update({
        ASSIGNMENT_ENV: job.assignment,
        STUDENT_ENV: job.student,
        COURSE_ENV: job.course_id,
        "TQDM_DISABLE": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    })
    root, config = _private_course(job, view)
    if OLD_KERNEL_NAMES.get(job.kernel, job.kernel) == "subprocess":
        _notes.append("not isolated: graded with stock nbgrader's kernel (unconfined: the "
                      "grader's rights, files and network)")
    here = os.getcwd()
    os.chdir(root)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    coursedir = CourseDirectory(config=config)
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    converter.create_student = True
    converter.log.addHandler(handler)
    converter.log.setLevel(logging.INFO)
    outcome = Outcome(job.student, job.assignment, ok=False)
    nbgrader_log = logging.getLogger("traitlets")
    nbgrader_log.addHandler(handler)
    submitted = root / "submitted" / job.student / job.assignment
    broken = unreadable.unreadable_notebooks(submitted)
    try:
        unreadable.set_aside(submitted, list(broken), Path(job.scratch) / "unreadable")
        if any(submitted.glob("*.ipynb")) or not broken:
            converter.start()
            outcome.timestamp, outcome.notebooks = _scores(coursedir.db_url, job.course_id,
                                                           job)
            graded = Path(coursedir.format_path(coursedir.autograded_directory, job.student,
                                                job.assignment))
            outcome.files = _files(graded)
        else:  # nothing nbgrader can read: the submission's time, from its folder
            outcome.timestamp = coursedir.get_existing_timestamp(str(submitted))
        outcome.ok = True
    except Exception as error:  # nbgrader reports per-submission failures this way
        outcome.error = f"nbgrader could not grade it ({type(error).__name__}: {error})"
    finally:
        converter.log.removeHandler(handler)
        nbgrader_log.removeHandler(handler)
        os.chdir(here)
    outcome.log = log.getvalue()
    lines = list(dict.fromkeys(outcome.log.splitlines()))
    noted = [f"nbgrader: {line.split('] ', 1)[-1][:200]}" for line in lines
             if _WORTH_NOTING.search(line)]
    outcome.notes = list(dict.fromkeys(Note.of(n) for n in [*_notes, *noted, *take_notes()]))
    _notes.clear()
    if not outcome.ok:
        reasons = [line.split("] ", 1)[-1][:300] for line in lines if _REASONS.search(line)]
        if reasons and not outcome.error.startswith("not graded"):
            outcome.error = (
                "nbgrader could not grade it: the notebook's nbgrader cell metadata (grade "
                "ids, grade flags) does not match the released assignment; ask the student "
                "to copy the answers into a fresh copy of the released notebook. Details: "
                + "; ".join(reasons[-3:]) + "\n" + outcome.error)
    if not outcome.ok and outcome.log:
        errors = [line for line in outcome.log.splitlines() if line.startswith("[ERROR]")]
        outcome.error += "\n" + "\n".join(errors[-5:])
    _flag(job, root, outcome, broken)
    outcome.seconds = time.perf_counter() - start
    return outcome
