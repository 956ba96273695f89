"""Put the grading helpers back the way they were before a student's code ran.

A notebook can rebind ``autograder.check``, ``autograder.course.grade_cell``, a scikit-learn
metric or ``builtins.len`` so that a test cell passes. The grading kernel takes a
``Snapshot`` before the first cell and calls ``restore`` before every test cell: each module
attribute and class attribute that held a function or class is set back, and what was put
back is returned so the instructor sees the attempt. Data attributes (caches, counters)
are left alone: code may change those legitimately.

>>> import autograder
>>> snapshot = Snapshot.take(["autograder"])
>>> original = autograder.check
>>> autograder.check = lambda *args, **kwargs: 1.0
>>> snapshot.restore()
['autograder.check']
>>> autograder.check is original
True
"""

from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass

# modules whose classes are snapshotted too (their methods are what tests call)
CLASS_PREFIXES = ("autograder", "encoder_kit", "sklearn.base", "sklearn.metrics", "seqeval")


def _is_code(value: object) -> bool:
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type,
                              types.MethodType, classmethod, staticmethod, property))


@dataclass
class Snapshot:
    """Functions and classes held by modules (and by the classes of some modules)."""

    modules: dict[str, tuple[object, dict[str, object]]]
    classes: dict[str, tuple[object, dict[str, object]]]

    @classmethod
    def take(cls, prefixes: Iterable[str] | None = None) -> Snapshot:
        """Snapshot every loaded module (or those whose name starts with ``prefixes``)."""
        chosen = tuple(prefixes) if prefixes is not None else None
        modules, classes = {}, {}
        for name, module in list(sys.modules.items()):
            _resolve_lazy(name, module)
            if not isinstance(module, types.ModuleType):
                continue
            if chosen is not None and not name.startswith(chosen):
                continue
            entries = {k: v for k, v in vars(module).items() if _is_code(v)}
            modules[name] = (module, entries)
            if name.startswith(CLASS_PREFIXES) or name == "builtins":
                for key, value in entries.items():
                    if isinstance(value, type) and value.__module__ == name:
                        classes[f"{name}.{key}"] = (value, {
                            k: v for k, v in vars(value).items() if _is_code(v)})
        modules.setdefault("builtins", (builtins, {
            k: v for k, v in vars(builtins).items() if _is_code(v)}))
        return cls(modules, classes)

    def restore(self) -> list[str]:
        """Set back every snapshotted function or class that was changed; their names."""
        restored: list[str] = []
        for name, (owner, entries) in [*self.modules.items(), *self.classes.items()]:
            current = vars(owner)
            for key, value in entries.items():
                if current.get(key, _MISSING) is not value:
                    try:
                        setattr(owner, key, value)
                    except (AttributeError, TypeError):
                        continue
                    restored.append(f"{name}.{key}")
        return restored


_MISSING = object()


def _resolve_lazy(name: str, module: object) -> None:
    """Bind a package's lazy exports (``_EXPORTS``) whose modules are already imported, so
    the snapshot holds them too (no new import: that would slow every kernel)."""
    exports = getattr(module, "_EXPORTS", None)
    if not isinstance(exports, dict):
        return
    for attribute, target in exports.items():
        if not isinstance(target, str):
            continue
        full = name + target if target.startswith(".") else target
        if full in sys.modules and attribute not in vars(module):
            try:
                getattr(module, attribute)
            except Exception:  # a broken export is not the snapshot's business
                continue
