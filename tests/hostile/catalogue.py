"""The catalogue: ``kinds.yaml`` read into ``Hostile`` kinds, each with its builder.

A kind's ``build`` names its sample (``base``) and one attack of :mod:`.attacks`: a ``cell``
placed ``at`` setup or mid, an ``edit`` of the notebook, or a ``builder`` of the whole
folder. A name that is not in :mod:`.attacks`, or an unknown field, fails at import with the
kind's name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from . import attacks
from .model import Expected, Hostile
from .notebooks import MID, SETUP, edited, with_cell

CATALOGUE = Path(__file__).with_name("kinds.yaml")
PLACES = {"setup": SETUP, "mid": MID}


def _attack(name: str, kind: str) -> Callable[..., Any]:
    function = getattr(attacks, name, None)
    if not callable(function) or name.startswith("_"):
        raise ValueError(f"kinds.yaml: kind {kind!r} names {name!r}, which is no attack in "
                         "tests/hostile/attacks.py")
    return function


def _builder(spec: dict[str, Any], kind: str) -> Callable[..., None]:
    fields = set(spec)
    if fields == {"builder"}:
        return _attack(spec["builder"], kind)
    if fields == {"base", "cell", "at"} and spec["at"] in PLACES:
        return with_cell(spec["base"], PLACES[spec["at"]], _attack(spec["cell"], kind))
    if fields == {"base", "edit"}:
        return edited(spec["base"], _attack(spec["edit"], kind))
    raise ValueError(f"kinds.yaml: kind {kind!r} has build {spec!r}; give `builder`, or "
                     "`base` with `cell` and `at` (setup or mid), or `base` with `edit`")


def load_kinds(path: Path = CATALOGUE) -> list[Hostile]:
    """Every kind of the catalogue at ``path``, in file order."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"]
    kinds = []
    for entry in entries:
        name = entry["name"]
        expected = dict(entry.get("expected") or {})
        for field in ("manual", "secrets", "untouched"):
            if field in expected:
                expected[field] = tuple(expected[field])
        kinds.append(Hostile(name, entry["description"], _builder(entry["build"], name),
                             Expected(**expected), entry["why"]))
    names = [kind.name for kind in kinds]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"kinds.yaml: kinds named twice: {repeated}")
    return kinds


KINDS: list[Hostile] = load_kinds()
BY_NAME: dict[str, Hostile] = {kind.name: kind for kind in KINDS}
