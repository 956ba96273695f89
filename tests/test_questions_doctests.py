"""Every module of encoder_kit.questions and autograder has a docstring example (pytest runs
them all with --doctest-modules)."""

from __future__ import annotations

import importlib
import pkgutil

import autograder
import encoder_kit.questions

MODULES = sorted(
    [f"autograder.{info.name}" for info in pkgutil.iter_modules(autograder.__path__)]
    + [info.name for info in pkgutil.walk_packages(encoder_kit.questions.__path__,
                                                   "encoder_kit.questions.")]
) + ["encoder_kit.questions", "autograder"]


def test_every_module_has_an_example() -> None:
    without = [
        name for name in MODULES if ">>>" not in (importlib.import_module(name).__doc__ or "")
    ]
    assert without == []
