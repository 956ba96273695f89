"""The package imports fast and lazily: no torch, sentence-transformers or sklearn at import."""

from __future__ import annotations

import json

import pytest
from support import run_python

import encoder_kit


def test_import_loads_no_heavy_library():
    proc = run_python(
        "import sys, json, encoder_kit;"
        "print(json.dumps([m for m in ('torch', 'sentence_transformers', 'sklearn', 'transformers')"
        " if m in sys.modules]))"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_constructing_an_encoder_loads_no_model_library():
    proc = run_python(
        "import sys, json; from encoder_kit import FrozenEncoder, make_classifier;"
        "FrozenEncoder(); make_classifier();"
        "print(json.dumps([m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules]))"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        encoder_kit.nope  # noqa: B018


def test_public_names_are_listed():
    assert "FrozenEncoder" in dir(encoder_kit)
    assert encoder_kit.make_classifier.__module__ == "encoder_kit.classify"
