"""Limits on one submission's grading run.

``cell_timeout`` stops a single cell (nbgrader's ``Execute.timeout``; the cell gets a
``CellTimeoutError`` output and the notebook goes on). ``notebook_timeout`` is the wall-clock
budget of a whole notebook. ``memory_mb`` (the kernel and every process it starts),
``max_processes`` (at once) and ``output_bytes`` (per cell; more is cut) bound what student
code may use. A notebook that passes the time, memory or process limit has its kernel
stopped: the cells that ran keep their results, the rest are marked as not run, and the
instructor's report says which limit it was (see :mod:`autograder.course.sandbox.execute`).

>>> Limits(cell_timeout=60, notebook_timeout=300).notebook_timeout
300.0
>>> Limits(cell_timeout=0)
Traceback (most recent call last):
...
ValueError: cell_timeout must be a number above 0, not 0; e.g. --cell-timeout 120
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DEFAULT_CELL_TIMEOUT = 300.0
DEFAULT_NOTEBOOK_TIMEOUT = 900.0
DEFAULT_MEMORY_MB = 4096.0
DEFAULT_MAX_PROCESSES = 64
DEFAULT_OUTPUT_BYTES = 1_000_000
# SandboxedExecute's traitlets (nbgrader_config.py) -> Limits' fields
_TRAITS = {"notebook_timeout": "notebook_timeout", "memory_mb": "memory_mb",
           "max_processes": "max_processes", "max_output": "output_bytes"}
_FLAGS = {"cell_timeout": "--cell-timeout 120", "notebook_timeout": "--timeout 600",
          "memory_mb": "--memory-mb 4096", "max_processes": "--max-processes 64",
          "output_bytes": "--max-output 1000000"}


@dataclass(frozen=True)
class Limits:
    """What one submission's grading may use (seconds, MB, processes, bytes)."""

    cell_timeout: float = DEFAULT_CELL_TIMEOUT
    notebook_timeout: float = DEFAULT_NOTEBOOK_TIMEOUT
    memory_mb: float = DEFAULT_MEMORY_MB
    max_processes: int = DEFAULT_MAX_PROCESSES
    output_bytes: int = DEFAULT_OUTPUT_BYTES

    def __post_init__(self) -> None:
        for name in _FLAGS:
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ValueError(
                    f"{name} must be a number above 0, not {value!r}; e.g. {_FLAGS[name]}"
                )
            whole = name in ("max_processes", "output_bytes")
            object.__setattr__(self, name, int(value) if whole else float(value))
        if self.max_processes < 4:
            raise ValueError(f"max_processes must be at least 4 (the kernel needs a few), "
                             f"not {self.max_processes}; e.g. {_FLAGS['max_processes']}")

    @classmethod
    def for_course(cls, config: Any, cell_timeout: float | None = None,
                   notebook_timeout: float | None = None, **others: Any) -> Limits:
        """The course's limits, overridden by the arguments that are not None.

        The course sets them in nbgrader_config.py: ``c.Execute.timeout`` (per cell) and
        the traitlets of ``SandboxedExecute`` (``notebook_timeout``, ``memory_mb``,
        ``max_processes``, ``max_output``).
        """
        configured = None
        execute = config.get("Execute", {}) if hasattr(config, "get") else {}
        if "timeout" in execute and execute["timeout"]:
            configured = float(execute["timeout"])
        sandbox = config.get("SandboxedExecute", {}) if hasattr(config, "get") else {}
        course = {field: sandbox[trait] for trait, field in _TRAITS.items() if trait in sandbox}
        cell = cell_timeout or configured or DEFAULT_CELL_TIMEOUT
        notebook = (notebook_timeout or course.pop("notebook_timeout", None)
                    or max(DEFAULT_NOTEBOOK_TIMEOUT, 3 * cell))
        course.pop("notebook_timeout", None)
        given = {**course, **{k: v for k, v in others.items() if v is not None}}
        return cls(cell_timeout=cell, notebook_timeout=notebook, **given)
