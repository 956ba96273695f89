"""The grading kernel as a process of its own, separate from the grader that scores it.

``KernelProcess.start()`` forks the (already warm) grading process: the child confines itself
(:mod:`.confine`), joins a control group with the memory and process
limits (:mod:`.cgroups`, or the parent watches the process tree where
groups can't be made), starts an in-process IPython kernel and runs the cells it is sent.
It answers with the kernel's messages as length-prefixed JSON frames (:mod:`.frames`):
never pickle, since the parent must not run anything a student's code wrote. The parent, which holds nbgrader
and the gradebook, turns the messages into cell outputs and enforces the limits: a cell's
time (the child raises ``CellTimeout`` in the cell; a cell that swallows it is killed), the
notebook's time, memory, processes and output. When it has to stop the kernel it says why;
:mod:`.execute` then marks the cells that could not run. ::

    kernel = KernelProcess(limits, workdir=".")
    kernel.start()
    run = kernel.run_cell("print(6 * 7)", timeout=10, test=False)
    run.messages[0]["content"]["text"], run.stopped      # ('42\\n', '')
    kernel.stop()
"""

from __future__ import annotations

import json
import os
import select
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .frames import HEADER as _HEADER
from .frames import write_frame
from .layers import confine
from .layers.cgroups import KernelGroup
from .limits import Limits

MESSAGE_TYPES = {"stream", "display_data", "execute_result", "error", "clear_output",
                 "update_display_data", "execute_input", "status"}
GRACE_SECONDS = 3.0  # past a cell's limit, before a kernel that ignored CellTimeout is killed


@dataclass
class CellRun:
    """What one cell produced: the kernel's messages and reply, or why the kernel stopped."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    reply: dict[str, Any] | None = None
    timed_out: bool = False
    restored: list[str] = field(default_factory=list)
    stopped: str = ""


class KernelStopped(Exception):
    """The kernel process ended, was killed, or broke the protocol."""


class NotConfined(RuntimeError):
    """The kernel process could not confine itself and unconfined grading is not allowed:
    it ran nothing. The message names what is missing and how to allow it anyway."""


class KernelProcess:
    """Parent side of one notebook's kernel process (see the module docstring)."""

    def __init__(self, limits: Limits, workdir: str, hide: Sequence[str] = (),
                 expose: Sequence[str] = (), overlay: Sequence[str] = (),
                 environment: dict[str, str | None] | None = None,
                 allow_unconfined: bool = False) -> None:
        self.limits = limits
        # False: a kernel that cannot be confined refuses to run (start raises NotConfined)
        self.allow_unconfined = allow_unconfined
        self.workdir = workdir
        self.hide = list(hide)
        # the Python installation stays visible where /tmp or a hidden folder covers it
        self.expose = list(dict.fromkeys([*expose, *python_paths(hide)]))
        self.overlay = list(overlay)
        self.environment = dict(environment or {})
        self.pid = 0
        self.group: KernelGroup | None = None
        self.notes: list[str] = []
        self.started = 0.0
        self._to_child = self._from_child = -1
        self._buffer = b""
        self._status: int | None = None  # the kernel's wait status once it has ended

    # -- parent ------------------------------------------------------------------------
    def start(self) -> None:
        limits = self.limits
        self.group = KernelGroup.create("kernel", limits.memory_mb, limits.max_processes)
        if self.group is None:
            self.notes.append("memory and process limits enforced by watching the process "
                              "tree (no control groups here)")
        requests_r, requests_w = os.pipe()
        messages_r, messages_w = os.pipe()
        ready_r, ready_w = os.pipe()
        self.started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the kernel process: never returns
            os.close(requests_w)
            os.close(messages_r)
            os.read(ready_r, 1)  # wait until the parent has put us in the group
            from .kernel_child import main  # the child side; it never imports this module

            main(requests_r, messages_w, self)
        self.pid = pid
        for fd in (requests_r, messages_w, ready_r):
            os.close(fd)
        if self.group is not None:
            try:
                self.group.add(pid)
            except OSError as error:
                self.notes.append(f"control group not joined ({error}); watching the tree")
                self.group.remove()
                self.group = None
        os.write(ready_w, b"1")
        os.close(ready_w)
        self._to_child, self._from_child = requests_w, messages_r
        hello = self._read_frame(time.monotonic() + 60)
        self.notes.extend(hello.get("notes", []))
        refused = [str(x) for x in hello.get("refused", []) or []]
        if self.group is None and not self.allow_unconfined and _no_tree_watch():
            refused.append("no way to enforce the memory limit (no control groups, no psutil)")
        if refused:
            self.kill()
            raise NotConfined(refusal(refused))

    def run_cell(self, source: str, timeout: float, test: bool) -> CellRun:
        """Run one cell; never raises for what the notebook does."""
        run = CellRun()
        if not self.pid:
            run.stopped = "the kernel is not running"
            return run
        deadline = time.monotonic() + timeout + GRACE_SECONDS
        output_budget = 4 * self.limits.output_bytes + 2**20  # the child trims to 1x
        try:
            write_frame(self._to_child, {"source": source, "timeout": timeout, "test": test})
            while True:
                frame = self._read_frame(deadline, output_budget)
                output_budget -= frame.pop("_size", 0)
                if frame.get("t") == "done":
                    run.reply = frame.get("reply") if isinstance(frame.get("reply"),
                                                                 dict) else None
                    run.timed_out = bool(frame.get("timed_out"))
                    run.restored = [str(x) for x in frame.get("restored", [])][:50]
                    self.notes.extend(str(x) for x in frame.get("notes", [])[:5])
                    break
                message = _checked_message(frame)
                if message is not None:
                    run.messages.append(message)
        except KernelStopped as stop:
            run.stopped = str(stop)
            self.kill()
        except OSError as error:  # the pipe broke: the kernel is gone
            run.stopped = self._why_gone(f"the kernel stopped ({error.strerror})")
            self.kill()
        if not run.stopped and self._over_limit():
            run.stopped = self._over_limit()
            self.kill()
        return run

    def _over_limit(self) -> str:
        limits = self.limits
        if self.group is not None:
            if self.group.processes_exceeded():
                return (f"the notebook tried to run more than {limits.max_processes} "
                        "processes at once (the process limit)")
            return ""
        tree = confine.process_tree(self.pid)
        if len(tree) > limits.max_processes:
            return (f"the notebook ran {len(tree)} processes, more than the limit of "
                    f"{limits.max_processes}")
        memory = confine.tree_memory_mb(self.pid)
        if memory > limits.memory_mb:
            return f"the notebook used {memory:.0f} MB, more than the limit of " \
                   f"{limits.memory_mb:g} MB"
        return ""

    def _why_gone(self, default: str) -> str:
        if self.group is not None and self.group.memory_exceeded():
            return (f"the notebook used more than {self.limits.memory_mb:g} MB of memory "
                    "(the memory limit)")
        status = self._ended()
        done = status is not None
        if status is None:
            return default
        if done and os.WIFSIGNALED(status):
            return f"the kernel was killed by signal {os.WTERMSIG(status)}"
        if done and os.WIFEXITED(status):
            return f"the kernel process exited (code {os.WEXITSTATUS(status)})"
        return default

    def _ended(self) -> int | None:
        """The kernel's wait status when it has ended (reaped once, remembered), else None.
        A process the notebook started may hold the pipe open after the kernel died: the
        grader must not wait for an end of file that never comes."""
        if self._status is None and self.pid:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return None
            if done:
                self._status = status
        return self._status

    def _read_frame(self, deadline: float, budget: float = 2**30) -> dict[str, Any]:
        while True:
            if len(self._buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack(self._buffer[:_HEADER.size])
                if size > budget:
                    raise KernelStopped(
                        f"the notebook printed more than {self.limits.output_bytes} bytes "
                        "in one cell and kept going (the output limit)")
                if len(self._buffer) >= _HEADER.size + size:
                    payload = self._buffer[_HEADER.size:_HEADER.size + size]
                    self._buffer = self._buffer[_HEADER.size + size:]
                    try:
                        frame = json.loads(payload)
                    except ValueError:
                        raise KernelStopped("the kernel sent something unreadable") from None
                    if not isinstance(frame, dict):
                        raise KernelStopped("the kernel sent something unreadable")
                    frame["_size"] = size
                    return frame
            now = time.monotonic()
            limit = min(deadline, self.started + self.limits.notebook_timeout)
            if now >= limit:
                if limit < deadline:
                    raise KernelStopped(f"the notebook ran past its limit of "
                                        f"{self.limits.notebook_timeout:g} s")
                raise KernelStopped("a cell ran past its time limit and could not be "
                                    "interrupted")
            ready, _, _ = select.select([self._from_child], [], [], min(0.1, limit - now))
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise KernelStopped(self._why_gone("the kernel process ended"))
                self._buffer += chunk
            else:
                over = self._over_limit()
                if over:
                    raise KernelStopped(over)
                if self._ended() is not None:  # gone, though something holds its pipe
                    raise KernelStopped(self._why_gone("the kernel process ended"))

    def kill(self) -> None:
        """Kill the kernel and every process it started."""
        if self.group is not None:
            self.group.kill_all()
        if self.pid:
            confine.kill_tree(self.pid)
            if self._status is None:
                try:
                    os.waitpid(self.pid, 0)
                except ChildProcessError:
                    pass
        self.pid = 0

    def stop(self) -> None:
        """End the kernel (and everything it started) and release its resources."""
        self.kill()
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to_child = self._from_child = -1
        if self.group is not None:
            self.group.remove()
            self.group = None


def refusal(missing: Sequence[str]) -> str:
    """Why a notebook is not graded on this machine, and how to fix or override it."""
    return ("the grading kernel cannot be confined on this machine, so no notebook is run: "
            + "; ".join(missing) + ". Fix: grade as root, or allow unprivileged user "
            "namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu "
            "24.04; a pod with CAP_SYS_ADMIN or a user-namespace runtime), install pyseccomp; "
            "`encoder-kit course doctor` lists what is missing. Or grade unconfined anyway: "
            "encoder-kit course grade --allow-unconfined (or "
            "c.SandboxedExecute.allow_unconfined = True); every submission is then noted "
            "as not isolated")


def _no_tree_watch() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return True
    return False


def _checked_message(frame: dict[str, Any]) -> dict[str, Any] | None:
    """A kernel message as nbclient expects it, from a frame the parent does not trust."""
    kind, content = frame.get("msg_type"), frame.get("content")
    if kind not in MESSAGE_TYPES or not isinstance(content, dict):
        return None
    return {"msg_type": kind, "header": {"msg_type": kind}, "content": content,
            "metadata": {}, "parent_header": {}}


def python_paths(hide: Sequence[str]) -> list[str]:
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
