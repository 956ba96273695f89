"""encoder-kit: apply a frozen pre-trained encoder to downstream tasks, and assess it.

Importing the package is cheap: every public name is loaded on first access, so neither
torch, sentence-transformers nor scikit-learn is imported until it is needed.

>>> import encoder_kit
>>> encoder_kit.FrozenEncoder.__name__
'FrozenEncoder'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (relative to this package)
_EXPORTS: dict[str, str] = {
    "FrozenEncoder": ".encoder",
    "EmbeddingCache": ".cache",
    "make_classifier": ".classify",
    "default_head": ".classify",
    "FineTunedClassifier": ".fine_tuned",
    "HybridFeatures": ".hybrid",
    "compare": ".compare",
    "plot_comparison": ".compare",
    "resolve_model": ".models",
    "model_info": ".models",
    "ModelInfo": ".models",
    "ModelNotFoundError": ".models",
    "inspect_text": ".inspection",
    "TextInspection": ".inspection",
    "TokenEncoder": ".tokens",
    "entity_f1": ".metrics",
    "TokenTagger": ".tagger",
    "Entity": ".tagger",
    "read_conll": ".conll",
    "write_conll": ".conll",
    "probe_layers": ".probe",
    "transform_on_dask": ".cluster",
    "load_demo_data": ".data",
    "quiz": ".widgets",
    "widget_for": ".widgets",
    "grade_saved": ".widgets",
    "PipelineExplorer": ".widgets",
    "ShapeExplorer": ".widgets",
    "ContextExplorer": ".widgets",
    "FrozenVsFineTuned": ".widgets",
    "MaskingExplorer": ".widgets",
    "load_bank": ".questions",
    "load_questions": ".questions",
    "find_question": ".questions",
    "make_variant": ".questions",
    "record_answer": ".questions",
    "Variant": ".questions",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'encoder_kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
