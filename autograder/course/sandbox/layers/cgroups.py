"""A control group per grading kernel: a hard memory limit, a process limit, and a kill
that reaches every process the notebook started (double forks and new sessions included).

Linux only, and only where the grader may create control groups (root, or a delegated
cgroup v2 subtree). ``KernelGroup.create`` returns ``None`` elsewhere, and the sandbox falls
back to watching the process tree (see :mod:`.confine`).

>>> group = KernelGroup.create("doctest", memory_mb=256, max_processes=16)
>>> group is None or group.pids() == []
True
>>> if group is not None: group.remove()
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "encoder-kit"


def _events(words: list[str]) -> dict[str, str]:
    """``key value key value ...`` (a cgroup events file) as a dict."""
    return dict(zip(words[::2], words[1::2], strict=False))


def _write(path: Path, value: str) -> None:
    with open(path, "w") as handle:
        handle.write(value)


class KernelGroup:
    """One grading kernel's control group (cgroup v1 or v2)."""

    def __init__(self, folders: dict[str, Path], version: int) -> None:
        self.folders = folders
        self.version = version

    @classmethod
    def create(cls, name: str, memory_mb: float, max_processes: int) -> KernelGroup | None:
        """A new group with these limits, or ``None`` where groups can't be made here."""
        unique = f"{name}-{os.getpid()}-{time.monotonic_ns()}"
        try:
            if (ROOT / "cgroup.controllers").exists():
                return cls._create_v2(unique, memory_mb, max_processes)
            return cls._create_v1(unique, memory_mb, max_processes)
        except OSError:
            return None

    @classmethod
    def _create_v1(cls, name: str, memory_mb: float, max_processes: int) -> KernelGroup | None:
        folders = {}
        for controller in ("pids", "memory", "freezer"):
            if not (ROOT / controller / "cgroup.procs").exists():
                return None
            folder = ROOT / controller / PREFIX / name
            folder.mkdir(parents=True)
            folders[controller] = folder
        group = cls(folders, 1)
        try:
            _write(folders["pids"] / "pids.max", str(max_processes))
            limit = str(int(memory_mb * 2**20))
            _write(folders["memory"] / "memory.limit_in_bytes", limit)
            swap = folders["memory"] / "memory.memsw.limit_in_bytes"
            if swap.exists():  # no escape into swap
                _write(swap, limit)
        except OSError:
            group.remove()
            return None
        return group

    @classmethod
    def _create_v2(cls, name: str, memory_mb: float, max_processes: int) -> KernelGroup | None:
        parent = ROOT / PREFIX
        parent.mkdir(exist_ok=True)
        controllers = set((ROOT / "cgroup.subtree_control").read_text().split())
        if not {"pids", "memory"} <= controllers:
            return None
        with open(parent / "cgroup.subtree_control", "w") as handle:
            handle.write("+pids +memory")
        folder = parent / name
        folder.mkdir()
        group = cls({"pids": folder, "memory": folder, "freezer": folder}, 2)
        try:
            _write(folder / "pids.max", str(max_processes))
            _write(folder / "memory.max", str(int(memory_mb * 2**20)))
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", "0")
        except OSError:
            group.remove()
            return None
        return group

    def add(self, pid: int) -> None:
        """Move ``pid`` (and so everything it starts later) into the group."""
        for folder in dict.fromkeys(self.folders.values()):
            _write(folder / "cgroup.procs", str(pid))

    def pids(self) -> list[int]:
        """The processes in the group now."""
        try:
            text = (self.folders["pids"] / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(line) for line in text.split()]

    def memory_exceeded(self) -> bool:
        """True when the kernel hit the memory limit (the kernel's OOM killer acted)."""
        try:
            if self.version == 2:
                events = (self.folders["memory"] / "memory.events").read_text().split()
                return int(_events(events).get("oom_kill", 0)) > 0
            folder = self.folders["memory"]
            control = _events((folder / "memory.oom_control").read_text().split())
            if int(control.get("oom_kill", 0)) > 0:
                return True
            return int((folder / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError):
            return False

    def processes_exceeded(self) -> bool:
        """True when a fork was refused because of the process limit."""
        try:
            events = (self.folders["pids"] / "pids.events").read_text().split()
            return int(_events(events).get("max", 0)) > 0
        except (OSError, ValueError):
            return False

    def kill_all(self) -> None:
        """Freeze the group (no more forks), kill every process in it, thaw."""
        if self.version == 2 and (self.folders["pids"] / "cgroup.kill").exists():
            _write(self.folders["pids"] / "cgroup.kill", "1")
            return
        freezer = self.folders["freezer"] / ("freezer.state" if self.version == 1
                                             else "cgroup.freeze")
        frozen, thawed = ("FROZEN", "THAWED") if self.version == 1 else ("1", "0")
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            try:
                _write(freezer, frozen)
            except OSError:
                pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                _write(freezer, thawed)  # killed processes only die once thawed
            except OSError:
                pass
            time.sleep(0.02)

    def remove(self) -> None:
        """Kill what is left and delete the group."""
        self.kill_all()
        for folder in dict.fromkeys(self.folders.values()):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # a process is still leaving
                    time.sleep(0.02)
