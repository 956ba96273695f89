"""``encoder-kit course ...``: the instructor's commands, one module per verb.

    encoder-kit course release ASSIGNMENT     student version + leak check -> release/
    encoder-kit course warm-cache             encode the exercise data once (fast kernels)
    encoder-kit course grade ASSIGNMENT       autograde in parallel -> gradebook, autograded/
    encoder-kit course feedback ASSIGNMENT    labelled feedback without hidden tests -> feedback/
    encoder-kit course export                 grades.csv, canvas.csv, Gradescope -> exports/
    encoder-kit course report ASSIGNMENT      score plots, common wrong answers -> reports/
    encoder-kit course gradebook              the gradebook as a table
    encoder-kit course demo                   all of it, on the sample submissions
    encoder-kit course doctor                 which sandbox layers this machine provides

Every verb works on the nbgrader course in ``--course`` (default: the working folder). Each
module offers ``add_parser(verbs)`` and ``run(args)``; this package only lists them. The
commands are the top layer: they import the course workflow below them (runner, sandbox,
notebook helpers), and nothing below imports them; ``encoder_kit.cli`` adds this group.
"""

from __future__ import annotations

import argparse

from . import demo, doctor, export, feedback, grade, gradebook, release, report, warm_cache

VERBS = (release, warm_cache, grade, feedback, export, report, gradebook, demo, doctor)


def add_course_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``encoder-kit course`` and its verbs."""
    course = sub.add_parser("course", help="the nbgrader course: release, grade, feedback, ...")
    verbs = course.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb in VERBS:
        verb.add_parser(verbs)
