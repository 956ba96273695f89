"""``InProcessExecute``: nbgrader's Execute step, with the kernel inside the worker process.

Stock nbgrader starts a fresh Jupyter kernel process per notebook, which then imports
numpy, scikit-learn and encoder-kit again (seconds each time). A grading worker is forked
from a process that has already imported them, and runs the notebook in an in-process
IPython kernel (``ipykernel.inprocess``): the same kernel code, the same messages (stream,
display_data, execute_result, error), turned into cell outputs by nbclient's own
``process_message``. The worker is one process per notebook, so nothing leaks from one
student's notebook into the next.

A cell that runs past ``timeout`` seconds is stopped by an alarm signal and gets nbgrader's
``CellTimeoutError`` output; the notebook then goes on with the next cell, as nbgrader's
Execute does. The grader kills a whole notebook that runs past its wall-clock limit.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> nb = new_notebook(cells=[new_code_cell("x = 6 * 7"), new_code_cell("print(x); x")])
>>> nb, _ = InProcessExecute(timeout=10).preprocess(nb, {})
>>> [o["output_type"] for o in nb.cells[1].outputs], nb.cells[1].outputs[1]["data"]
(['stream', 'execute_result'], {'text/plain': '42'})
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

from nbclient.exceptions import CellExecutionComplete
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger notice on stderr

from ipykernel.inprocess.manager import InProcessKernelManager  # noqa: E402
from traitlets.config import Config  # noqa: E402


class CellTimeout(BaseException):
    """Raised inside a cell that ran too long (a BaseException: ``except Exception`` in the
    student's code does not swallow it)."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise CellTimeout("the cell ran past its time limit")


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise CellTimeout in this (main) thread after ``seconds``, then every second after."""
    usable = seconds and seconds > 0 and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(seconds), 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class InProcessExecute(Execute):
    """Execute a notebook in an in-process IPython kernel; outputs as nbclient makes them."""

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        resources = resources if resources is not None else {}
        path = (resources.get("metadata") or {}).get("path") or os.getcwd()
        self.nb = nb
        self.resources = resources
        self.record_timing = False
        self.reset_execution_trackers()
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        manager = InProcessKernelManager(config=config)
        manager.start_kernel()
        client = manager.client()
        client.start_channels()
        here = os.getcwd()
        try:
            os.chdir(path)
            for index, cell in enumerate(nb.cells):
                self._run_cell(client, cell, index)
        finally:
            os.chdir(here)
            with contextlib.suppress(Exception):
                client.stop_channels()
                manager.shutdown_kernel()
        return nb, resources

    def _run_cell(self, client: Any, cell: NotebookNode, index: int) -> None:
        if cell.cell_type != "code" or not cell.source.strip():
            return
        if self.skip_cells_with_tag in cell.get("metadata", {}).get("tags", []):
            return
        cell.outputs = []
        cell.execution_count = None
        self.clear_before_next_output = False
        timed_out = False
        reply = None
        try:
            with _alarm(self.timeout):
                client.execute(cell.source, store_history=True, allow_stdin=False,
                               stop_on_error=not self.allow_errors)
        except CellTimeout:
            timed_out = True  # the alarm hit the kernel's machinery rather than the cell
        self._collect(client, cell, index)
        while client.shell_channel.msg_ready():
            reply = client.get_shell_msg()
        if timed_out or any(o.get("ename") == "CellTimeout" for o in cell.outputs):
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "CellTimeout"]
            cell.outputs.append(NotebookNode(output_type="error", **self.error_on_timeout))
        elif reply is not None:
            self.on_cell_executed(cell=cell, cell_index=index, execute_reply=reply)

    def _collect(self, client: Any, cell: NotebookNode, index: int) -> None:
        while client.iopub_channel.msg_ready():
            message = client.get_iopub_msg()
            with contextlib.suppress(CellExecutionComplete):
                self.process_message(message, cell, index)
