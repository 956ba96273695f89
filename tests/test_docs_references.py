"""Every file, folder, module and make target that the README and docs/ name exists.

A name that no longer resolves (a moved module, a renamed folder, a deleted script) is a
dangling reference: a newcomer following the docs hits a wall. Placeholders (``<assignment>``,
``*.yaml``, ``...``) and paths under folders that a run creates (``release/``,
``build/`` ...) are not checked.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
ROOTS = ("encoder_kit/", "autograder/", "exercises/", "notebooks/", "tests/", "benchmarks/",
         "docs/", "scripts/")
PATH = re.compile(r"(?<![\w./-])((?:" + "|".join(re.escape(r) for r in ROOTS) +
                  r")[\w./-]*)")
MODULE = re.compile(r"(?<![\w./-])((?:encoder_kit|autograder)(?:\.[a-z_][a-z0-9_]*)+)")
MAKE = re.compile(r"`make ([a-z-]+)")


def _texts() -> list[tuple[str, str]]:
    return [(path.name, path.read_text(encoding="utf-8")) for path in DOCS]


def _paths(text: str) -> set[str]:
    found = set()
    for match in PATH.finditer(text):
        path = match.group(1).rstrip(".,:;)")
        end = match.end(1)
        if text[end:end + 1] in "<*{" or any(c in path for c in "<>*{}"):
            continue  # a placeholder or a pattern
        found.add(path)
    return found


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[p.name for p in DOCS])
def test_every_path_named_exists(name: str, text: str) -> None:
    missing = sorted(p for p in _paths(text) if not (REPO / p).exists())
    assert not missing, f"{name} names paths that do not exist: {missing}"


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[p.name for p in DOCS])
def test_every_module_named_imports(name: str, text: str) -> None:
    missing = []
    for dotted in sorted(set(MODULE.findall(text))):
        parts = dotted.split(".")
        # the longest prefix that is a module; the rest must be attributes of it
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            try:
                if importlib.util.find_spec(module) is not None:
                    break
            except ModuleNotFoundError:  # a prefix is a module, not a package
                continue
        else:
            missing.append(dotted)
            continue
        value = importlib.import_module(module)
        for attribute in parts[cut:]:
            if not hasattr(value, attribute):
                missing.append(dotted)
                break
            value = getattr(value, attribute)
    assert not missing, f"{name} names modules or attributes that do not exist: {missing}"


def test_every_make_target_named_exists() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    named = {t for _, text in _texts() for t in MAKE.findall(text)}
    assert named and named <= targets, f"unknown make targets: {sorted(named - targets)}"
    for script in re.findall(r"\$\(PY\) ([\w/]+\.py)", makefile):
        assert (REPO / script).is_file(), f"the Makefile runs {script}, which does not exist"
