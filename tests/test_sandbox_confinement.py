"""The sandbox's confinement checked where it is hardest: inside a user namespace (where the
kernel locks each mount's flags), on a mount with ``noatime`` set, as root mapped into the
namespace and as a user who is not root at all; and its refusal to run a notebook when it
cannot confine the kernel (fail closed) unless unconfined grading is allowed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux",
                                                   reason="the sandbox is Linux-only")]
ROOT = Path(__file__).resolve().parents[1]
NOATIME = "/srv"  # a tmpfs with noatime is mounted here, in the test's own mount namespace

# run by the script below in the kernel: every mount point it can reach that is writable
PROBE_CELL = textwrap.dedent("""
    import json, os
    allowed = {os.getcwd(), "/tmp", "/dev/shm", "/dev/pts"}
    writable, seen = [], set()
    for line in open("/proc/self/mountinfo"):
        point = line.split()[4].encode().decode("unicode_escape")
        if point in seen or point in allowed or point.startswith(("/tmp/", "/dev/shm/")):
            continue
        seen.add(point)
        try:
            flags = os.statvfs(point).f_flag
        except OSError:
            continue
        if not flags & os.ST_RDONLY:
            writable.append(point)
    try:
        open("NOATIME_DIR/planted", "w").write("x")
        noatime_write = "written"
    except OSError as error:
        noatime_write = error.strerror
    print(json.dumps({"writable": writable, "noatime_write": noatime_write,
                      "noatime_flag": bool(os.statvfs("NOATIME_DIR").f_flag & os.ST_NOATIME),
                      "mine": open("mine.txt", "w").write("ok")}))
""").replace("NOATIME_DIR", NOATIME)

SCRIPT = textwrap.dedent("""
    import json, os, sys
    from nbformat.v4 import new_code_cell, new_notebook
    from autograder.course.notes import take_notes
    from autograder.course.sandbox.execute import SandboxedExecute
    from autograder.course.sandbox.limits import Limits

    limits = Limits(cell_timeout=60, notebook_timeout=120, memory_mb=1000)
    step = SandboxedExecute.for_limits(limits)
    if os.environ.get("EK_TEST_OVERLAY"):  # the cache, written through a copy-on-write layer
        step.overlay = [os.environ["EK_TEST_OVERLAY"]]
    nb = new_notebook(cells=[new_code_cell(c) for c in json.load(open(sys.argv[1]))])
    try:
        nb, _ = step.preprocess(nb, {"metadata": {"path": sys.argv[2]}})
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        raise SystemExit(0)
    texts = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]
    errors = [o.get("evalue") for cell in nb.cells for o in cell.outputs
              if o["output_type"] == "error"]
    print(json.dumps({"cell": texts[0], "cells": texts, "errors": errors,
                      "notes": [n.to_json() for n in take_notes()]}))
""")


def _can_unshare() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                          capture_output=True)
    return done.returncode == 0


def _run_in_namespace(folder: Path, as_user: str, cells: list[str] | None = None) -> dict:
    """Mount a noatime tmpfs at NOATIME in a private mount namespace, then run SCRIPT in a
    user namespace (``root``: uid 0 mapped in by ``unshare --user --map-root-user``;
    ``unprivileged``: uid 1000 with no capabilities, by ``unshare --user --map-user=1000``,
    so the sandbox makes a user namespace of its own, as for a grader that is not root;
    its files stay readable whatever the interpreter's folder allows)."""
    (folder / "probe.py").write_text(json.dumps(cells or [PROBE_CELL]))
    (folder / "script.py").write_text(SCRIPT)
    work = folder / "work"
    work.mkdir()
    if as_user == "root":
        inner = "exec unshare --user --map-root-user \"$@\""
    else:
        inner = "exec unshare --user --map-user=1000 --map-group=1000 \"$@\""
    command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               f"mount -t tmpfs -o noatime,nodiratime,size=1m tmpfs {NOATIME} && {inner}",
               "sh", sys.executable, str(folder / "script.py"), str(folder / "probe.py"),
               str(work)]
    env = {**os.environ, "HOME": str(folder), "PYTHONPATH": str(ROOT)}
    if (folder / ".cache" / "encoder-kit").is_dir():
        env["EK_TEST_OVERLAY"] = env["ENCODER_KIT_CACHE"] = str(folder / ".cache" / "encoder-kit")
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env,
                          cwd=str(folder))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="ek-confine-"))
    path.chmod(0o755)  # the unprivileged user reads the scripts
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.skipif(not _can_unshare(), reason="needs root and `unshare --user`")
@pytest.mark.parametrize("as_user", ["root", "unprivileged"])
def test_every_mount_is_read_only_in_a_user_namespace(folder, as_user):
    result = _run_in_namespace(folder, as_user)
    assert "error" not in result, result
    notes = [n["text"] for n in result["notes"]]
    assert not [n for n in notes if "not confined" in n or "not isolated" in n], notes
    seen = json.loads(result["cell"].strip().splitlines()[-1])
    assert seen["noatime_flag"], "the noatime mount must be in the kernel's view"
    assert seen["noatime_write"] == "Read-only file system"
    assert seen["writable"] == [], f"writable mount points in the kernel: {seen['writable']}"
    assert (folder / "work" / "mine.txt").read_text() == "ok"  # its own folder: writable


def test_the_flag_table_keeps_every_atime_flag():
    from autograder.course.sandbox.layers import confine

    flags = {os.ST_NOATIME: confine.MS_NOATIME, os.ST_NODIRATIME: confine.MS_NODIRATIME,
             os.ST_RELATIME: confine.MS_RELATIME, os.ST_NOEXEC: confine.MS_NOEXEC}
    for st, ms in flags.items():
        assert confine._STATVFS_FLAGS[st] == ms
    assert (confine.MS_NOATIME, confine.MS_NODIRATIME) == (1024, 2048)


def test_a_machine_that_cannot_confine_refuses_unless_allowed(monkeypatch):
    """No namespaces (simulated: the probe says unshare is not allowed): the kernel runs
    nothing and says why and how to fix it; with allow_unconfined it runs, noted."""
    from nbformat.v4 import new_code_cell, new_notebook

    from autograder.course.notes import take_notes
    from autograder.course.sandbox.execute import SandboxedExecute
    from autograder.course.sandbox.kernel_process import NotConfined
    from autograder.course.sandbox.layers import confine

    monkeypatch.setattr(confine, "_enter_namespaces",
                        lambda: "unprivileged user namespaces are not allowed here (EPERM)")
    nb = new_notebook(cells=[new_code_cell("print('ran')")])
    take_notes()
    with pytest.raises(NotConfined, match="user namespaces.*--allow-unconfined"):
        SandboxedExecute(timeout=10).preprocess(nb, {})
    assert not nb.cells[0].get("outputs")
    take_notes()
    nb, _ = SandboxedExecute(timeout=10, allow_unconfined=True).preprocess(nb, {})
    assert nb.cells[0].outputs[0]["text"] == "ran\n"
    notes = take_notes()
    assert any(n.kind == "not-isolated" and "user namespaces" in n.text for n in notes)


HW1 = "hw1-pipeline"


def _course_with_one_submission(tmp_path: Path) -> Path:
    from support.course import copy_course, submit

    from encoder_kit.cli import main

    root = copy_course(tmp_path / "course")
    assert main(["course", "release", HW1, "--course", str(root)]) == 0
    submit(root, HW1, ["ada"])
    return root


def test_course_grade_refuses_on_a_machine_without_namespaces(tmp_path, monkeypatch, capsys):
    """The probe finds no namespaces (simulated): the batch stops before grading anything,
    naming what is missing, the fix and the opt-in; the stock nbgrader kernel needs the
    same opt-in; doctor says the same and exits 1."""
    from autograder.course.coursedir import Course
    from autograder.course.sandbox.layers import confine
    from encoder_kit.cli import main

    root = _course_with_one_submission(tmp_path)
    capsys.readouterr()
    monkeypatch.setattr(confine, "_enter_namespaces",
                        lambda: "not root, and unprivileged user namespaces are not allowed "
                                "here (Operation not permitted)")
    assert main(["course", "grade", HW1, "--course", str(root)]) == 2
    err = capsys.readouterr().err
    assert "cannot confine the grading kernel" in err
    assert "mount namespace" in err and "fix:" in err and "--allow-unconfined" in err
    from support.course import scores

    assert scores(Course.open(root), HW1) == {}  # nothing recorded
    assert main(["course", "doctor"]) == 1
    assert "NO  user namespace" in capsys.readouterr().out
    monkeypatch.undo()
    assert main(["course", "grade", HW1, "--course", str(root), "--kernel",
                 "unconfined-nbgrader"]) == 2
    assert "--allow-unconfined" in capsys.readouterr().err


# the attacks on the sandbox that matter most where the grader is not root
KEY_ATTACKS = ("ptrace_grader", "proc_mem_environ", "process_vm_readv", "unshare_user",
               "setns_saved", "mount_over_answers", "io_uring_write", "raw_netlink_socket",
               "memfd_exec", "cache_hard_link", "fill_tmp_shm")


@pytest.mark.skipif(not _can_unshare(), reason="needs root and `unshare --user`")
def test_the_sandbox_attacks_are_held_by_an_unprivileged_grader(folder):
    """The hostile suite's attacks on the sandbox, run by a grader that is not root (the
    sandbox makes its own user namespace): each prints 'held', none ends the kernel."""
    from hostile.attacks import SANDBOX_ATTACKS, _breach_cell

    cache = folder / ".cache" / "encoder-kit"  # HOME is the folder: the grader's cache
    cache.mkdir(parents=True)
    (cache / "vectors.npy").write_bytes(b"cached vectors")
    for path in (folder / ".cache", cache, cache / "vectors.npy"):
        path.chmod(0o777 if path.is_dir() else 0o666)  # the unprivileged grader's own cache
    cells = [_breach_cell(SANDBOX_ATTACKS[name]) for name in KEY_ATTACKS]
    result = _run_in_namespace(folder, "unprivileged", [*cells, "print('after')"])
    assert "error" not in result, result
    for name, text in zip(KEY_ATTACKS, result["cells"], strict=False):
        assert text.strip().endswith("held"), f"{name}: {text!r}"
    assert result["cells"][-1] == "after\n"
    assert not (Path("/etc") / "ekh-pwned").exists()
    assert "cache files: 1" in result["cells"][KEY_ATTACKS.index("cache_hard_link")]
    assert (cache / "vectors.npy").read_bytes() == b"cached vectors"  # not poisoned


class _ForkingExecutor:
    """Runs each job in a fork of this process (so a monkeypatched probe reaches it)."""

    def run(self, fn, jobs):
        import pickle

        from autograder.course.runner.executor import Finished

        for job in jobs:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                os.close(read)
                try:
                    data = pickle.dumps(Finished(True, fn(job)))
                except BaseException as error:  # noqa: BLE001
                    data = pickle.dumps(Finished(False, message=repr(error)))
                with os.fdopen(write, "wb") as handle:
                    handle.write(data)
                os._exit(0)
            os.close(write)
            with os.fdopen(read, "rb") as handle:
                data = handle.read()
            os.waitpid(pid, 0)
            yield job, pickle.loads(data)


def test_kernels_refuse_at_run_time_and_nothing_is_recorded(tmp_path, monkeypatch):
    """Without the command's check (the API, a Dask worker): each kernel refuses, the
    submission fails with the reason and no 0 is recorded; allowed, it is graded and
    noted as not isolated."""
    from support.course import scores

    from autograder.course.coursedir import Course
    from autograder.course.runner.batch import grade_assignment
    from autograder.course.sandbox.layers import confine

    root = _course_with_one_submission(tmp_path)
    monkeypatch.setattr(confine, "_enter_namespaces",
                        lambda: "unprivileged user namespaces are not allowed here")
    course = Course.open(root)
    summary = grade_assignment(course, HW1, executor=_ForkingExecutor(), progress=False)
    assert "cannot be confined" in summary.failed.get("ada", ""), summary.failed
    assert scores(course, HW1) == {}
    summary = grade_assignment(course, HW1, executor=_ForkingExecutor(), progress=False,
                               allow_unconfined=True)
    assert summary.graded == ["ada"] and scores(course, HW1) == {"ada": 8.0}
    assert any(n.kind == "not-isolated" for n in summary.notes["ada"])
