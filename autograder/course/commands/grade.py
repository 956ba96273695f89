"""``encoder-kit course grade ASSIGNMENT``: autograde every submission, in parallel, resumably.

This module parses the flags and prints; the work is :func:`autograder.course.runner.batch.
grade_assignment` (the batch, the executors, the one gradebook writer) and the sandboxed
kernel of :mod:`autograder.course.sandbox`. The limit flags become a ``Limits`` value, which
each job hands to its ``SandboxedExecute`` as traitlets.

``--kernel sandboxed`` (the default) runs every notebook in a confined kernel process forked
from a warm worker; ``--kernel unconfined-nbgrader`` starts a Jupyter kernel per notebook, as
stock nbgrader does, with the grader's rights and files (``subprocess`` is its old name).
``--kernel in-process``, the old name of the sandboxed kernel, still works and says so.

Fail closed: before a batch, the machine is probed (:mod:`autograder.course.sandbox.layers.probe`,
``encoder-kit course doctor``); where a required layer is missing (namespaces, read-only
remounts, the capability drop, the system-call filter, a way to enforce the memory limit)
the command refuses, naming what is missing and how to fix it. ``--allow-unconfined`` (or
``c.SandboxedExecute.allow_unconfined = True`` in the course's config) grades anyway and
gives every such submission a "not-isolated" note; the unconfined nbgrader kernel needs the
same opt-in.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from autograder.course.notes import Note, count_kinds
from autograder.course.protocol import CACHE_ENV
from autograder.course.runner.executor import default_workers

from .options import (
    common_parser,
    open_course,
    positive_megabytes,
    positive_seconds,
    where,
    whole_bytes,
    whole_processes,
    whole_workers,
)

KERNEL_CHOICES = ("sandboxed", "unconfined-nbgrader")
# accepted, with a note on the new name
OLD_KERNEL_NAMES = {"in-process": "sandboxed", "subprocess": "unconfined-nbgrader"}
# the CLI's names -> the runner's (autograder.course.runner.worker.KERNELS)
RUNNER_KERNELS = {"sandboxed": "sandboxed", "unconfined-nbgrader": "subprocess"}


def kernel_choice(name: str) -> str:
    """The kernel a ``--kernel`` value names (an old name gives a deprecation note)."""
    if name in OLD_KERNEL_NAMES:
        new = OLD_KERNEL_NAMES[name]
        print(f"note: --kernel {name} is deprecated; it is now --kernel {new}",
              file=sys.stderr)
        return new
    return name


def unconfined_allowed(args: argparse.Namespace, config: Any) -> bool:
    """True when ``--allow-unconfined`` or the course's config allows unconfined grading."""
    if getattr(args, "allow_unconfined", False):
        return True
    sandbox = config.get("SandboxedExecute", {}) if hasattr(config, "get") else {}
    return bool(sandbox.get("allow_unconfined", False)) if hasattr(sandbox, "get") else False


def confinement_refusal(kernel: str, allowed: bool, local: bool) -> str:
    """Why this batch must not run ('' when it may): the unconfined nbgrader kernel, or a
    machine that lacks a required layer of the sandbox, without the explicit opt-in."""
    if kernel == "unconfined-nbgrader":
        if allowed:
            return ""
        return ("--kernel unconfined-nbgrader runs every notebook with the grader's own "
                "rights: it can read the hidden tests and the questions, write the gradebook "
                "and use the network. Add --allow-unconfined (or c.SandboxedExecute."
                "allow_unconfined = True) to grade that way anyway, or use the default "
                "--kernel sandboxed")
    if not local:
        return ""  # the cluster's kernels check themselves (a kernel that cannot refuses)
    from autograder.course.sandbox.layers.probe import missing_layers

    missing = missing_layers()
    if not missing or allowed:
        for layer in missing:
            print(f"warning: grading unconfined: {layer.name}: {layer.detail}",
                  file=sys.stderr)
        return ""
    lines = [f"  - {layer.name}: {layer.detail}" + (f"\n    fix: {layer.fix}" if layer.fix
                                                     else "") for layer in missing]
    return ("this machine cannot confine the grading kernel, so nothing was graded:\n"
            + "\n".join(lines) + "\n(`encoder-kit course doctor` shows every layer.) To "
            "grade anyway, with each submission noted as not isolated: --allow-unconfined, "
            "or c.SandboxedExecute.allow_unconfined = True in nbgrader_config.py")


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course grade ASSIGNMENT`` (``--json``: the summary as JSON on stdout,
    the progress lines on stderr)."""
    if not getattr(args, "json", False):
        return _run(args)
    summary: dict[str, Any] = {}
    with contextlib.redirect_stdout(sys.stderr):
        code = _run(args, summary)
    print(json.dumps(summary, indent=1))
    return code


def summary_json(summary: Any, code: int) -> dict[str, Any]:
    """What ``--json`` prints: the outcome per student and the notes by kind."""
    return {
        "assignment": summary.assignment, "exit_code": code,
        "graded": list(summary.graded), "skipped": list(summary.skipped),
        "failed": dict(summary.failed), "interrupted": summary.interrupted,
        "flagged": dict(getattr(summary, "flagged", {})),
        "note_counts": count_kinds(summary.notes),
        "notes": {student: [Note.of(n).to_json() for n in notes]
                  for student, notes in summary.notes.items() if notes},
        "notes_file": str(summary.notes_file) if summary.notes_file else None,
        "gradebook": summary.gradebook,
    }


def _run(args: argparse.Namespace, report: dict[str, Any] | None = None) -> int:
    from autograder.course.runner.executor import start_server

    kernel = kernel_choice(args.kernel)
    root = Path(args.course or Path.cwd())
    local = not args.scheduler  # on a Dask cluster the workers start their own servers
    if local and kernel == "sandboxed" and (root / "source" / args.assignment).is_dir():
        start_server()  # it warms up (seconds) while this process reads the course
    from autograder.course.runner.batch import grade_assignment, hard_timeout, plan
    from autograder.course.sandbox.limits import Limits

    course = open_course(args)
    course.source(args.assignment)
    allowed = unconfined_allowed(args, course.config)
    refused = confinement_refusal(kernel, allowed, local)
    if refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    limits = Limits.for_course(course.config, args.cell_timeout, args.timeout,
                               memory_mb=args.memory_mb, max_processes=args.max_processes,
                               output_bytes=args.max_output)
    todo, done = plan(course, args.assignment, args.student or None, args.force)
    workers = min(args.workers or default_workers(), max(1, len(todo)))
    executor = None
    if args.scheduler:
        from autograder.course.runner.dask_executor import DaskExecutor

        executor = DaskExecutor(args.scheduler, timeout=hard_timeout(limits))
    place = f"{workers} workers" if executor is None else f"Dask cluster {executor.describe()}"
    print(f"grading {args.assignment}: {len(todo) + len(done)} submissions, {len(todo)} to "
          f"grade, {len(done)} already graded; {place}, {kernel} kernels; "
          f"limits {limits.cell_timeout:g} s per cell, {limits.notebook_timeout:g} s per "
          f"notebook, {limits.memory_mb:g} MB, {limits.max_processes} processes, "
          f"{limits.output_bytes} bytes of output per cell")
    environment = {CACHE_ENV: str(Path(args.cache).resolve())} if args.cache else {}
    start = time.perf_counter()
    try:
        summary = grade_assignment(course, args.assignment, workers=workers, limits=limits,
                                   students=args.student or None, force=args.force,
                                   kernel=RUNNER_KERNELS[kernel],
                                   environment=environment, executor=executor,
                                   allow_unconfined=allowed)
    finally:
        if executor is not None:
            executor.close()
    seconds = time.perf_counter() - start
    per = f" ({seconds / len(summary.graded):.2f} s per submission)" if summary.graded else ""
    print(f"graded {len(summary.graded)} submission(s) in {seconds:.1f} s{per}; "
          f"{len(summary.skipped)} already graded; {len(summary.failed)} failed")
    for student, why in summary.failed.items():
        print(f"  NOT graded: {student}: {why}")
    for student, reasons in getattr(summary, "flagged", {}).items():
        for why in reasons:
            print(f"  recorded as 0 (could not be graded): {student}: {why}")
    kinds = count_kinds(summary.notes)
    if kinds:
        print("  notes: " + ", ".join(f"{count} {kind}" for kind, count in kinds.items()))
    for student, notes in summary.notes.items():
        for note in notes:
            print(f"  note: {student}: [{note.kind}] {note.text}")
    if summary.notes_file is not None:
        print(f"  notes by student and kind -> {where(summary.notes_file)}")
    if report is not None:
        code = 130 if summary.interrupted else 1 if summary.failed else 0
        report.update(summary_json(summary, code))
    print(f"  scores -> gradebook {summary.gradebook}")
    print(f"  autograded notebooks -> {where(summary.autograded_dir)}/<student>/"
          f"{args.assignment}/")
    if summary.interrupted:
        print("interrupted: run the same command again to grade what is left")
        return 130
    if summary.failed:
        print("  run again to retry the failed ones (graded ones are kept), or look at them "
              "with `nbgrader autograde --student ...`")
        return 1
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("grade", parents=[common_parser()], help="autograde all submissions "
                         "in parallel; a second run grades only what is left")
    p.add_argument("assignment")
    p.add_argument("--workers", "-j", type=whole_workers, default=None,
                   help=f"notebooks graded at once (default: the cores, {default_workers()})")
    p.add_argument("--timeout", type=positive_seconds, default=None,
                   help="seconds one submission may take before it is stopped (default 900)")
    p.add_argument("--cell-timeout", type=positive_seconds, default=None,
                   help="seconds one cell may take (default: the course's Execute.timeout)")
    p.add_argument("--memory-mb", type=positive_megabytes, default=None, metavar="MB",
                   help="memory of one notebook's kernel and its processes (default 4096)")
    p.add_argument("--max-processes", type=whole_processes, default=None, metavar="N",
                   help="processes one notebook may run at once (default 64)")
    p.add_argument("--max-output", type=whole_bytes, default=None, metavar="BYTES",
                   help="output one cell may print; more is cut (default 1000000)")
    p.add_argument("--student", action="append", default=[],
                   help="grade only this student (repeat for several)")
    p.add_argument("--force", action="store_true", help="grade again what is already graded")
    p.add_argument("--kernel", choices=(*KERNEL_CHOICES, *OLD_KERNEL_NAMES),
                   default="sandboxed",
                   help="sandboxed: a confined kernel process forked from a warm worker "
                        "(default; 'in-process' is its old name); unconfined-nbgrader: a "
                        "Jupyter kernel per notebook with the grader's rights, as stock "
                        "nbgrader does (needs --allow-unconfined; 'subprocess' is its old "
                        "name)")
    p.add_argument("--allow-unconfined", action="store_true",
                   help="grade even where the kernel cannot be confined (no namespaces, "
                        "no system-call filter, ...; see `encoder-kit course doctor`); "
                        "every such submission gets a not-isolated note. Also "
                        "c.SandboxedExecute.allow_unconfined = True")
    p.add_argument("--cache", default=os.environ.get(CACHE_ENV),
                   help="embedding cache folder for the kernels (default: $ENCODER_KIT_CACHE)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on the Dask cluster whose scheduler is at ADDRESS (e.g. "
                        "tcp://10.0.0.5:8786) instead of on this machine; --workers is then "
                        "ignored (needs encoder-kit[dask])")
    p.add_argument("--json", action="store_true",
                   help="print the summary (graded, failed, notes by kind) as JSON on stdout; "
                        "progress goes to stderr")
    p.set_defaults(func=run)
