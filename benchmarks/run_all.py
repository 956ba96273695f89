"""Run every benchmark (``make bench``): each ``bench_*.py`` here, one after another.

Run: .venv/bin/python benchmarks/run_all.py [--only NAME ...] [--skip NAME ...] [--list]
     [--quick]

Each script runs in its own interpreter, from the repository root, once per argument list of
``RUNS`` (once with its defaults when it is not named there), and prints its own figures;
this script adds a summary: how long each run took and whether it ended well. A benchmark that fails does not
stop the others; the exit status is 1 when any failed. ``--quick`` passes the smaller sizes
of ``QUICK`` (a smoke run, minutes instead of hours; the figures of RESULTS.md need the
full run). Scripts that need the data sets in ``../shared/data`` say so and fail alone
where that folder is absent.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# the runs of scripts that take a part to run (a script not named here runs once, as is)
RUNS: dict[str, list[list[str]]] = {
    "bench_adaptation": [["features"], ["choose"], ["compare"], ["fine-tune"], ["table"]],
}
# smaller sizes for --quick
QUICK: dict[str, list[list[str]]] = {
    "bench_grading": [["--submissions", "8"]],
    "bench_hostile": [["--normal", "4"]],
    "bench_ner": [["--limit", "200"]],
    "bench_widgets": [["--repeats", "5"]],
    "bench_item_validity": [["--students", "10"]],
    "bench_adaptation": [["table"]],
}


def benchmarks() -> list[str]:
    """The names of every benchmark script, in a stable order."""
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def commands(name: str, quick: bool) -> list[list[str]]:
    """How ``name`` is run (one command per run)."""
    runs = QUICK[name] if quick and name in QUICK else RUNS.get(name, [[]])
    return [[sys.executable, str(HERE / f"{name}.py"), *extra] for extra in runs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME",
                        help="run only these (e.g. bench_grading or grading)")
    parser.add_argument("--skip", nargs="+", default=[], metavar="NAME",
                        help="leave these out")
    parser.add_argument("--list", action="store_true", help="print the commands and stop")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a smoke run")
    args = parser.parse_args(argv)

    def named(names: list[str]) -> set[str]:
        return {n if n.startswith("bench_") else f"bench_{n}" for n in names}

    known = benchmarks()
    chosen = [n for n in known if args.only is None or n in named(args.only)]
    unknown = sorted((named(args.only or []) | named(args.skip)) - set(known))
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; there are: {', '.join(known)}")
    chosen = [n for n in chosen if n not in named(args.skip)]
    runs = [(name, cmd) for name in chosen for cmd in commands(name, args.quick)]
    if args.list:
        for _, cmd in runs:
            print(" ".join(cmd))
        return 0
    results: list[tuple[str, int, float]] = []
    for name, cmd in runs:
        label = " ".join([name, *cmd[2:]])
        print(f"\n===== {label}", flush=True)
        start = time.perf_counter()
        status = subprocess.call(cmd, cwd=REPO)
        results.append((label, status, time.perf_counter() - start))
    print("\n===== summary")
    for label, status, seconds in results:
        print(f"{label:<32} {'ok' if status == 0 else f'FAILED ({status})':<12} "
              f"{seconds:8.1f} s")
    return 1 if any(status for _, status, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
