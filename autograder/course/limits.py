"""Limits on one submission's grading run.

``cell_timeout`` stops a single cell (nbgrader's ``Execute.timeout``; the cell gets a
``CellTimeoutError`` output and the notebook goes on). ``notebook_timeout`` is the wall-clock
budget of a whole submission: past it the worker process and everything it started are
killed and the submission is reported as failed (not graded), so the batch goes on.

>>> Limits(cell_timeout=60, notebook_timeout=300).notebook_timeout
300.0
>>> Limits(cell_timeout=0)
Traceback (most recent call last):
...
ValueError: cell_timeout must be a number of seconds above 0, not 0; e.g. --cell-timeout 120
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DEFAULT_CELL_TIMEOUT = 300.0
DEFAULT_NOTEBOOK_TIMEOUT = 900.0
_FLAGS = {"cell_timeout": "--cell-timeout 120", "notebook_timeout": "--timeout 600"}


@dataclass(frozen=True)
class Limits:
    """Seconds a cell, and a whole submission, may run."""

    cell_timeout: float = DEFAULT_CELL_TIMEOUT
    notebook_timeout: float = DEFAULT_NOTEBOOK_TIMEOUT

    def __post_init__(self) -> None:
        for name in ("cell_timeout", "notebook_timeout"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ValueError(
                    f"{name} must be a number of seconds above 0, not {value!r}; "
                    f"e.g. {_FLAGS[name]}"
                )
            object.__setattr__(self, name, float(value))

    @classmethod
    def for_course(cls, config: Any, cell_timeout: float | None = None,
                   notebook_timeout: float | None = None) -> Limits:
        """The course's limits (``c.Execute.timeout`` in nbgrader_config.py), overridden."""
        configured = None
        execute = config.get("Execute", {}) if hasattr(config, "get") else {}
        if "timeout" in execute and execute["timeout"]:
            configured = float(execute["timeout"])
        cell = cell_timeout or configured or DEFAULT_CELL_TIMEOUT
        notebook = notebook_timeout or max(DEFAULT_NOTEBOOK_TIMEOUT, 3 * cell)
        return cls(cell_timeout=cell, notebook_timeout=notebook)
