"""The ``encoder-kit`` command.

    encoder-kit demo ["a sentence to classify" ...]   train and evaluate the default classifier
    encoder-kit info [--model NAME]                   model facts, cache folder, versions

    encoder-kit questions lint [PATH ...]             check question files for cues
                                                      (see encoder_kit.questions.lint)
    encoder-kit course VERB ...                       the nbgrader course (see
                                                      autograder.course.commands)

This is the top layer: it lists every subcommand (``SUBCOMMANDS``) and imports the modules
that define them; none of those imports this module.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

from . import __version__
from .extras import EXTRAS, MissingExtraError, missing_modules, require_extra

DEFAULT_DEMO_SENTENCE = "I was charged twice for my subscription this month, please refund one."


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="train the default classifier on the shipped support e-mails")
    p.add_argument("sentences", nargs="*", help="sentences to classify after training")
    p.add_argument("--model", default=None, help="model name or folder (default: all-MiniLM-L6-v2)")
    p.set_defaults(func=run_demo)


def _add_info(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="show the model's facts, the cache folder and versions")
    p.add_argument("--model", default=None, help="model name or folder (default: all-MiniLM-L6-v2)")
    p.set_defaults(func=run_info)


def _add_questions(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("questions", help="tools for question files (lint)")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    lint = verbs.add_parser(
        "lint", add_help=False,
        help="check question files for cues a test-wise student could use (--help for more)")
    lint.set_defaults(func=run_questions_lint)


def _add_course(sub: argparse._SubParsersAction) -> None:
    """``encoder-kit course``: the verbs of :mod:`autograder.course.commands` when the
    ``[course]`` extra is installed; without it, a stand-in that says how to install it (the
    rest of the command line works on the light core)."""
    if not missing_modules(EXTRAS["course"]):
        from autograder.course.commands import add_course_parser

        add_course_parser(sub)
        return
    p = sub.add_parser("course", help="the nbgrader course (needs encoder-kit[course])")
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=lambda args: require_extra("course", what="encoder-kit course"))


# the functions that add each subcommand's parser, in the order of the help
SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_demo, _add_info, _add_questions, _add_course]


def _format_confusion(labels: Sequence[str], matrix) -> str:
    width = max(len(x) for x in labels) + 2
    head = " " * width + "".join(f"{x[:10]:>11}" for x in labels)
    rows = [f"{t:<{width}}" + "".join(f"{v:>11}" for v in row) for t, row in zip(labels, matrix,
                                                                              strict=True)]
    return "\n".join([head + "   <- predicted", *rows])


def run_demo(args: argparse.Namespace) -> int:
    from sklearn.metrics import accuracy_score, confusion_matrix

    from .classify import make_classifier
    from .data import DEMO_LABELS, demo_split

    start = time.perf_counter()
    train_x, test_x, train_y, test_y = demo_split()
    params = {"model": args.model} if args.model else {}
    clf = make_classifier(**params)
    print(f"encoder-kit {__version__} demo: route support e-mails to {', '.join(DEMO_LABELS)}")
    print(f"  training on {len(train_x)} e-mails, testing on {len(test_x)} "
          f"(frozen {clf[0].model} features + {type(clf[-1]).__name__} head)")
    clf.fit(train_x, train_y)
    predicted = clf.predict(test_x)
    print(f"\naccuracy on the held-out e-mails: {accuracy_score(test_y, predicted):.1%}\n")
    labels = list(DEMO_LABELS)
    print(_format_confusion(labels, confusion_matrix(test_y, predicted, labels=labels)))
    sentences = args.sentences or [DEFAULT_DEMO_SENTENCE]
    probabilities = clf.predict_proba(sentences)
    classes = list(clf.classes_)
    print()
    for text, probs in zip(sentences, probabilities, strict=True):
        best = int(probs.argmax())
        ranked = ", ".join(f"{c} {p:.2f}" for c, p in sorted(zip(classes, probs, strict=True),
                                                              key=lambda cp: -cp[1]))
        print(f"{text!r}\n  -> {classes[best]}   ({ranked})")
    print(f"\ndone in {time.perf_counter() - start:.1f} s")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from . import models
    from .cache import default_cache_dir

    info = models.model_info(args.model or models.DEFAULT_MODEL)
    print(f"encoder-kit {__version__}")
    print(f"model         {info.name}")
    print(f"weights       {info.path}")
    print(f"hidden size   {info.hidden_size}")
    print(f"layers        {info.num_layers} (+1 embedding layer = {info.num_hidden_states} "
          "hidden states)")
    print(f"max length    {info.max_length} word pieces ({info.max_positions} positions)")
    print(f"fingerprint   {info.fingerprint}")
    print(f"cache folder  {default_cache_dir()} (set ENCODER_KIT_CACHE to move it)")
    return 0


def run_questions_lint(args: argparse.Namespace) -> int:
    """``encoder-kit questions lint``: the linter's own command line, with the grader's shape
    detectors (the CLI may see both layers; the linter itself stays below the grader)."""
    from autograder.shapes import DETECTORS

    from .questions.lint import main as lint_main

    return lint_main(list(args.lint_args), shape_detectors=DETECTORS)


# verbs whose own parser reads everything after them (options included)
_PASS_THROUGH: dict[tuple[str, str], Callable[[argparse.Namespace], int]] = {
    ("questions", "lint"): run_questions_lint}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="encoder-kit",
        description="Apply a frozen pre-trained encoder to downstream tasks, and assess it.",
    )
    parser.add_argument("--version", action="version", version=f"encoder-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    run = _PASS_THROUGH.get(tuple(argv[:2]))  # type: ignore[arg-type]
    if run is not None:
        return run(argparse.Namespace(command=argv[0], lint_args=argv[2:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MissingExtraError as err:
        print(f"encoder-kit {args.command}: error: {err}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, LookupError, OSError) as err:
        print(f"encoder-kit {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
