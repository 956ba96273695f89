"""What a grading kernel sees: its folders and its environment.

``kernel_view(job)`` (called by the worker before nbgrader runs) hides the course and the
batch's scratch space from the kernel, exposes the coding questions (they hold no key), the
hidden sets' inputs without their labels and the embedding cache (copy-on-write), and sets
the kernel's environment so that ``grade_cell`` hands its records to the grader, which
scores them (see :mod:`autograder.course.scoring`). The worker turns the view into traitlets
of ``SandboxedExecute`` and ``ScoreGradeCells`` (``KernelView.config``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course.protocol import (
    CACHE_ENV,
    GRADER_SCORES_ENV,
    HIDDEN_DATA_ENV,
    HIDDEN_INPUTS_ENV,
    QUESTION_PATH_ENV,
)

from .limits import Limits


@dataclass
class KernelView:
    """The file-system view and environment of one submission's kernel."""

    hide: list[str] = field(default_factory=list)
    expose: list[str] = field(default_factory=list)
    overlay: list[str] = field(default_factory=list)
    environment: dict[str, str | None] = field(default_factory=dict)
    hidden: str | None = None  # the hidden sets with labels: read by the grader only

    def config(self, limits: Limits) -> dict[str, dict[str, Any]]:
        """Traitlets for ``SandboxedExecute`` and ``ScoreGradeCells`` (by class name)."""
        return {
            "SandboxedExecute": {
                "notebook_timeout": limits.notebook_timeout, "memory_mb": limits.memory_mb,
                "max_processes": limits.max_processes, "max_output": limits.output_bytes,
                "hide": list(self.hide), "expose": list(self.expose),
                "overlay": list(self.overlay), "kernel_environment": dict(self.environment)},
            "ScoreGradeCells": {"hidden_data": self.hidden or ""},
        }


def _paths(value: str) -> list[str]:
    return [p for p in value.split(os.pathsep) if p and os.path.exists(p)]


def kernel_view(job: Any) -> KernelView:
    """The kernel's view. Hidden: the course and the scratch space. Readable: the coding
    questions (no keys), the hidden sets' inputs without their labels, and the embedding
    cache (through a layer that keeps what a notebook writes away from the real one). Keys
    and labels stay in the grader: grade_cell cells are scored there."""
    from autograder.course.checks import write_hidden_inputs
    from encoder_kit.cache import default_cache_dir
    from encoder_kit.questions import load_questions

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
    cache = env.get(CACHE_ENV) or str(default_cache_dir())
    environment: dict[str, str | None] = {
        GRADER_SCORES_ENV: "1", HIDDEN_DATA_ENV: None, HIDDEN_INPUTS_ENV: str(inputs),
        QUESTION_PATH_ENV: os.pathsep.join(code_only)}
    return KernelView(hide=list(job.hide), expose=[*code_only, str(inputs)],
                      overlay=_paths(cache), environment=environment, hidden=hidden)
