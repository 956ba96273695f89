"""Helpers shared by the test modules (and the benchmarks), imported as ``support``.

- :func:`run_python`: run code in a fresh interpreter (import-time behaviour, torch kept out);
- :mod:`support.course`: a scratch copy of the course and the sample submissions;
- :mod:`support.browser`: JupyterLab in headless Chromium;
- :mod:`support.fuzz`: deterministic input generators for the fuzz tests.

``conftest.py`` only sets the test session up (fixtures, a temporary embedding cache);
nothing imports from it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; return the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full_env, timeout=timeout)
