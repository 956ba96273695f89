"""Confine a grading kernel process before it runs a student's code (Linux).

``confine`` is called in the freshly forked kernel process. What it does, and what it does
where it can't:

- its own session, and it adopts orphans (``PR_SET_CHILD_SUBREAPER``), so every process the
  notebook starts stays in the kernel's tree and dies with it;
- inherited open files and network sockets are closed (the gradebook's, the course's);
- no core files, and files it writes are capped at ``file_bytes``;
- as root (or where unprivileged user namespaces are allowed): a network namespace with no
  interfaces but a down loopback (no network), and a mount namespace in which every file
  system is read-only except the notebook's own folder and a fresh ``/tmp``; the folders in
  ``hide`` (the course, the grading scratch space) become empty; the paths in ``expose`` stay
  readable; then every capability is dropped, so the notebook cannot undo any of it.
- elsewhere (macOS, containers without those rights) the notebook still runs, with the limits
  the parent enforces (time, memory, processes, output), and ``confine`` says what it could
  not do; the instructor's report shows it.

``process_tree`` and ``kill_tree`` are the fallback for groups: they find and kill a
kernel's descendants by walking the process tree (psutil).

>>> sorted(CAPS_TO_DROP)[:3], len(CAPS_TO_DROP) > 30
([0, 1, 2], True)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
from collections.abc import Sequence

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 38, 36
CAPS_TO_DROP = range(0, 41)
_STATVFS_FLAGS = {1: MS_RDONLY, 2: MS_NOSUID, 4: MS_NODEV, 8: MS_NOEXEC, 1024: 2048,
                  2048: 4096, 4096: 1 << 21}  # ST_* -> MS_* (noatime, nodiratime, relatime)

_libc = None


def libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    def enc(text: str | None) -> bytes | None:
        return None if text is None else text.encode()

    _check(libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags),
                        enc(data)), f"mount {target}")


def protect_grader() -> None:
    """Make this (trusted) process unreadable to processes of the same user (no ptrace,
    no /proc/PID/mem), so a notebook cannot read or change the grader's memory."""
    try:
        libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _close_other_fds(keep: Sequence[int]) -> None:
    """Close inherited files, folders and network sockets (the gradebook, the course): the
    mount namespace hides paths, not descriptors already open. Pipes, event descriptors and
    local socket pairs stay: the kernel machinery forked with us uses them."""
    import socket
    import stat

    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in (0, 1, 2) or fd in keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        close = stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISBLK(mode)
        if stat.S_ISSOCK(mode):
            try:
                with socket.socket(fileno=os.dup(fd)) as sock:
                    close = sock.family != socket.AF_UNIX
            except OSError:
                close = True
        if close:
            try:
                os.close(fd)
            except OSError:
                pass


def _rlimits(file_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails, no kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))


def _enter_namespaces() -> str:
    """Enter new mount and network namespaces; '' on success, else why not."""
    if os.geteuid() == 0:
        if libc().unshare(CLONE_NEWNS | CLONE_NEWNET) == 0:
            return ""
        return f"unshare failed ({os.strerror(ctypes.get_errno())})"
    uid, gid = os.geteuid(), os.getegid()
    if libc().unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) != 0:
        return ("not root, and unprivileged user namespaces are not allowed here "
                f"({os.strerror(ctypes.get_errno())})")
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"),
                       ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    return ""


def _mount_points() -> list[str]:
    points = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            point = line.split()[4].encode().decode("unicode_escape")
            points.append(point)
    return points


def _kept_flags(path: str) -> int:
    """The mount flags ``path`` has now (a remount must keep the ones the kernel locked)."""
    flags = os.statvfs(path).f_flag
    return sum(ms for st, ms in _STATVFS_FLAGS.items() if flags & st)


def _remount_readonly(keep_writable: Sequence[str]) -> int:
    """Remount every mount point read-only except ``keep_writable``; the failures' count."""
    failed = 0
    for point in dict.fromkeys(_mount_points()):
        if point in keep_writable or point.startswith(("/proc", "/sys", "/dev")):
            continue
        try:
            kept = _kept_flags(point)
        except OSError:
            continue
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)
        except OSError:
            failed += 1
    return failed


def _overlay(path: str) -> None:
    """Mount a copy-on-write layer over ``path``; writes land in /tmp and vanish with it."""
    layer = f"/tmp/.overlay-{abs(hash(path))}"
    os.makedirs(f"{layer}/upper")
    os.makedirs(f"{layer}/work")
    _mount("overlay", path, "overlay", 0,
           f"lowerdir={path},upperdir={layer}/upper,workdir={layer}/work")


def _build_view(workdir: str, hide: Sequence[str], expose: Sequence[str],
                overlay: Sequence[str], tmp_bytes: int) -> list[str]:
    """Inside the new mount namespace: hide, re-expose, fresh /tmp, all else read-only."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep = [p for p in (workdir, *expose, *overlay) if os.path.exists(p)]
    handles = {path: os.open(path, os.O_PATH) for path in keep}
    for path in dict.fromkeys(["/tmp", "/dev/shm", *hide]):
        # checked one at a time: a path under /tmp is already gone once /tmp is covered
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_bytes},mode=1777")
        elif os.path.isfile(path):
            _mount("/dev/null", path, None, MS_BIND)
    for path, fd in handles.items():  # bring back what the notebook may use
        source = f"/proc/self/fd/{fd}"
        if os.path.isdir(source):
            os.makedirs(path, exist_ok=True)
        elif not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        _mount(source, path, None, MS_BIND | MS_REC)
        os.close(fd)
    notes = []
    for path in overlay:  # writable for the notebook, the original never changes
        try:
            _overlay(path)
        except OSError as error:
            notes.append(f"{path} is read-only for the notebook (no overlay: {error})")
    writable = {workdir, "/tmp", "/dev/shm", *overlay}
    _remount_readonly(sorted(writable))
    for path in expose:  # read-only even when it lies inside a writable folder
        if os.path.exists(path) and path not in writable:
            _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | _kept_flags(path))
    return notes


def _drop_capabilities() -> None:
    for cap in CAPS_TO_DROP:
        libc().prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _check(libc().capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def confine(*, workdir: str, keep_fds: Sequence[int], file_bytes: int,
            hide: Sequence[str] = (), expose: Sequence[str] = (),
            overlay: Sequence[str] = (), tmp_bytes: int = 2**30) -> list[str]:
    """Confine this process (see the module docstring); return notes on what it could not do."""
    notes: list[str] = []
    libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the grading process
    os.setsid()
    libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    _close_other_fds(keep_fds)
    _rlimits(file_bytes)
    why = _enter_namespaces()
    if why:
        notes.append(f"network and file system not isolated: {why}")
        return notes
    try:
        hidden, exposed = [os.path.abspath(p) for p in hide], [os.path.abspath(p) for p in expose]
        layered = [os.path.abspath(p) for p in overlay if os.path.isdir(p)]
        notes += _build_view(os.path.abspath(workdir), hidden, exposed, layered, tmp_bytes)
    except OSError as error:
        notes.append(f"file system not isolated: {error}")
    try:
        _drop_capabilities()
    except OSError as error:
        notes.append(f"capabilities not dropped: {error}")
    os.chdir(workdir)  # the old cwd may now be a different (bind-mounted) directory
    return notes


def process_tree(pid: int) -> list:
    """``pid`` and its descendants as psutil processes (those still alive)."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def kill_tree(pid: int) -> None:
    """Stop ``pid`` and every descendant (stop first, so none forks while we kill), kill all."""
    import psutil

    for _ in range(20):
        tree = process_tree(pid)
        if not tree:
            return
        for process in tree:
            with _quiet(psutil):
                process.suspend()
        for process in tree:
            with _quiet(psutil):
                process.kill()
        psutil.wait_procs(tree, timeout=0.5)


class _quiet:
    def __init__(self, psutil) -> None:
        self.errors = (psutil.Error, OSError)

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is not None and issubclass(kind, self.errors)


def tree_memory_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MiB."""
    import psutil

    total = 0
    for process in process_tree(pid):
        with _quiet(psutil):
            total += process.memory_info().rss
    return total / 2**20
