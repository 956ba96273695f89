"""The kernel process's last two layers: a system-call filter (seccomp) and a file-system
rule set (Landlock), both loaded after the kernel has started and before the first cell.

``load_syscall_filter`` denies the calls a notebook never needs and an attacker does
(``DENIED``: debugging other processes, kernel modules and keys, BPF, performance counters,
``userfaultfd``, ``io_uring``, new namespaces, mounts, file handles, ``chroot``) and every
socket but a local (``AF_UNIX``) one. A denied call fails with ``EPERM``: the process is
not killed, so a library that only probes a call (``io_uring`` support, say) goes on. The
filter is libseccomp's, through the ctypes binding ``pyseccomp``; it is inherited by every
process the notebook starts and cannot be removed.

``load_landlock`` (Linux 5.13 and later, no root needed) lets the process and its children
write only under the folders it is given (the notebook's folder, ``/tmp``, ``/dev/shm``,
the copy-on-write cache) and ``/dev``'s device files, whatever the mounts say; from Landlock
ABI 6 it also keeps them from signalling processes outside the sandbox (the grader).

Both return '' when loaded, else why not (the caller decides what a missing layer means).

>>> "ptrace" in DENIED and "io_uring_setup" in DENIED
True
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Sequence

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "add_key", "request_key", "keyctl",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "unshare", "setns", "mount", "umount2", "pivot_root",
    "open_by_handle_at", "name_to_handle_at", "chroot", "move_mount", "open_tree",
    "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr", "pidfd_getfd",
    "kcmp", "lookup_dcookie", "acct", "swapon", "swapoff", "reboot", "quotactl",
    "personality", "syslog",
)
AF_UNIX = 1

# The binding is imported with this module, before the kernel confines itself: once the
# mount namespace puts a fresh /tmp in place, a virtual environment under /tmp (a CI clone,
# say) is out of sight and a late import would fail, leaving the kernel unfiltered.
try:
    import pyseccomp as _seccomp
except (ImportError, OSError) as _error:  # no binding, or no libseccomp.so.2
    _seccomp, _SECCOMP_ERROR = None, _error
else:
    _SECCOMP_ERROR = None


def load_syscall_filter() -> str:
    """Load the deny-list filter into this process; '' when loaded, else why not."""
    seccomp = _seccomp
    if seccomp is None:
        return (f"no system-call filter: the seccomp binding is missing ({_SECCOMP_ERROR}); "
                "pip install pyseccomp (needs libseccomp2: apt-get install libseccomp2)")
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        denied = seccomp.ERRNO(errno.EPERM)
        for name in DENIED:
            try:
                rules.add_rule(denied, name)
            except (ValueError, RuntimeError, OSError):
                continue  # a call this architecture or libseccomp does not know
        rules.add_rule(denied, "socket", seccomp.Arg(0, seccomp.NE, AF_UNIX))
        rules.add_rule(denied, "socketpair", seccomp.Arg(0, seccomp.NE, AF_UNIX))
        rules.load()
    except Exception as error:  # noqa: BLE001 - any failure means: no filter
        return f"no system-call filter: seccomp could not be loaded ({error})"
    return ""


# -- Landlock (linux/landlock.h), through the system calls themselves --------------------
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same on every arch
_VERSION_FLAG, _RULE_PATH_BENEATH = 1, 1
_WRITE_FILE, _REMOVE_DIR, _REMOVE_FILE = 1 << 1, 1 << 4, 1 << 5
_MAKE = sum(1 << bit for bit in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
_REFER, _TRUNCATE = 1 << 13, 1 << 14  # ABI 2, ABI 3
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1, 2  # ABI 6


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64),
                ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock version this kernel offers (0: none)."""
    from .confine import libc

    try:
        version = libc().syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _VERSION_FLAG)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return 0
    return max(0, version)


def load_landlock(writable: Sequence[str]) -> str:
    """Let this process write only under ``writable`` (and ``/dev``'s device files);
    '' when the rule set is in force, else why not."""
    from .confine import libc

    abi = landlock_abi()
    if abi < 1:
        return "no Landlock: this kernel does not offer it (Linux 5.13 or later, enabled)"
    handled = _WRITE_FILE | _REMOVE_DIR | _REMOVE_FILE | _MAKE
    handled |= (_REFER if abi >= 2 else 0) | (_TRUNCATE if abi >= 3 else 0)
    attr = _RulesetAttr(handled, 0, (_SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc().syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        return f"no Landlock: {os.strerror(ctypes.get_errno())}"
    try:
        for path, access in [*((p, handled) for p in writable), ("/dev", _WRITE_FILE)]:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rule = _PathBeneath(access, fd)
                if libc().syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH,
                                  ctypes.byref(rule), 0) != 0:
                    return f"no Landlock: rule for {path}: {os.strerror(ctypes.get_errno())}"
            finally:
                os.close(fd)
        if libc().syscall(_RESTRICT_SELF, ruleset, 0) != 0:
            return f"no Landlock: {os.strerror(ctypes.get_errno())}"
    finally:
        os.close(ruleset)
    return ""
