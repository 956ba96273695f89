"""Test settings shared by every test module.

The embedding cache goes to a temporary folder for the whole session (never ~/.cache), and
the Hugging Face hub is offline, so nothing is downloaded. Shared helpers are in the
``support`` package (``from support import run_python``), never imported from here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_SESSION_CACHE = tempfile.mkdtemp(prefix="encoder-kit-test-cache-")
os.environ["ENCODER_KIT_CACHE"] = _SESSION_CACHE
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ENCODER_KIT_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data sets beside the checkout; tests that need them skip on a user's machine."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared data sets are not at {SHARED_DATA} (set ENCODER_KIT_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def session_cache_dir() -> Path:
    return Path(_SESSION_CACHE)


@pytest.fixture(scope="session")
def sentence_transformer():
    """The packaged model, loaded once (the same shared instance FrozenEncoder uses)."""
    from encoder_kit.models import load_sentence_transformer

    return load_sentence_transformer()
