"""The kernel process's side of :mod:`.kernel_process` (runs the cells).

``main`` confines the process, starts an in-process IPython kernel, then answers each
request (a cell's source, its time limit, whether it is a test cell) with the kernel's
messages and a ``done`` frame. Before a test cell it puts the grading helpers back
(:mod:`.pristine`). Output past the limit is cut here (the parent kills a
kernel that sends far more anyway). A process the notebook forked that comes back into this
loop exits at once, so only the kernel itself ever talks to the grader.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import traceback
from typing import Any

from .frames import read_frame, write_frame

# modules whose functions and classes a test cell may rely on (restored before each one)
PROTECTED = ("autograder", "encoder_kit", "sklearn", "seqeval", "numpy", "builtins", "json",
             "math", "statistics", "operator", "functools", "collections", "re", "os",
             "pathlib", "io", "warnings", "pandas")


class CellTimeout(BaseException):
    """Raised inside a cell that ran too long (a BaseException, so ``except Exception`` in
    the student's code does not swallow it)."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise CellTimeout("the cell ran past its time limit")


class _Trimmer:
    """Cuts a cell's output at ``limit`` bytes and says so once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent = 0
        self.cut = False

    def keep(self, message: dict[str, Any]) -> dict[str, Any] | None:
        kind, content = message["msg_type"], message["content"]
        if kind not in ("stream", "display_data", "execute_result", "error",
                        "update_display_data"):
            return message
        size = len(json.dumps(content, default=str))
        if self.sent + size <= self.limit:
            self.sent += size
            return message
        if kind == "error":  # errors decide scores: keep them, shortened
            content = dict(content, traceback=list(content.get("traceback", []))[-3:])
            return {"msg_type": kind, "content": content}
        if self.cut:
            return None
        if kind == "stream" and self.sent < self.limit:  # keep the start of the text
            text = str(content.get("text", ""))[: self.limit - self.sent]
            self.sent = self.limit
            self.cut = True
            return {"msg_type": kind, "content": {
                "name": content.get("name", "stdout"),
                "text": text + f"\n[output cut: this cell printed more than {self.limit} "
                               "bytes, the grader's output limit]\n"}}
        self.cut = True
        return {"msg_type": "stream", "content": {
            "name": "stdout",
            "text": f"\n[output cut: this cell printed more than {self.limit} bytes, the "
                    "grader's output limit]\n"}}


def main(requests: int, messages: int, spec: Any) -> None:
    """Body of the kernel process; never returns."""
    me = os.getpid()
    try:
        from .layers.confine import confine_checked

        # the filters' binding is imported before confinement: a fresh /tmp would hide a
        # virtual environment that lives under /tmp
        from .layers.filters import load_syscall_filter  # noqa: F401

        notes, missing = confine_checked(
            workdir=spec.workdir, keep_fds=[requests, messages],
            file_bytes=max(spec.limits.output_bytes, 64 * 2**20), hide=spec.hide,
            expose=spec.expose, overlay=spec.overlay,
            # /tmp and /dev/shm each a quarter of the memory limit: filling both stops at
            # "no space left" well before the memory limit (tmpfs pages are the group's)
            tmp_bytes=int(spec.limits.memory_mb * 2**20 / 4))
        os.environ.update({"MPLCONFIGDIR": "/tmp/.matplotlib", "TQDM_DISABLE": "1"})
        for name, value in spec.environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _serve(requests, messages, spec, notes, me, missing)
    except BaseException:  # noqa: BLE001 - report, then end this process whatever happened
        if os.getpid() == me:
            with contextlib.suppress(Exception):
                write_frame(messages, {"t": "done", "notes": [
                    "the kernel process failed: " + traceback.format_exc(limit=3)[-500:]]})
    os._exit(0)


def _start() -> tuple[Any, Any]:
    from ipykernel.inprocess.manager import InProcessKernelManager
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if InteractiveShell.initialized():
        # a shell of the process this one was forked from (a test run, a notebook that
        # grades) is not the kernel's: the kernel's shell must be the one singleton here
        type(InteractiveShell.instance()).clear_instance()
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    manager = InProcessKernelManager(config=config)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    return manager, client


def warm_kernel() -> None:
    """Start and stop an in-process kernel here once, so that the kernels of processes
    forked from this one start warm (the first start imports some 150 modules)."""
    manager, client = _start()
    client.execute("pass", store_history=False)
    while client.iopub_channel.msg_ready():
        client.get_iopub_msg()
    client.stop_channels()
    manager.shutdown_kernel()


def _filter(spec: Any, missing: list[str]) -> list[str]:
    """Load the system-call filter and the Landlock rule set (after the kernel's set-up,
    before the first cell); a missing filter joins ``missing``, a missing Landlock layer
    (optional: it needs Linux 5.13) is only noted. The notes it adds."""
    from .layers.filters import load_landlock, load_syscall_filter

    writable = [spec.workdir, "/tmp", "/dev/shm", *spec.overlay]
    why = load_landlock([os.path.abspath(p) for p in writable]) if getattr(
        spec, "landlock", True) else ""
    notes = [f"not isolated: {why}"] if why else []
    why = load_syscall_filter()
    if why:
        missing.append(why)
    return notes


def _serve(requests: int, messages: int, spec: Any, notes: list[str], me: int,
           missing: list[str] | None = None) -> None:
    from .pristine import Snapshot

    missing = list(missing or [])
    manager, client = _start()
    snapshot = Snapshot.take(PROTECTED)
    notes = [*notes, *_filter(spec, missing)]
    if missing and not getattr(spec, "allow_unconfined", False):
        # fail closed: no cell of the notebook runs in a kernel that is not confined
        write_frame(messages, {"t": "hello", "notes": notes, "refused": missing})
        return
    notes += [m if "not isolated" in m or "not confined" in m else f"not isolated: {m}"
              for m in missing]
    write_frame(messages, {"t": "hello", "notes": notes})
    signal.signal(signal.SIGALRM, _on_alarm)
    while True:
        try:
            request = read_frame(requests)
        except EOFError:
            return
        restored = snapshot.restore() if request.get("test") else []
        timed_out = False
        try:
            signal.setitimer(signal.ITIMER_REAL, float(request["timeout"]), 1.0)
            client.execute(request["source"], store_history=True, allow_stdin=False)
        except CellTimeout:
            timed_out = True  # the alarm hit the kernel's machinery rather than the cell
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if os.getpid() != me:  # a process the cell forked came back here: not ours to talk
            os._exit(0)
        trimmer = _Trimmer(spec.limits.output_bytes)
        while client.iopub_channel.msg_ready():
            message = client.get_iopub_msg()
            if message.get("msg_type") == "error" and message["content"].get(
                    "ename") == "CellTimeout":
                timed_out = True
                continue
            kept = trimmer.keep({"msg_type": message.get("msg_type"),
                                 "content": message.get("content", {})})
            if kept is not None:
                write_frame(messages, kept)
        reply = None
        while client.shell_channel.msg_ready():
            reply = client.get_shell_msg().get("content")
        sys.stdout.flush()
        write_frame(messages, {"t": "done", "reply": reply, "timed_out": timed_out,
                               "restored": restored})
