"""Hostile submissions: how many kinds hold, how long a mixed batch takes, and kill -9 + resume.

Run: .venv/bin/python benchmarks/bench_hostile.py [--normal 30] [--workers N] [--keep]

1. A scratch copy of the course releases hw1-pipeline and receives ``--normal`` normal
   submissions (the eight samples of exercises/samples, cycled, under new names),
   the victim (a copy of ada with a secret file) and one submission of every hostile kind of
   tests/hostile/ (kinds.yaml). ``encoder-kit course grade`` grades them all in one batch (wall clock
   from the outside, process start included); each kind is then checked against its
   expected outcome (tests/hostile/, ``problems``), the normal ones against their scores.
2. A second copy receives only the normal submissions; the grader is started, killed with
   SIGKILL (its whole process group) once a third of them are recorded, and run again: every
   submission must end with exactly one gradebook row and its expected score, with no
   temporary folder left in autograded/ and the course lock free.

Prints the commands first, then Markdown tables: the summary and one row per kind.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, machine

sys.path.insert(0, str(REPO / "tests"))

import hostile  # noqa: E402
from support.course import copy_course, copy_sample  # noqa: E402
from test_course_roundtrip import EXPECTED as NORMAL  # noqa: E402

ASSIGNMENT = hostile.ASSIGNMENT
SCRIPT = Path(sys.executable).with_name("encoder-kit")
LIMIT_FLAGS = ["--cell-timeout", "10", "--timeout", "60"]
SANDBOX_FLAGS = ["--memory-mb", "1024", "--max-processes", "64", "--max-output", "1000000"]
GRADER_OUTPUTS = ("autograded", "gradebook.db", "gradebook.db-journal",
                  ".encoder-kit-grade.lock", "reports")


def grade_command(root: Path, workers: int) -> list[str]:
    """The grading command; the sandbox's limit flags where this grader has them."""
    head = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "encoder_kit.cli"]
    command = [*head, "course", "grade", ASSIGNMENT, "--course", str(root),
               "--workers", str(workers), *LIMIT_FLAGS]
    helptext = subprocess.run([*head, "course", "grade", "--help"], capture_output=True,
                              text=True).stdout
    if "--memory-mb" in helptext:
        command += SANDBOX_FLAGS
    return command


def new_course(target: Path, normal: int) -> dict[str, float]:
    """A released copy of the course with ``normal`` submissions; their expected scores."""
    from encoder_kit.cli import main

    copy_course(target)
    with open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            if main(["course", "release", ASSIGNMENT, "--course", str(target)]) != 0:
                sys.exit("the release failed")
        finally:
            sys.stdout = stdout
    samples = sorted(NORMAL)
    expected = {}
    for index in range(normal):
        sample = samples[index % len(samples)]
        student = f"n{index + 1:02d}-{sample}"
        # each student draws his own versions: the copy answers them (support.course)
        copy_sample(ASSIGNMENT, sample, target / "submitted" / student / ASSIGNMENT, student)
        expected[student] = NORMAL[sample]
    return expected


def failures(stdout: str) -> dict[str, str]:
    """``{student: reason}`` from the grader's "NOT graded: student: reason" lines."""
    found = {}
    lines = stdout.splitlines()
    for index, line in enumerate(lines):
        matched = re.match(r"\s+NOT graded: (\S+?): (.*)", line)
        if matched:
            text = [matched.group(2)]
            for following in lines[index + 1:]:
                if following.startswith("  "):
                    break
                text.append(following)
            found[matched.group(1)] = "\n".join(text)
    return found


def saved_notes(root: Path) -> dict[str, list[str]]:
    path = root / "reports" / ASSIGNMENT / "grading-notes.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): [str(n) for n in v] for k, v in data.items() if isinstance(v, list)}


def placed(root: Path, students: list[str]) -> int:
    return sum((root / "autograded" / s / ASSIGNMENT).is_dir() for s in students)


def kill_and_resume(root: Path, expected: dict[str, float], workers: int) -> str:
    """Kill the grader once a third is recorded, run it again; what came of it."""
    command = grade_command(root, workers)
    students = sorted(expected)
    target = max(1, len(students) // 3)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    first = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while placed(root, students) < target and first.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    at_kill = placed(root, students)
    start = time.perf_counter()
    rerun = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    state = hostile.BatchState(root, hostile.Context(root), set(), {}, {}, {}, {}, [], [])
    rows = state.submission_rows()
    right = sum(state.score(s) is not None and abs(state.score(s) - p) < 1e-6
                for s, p in expected.items())
    duplicated = sum(count > 1 for count in rows.values())
    stale = [p.name for p in (root / "autograded").glob("*/.*")]
    with open(root / ".encoder-kit-grade.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            lock = "free"
        except BlockingIOError:
            lock = "HELD"
    held = (rerun.returncode == 0 and right == len(expected) and not duplicated
            and not stale and lock == "free" and set(rows) == set(expected))
    return (f"{'held' if held else 'FAILED'}: killed after {at_kill} of {len(expected)} "
            f"recorded; the rerun ({seconds:.0f} s, exit {rerun.returncode}) left {right} of "
            f"{len(expected)} with their score, {duplicated} duplicated, {len(stale)} "
            f"temporary folders, the lock {lock}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--normal", type=int, default=30, help="normal submissions")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the scratch courses")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ek-bench-hostile-"))
    root, crash_root = scratch / "course", scratch / "crash-course"
    command = grade_command(root, args.workers)
    print(f"Command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"Grading command: {shlex.join(command)}")
    print(f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} before the run\n")

    expected = new_course(root, args.normal)
    with hostile.listener() as (port, received):
        context = hostile.Context(root=root, port=port)
        hostile.plant_secrets(root, context)
        names = hostile.build_all(root, context)
        before = hostile.tree_digest(root, skip=GRADER_OUTPUTS)
        total = len(expected) + 1 + len(names)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        try:
            hostile.wait_until(lambda: not hostile.leftover_processes(context), 5)
            state = hostile.BatchState(root, context, set(), failures(done.stdout),
                                       saved_notes(root), before,
                                       hostile.tree_digest(root, skip=GRADER_OUTPUTS),
                                       hostile.leftover_processes(context), list(received))
            state.graded = set(state.submission_rows())
            verdicts = {kind.name: hostile.problems(kind, state) for kind in hostile.KINDS}
            right = sum(state.score(s) is not None and abs(state.score(s) - p) < 1e-6
                        for s, p in {**expected, hostile.VICTIM: hostile.FULL}.items())
            course_changed = state.changed()
        finally:
            hostile.kill_leftovers(context)

    new_course(crash_root, args.normal)
    resume = kill_and_resume(crash_root, expected, args.workers)
    held = sum(not found for found in verdicts.values())
    print("| kinds tried | held | normal submissions with their score | course files changed "
          "| total (s) | s per submission | kill -9 + resume |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {len(verdicts)} | {held} | {right} of {len(expected) + 1} | "
          f"{len(course_changed)} | {seconds:.1f} | {seconds / total:.2f} ({total} "
          f"submissions) | {resume} |")
    print("\n| kind | expected | held | what differed |")
    print("|---|---|---|---|")
    for kind in hostile.KINDS:
        want = kind.expected
        outcome = (f"{want.score:g} points" if want.graded else "failed, with a reason")
        found = "; ".join(verdicts[kind.name]).replace("|", "/").replace("\n", " ")
        print(f"| {kind.name} | {outcome} | {'yes' if not verdicts[kind.name] else 'NO'} | "
              f"{found[:200]} |")
    if course_changed:
        print(f"\ncourse files changed by the batch: {course_changed[:10]}")
    if done.returncode not in (0, 1):
        print(f"\nthe grader exited with {done.returncode}:\n{done.stdout[-2000:]}"
              f"\n{done.stderr[-2000:]}")
    if args.keep:
        print(f"\nscratch courses kept in {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
