"""The grading kernel's limits, one notebook at a time (the batch-level suite with nbgrader
scoring is tests/test_course_hostile.py)."""

from __future__ import annotations

import os
import sys
import time

import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course.notes import take_notes
from autograder.course.sandbox.execute import SandboxedExecute
from autograder.course.sandbox.layers.cgroups import KernelGroup
from autograder.course.sandbox.limits import Limits

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux",
                                                   reason="the sandbox is Linux-only")]
LIMITS = Limits(cell_timeout=3, notebook_timeout=40, memory_mb=600, max_processes=24,
                output_bytes=20_000)


def run(*sources: str, limits: Limits = LIMITS, hide=(), expose=(), workdir=None):
    step = SandboxedExecute.for_limits(limits, hide=list(hide), expose=list(expose))
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    resources = {"metadata": {"path": str(workdir)}} if workdir else {}
    nb, _ = step.preprocess(nb, resources)
    return nb.cells, [str(n) for n in take_notes()]


def names(cell) -> list[str]:
    return [o.get("ename", o["output_type"]) for o in cell.outputs]


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o["output_type"] == "stream")


def test_a_cell_past_its_limit_fails_alone():
    cells, notes = run("x = 1", "while True: pass", "print(x + 1)")
    assert names(cells[1]) == ["CellTimeoutError"]
    assert text(cells[2]) == "2\n"
    assert any("3 s cell limit" in n for n in notes)


def test_a_loop_that_swallows_the_timeout_stops_the_kernel_and_later_cells():
    cells, notes = run("print('before')",
                       "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
                       "    except BaseException:\n        pass", "print('after')")
    assert text(cells[0]) == "before\n"
    assert names(cells[1])[-1] == "NotRun" and names(cells[2]) == ["NotRun"]
    assert "could not be interrupted" in cells[2].outputs[0]["evalue"]
    assert any("kernel stopped" in n for n in notes)


def test_memory_hog_is_stopped_at_the_limit():
    cells, notes = run("print('before')",
                       "blocks = []\nwhile True:\n    blocks.append(b'x' * 50_000_000)",
                       "print('after')")
    assert text(cells[0]) == "before\n"
    assert names(cells[2]) == ["NotRun"]
    assert "600 MB" in cells[2].outputs[0]["evalue"]


def test_fork_bomb_is_bounded_and_nothing_survives():
    marker = f"encoder-kit-bomb-{os.getpid()}"
    cells, notes = run(
        f"import os, time\nfor _ in range(3000):\n    pid = os.fork()\n"
        f"    if pid == 0:\n        os.execvp('sleep', ['sleep', '30', '{marker}'])",
        "print('after')")
    assert names(cells[1]) == ["NotRun"]
    assert "process" in cells[1].outputs[0]["evalue"]
    time.sleep(0.5)
    assert not [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]


def test_background_processes_die_with_the_notebook():
    marker = f"encoder-kit-sleeper-{os.getpid()}"
    cells, _ = run(f"import subprocess\nsubprocess.Popen(['setsid', 'sleep', '600', '{marker}'])",
                   "print('done')")
    assert text(cells[1]) == "done\n"
    time.sleep(0.5)
    assert not [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]


def test_huge_output_is_cut_and_the_notebook_goes_on():
    cells, _ = run("print('x' * 5_000_000)", "import os\nos.write(1, b'y' * 5_000_000)",
                   "print('after')")
    assert len(text(cells[0])) < 25_000 and "output cut" in text(cells[0])
    assert text(cells[2]) == "after\n"


@pytest.mark.parametrize("ending", ["import os\nos._exit(1)",
                                    "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"])
def test_a_notebook_that_ends_its_kernel_keeps_earlier_results(ending):
    cells, notes = run("print('before')", ending, "print('after')")
    assert text(cells[0]) == "before\n"
    assert names(cells[2]) == ["NotRun"]


def test_sys_exit_is_an_error_in_that_cell_only():
    cells, _ = run("import sys\nsys.exit(3)", "print('after')")
    assert text(cells[1]) == "after\n"


def test_replaced_grading_helpers_are_put_back_before_a_test_cell():
    cells, _ = run("import autograder\nautograder.check = lambda *a, **k: 99")
    nb = new_notebook(cells=[
        new_code_cell("import autograder\nautograder.check = lambda *a, **k: 99"),
        new_code_cell("import autograder\nprint(autograder.check.__module__)",
                      metadata={"nbgrader": {"grade": True, "solution": False,
                                             "grade_id": "t", "points": 1}})])
    nb, _ = SandboxedExecute.for_limits(LIMITS).preprocess(nb, {})
    assert text(nb.cells[1]).strip().startswith("autograder")
    assert any("autograder.check" in str(n) and "put back" in str(n) for n in take_notes())


def test_the_limits_are_traitlets_that_a_course_config_sets():
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = 7
    config.SandboxedExecute.memory_mb = 600
    config.SandboxedExecute.max_output = 20_000
    limits = SandboxedExecute(config=config).limits()
    assert (limits.cell_timeout, limits.memory_mb, limits.output_bytes) == (7, 600, 20_000)
    assert Limits.for_course(config, memory_mb=900).memory_mb == 900  # a flag wins
    assert Limits.for_course(config).memory_mb == 600


@pytest.mark.skipif(os.geteuid() != 0, reason="namespaces are set up as root here")
def test_no_network_and_hidden_folders(tmp_path):
    secret = tmp_path / "course"
    (secret / "hidden").mkdir(parents=True)
    (secret / "hidden" / "labels.tsv").write_text("secret")
    (secret / "questions").mkdir()
    (secret / "questions" / "q.yaml").write_text("key")
    work = tmp_path / "work"
    work.mkdir()
    cells, notes = run(
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "    print('network')\nexcept OSError:\n    print('no network')",
        f"import os\nprint(os.path.exists({str(secret / 'hidden' / 'labels.tsv')!r}), "
        f"open({str(secret / 'questions' / 'q.yaml')!r}).read())",
        "open('mine.txt', 'w').write('ok')\n"
        f"try:\n    open({str(secret / 'questions' / 'q.yaml')!r}, 'w')\nexcept OSError as e:"
        "\n    print(e.strerror)",
        hide=[str(secret)], expose=[str(secret / "questions")], workdir=work)
    assert text(cells[0]) == "no network\n"
    assert text(cells[1]) == "False key\n"
    assert text(cells[2]) == "Read-only file system\n"
    assert (work / "mine.txt").read_text() == "ok"
    assert (secret / "questions" / "q.yaml").read_text() == "key"


def test_control_groups_when_available():
    group = KernelGroup.create("test", memory_mb=100, max_processes=8)
    if group is None:
        pytest.skip("this machine does not let the grader create control groups")
    try:
        assert group.pids() == []
    finally:
        group.remove()
