"""Widgets for JupyterLab: question widgets built from the question bank, and explorers.

Question widgets (each with Check, the grading engine's feedback, an attempt count and an
explanation after the first attempt; every Check saves the answer, see :mod:`.answers`):
``OrderingWidget``, ``ShapeWidget``, ``ChoiceWidget``, ``DesignWidget``, ``DiagnosisWidget``,
``NumericWidget``, ``CodeQuestionWidget`` (Check tests a function written in a notebook cell);
``quiz(concept_or_ids)`` shows a set of them. In a released (graded) notebook
``show("id")`` shows a question's widget in submit mode: Save, no score (see :mod:`.submit`).

Explorers: ``PipelineExplorer`` (C1, C4-C6), ``ShapeExplorer`` (C4), ``ContextExplorer``
(C6, C7), ``FrozenVsFineTuned`` (C3), ``MaskingExplorer`` (C8).

Names load on first use, so importing this package imports neither torch nor ipywidgets.
The widgets are the ``[widgets]`` extra: without ipywidgets and anywidget, importing this
package raises :class:`encoder_kit.extras.MissingExtraError` (an ImportError) that names
``pip install 'encoder-kit[widgets]'``.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..extras import require_extra

require_extra("widgets", what="encoder_kit.widgets")

_EXPORTS: dict[str, str] = {
    "quiz": ".quiz",
    "Quiz": ".quiz",
    "widget_for": ".quiz",
    "QuestionWidget": ".base",
    "OrderingWidget": ".ordering",
    "ShapeWidget": ".shape",
    "ChoiceWidget": ".choice",
    "DesignWidget": ".design",
    "DiagnosisWidget": ".diagnosis",
    "NumericWidget": ".numeric",
    "CodeQuestionWidget": ".code_question",
    "PipelineExplorer": ".pipeline",
    "ShapeExplorer": ".shape_explorer",
    "ContextExplorer": ".context",
    "FrozenVsFineTuned": ".finetune",
    "MaskingExplorer": ".masking",
    "show": ".submit",
    "submit_widget": ".submit",
    "save_answer": ".answers",
    "load_answer": ".answers",
    "grade_saved": ".answers",
    "AnswerFileError": ".answers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'encoder_kit.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
