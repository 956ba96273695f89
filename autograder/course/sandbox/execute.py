"""``SandboxedExecute``: nbgrader's Execute step, with the student's code in a confined process.

Stock nbgrader starts a fresh Jupyter kernel per notebook, which imports numpy,
scikit-learn and encoder-kit again (seconds each time), and runs it with the grader's
rights and no limits. Here the grading process, already warm, forks a kernel process
(:mod:`autograder.course.sandbox.kernel_process`) that confines itself and runs the cells;
this process keeps nbgrader, the gradebook and the scores, and only reads the kernel's
messages (the same stream, display_data, execute_result and error messages, turned into
outputs by nbclient's own ``process_message``). It only executes: the ``grade_cell`` cells
are scored afterwards by the next step in the chain,
:class:`autograder.course.scoring.ScoreGradeCells`.

Everything it needs is a traitlet, so ``nbgrader_config.py`` (or the grader) sets it:
the limits (``Execute.timeout`` per cell, ``notebook_timeout``, ``memory_mb``,
``max_processes``, ``max_output``), the kernel's view of the file system (``hide``,
``expose``, ``overlay``) and its environment (``kernel_environment``; a value of None
unsets). ``encoder-kit course grade``'s flags map onto these.

A cell that runs past ``timeout`` seconds gets nbgrader's ``CellTimeoutError`` output and
the notebook goes on, as nbgrader's Execute does. When the kernel has to be stopped (the
notebook's time, memory or process limit, a cell that ignores its time limit, the notebook
ending its own process), the cells that ran keep their outputs and every later code cell
gets an error output that says why, so test cells after it score 0 and those before keep
their points. The reasons go to the instructor's notes (:mod:`autograder.course.notes`).

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> nb = new_notebook(cells=[new_code_cell("x = 6 * 7"), new_code_cell("print(x); x")])
>>> nb, _ = SandboxedExecute(timeout=10).preprocess(nb, {})
>>> [o["output_type"] for o in nb.cells[1].outputs], nb.cells[1].outputs[1]["data"]
(['stream', 'execute_result'], {'text/plain': '42'})
"""

from __future__ import annotations

import contextlib
import os
import warnings
from typing import Any

from nbclient.exceptions import CellExecutionComplete
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Dict, Float, Integer, List, Unicode

from autograder.course.notes import add_note
from autograder.course.protocol import is_test_cell

from .kernel_process import KernelProcess
from .limits import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_MAX_PROCESSES,
    DEFAULT_MEMORY_MB,
    DEFAULT_NOTEBOOK_TIMEOUT,
    DEFAULT_OUTPUT_BYTES,
    Limits,
)

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger notice on stderr

NOT_RUN = "NotRun"


def _label(cell: NotebookNode, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")


class SandboxedExecute(Execute):
    """Execute a notebook in a confined kernel process; outputs as nbclient makes them."""

    notebook_timeout = Float(DEFAULT_NOTEBOOK_TIMEOUT, help=(
        "Seconds the whole notebook may run before its kernel is stopped "
        "(encoder-kit course grade --timeout)")).tag(config=True)
    memory_mb = Float(DEFAULT_MEMORY_MB, help=(
        "Memory (MB) of the kernel and every process it starts (--memory-mb)")).tag(config=True)
    max_processes = Integer(DEFAULT_MAX_PROCESSES, help=(
        "Processes the notebook may run at once (--max-processes)")).tag(config=True)
    max_output = Integer(DEFAULT_OUTPUT_BYTES, help=(
        "Bytes of output one cell may print; more is cut (--max-output)")).tag(config=True)
    hide = List(Unicode(), help=(
        "Folders the kernel must not see (they appear empty): the course, the grading "
        "scratch space")).tag(config=True)
    expose = List(Unicode(), help=(
        "Paths the kernel may read even inside a hidden folder (read-only)")).tag(config=True)
    overlay = List(Unicode(), help=(
        "Folders the kernel may write through a copy-on-write layer that vanishes with it "
        "(the embedding cache)")).tag(config=True)
    kernel_environment = Dict(help=(
        "Environment variables set in the kernel (a value of None unsets one)")).tag(config=True)
    drop_links = Bool(False, help=(
        "After the kernel is gone, remove the symbolic links the notebook left in its "
        "folder (a link in place of the graded notebook would make nbgrader write where it "
        "points). On only where the folder is the grader's own private copy: "
        "`encoder-kit course grade` sets it for its scratch courses")).tag(config=True)
    allow_unconfined = Bool(False, help=(
        "Run notebooks even where the kernel cannot be confined (no namespaces, a mount "
        "left writable, no system-call filter); each such notebook gets a 'not-isolated' "
        "note. False (the default): such a kernel runs nothing and the submission is not "
        "graded (encoder-kit course grade --allow-unconfined)")).tag(config=True)

    def limits(self) -> Limits:
        """The limits these traitlets (and ``Execute.timeout``) set; ValueError if invalid."""
        return Limits(cell_timeout=self.timeout or DEFAULT_CELL_TIMEOUT,
                      notebook_timeout=self.notebook_timeout, memory_mb=self.memory_mb,
                      max_processes=self.max_processes, output_bytes=self.max_output)

    @classmethod
    def for_limits(cls, limits: Limits, **traits: Any) -> SandboxedExecute:
        """A step with ``limits`` (and other traitlets) set, for use outside nbgrader."""
        return cls(timeout=max(1, round(limits.cell_timeout)),
                   notebook_timeout=limits.notebook_timeout, memory_mb=limits.memory_mb,
                   max_processes=limits.max_processes, max_output=limits.output_bytes,
                   **traits)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        resources = resources if resources is not None else {}
        named = (resources.get("metadata") or {}).get("path")
        path = named or os.getcwd()
        self.nb = nb
        self.resources = resources
        self.record_timing = False
        self.reset_execution_trackers()
        limits = self.limits()
        kernel = KernelProcess(limits, os.path.abspath(path), hide=self.hide,
                               expose=self.expose, overlay=self.overlay,
                               environment=self.kernel_environment,
                               allow_unconfined=self.allow_unconfined)
        stopped = ""
        try:
            kernel.start()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                if self.skip_cells_with_tag in cell.get("metadata", {}).get("tags", []):
                    continue
                if stopped:
                    cell.outputs = [_error(NOT_RUN, f"not run: {stopped}")]
                    continue
                stopped = self._run_cell(kernel, cell, index, limits)
        except OSError as error:  # the kernel could not start: every cell says why
            for cell in nb.cells:
                if cell.cell_type == "code" and cell.source.strip():
                    cell.outputs = [_error(NOT_RUN, f"not run: no kernel ({error})")]
            add_note(f"the grading kernel could not start ({error})")
        finally:
            for note in kernel.notes:
                add_note(note)
            kernel.stop()
            # only the grader's private copy, never a folder it was merely started in (a
            # walk of a checkout once unlinked .venv/bin/python)
            if named and self.drop_links:
                _drop_links(os.path.abspath(path))
        return nb, resources

    def _run_cell(self, kernel: KernelProcess, cell: NotebookNode, index: int,
                  limits: Limits) -> str:
        """Run one cell; the reason the kernel stopped ('' when it did not)."""
        cell.outputs = []
        cell.execution_count = None
        self.clear_before_next_output = False
        timeout = float(self.timeout or limits.cell_timeout)
        run = kernel.run_cell(cell.source, timeout, is_test_cell(cell))
        if run.restored:
            add_note(f"{_label(cell, index)}: the notebook had replaced "
                          f"{', '.join(run.restored[:5])}; put back before the test ran")
        for message in run.messages:
            with contextlib.suppress(CellExecutionComplete):
                self.process_message(message, cell, index)
        if run.stopped:
            cell.outputs.append(_error(NOT_RUN, f"the kernel was stopped: {run.stopped}"))
            add_note(f"{_label(cell, index)}: kernel stopped: {run.stopped}; the "
                          "cells after it were not run")
            return run.stopped
        if run.timed_out:
            cell.outputs.append(NotebookNode(output_type="error", **self.error_on_timeout))
            add_note(f"{_label(cell, index)}: stopped at the {timeout:g} s cell limit")
        elif run.reply is not None:
            self.on_cell_executed(cell=cell, cell_index=index,
                                  execute_reply={"content": run.reply})
        return ""


def _drop_links(folder: str) -> None:
    """Remove the symbolic links the notebook left in its folder, once its kernel (and
    everything it started) is gone: nbgrader writes the graded notebook there next, and a
    link put in its place would make the grader write wherever it points (the course)."""
    removed = []
    for where, folders, files in os.walk(folder):  # links are listed, never followed
        for name in [*folders, *files]:
            path = os.path.join(where, name)
            if os.path.islink(path):
                with contextlib.suppress(OSError):
                    os.unlink(path)
                    removed.append(os.path.relpath(path, folder))
    if removed:
        add_note("the notebook left symbolic links in its folder, removed before the "
                 f"grader wrote there: {', '.join(sorted(removed)[:5])}", "other")


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[
        f"{name}: {text}"])


class InProcessExecute(SandboxedExecute):
    """Deprecated: the old name of :class:`SandboxedExecute` (it never ran in-process)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn("InProcessExecute is now SandboxedExecute (the kernel runs in a "
                      "sandboxed process of its own); use that name", DeprecationWarning,
                      stacklevel=2)
        super().__init__(*args, **kwargs)
