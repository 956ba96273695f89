"""``encoder-kit course ...``: the instructor's commands, one module per verb.

    encoder-kit course init FOLDER            a new course from the shipped one (or --empty)
    encoder-kit course release ASSIGNMENT     student version + leak check -> release/
    encoder-kit course warm-cache             encode the exercise data once (fast kernels)
    encoder-kit course grade ASSIGNMENT       autograde in parallel -> gradebook, autograded/
    encoder-kit course feedback ASSIGNMENT    labelled feedback without hidden tests -> feedback/
    encoder-kit course export                 grades.csv, canvas.csv, Gradescope -> exports/
    encoder-kit course gradescope ASSIGNMENT  a Gradescope autograder zip for the assignment
    encoder-kit course report ASSIGNMENT      score plots, common wrong answers -> reports/
    encoder-kit course gradebook              the gradebook as a table
    encoder-kit course demo                   all of it, on the sample submissions
    encoder-kit course doctor                 which sandbox layers this machine provides

Verbs for before the term live in :mod:`.setup` (init, doctor, warm_cache), verbs for what
comes out of the gradebook in :mod:`.results` (export, gradescope, report, gradebook); the
grading cycle itself (release, grade, feedback) and ``demo`` sit here. Every verb works on
the nbgrader course in ``--course`` (default: the working folder). Each module offers ``add_parser(verbs)`` and ``run(args)``; this package only lists them. The
commands are the top layer: they import the course workflow below them (runner, sandbox,
notebook helpers), and nothing below imports them; ``encoder_kit.cli`` adds this group.
"""

from __future__ import annotations

import argparse

from . import demo, feedback, grade, release
from .results import export, gradebook, gradescope, report
from .setup import doctor, init, warm_cache

VERBS = (init, release, warm_cache, grade, feedback, export, gradescope, report, gradebook,
         demo, doctor)


def add_course_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``encoder-kit course`` and its verbs."""
    course = sub.add_parser("course", help="the nbgrader course: release, grade, feedback, ...")
    verbs = course.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb in VERBS:
        verb.add_parser(verbs)
