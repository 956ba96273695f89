"""The nbgrader course workflow: release, grade in parallel, feedback, exports, reports.

Student side (in released notebooks): ``show`` a question (as text; released notebooks take
``show`` from ``encoder_kit.widgets``, which gives the widget with Save), save an ``answer``,
``check_answered``, and before submitting ``check_all_answered`` / ``submission_status``;
hidden test cells call ``grade_cell`` (all in :mod:`.notebook`).
Instructor side: the ``encoder-kit course`` command (:mod:`.commands`, one module per verb).
In between, by role:

- :mod:`.protocol`: the names and records that pass between a grading kernel and the grader;
- :mod:`.runner`: the batch, the executors (local, Dask), the worker, the gradebook writer;
- :mod:`.sandbox`: the confined kernel process, its limits and what it may see;
- :mod:`.scoring`: scores the test cells in the grader, after the kernel has run;
- :mod:`.preprocessors`, :mod:`.nbgrader_hooks`: what ``nbgrader_config.py`` adds to nbgrader;
- :mod:`.coursedir`, :mod:`.checks`, :mod:`.notes`: the course folder, the coding questions'
  tests, the grader's notes for the instructor.

Names load on first use: importing this package imports neither nbgrader nor sklearn.

>>> import autograder.course
>>> autograder.course.show.__module__
'autograder.course.notebook.student'
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "show": ".notebook.student",
    "answer": ".notebook.student",
    "check_answered": ".notebook.student",
    "check_all_answered": ".notebook.student",
    "submission_status": ".notebook.student",
    "grade_cell": ".notebook.testcell",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'autograder.course' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
