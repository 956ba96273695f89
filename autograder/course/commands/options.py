"""What every ``encoder-kit course`` verb shares: the ``--course`` option, argument types
whose errors name the flag's unit, and short paths for printing.

>>> positive_megabytes("4096")
4096.0
>>> whole_bytes("many")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 'many': give a whole number of bytes, at least 1
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def common_parser() -> argparse.ArgumentParser:
    """The options every verb that works on a course takes (``--course``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default=None,
                        help="the nbgrader course folder (default: the working folder)")
    return common


def open_course(args: argparse.Namespace) -> Any:
    """The course that ``--course`` names (default: the working folder)."""
    from autograder.course.coursedir import Course

    return Course.open(args.course)


def where(path: Path | str) -> str:
    """``path`` relative to the working folder when it lies under it (shorter to print)."""
    path = Path(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _positive(unit: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r}: give a number of {unit} above 0")
        return value

    parse.__name__ = f"positive_{unit}"
    return parse


def _whole(unit: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of {unit}, at "
                                             "least 1")
        return int(text)

    parse.__name__ = f"whole_{unit}"
    return parse


positive_seconds = _positive("seconds")
positive_megabytes = _positive("megabytes")
whole_workers = _whole("workers")
whole_processes = _whole("processes")
whole_bytes = _whole("bytes")
