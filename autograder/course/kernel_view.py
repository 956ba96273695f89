"""What a grading kernel sees: its limits, its folders and its environment.

``configure_kernels(job)`` (called by the worker before nbgrader runs) hides the course and
the batch's scratch space from the kernel, exposes the coding questions (they hold no key),
the hidden sets' inputs without their labels and the embedding cache (copy-on-write), keeps
the Python installation visible where /tmp or a hidden folder would cover it, and has the
test cells scored in the grader's process (see :mod:`autograder.course.scoring`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import kernel as _kernel


def _paths(value: str) -> list[str]:
    return [p for p in value.split(os.pathsep) if p and os.path.exists(p)]


def configure_kernels(job: Any) -> None:
    """The kernels' limits, view and environment. Hidden: the course and the scratch space.
    Readable: the coding questions (no keys), the hidden sets' inputs without their labels,
    and the embedding cache (through a layer that keeps what a notebook writes away from the
    real one). Keys and labels stay here: grade_cell cells are scored in this process."""
    from encoder_kit.cache import default_cache_dir
    from encoder_kit.questions import load_questions

    from .checks import HIDDEN_INPUTS_ENV, write_hidden_inputs
    from .coursedir import HIDDEN_DATA_ENV, QUESTION_PATH_ENV
    from .testcell import GRADER_SCORES_ENV

    env = os.environ
    code_only = []
    for folder in _paths(env.get(QUESTION_PATH_ENV, "")):
        try:
            questions = load_questions(folder)
        except Exception:  # a broken folder: nothing of it reaches the kernel
            continue
        if questions and all(q.kind == "code" for q in questions):
            code_only.append(folder)
    hidden = next(iter(_paths(env.get(HIDDEN_DATA_ENV, ""))), None)
    inputs = Path(job.scratch) / "kernel-view" / "hidden-inputs"
    if hidden:
        write_hidden_inputs(Path(hidden), inputs)
    inputs.mkdir(parents=True, exist_ok=True)
    cache = env.get("ENCODER_KIT_CACHE") or str(default_cache_dir())
    expose = [*code_only, str(inputs)]
    environment: dict[str, str | None] = {
        GRADER_SCORES_ENV: "1", HIDDEN_DATA_ENV: None, HIDDEN_INPUTS_ENV: str(inputs),
        QUESTION_PATH_ENV: os.pathsep.join(code_only)}
    _kernel.configure(job.limits, hide=job.hide, expose=expose + _python_paths(job.hide),
                      overlay=_paths(cache), environment=environment,
                      scoring={"hidden": hidden})


def _python_paths(hide: list[str]) -> list[str]:
    """Where Python and the packages live, when a hidden folder or /tmp would cover them
    (a virtual environment in a temporary folder, say)."""
    import sys

    import autograder
    import encoder_kit

    covered = [Path(p).resolve() for p in (*hide, "/tmp", "/dev/shm")]
    candidates = {sys.prefix, sys.exec_prefix, *sys.path,
                  str(Path(autograder.__file__).parent), str(Path(encoder_kit.__file__).parent)}
    chosen = []
    for text in candidates:
        if not text or not os.path.isdir(text):
            continue
        path = Path(text).resolve()
        under = any(path.is_relative_to(c) for c in covered)
        holds_hidden = any(Path(h).resolve().is_relative_to(path) for h in hide)
        if under and not holds_hidden:
            chosen.append(str(path))
    return sorted(chosen)
