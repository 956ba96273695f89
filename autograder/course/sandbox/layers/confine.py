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
- every mount that could not be made read-only is counted and named (never dropped): one
  means the view is not confined. ``confine_checked`` returns those failures apart from
  the notes; the kernel process then refuses to run the notebook (fail closed) unless the
  course allows unconfined grading, where the notebook runs with the limits the parent
  enforces (time, memory, processes, output) and a "not-isolated" note (macOS, containers
  without those rights).

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
MS_SYNCHRONOUS, MS_MANDLOCK, MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 16, 64, 1024, 2048, 1 << 21
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 38, 36
CAPS_TO_DROP = range(0, 41)
# statvfs's ST_* flag -> the MS_* flag a remount must pass to keep it. Inside a user
# namespace the kernel locks a mount's atime, nosuid, nodev, noexec and read-only flags: a
# remount that changes one (noatime given as nodiratime, say) is refused, and the mount
# would stay writable. The numbers are the ones of <sys/statvfs.h> (os.ST_* on Linux).
_STATVFS_FLAGS = {
    getattr(os, "ST_RDONLY", 1): MS_RDONLY, getattr(os, "ST_NOSUID", 2): MS_NOSUID,
    getattr(os, "ST_NODEV", 4): MS_NODEV, getattr(os, "ST_NOEXEC", 8): MS_NOEXEC,
    getattr(os, "ST_SYNCHRONOUS", 16): MS_SYNCHRONOUS,
    getattr(os, "ST_MANDLOCK", 64): MS_MANDLOCK,
    getattr(os, "ST_NOATIME", 1024): MS_NOATIME,
    getattr(os, "ST_NODIRATIME", 2048): MS_NODIRATIME,
    getattr(os, "ST_RELATIME", 4096): MS_RELATIME,
}
# file systems never remounted: an automount point (statvfs would trigger the mount)
_SKIPPED_TYPES = {"autofs"}

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


def _unescape(text: str) -> str:
    """A mountinfo field as a path (spaces and the like come octal-escaped: ``\\040``)."""
    return text.encode().decode("unicode_escape").encode("latin-1").decode(
        "utf-8", "surrogateescape")


def _mounts() -> list[tuple[str, str]]:
    """(mount point, file-system type) of every mount this process sees, in mount order."""
    mounts = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            fields = line.split()
            kind = fields[fields.index("-") + 1] if "-" in fields else ""
            mounts.append((_unescape(fields[4]), kind))
    return mounts


def _mount_points() -> list[str]:
    return [point for point, _ in _mounts()]


def _under(path: str, folders: Sequence[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def _kept_flags(path: str) -> int:
    """The mount flags ``path`` has now (a remount must keep the ones the kernel locked)."""
    flags = os.statvfs(path).f_flag
    return sum(ms for st, ms in _STATVFS_FLAGS.items() if flags & st)


def _remount_readonly(keep_writable: Sequence[str]) -> list[str]:
    """Remount every mount point read-only except those in or under ``keep_writable``
    (``/proc``, ``/sys`` and ``/dev`` included: a process with user id 0 but no
    capabilities may still write root's files there, the control groups' among them).
    Returns the mount points that stayed writable, each with the reason: never dropped,
    since one of them means the view is not confined."""
    failed = []
    for point, kind in dict(_mounts()).items():
        if kind in _SKIPPED_TYPES or _under(point, keep_writable):
            continue
        try:
            kept = _kept_flags(point)
        except OSError:
            continue  # covered by a later mount (under /tmp, say): not reachable
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)
        except OSError as error:
            failed.append(f"{point} ({error.strerror})")
            continue
        if not os.statvfs(point).f_flag & getattr(os, "ST_RDONLY", 1):
            failed.append(f"{point} (still writable after the remount)")
    return failed


def _overlay(path: str) -> None:
    """Mount a copy-on-write layer over ``path``; writes land in /tmp and vanish with it."""
    layer = f"/tmp/.overlay-{abs(hash(path))}"
    os.makedirs(f"{layer}/upper")
    os.makedirs(f"{layer}/work")
    _mount("overlay", path, "overlay", 0,
           f"lowerdir={path},upperdir={layer}/upper,workdir={layer}/work")


def _build_view(workdir: str, hide: Sequence[str], expose: Sequence[str],
                overlay: Sequence[str], tmp_bytes: int) -> tuple[list[str], list[str]]:
    """Inside the new mount namespace: hide, re-expose, fresh /tmp, all else read-only.
    Returns (notes, the mount points that could not be made read-only)."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # parents before what lies inside them: an exposed folder that holds the notebook's
    # folder must not cover it (it is made read-only below)
    keep = sorted(dict.fromkeys(p for p in (workdir, *expose, *overlay) if os.path.exists(p)),
                  key=lambda p: p.rstrip("/").count("/"))
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
    writable = {workdir, "/tmp", "/dev/shm", "/dev/pts", *overlay}
    failed = _remount_readonly(sorted(writable))
    for path in expose:  # read-only even when it lies inside a writable folder
        if os.path.exists(path) and path not in writable:
            try:
                _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | _kept_flags(path))
            except OSError as error:
                failed.append(f"{path} ({error.strerror})")
    return notes, failed


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
    notes, missing = confine_checked(workdir=workdir, keep_fds=keep_fds,
                                     file_bytes=file_bytes, hide=hide, expose=expose,
                                     overlay=overlay, tmp_bytes=tmp_bytes)
    return notes + missing


def confine_checked(*, workdir: str, keep_fds: Sequence[int], file_bytes: int,
                    hide: Sequence[str] = (), expose: Sequence[str] = (),
                    overlay: Sequence[str] = (),
                    tmp_bytes: int = 2**30) -> tuple[list[str], list[str]]:
    """Confine this process; (notes, missing): ``missing`` names each confinement layer
    that failed (namespaces, a mount left writable, capabilities). The kernel process
    refuses to run a notebook when it is not empty, unless the course allows unconfined
    grading (``SandboxedExecute.allow_unconfined``)."""
    notes: list[str] = []
    missing: list[str] = []
    libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the grading process
    os.setsid()
    libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    _close_other_fds(keep_fds)
    _rlimits(file_bytes)
    why = _enter_namespaces()
    if why:
        missing.append(f"network and file system not isolated: {why}")
        _no_new_privileges()
        os.chdir(workdir)  # the notebook's folder, as when confined
        return notes, missing
    try:
        hidden, exposed = [os.path.abspath(p) for p in hide], [os.path.abspath(p) for p in expose]
        layered = [os.path.abspath(p) for p in overlay if os.path.isdir(p)]
        more, failed = _build_view(os.path.abspath(workdir), hidden, exposed, layered,
                                   tmp_bytes)
        notes += more
        if failed:
            missing.append(f"not confined: {len(failed)} mount point(s) could not be made "
                           f"read-only: {', '.join(failed[:8])}")
    except OSError as error:
        missing.append(f"file system not isolated: {error}")
    try:
        _drop_capabilities()
    except OSError as error:
        missing.append(f"capabilities not dropped: {error}")
    os.chdir(workdir)  # the old cwd may now be a different (bind-mounted) directory
    return notes, missing


def _no_new_privileges() -> None:
    """No set-user-id program may raise this process's rights (needed for the filters)."""
    libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


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
