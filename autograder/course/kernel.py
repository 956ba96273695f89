"""``SandboxedExecute``: nbgrader's Execute step, with the student's code in a confined process.

Stock nbgrader starts a fresh Jupyter kernel per notebook, which imports numpy,
scikit-learn and encoder-kit again (seconds each time), and runs it with the grader's
rights and no limits. Here the grading process, already warm, forks a kernel process
(:mod:`autograder.course.kernel_process`) that confines itself and runs the cells; this
process keeps nbgrader, the gradebook and the scores, and only reads the kernel's messages
(the same stream, display_data, execute_result and error messages, turned into outputs by
nbclient's own ``process_message``).

A cell that runs past ``timeout`` seconds gets nbgrader's ``CellTimeoutError`` output and
the notebook goes on, as nbgrader's Execute does. When the kernel has to be stopped (the
notebook's time, memory or process limit, a cell that ignores its time limit, the notebook
ending its own process), the cells that ran keep their outputs and every later code cell
gets an error output that says why, so test cells after it score 0 and those before keep
their points. ``take_notes()`` gives the reasons for the instructor's report.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> nb = new_notebook(cells=[new_code_cell("x = 6 * 7"), new_code_cell("print(x); x")])
>>> nb, _ = SandboxedExecute(timeout=10).preprocess(nb, {})
>>> [o["output_type"] for o in nb.cells[1].outputs], nb.cells[1].outputs[1]["data"]
(['stream', 'execute_result'], {'text/plain': '42'})
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nbclient.exceptions import CellExecutionComplete
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

from .kernel_process import KernelProcess
from .limits import Limits

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger notice on stderr

NOT_RUN = "NotRun"
_settings: dict[str, Any] = {"limits": None, "hide": (), "expose": (), "overlay": (),
                             "environment": {}, "scoring": None}
_notes: list[str] = []


def configure(limits: Limits, hide: Sequence[str] = (), expose: Sequence[str] = (),
              overlay: Sequence[str] = (), environment: dict[str, str | None] | None = None,
              scoring: dict[str, Any] | None = None) -> None:
    """Set the limits, file-system view and environment (a value of None unsets) of the
    kernels this process starts; with ``scoring`` ({"hidden": folder or None}), grade_cell
    cells are scored in this process afterwards (see :mod:`autograder.course.scoring`)."""
    _settings.update(limits=limits, hide=tuple(hide), expose=tuple(expose),
                     overlay=tuple(overlay), environment=dict(environment or {}),
                     scoring=scoring)


def take_notes() -> list[str]:
    """What the kernels of this process had to stop or put back, for the instructor."""
    notes = list(dict.fromkeys(_notes))
    _notes.clear()
    return notes


def is_test_cell(cell: NotebookNode) -> bool:
    """A code cell nbgrader grades by running it (a test), not a student's answer cell."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get(
        "solution")


def _label(cell: NotebookNode, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")


class SandboxedExecute(Execute):
    """Execute a notebook in a confined kernel process; outputs as nbclient makes them."""

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        resources = resources if resources is not None else {}
        path = (resources.get("metadata") or {}).get("path") or os.getcwd()
        self.nb = nb
        self.resources = resources
        self.record_timing = False
        self.reset_execution_trackers()
        limits = _settings["limits"] or Limits(cell_timeout=self.timeout or 300)
        kernel = KernelProcess(limits, os.path.abspath(path), hide=_settings["hide"],
                               expose=_settings["expose"], overlay=_settings["overlay"],
                               environment=_settings["environment"])
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
            _notes.append(f"the grading kernel could not start ({error})")
        finally:
            _notes.extend(kernel.notes)
            kernel.stop()
        if _settings["scoring"] is not None:
            from .scoring import score_notebook

            hidden = _settings["scoring"].get("hidden")
            _notes.extend(score_notebook(nb, Path(path), Path(hidden) if hidden else None))
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
            _notes.append(f"{_label(cell, index)}: the notebook had replaced "
                          f"{', '.join(run.restored[:5])}; put back before the test ran")
        for message in run.messages:
            with contextlib.suppress(CellExecutionComplete):
                self.process_message(message, cell, index)
        if run.stopped:
            cell.outputs.append(_error(NOT_RUN, f"the kernel was stopped: {run.stopped}"))
            _notes.append(f"{_label(cell, index)}: kernel stopped: {run.stopped}; the "
                          "cells after it were not run")
            return run.stopped
        if run.timed_out:
            cell.outputs.append(NotebookNode(output_type="error", **self.error_on_timeout))
            _notes.append(f"{_label(cell, index)}: stopped at the {timeout:g} s cell limit")
        elif run.reply is not None:
            self.on_cell_executed(cell=cell, cell_index=index,
                                  execute_reply={"content": run.reply})
        return ""


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[
        f"{name}: {text}"])


InProcessExecute = SandboxedExecute  # the name used before the kernel had its own process
