"""Which of the sandbox's layers this machine provides, found by trying them.

``probe()`` forks a process that confines itself exactly as a grading kernel does
(:func:`.confine.confine_checked`, then the filters of :mod:`.filters`) and reports what
held; this process tries a control group. Each ``Layer`` says whether it is there, what was
seen, and how to get it where it is missing. ``required`` layers are the ones without which
``encoder-kit course grade`` refuses to run (unless unconfined grading is allowed):
namespaces, read-only remounts, the capability drop, the system-call filter and a way to
enforce the memory limit. ``encoder-kit course doctor`` prints the table.

>>> layers = probe()
>>> [layer.name for layer in layers][:3]
['user namespace', 'mount namespace', 'network namespace']
>>> all(isinstance(layer.ok, bool) for layer in layers)
True
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    """One layer of the sandbox on this machine."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "fix": self.fix,
                "required": self.required}


USERNS_FIX = ("run the grader as root, or allow unprivileged user namespaces "
              "(Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0, or an "
              "AppArmor profile allowing userns for python; Kubernetes: a pod with "
              "CAP_SYS_ADMIN or a user-namespace runtime)")


def _child_report(work: str) -> dict[str, object]:
    """In the forked process: confine as a kernel does, then test what holds."""
    import socket

    from .confine import confine_checked
    from .filters import load_landlock, load_syscall_filter

    report: dict[str, object] = {"root": os.geteuid() == 0}
    notes, missing = confine_checked(workdir=work, keep_fds=[], file_bytes=2**20,
                                     tmp_bytes=2**24)
    report["missing"] = missing
    report["notes"] = notes
    report["landlock"] = load_landlock([work, "/tmp", "/dev/shm"])
    report["seccomp"] = load_syscall_filter()
    with open("/proc/self/status") as handle:
        status = dict(line.split(":\t", 1) for line in handle if ":\t" in line)
    report["capabilities"] = {k: status.get(k, "").strip() for k in ("CapEff", "CapBnd")}
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        report["inet_socket"] = "allowed"
    except OSError as error:
        report["inet_socket"] = error.strerror or str(error)
    try:
        with open("/etc/.ek-probe", "w"):
            pass
        report["root_fs"] = "writable"
    except OSError as error:
        report["root_fs"] = error.strerror or str(error)
    return report


def _run_child() -> dict[str, object]:
    work = tempfile.mkdtemp(prefix="ek-probe-")
    try:
        return _fork_child(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fork_child(work: str) -> dict[str, object]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read)
        try:
            data = json.dumps(_child_report(work)).encode()
        except BaseException as error:  # noqa: BLE001
            data = json.dumps({"failed": f"{type(error).__name__}: {error}"}).encode()
        os.write(write, data)
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 16):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        return {"failed": "the probe process sent nothing readable"}


def probe() -> list[Layer]:
    """The layers of the sandbox on this machine (see the module docstring)."""
    if sys.platform != "linux":
        return [Layer("namespaces", False, f"not Linux ({sys.platform})",
                      "grade on Linux (a container or a virtual machine)")]
    seen = _run_child()
    missing = [str(m) for m in seen.get("missing", [])] if "failed" not in seen else [
        str(seen["failed"])]
    no_ns = next((m for m in missing if "network and file system not isolated" in m
                  or m == seen.get("failed")), "")
    view = next((m for m in missing if "file system not isolated" in m and m != no_ns), "")
    ro = next((m for m in missing if "not confined" in m), "")
    caps = next((m for m in missing if "capabilities not dropped" in m), "")
    as_root = bool(seen.get("root"))
    ns_detail = no_ns or ("entered (as root)" if as_root else "entered (unprivileged)")
    layers = [
        Layer("user namespace", not no_ns, "not needed as root" if as_root and not no_ns
              else ns_detail, "" if not no_ns else USERNS_FIX),
        Layer("mount namespace", not no_ns and not view, view or ns_detail,
              USERNS_FIX if no_ns or view else ""),
        Layer("network namespace", not no_ns, f"{ns_detail}; an internet socket: "
              f"{seen.get('inet_socket', '?')}", USERNS_FIX if no_ns else ""),
        Layer("read-only remounts", not (no_ns or view or ro),
              ro or view or no_ns or f"every other mount read-only (writing /etc: "
                                     f"{seen.get('root_fs', '?')})",
              "" if not ro else "report it: a mount flag the sandbox does not keep"),
    ]
    capabilities = seen.get("capabilities") or {}
    dropped = not no_ns and not caps and all(
        str(v).strip("0") == "" for v in dict(capabilities).values())
    layers.append(Layer("capabilities drop", dropped, caps or no_ns or
                        f"effective {capabilities.get('CapEff', '?')}, bounding "
                        f"{capabilities.get('CapBnd', '?')}", "" if dropped else USERNS_FIX))
    layers += _groups()
    seccomp = str(seen.get("seccomp", "not tried"))
    layers.append(Layer("seccomp filter", not seccomp, seccomp or "loaded (deny list, EPERM)",
                        "" if not seccomp else "pip install pyseccomp; apt-get install "
                        "libseccomp2 (a kernel with CONFIG_SECCOMP_FILTER)"))
    landlock = str(seen.get("landlock", "not tried"))
    from .filters import landlock_abi

    layers.append(Layer("Landlock", not landlock, landlock or f"ABI {landlock_abi()}: writes "
                        "only in the notebook's folder, /tmp, /dev/shm", "" if not landlock
                        else "Linux 5.13 or later with lsm=...,landlock", required=False))
    layers.append(_cache())
    layers.append(_versions())
    return layers


def _groups() -> list[Layer]:
    from .cgroups import KernelGroup

    group = KernelGroup.create("probe", memory_mb=64, max_processes=8)
    if group is not None:
        group.remove()
        return [Layer(f"control groups v{group.version} (memory, pids)", True,
                      "a hard memory and process limit per kernel", required=True)]
    try:
        import psutil  # noqa: F401
    except ImportError:
        return [Layer("control groups (memory, pids)", False, "no control groups and no "
                      "psutil: the memory limit cannot be enforced",
                      "pip install psutil, or delegate a cgroup v2 subtree to the grader")]
    return [Layer("control groups (memory, pids)", False, "none here: the memory and process "
                  "limits are enforced by watching the process tree (slower to react)",
                  "run as root, or delegate a cgroup v2 subtree with the memory and pids "
                  "controllers (systemd-run --user -p Delegate=yes ...)", required=False)]


def _cache() -> Layer:
    from autograder.course.protocol import CACHE_ENV

    try:
        from encoder_kit.cache import default_cache_dir

        folder = os.environ.get(CACHE_ENV) or str(default_cache_dir())
    except Exception as error:  # noqa: BLE001
        return Layer("cache warm", False, f"no cache folder ({error})", required=False)
    files = [p for p in (os.listdir(folder) if os.path.isdir(folder) else [])]
    warm = bool(files)
    return Layer("cache warm", warm, f"{folder}: " + (f"{len(files)} file(s)" if warm else
                                                       "empty or missing"),
                 "" if warm else "encoder-kit course warm-cache", required=False)


def _versions() -> Layer:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Linux {platform.release()}", f"Python {platform.python_version()}"]
    for name in ("encoder-kit", "nbgrader", "pyseccomp"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} missing")
    return Layer("versions", True, ", ".join(parts), required=False)


def missing_layers(layers: list[Layer] | None = None) -> list[Layer]:
    """The required layers this machine lacks (grading refuses while there are any)."""
    return [layer for layer in (layers if layers is not None else probe())
            if layer.required and not layer.ok]
