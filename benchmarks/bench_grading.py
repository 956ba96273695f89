"""Grading a class: `encoder-kit course grade` against plain `nbgrader autograde`, in one run.

Run: .venv/bin/python benchmarks/bench_grading.py [--submissions 30] [--workers N]

A scratch copy of the course releases the coding assignment (hw4-classifier) and receives
N submissions made from the sample submissions in exercises/samples (cycling
through correct, partly correct, blank, noisy-on-stderr and bag-of-words ones). Three
copies of that course are then graded, one after another:

1. `nbgrader autograde` with an empty embedding cache: the course as stock nbgrader grades it
   without the instructor's warm-cache step (the first kernels import torch and encode);
2. `nbgrader autograde` with the warm cache (`encoder-kit course warm-cache` done first);
3. the same, with BLAS and OpenMP limited to one thread (`OPENBLAS_NUM_THREADS=1` ...), as
   `encoder-kit course grade` does in its workers: shows how much of the difference that
   setting alone makes;
4. `encoder-kit course grade` with the same warm cache and the default number of workers.

With ``--filter-cost`` only `encoder-kit course grade` runs, twice per round and in
alternating order: with every sandbox layer (the default), and with the system-call filter
left out (the seccomp binding hidden from the workers by a module on ``PYTHONPATH`` that
fails to import, and ``--allow-unconfined`` so grading goes on without it). That isolates
what the filter costs a class; nothing in the product turns the filter off.

Each time is wall clock from the outside (process start included); the per-submission
figure is that time divided by N. The grades of all runs are compared: they must be
the same, or the figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, machine

ASSIGNMENT = "hw4-classifier"
SAMPLES = REPO / "exercises" / "samples" / ASSIGNMENT
BIN = Path(sys.executable).parent


def _course_copy(target: Path) -> None:
    target.mkdir(parents=True)
    shutil.copy(REPO / "exercises" / "nbgrader_config.py", target)
    for name in ("source", "questions", "code-questions", "hidden"):
        shutil.copytree(REPO / "exercises" / name, target / name,
                        ignore=shutil.ignore_patterns("encoder-kit-answers.json*"))


ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                      "MKL_NUM_THREADS")}


def _run(command: list[str], cwd: Path, cache: Path, extra: dict[str, str] | None = None
         ) -> float:
    env = {**os.environ, "ENCODER_KIT_CACHE": str(cache), "HF_HUB_OFFLINE": "1",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(extra or {})}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                 f"{done.stderr[-3000:]}")
    return seconds


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "encoder-kit-course") as gb:
        return {s.student.id: round(s.score, 6) for s in gb.assignment_submissions(ASSIGNMENT)}


def _filter_cost(scratch: Path, base: Path, warm: Path, rounds: int, n: int) -> None:
    """Grade the class with and without the seccomp filter, alternating, `rounds` times."""
    hide = scratch / "no-seccomp"
    hide.mkdir()
    (hide / "pyseccomp.py").write_text(
        'raise ImportError("hidden by bench_grading.py --filter-cost")\n')
    encoder_kit = str(BIN / "encoder-kit")
    settings = {"filter on": ([], {}),
                "filter off": (["--allow-unconfined"], {"PYTHONPATH": str(hide)})}
    seconds: dict[str, list[float]] = {name: [] for name in settings}
    scores = []  # every run's grades: all must be the same
    for round_ in range(rounds):
        order = list(settings) if round_ % 2 == 0 else list(reversed(settings))
        for name in order:
            course = scratch / f"{name.replace(' ', '-')}-{round_}"
            shutil.copytree(base, course)
            flags, extra = settings[name]
            seconds[name].append(_run([encoder_kit, "course", "grade", ASSIGNMENT, "--cache",
                                       str(warm), *flags], course, warm, extra))
            scores.append(_scores(course))
    same = all(found == scores[0] for found in scores)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"\n{n} submissions of {ASSIGNMENT}, {rounds} rounds; grades identical: {same}\n")
    print("| `encoder-kit course grade` | runs (s) | median (s) | s per submission |")
    print("|---|---|---|---|")
    for name, found in seconds.items():
        median = sorted(found)[len(found) // 2]
        print(f"| {name} | {', '.join(f'{x:.1f}' for x in found)} | {median:.1f} | "
              f"{median / n:.2f} |")
    on, off = (sorted(seconds[k])[rounds // 2] for k in ("filter on", "filter off"))
    print(f"\nthe filter's cost: {on - off:+.1f} s ({(on - off) / off:+.1%})")
    if not same:
        sys.exit("the runs gave different grades")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--filter-cost", action="store_true",
                        help="only encoder-kit, with and without the system-call filter")
    parser.add_argument("--rounds", type=int, default=3, help="rounds for --filter-cost")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ek-bench-grading-"))
    warm, cold = scratch / "cache-warm", scratch / "cache-cold"
    base = scratch / "course"
    _course_copy(base)
    encoder_kit = str(BIN / "encoder-kit")
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.1f}")
    seconds_warm = _run([encoder_kit, "course", "warm-cache", "--cache", str(warm)], base, warm)
    print(f"warm-cache: {seconds_warm:.1f} s (once per course and machine)")
    _run([encoder_kit, "course", "release", ASSIGNMENT], base, warm)
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
    for i in range(args.submissions):
        sample = samples[i % len(samples)]
        shutil.copytree(sample, base / "submitted" / f"s{i + 1:02d}-{sample.name}" / ASSIGNMENT)
    if args.filter_cost:
        _filter_cost(scratch, base, warm, args.rounds, args.submissions)
        shutil.rmtree(scratch, ignore_errors=True)
        return
    runs = {}
    for name in ("nbgrader-cold", "nbgrader-warm", "nbgrader-1-thread", "encoder-kit"):
        shutil.copytree(base, scratch / name)
    runs["nbgrader-cold"] = _run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT],
                                 scratch / "nbgrader-cold", cold)
    runs["nbgrader-warm"] = _run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT],
                                 scratch / "nbgrader-warm", warm)
    runs["nbgrader-1-thread"] = _run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT],
                                     scratch / "nbgrader-1-thread", warm, ONE_THREAD)
    grade = [encoder_kit, "course", "grade", ASSIGNMENT, "--cache", str(warm)]
    if args.workers:
        grade += ["--workers", str(args.workers)]
    runs["encoder-kit"] = _run(grade, scratch / "encoder-kit", warm)
    scores = {name: _scores(scratch / name) for name in runs}
    same = all(found == scores["encoder-kit"] for found in scores.values())
    n = args.submissions
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"\n{n} submissions of {ASSIGNMENT}; grades identical in all runs: {same}\n")
    print("| run | total (s) | s per submission | speed-up vs nbgrader |")
    print("|---|---|---|---|")
    labels = {"nbgrader-cold": "`nbgrader autograde`, empty cache",
              "nbgrader-warm": "`nbgrader autograde`, warm cache",
              "nbgrader-1-thread": "`nbgrader autograde`, warm cache, 1 BLAS thread",
              "encoder-kit": "`encoder-kit course grade`, warm cache"}
    for name, seconds in runs.items():
        speed = (f"{runs['nbgrader-cold'] / seconds:.1f}x (cold), "
                 f"{runs['nbgrader-warm'] / seconds:.1f}x (warm)")
        print(f"| {labels[name]} | {seconds:.1f} | {seconds / n:.2f} | {speed} |")
    if not same:
        for name, found in scores.items():
            print(name, found)
        sys.exit("the runs gave different grades")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
