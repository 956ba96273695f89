"""``encoder-kit course ...``: the instructor's commands.

    encoder-kit course release ASSIGNMENT     student version + leak check -> release/
    encoder-kit course warm-cache             encode the exercise data once (fast kernels)
    encoder-kit course grade ASSIGNMENT       autograde in parallel -> gradebook, autograded/
    encoder-kit course feedback ASSIGNMENT    labelled feedback without hidden tests -> feedback/
    encoder-kit course export                 grades.csv, canvas.csv, Gradescope -> exports/
    encoder-kit course report ASSIGNMENT      score plots, common wrong answers -> reports/
    encoder-kit course gradebook              the gradebook as a table
    encoder-kit course demo                   all of it, on the sample submissions

Every command works on the nbgrader course in ``--course`` (default: the working folder).
This module only parses arguments and prints; the work is done in the modules it names.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from .executor import default_workers


def _course(args: argparse.Namespace) -> Any:
    from .coursedir import Course

    return Course.open(args.course)


def _where(path: Path | str) -> str:
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_release(args: argparse.Namespace) -> int:
    from .release import release

    course = _course(args)
    for assignment in args.assignment:
        report = release(course, assignment)
        print(f"released {assignment}: {', '.join(report.notebooks)} and "
              f"{report.public_file.name} ({len(report.questions)} graded questions) "
              f"-> {_where(report.release_dir)}")
        print(f"  checked: no {'; no '.join(report.checked)}")
    return 0


def run_warm_cache(args: argparse.Namespace) -> int:
    from .warm_cache import warm_cache

    course = _course(args) if args.course or Path("nbgrader_config.py").exists() else None
    hidden = course.hidden_dir() if course is not None else None
    report = warm_cache(hidden=hidden, cache=args.cache)
    print(f"embedding cache {report.cache}: {report.sentences} sentences and "
          f"{report.tagged_sentences} tagged sentences ({'with' if hidden else 'without'} the "
          f"hidden test sets); {report.vectors_after - report.vectors_before} vectors added, "
          f"{report.vectors_after} in all; {report.seconds:.1f} s")
    print("  grading kernels that use this cache folder never import torch for these texts")
    return 0


def run_grade(args: argparse.Namespace) -> int:
    from .executor import start_server

    root = Path(args.course or Path.cwd())
    local = not args.scheduler  # on a Dask cluster the workers start their own servers
    if local and args.kernel == "in-process" and (root / "source" / args.assignment).is_dir():
        start_server()  # it warms up (seconds) while this process reads the course
    from .grade import grade_assignment, hard_timeout, plan
    from .limits import Limits

    course = _course(args)
    course.source(args.assignment)
    limits = Limits.for_course(course.config, args.cell_timeout, args.timeout,
                               memory_mb=args.memory_mb, max_processes=args.max_processes,
                               output_bytes=args.max_output)
    todo, done = plan(course, args.assignment, args.student or None, args.force)
    workers = min(args.workers or default_workers(), max(1, len(todo)))
    executor = None
    if args.scheduler:
        from .dask_executor import DaskExecutor

        executor = DaskExecutor(args.scheduler, timeout=hard_timeout(limits))
    where = f"{workers} workers" if executor is None else f"Dask cluster {executor.describe()}"
    print(f"grading {args.assignment}: {len(todo) + len(done)} submissions, {len(todo)} to "
          f"grade, {len(done)} already graded; {where}, {args.kernel} kernels; "
          f"limits {limits.cell_timeout:g} s per cell, {limits.notebook_timeout:g} s per "
          f"notebook, {limits.memory_mb:g} MB, {limits.max_processes} processes, "
          f"{limits.output_bytes} bytes of output per cell")
    environment = {"ENCODER_KIT_CACHE": str(Path(args.cache).resolve())} if args.cache else {}
    start = time.perf_counter()
    try:
        summary = grade_assignment(course, args.assignment, workers=workers, limits=limits,
                                   students=args.student or None, force=args.force,
                                   kernel=args.kernel, environment=environment,
                                   executor=executor)
    finally:
        if executor is not None:
            executor.close()
    seconds = time.perf_counter() - start
    per = f" ({seconds / len(summary.graded):.2f} s per submission)" if summary.graded else ""
    print(f"graded {len(summary.graded)} submission(s) in {seconds:.1f} s{per}; "
          f"{len(summary.skipped)} already graded; {len(summary.failed)} failed")
    for student, why in summary.failed.items():
        print(f"  NOT graded: {student}: {why}")
    for student, notes in summary.notes.items():
        for note in notes:
            print(f"  note: {student}: {note}")
    if summary.notes_file is not None:
        print(f"  notes on limits and tampering -> {_where(summary.notes_file)}")
    print(f"  scores -> gradebook {summary.gradebook}")
    print(f"  autograded notebooks -> {_where(summary.autograded_dir)}/<student>/"
          f"{args.assignment}/")
    if summary.interrupted:
        print("interrupted: run the same command again to grade what is left")
        return 130
    if summary.failed:
        print("  run again to retry the failed ones (graded ones are kept), or look at them "
              "with `nbgrader autograde --student ...`")
        return 1
    return 0


def run_feedback(args: argparse.Namespace) -> int:
    from .feedback import feedback

    course = _course(args)
    report = feedback(course, args.assignment)
    count = sum(len(files) for files in report.files.values())
    print(f"feedback for {args.assignment}: {count} file(s) for {len(report.files)} "
          f"student(s), hidden test code removed, public and hidden results labelled, "
          f"checked for keys and hidden data -> "
          f"{_where(course.folder('feedback'))}/<student>/{args.assignment}/")
    if report.missing:
        print(f"  not autograded yet, so no feedback: {', '.join(report.missing)}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from .export import export

    course = _course(args)
    report = export(course, args.to, args.assignment or None)
    print(f"exported the gradebook -> {_where(report.folder)}")
    print(f"  {report.grades_csv.name} (nbgrader's CSV), {report.canvas_csv.name} (Canvas "
          f"import), gradescope/<assignment>/<student>/results.json "
          f"({len(report.gradescope)} submission(s))")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from .report import report

    course = _course(args)
    result = report(course, args.assignment, args.to)
    print(f"report for {args.assignment}: {len(result.scores)} graded cells, "
          f"{sum(len(v) for v in result.wrong.values())} common wrong answer(s), "
          f"{len(result.flags)} student(s) flagged -> {_where(result.folder)}")
    print(f"  {result.plot.name} (score distributions), {result.markdown.name} (summary), "
          "wrong_answers.json")
    return 0


def run_gradebook(args: argparse.Namespace) -> int:
    from .table import gradebook_table

    print(gradebook_table(_course(args), args.assignment or None))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo as demo

    return demo(Path(args.into), Path(args.template), Path(args.submissions), args.workers)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return value


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of workers, at least 1")
    return int(text)


def add_course_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``encoder-kit course`` and its verbs."""
    course = sub.add_parser("course", help="the nbgrader course: release, grade, feedback, ...")
    verbs = course.add_subparsers(dest="verb", metavar="VERB", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default=None,
                        help="the nbgrader course folder (default: the working folder)")

    p = verbs.add_parser("release", parents=[common], help="generate the student version and "
                         "check that no key, hidden test or solution is in it")
    p.add_argument("assignment", nargs="+")
    p.set_defaults(func=run_release)

    p = verbs.add_parser("warm-cache", parents=[common], help="encode the exercise data once, "
                         "so that grading kernels never import torch")
    p.add_argument("--cache", default=None, help="cache folder (default: $ENCODER_KIT_CACHE)")
    p.set_defaults(func=run_warm_cache)

    p = verbs.add_parser("grade", parents=[common], help="autograde all submissions in "
                         "parallel; a second run grades only what is left")
    p.add_argument("assignment")
    p.add_argument("--workers", "-j", type=_workers, default=None,
                   help=f"notebooks graded at once (default: the cores, {default_workers()})")
    p.add_argument("--timeout", type=_positive_seconds, default=None,
                   help="seconds one submission may take before it is stopped (default 900)")
    p.add_argument("--cell-timeout", type=_positive_seconds, default=None,
                   help="seconds one cell may take (default: the course's Execute.timeout)")
    p.add_argument("--memory-mb", type=_positive_seconds, default=None, metavar="MB",
                   help="memory of one notebook's kernel and its processes (default 4096)")
    p.add_argument("--max-processes", type=_workers, default=None, metavar="N",
                   help="processes one notebook may run at once (default 64)")
    p.add_argument("--max-output", type=_workers, default=None, metavar="BYTES",
                   help="output one cell may print; more is cut (default 1000000)")
    p.add_argument("--student", action="append", default=[],
                   help="grade only this student (repeat for several)")
    p.add_argument("--force", action="store_true", help="grade again what is already graded")
    p.add_argument("--kernel", choices=("in-process", "subprocess"), default="in-process",
                   help="in-process: fast kernels in preloaded workers (default); subprocess: "
                        "a Jupyter kernel per notebook, as nbgrader does")
    p.add_argument("--cache", default=os.environ.get("ENCODER_KIT_CACHE"),
                   help="embedding cache folder for the kernels (default: $ENCODER_KIT_CACHE)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on the Dask cluster whose scheduler is at ADDRESS (e.g. "
                        "tcp://10.0.0.5:8786) instead of on this machine; --workers is then "
                        "ignored (needs encoder-kit[dask])")
    p.set_defaults(func=run_grade)

    p = verbs.add_parser("feedback", parents=[common], help="feedback files per student, "
                         "hidden tests removed, public and hidden results labelled")
    p.add_argument("assignment")
    p.set_defaults(func=run_feedback)

    p = verbs.add_parser("export", parents=[common], help="grades.csv, canvas.csv and "
                         "Gradescope results.json per submission")
    p.add_argument("--to", default=None, help="output folder (default: <course>/exports)")
    p.add_argument("--assignment", action="append", default=[],
                   help="export only this assignment (repeat for several)")
    p.set_defaults(func=run_export)

    p = verbs.add_parser("report", parents=[common], help="score distributions and the most "
                         "common wrong answers")
    p.add_argument("assignment")
    p.add_argument("--to", default=None, help="output folder (default: <course>/reports/A)")
    p.set_defaults(func=run_report)

    p = verbs.add_parser("gradebook", parents=[common], help="print the gradebook as a table")
    p.add_argument("assignment", nargs="*")
    p.set_defaults(func=run_gradebook)

    p = verbs.add_parser("demo", help="the whole workflow on the sample submissions, in a "
                         "copy of the course")
    p.add_argument("--into", default="build/course-demo", help="where the demo course goes "
                   "(replaced if it exists)")
    p.add_argument("--template", default="exercises", help="the course to copy")
    p.add_argument("--submissions", default="tests/fixtures/submissions",
                   help="sample submissions: <assignment>/<student>/ folders")
    p.add_argument("--workers", "-j", type=_workers, default=None)
    p.set_defaults(func=run_demo)
