"""The nbgrader course workflow: release, grade in parallel, feedback, exports, reports.

Student side (in released notebooks): ``show`` a question, save an ``answer``,
``check_answered``; hidden test cells call ``grade_cell``. Instructor side: the
``encoder-kit course`` command (see :mod:`autograder.course.cli`).

Names load on first use: importing this package imports neither nbgrader nor sklearn.

>>> import autograder.course
>>> autograder.course.show.__module__
'autograder.course.student'
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "show": ".student",
    "answer": ".student",
    "check_answered": ".student",
    "grade_cell": ".testcell",
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
