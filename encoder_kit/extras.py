"""Optional parts of encoder-kit and the pip extras that install them.

``pip install encoder-kit`` is the light core: the encoder, the cache, the tagger, the question
bank and the grading engine. The parts with heavy dependencies come with extras:

- ``encoder-kit[widgets]``: ``encoder_kit.widgets`` (ipywidgets, anywidget, matplotlib);
- ``encoder-kit[course]``: ``encoder-kit course ...``, the nbgrader course (nbgrader, ipykernel,
  psutil, the widgets);
- ``encoder-kit[dask]``: grading and embedding on a Dask cluster;
- ``encoder-kit[all]``: all of them.

A part whose extra is missing says so when it is first used, with the command that fixes it,
instead of failing deep inside with ``No module named 'ipywidgets'``. Checking costs a look-up
on the import path only: nothing is imported.

>>> missing_modules(("json", "no_such_module_xyz"))
['no_such_module_xyz']
>>> require_extra("widgets", ("json",), "the widgets")  # present: returns quietly
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

# extra -> the top-level modules it provides (what a missing extra looks like)
EXTRAS: dict[str, tuple[str, ...]] = {
    "widgets": ("ipywidgets", "anywidget"),
    "course": ("nbgrader", "ipykernel", "psutil", "ipywidgets", "anywidget"),
    "dask": ("dask", "distributed"),
}


class MissingExtraError(ImportError):
    """A part of encoder-kit was used whose pip extra is not installed."""


def missing_modules(modules: Iterable[str]) -> list[str]:
    """The names in ``modules`` that cannot be imported here (found without importing them)."""
    missing = []
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken or blocked module counts as missing
            found = False
        if not found:
            missing.append(name)
    return missing


def install_hint(extra: str) -> str:
    """The command that installs ``extra``, quoted for a POSIX shell."""
    return f"pip install 'encoder-kit[{extra}]'"


def require_extra(extra: str, modules: Iterable[str] | None = None, what: str = "") -> None:
    """Raise :class:`MissingExtraError` naming ``extra`` when one of its modules is missing.

    ``modules`` defaults to the modules that ``extra`` installs (:data:`EXTRAS`); ``what``
    names the part being used, for the message.
    """
    needed = tuple(modules) if modules is not None else EXTRAS[extra]
    missing = missing_modules(needed)
    if missing:
        part = what or f"this part of encoder-kit ({extra})"
        raise MissingExtraError(
            f"{part} needs {', '.join(missing)}, not installed here: "
            f"{install_hint(extra)} (or {install_hint('all')})",
            name=missing[0],
        )
