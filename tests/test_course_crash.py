"""Crash safety: ``kill -9`` the grader in the middle of a batch, then run it again.

``encoder-kit course grade`` runs in a process group of its own on the eight samples of
hw1-pipeline, handed in under other names. Once ``KILL_AFTER`` of them are recorded (their
autograded folders in place), the whole group is killed with SIGKILL; then the same command
runs to the end. Every submission must end with exactly one graded submission row and its
expected score (nbgrader's API and SQLite both asked), no temporary folder of the killed run
may stay in ``autograded/``, the course lock must be free, nbgrader's own ``nbgrader
export`` must read the gradebook, and the processes of the killed run must end.
"""

from __future__ import annotations

import csv
import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.course import copy_course, copy_sample
from test_course_roundtrip import EXPECTED as NORMAL

from autograder.course.coursedir import Course
from autograder.course.runner.gradebook_writer import LOCK_NAME, course_lock, remove_stale_folders
from encoder_kit.cli import main

HW1 = "hw1-pipeline"
COPIES = 1  # of each of the 8 samples (2 gives 16 submissions; each run takes longer)
KILL_AFTER = (1, 6)  # recorded submissions when the grader is killed (each: ~60 s)
WORKERS = "2"


def grader_command(root: Path) -> list[str]:
    """``encoder-kit course grade hw1-pipeline`` for ``root`` (the installed console script
    when there is one, else ``python -m encoder_kit.cli``)."""
    script = Path(sys.executable).with_name("encoder-kit")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "encoder_kit.cli"]
    return [*head, "course", "grade", HW1, "--course", str(root), "--workers", WORKERS]


def students() -> dict[str, str]:
    """``{student: sample it copies}`` for the batch."""
    return {f"{sample}{n}": sample for sample in NORMAL for n in range(1, COPIES + 1)}


def placed(root: Path) -> int:
    autograded = root / "autograded"
    return sum((autograded / s / HW1).is_dir() for s in students())


def process_ids(pid: int) -> set[tuple[int, float]]:
    """``pid`` and its descendants, as (pid, start time) so a reused pid is not mistaken."""
    import psutil

    try:
        root = psutil.Process(pid)
        found = [root, *root.children(recursive=True)]
    except psutil.Error:
        return set()
    result = set()
    for process in found:
        try:
            result.add((process.pid, process.create_time()))
        except psutil.Error:
            pass
    return result


def alive(processes: set[tuple[int, float]]) -> list[int]:
    import psutil

    living = []
    for pid, started in processes:
        try:
            process = psutil.Process(pid)
            if process.create_time() == started and process.status() != psutil.STATUS_ZOMBIE:
                living.append(pid)
        except psutil.Error:
            pass
    return living


@dataclass
class Crash:
    """A course whose grading was killed once and then run to the end."""

    course: Course
    kill_after: int
    placed_at_kill: int
    killed_run: set[tuple[int, float]]
    rerun: subprocess.CompletedProcess
    seconds: float
    tmp: Path


@pytest.fixture(scope="module", params=KILL_AFTER, ids=lambda n: f"killed-after-{n}")
def crash(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp(f"crash-{request.param}")
    root = copy_course(base / "course")
    assert main(["course", "release", HW1, "--course", str(root)]) == 0
    for student, sample in students().items():
        target = root / "submitted" / student / HW1
        target.parent.mkdir(parents=True)
        copy_sample(HW1, sample, target, student)  # the answers of this student's versions
    tmp = base / "tmp"  # the grader's temporary files, kept apart to check what stays
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    with open(base / "killed.log", "wb") as log:
        first = subprocess.Popen(grader_command(root), cwd=root, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        killed_run: set[tuple[int, float]] = set()
        try:
            deadline = time.monotonic() + 300
            while placed(root) < request.param and first.poll() is None:
                killed_run |= process_ids(first.pid)
                assert time.monotonic() < deadline, "the grader recorded nothing in 300 s"
                time.sleep(0.05)
            killed_run |= process_ids(first.pid)
            os.killpg(first.pid, signal.SIGKILL)  # the grader and its whole process group
        finally:
            first.wait()
    placed_at_kill = placed(root)
    rerun = subprocess.run(grader_command(root), cwd=root, env=env, capture_output=True,
                           text=True, timeout=600)
    seconds = time.perf_counter() - start
    print(f"\nkilled after {placed_at_kill} of {len(students())} recorded; the rerun: "
          f"{rerun.stdout.strip().splitlines()[0] if rerun.stdout.strip() else ''} "
          f"({seconds:.1f} s for both runs)")
    yield Crash(Course.open(root), request.param, placed_at_kill, killed_run, rerun, seconds,
                tmp)
    for pid in alive(killed_run):  # whatever the killed run left: not for the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


@pytest.mark.slow
def test_the_grader_was_killed_mid_batch_and_the_rerun_finished(crash: Crash) -> None:
    assert 1 <= crash.placed_at_kill < len(students()), crash.placed_at_kill
    assert crash.rerun.returncode == 0, crash.rerun.stdout + crash.rerun.stderr
    left = len(students()) - crash.placed_at_kill
    assert f"{left} to grade, {crash.placed_at_kill} already graded" in crash.rerun.stdout, (
        crash.rerun.stdout)


@pytest.mark.slow
def test_every_submission_has_exactly_one_grade_with_its_score(crash: Crash) -> None:
    from nbgrader.api import Gradebook

    course = crash.course
    with Gradebook(course.db_url, course.course_id) as gradebook:
        found = {s.student.id: s.score for s in gradebook.assignment_submissions(HW1)}
    expected = {student: NORMAL[sample] for student, sample in students().items()}
    assert found.keys() == expected.keys()
    for student, points in expected.items():
        assert found[student] == pytest.approx(points, abs=1e-5), student
    db = course.db_url.removeprefix("sqlite:///")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT sa.student_id, COUNT(*) FROM submitted_assignment sa "
                           "JOIN assignment a ON sa.assignment_id = a.id WHERE a.name = ? "
                           "GROUP BY sa.student_id", (HW1,)).fetchall()
        notebooks = con.execute("SELECT COUNT(*) FROM submitted_notebook").fetchone()[0]
        grades = con.execute("SELECT COUNT(*), COUNT(DISTINCT notebook_id || cell_id) "
                             "FROM grade").fetchone()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    assert dict(rows) == {student: 1 for student in expected}
    assert notebooks == len(expected)
    # 5 test cells (4 questions and the 0-point "Before you submit"), none twice
    assert grades == (5 * len(expected), 5 * len(expected))
    assert integrity == "ok"


@pytest.mark.slow
def test_no_temporary_folder_is_left_in_autograded(crash: Crash) -> None:
    autograded = crash.course.folder("autograded")
    assert sorted(p.name for p in autograded.iterdir()) == sorted(students())
    for folder in autograded.iterdir():
        assert sorted(p.name for p in folder.iterdir()) == [HW1], folder.name


@pytest.mark.slow
def test_the_course_lock_is_free(crash: Crash) -> None:
    with open(crash.course.root / LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises when it is held
        fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.mark.slow
def test_nbgrader_itself_exports_the_gradebook(crash: Crash) -> None:
    root = crash.course.root
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to",
                           str(root / "nbgrader-grades.csv")], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(root / "nbgrader-grades.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["assignment"] == HW1]
    expected = {student: NORMAL[sample] for student, sample in students().items()}
    assert {r["student_id"]: float(r["score"]) for r in rows} == pytest.approx(expected)


@pytest.mark.slow
def test_the_processes_of_the_killed_run_end(crash: Crash) -> None:
    """Its workers and kernels, in sessions of their own, outlive the group kill; they must
    still end by themselves (their notebooks are short)."""
    deadline = time.monotonic() + 60
    while alive(crash.killed_run) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert alive(crash.killed_run) == []


@pytest.mark.slow
def test_no_scratch_space_of_either_run_is_left(crash: Crash) -> None:
    """The killed run's scratch space (a copy of the whole gradebook, the submissions, the
    jobs' results) is gone once the rerun has finished; the rerun cleans up its own.
    (``pymp-*``, multiprocessing's own socket folder, is not the grader's.)"""
    left = sorted(p.name for p in crash.tmp.iterdir() if p.name.startswith("encoder-kit-"))
    assert left == []


def test_a_new_lock_holder_removes_what_an_interrupted_place_left(tmp_path: Path) -> None:
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text("c = get_config()\n"
                                             "c.CourseDirectory.course_id = 'demo'\n")
    course = Course.open(root)
    student = root / "autograded" / "ada"
    kept = student / HW1
    kept.mkdir(parents=True)
    (kept / f"{HW1}.ipynb").write_text("{}")
    for name in (f".{HW1}.incoming-4242", f".{HW1}.old-4242", f".{HW1}.incoming-7"):
        (student / name).mkdir()
        (student / name / f"{HW1}.ipynb").write_text("{}")
    (student / ".hw2-shapes.old-99").write_text("")  # a stray file of another assignment
    with course_lock(course):
        assert sorted(p.name for p in student.iterdir()) == [HW1]
    assert (kept / f"{HW1}.ipynb").read_text() == "{}"
    assert remove_stale_folders(course) == []
