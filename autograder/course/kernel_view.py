"""What a grading kernel sees: its limits, its folders and its environment.

``configure_kernels(job)`` (called by the worker before nbgrader runs) hides the course and
the batch's scratch space from the kernel, exposes the coding questions (they hold no key),
the hidden sets' inputs without their labels and the embedding cache (copy-on-write),
and has the test cells scored in the grader's process (see :mod:`autograder.course.scoring`).
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
    _kernel.configure(job.limits, hide=job.hide, expose=expose,
                      overlay=_paths(cache), environment=environment,
                      scoring={"hidden": hidden})
