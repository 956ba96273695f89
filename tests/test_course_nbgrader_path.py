"""nbgrader as the one path: plain nbgrader refuses a leaking release, the course config is
loaded as nbgrader loads it (system, user, course), a config without encoder-kit stops
nbgrader, and the grading limits are traitlets the course config sets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course.coursedir import Course
from tests.support.course import copy_course

pytestmark = pytest.mark.slow

ASSIGNMENT = "hw2-shapes"
EXPLANATION = ("Stacking the hidden states of BERT-base gives thirteen entries (embedding "
               "output and twelve layers), each holding a 768-wide vector for every piece of "
               "every e-mail.")
NBGRADER = Path(sys.executable).parent / "nbgrader"


def _nbgrader(course: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    environment["PATH"] = str(NBGRADER.parent) + os.pathsep + environment.get("PATH", "")
    return subprocess.run([str(NBGRADER), *args], cwd=course, env=environment, text=True,
                          capture_output=True, timeout=300)


def _leak_into_source(course: Path) -> None:
    [path] = (course / "source" / ASSIGNMENT).glob("*.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A hint for the brave: " + EXPLANATION))
    nbformat.write(nb, path)


def test_plain_nbgrader_generate_assignment_refuses_a_leaking_release(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    clean = _nbgrader(course, "generate_assignment", ASSIGNMENT, "--create", "--force")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Exception while loading config" not in clean.stdout + clean.stderr
    assert list((course / "release" / ASSIGNMENT).glob("*.ipynb"))

    _leak_into_source(course)
    leaking = _nbgrader(course, "generate_assignment", ASSIGNMENT, "--create", "--force")
    output = leaking.stdout + leaking.stderr
    assert leaking.returncode != 0, output
    assert "was NOT released" in output and "graded-shape-hidden-states" in output
    assert not list((course / "release" / ASSIGNMENT).glob("*.ipynb"))  # nothing released


def test_course_open_loads_user_config_as_nbgrader_does(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    course = copy_course(tmp_path / "course")
    user = tmp_path / "user-config"
    user.mkdir()
    (user / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.Exchange.root = '/srv/hub-exchange'\n"
        "c.CourseDirectory.course_id = 'overridden-by-the-course'\n"
        "c.SandboxedExecute.memory_mb = 1234\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    opened = Course.open(course)
    assert opened.config.Exchange.root == "/srv/hub-exchange"  # from the user level
    assert opened.course_id == "encoder-kit-course"  # the course's own file wins
    assert opened.config.SandboxedExecute.memory_mb == 1234
    # nbgrader itself sees the same user-level setting
    listed = _nbgrader(course, "list", "--debug", env={"JUPYTER_CONFIG_DIR": str(user)})
    assert "/srv/hub-exchange" in listed.stdout + listed.stderr


def test_config_stops_nbgrader_when_encoder_kit_is_missing(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    # a package named autograder that cannot be imported stands for "not installed"
    (blocker / "autograder").mkdir()
    (blocker / "autograder" / "__init__.py").write_text("raise ImportError('not here')\n")
    result = _nbgrader(course, "generate_assignment", ASSIGNMENT, "--create",
                       env={"PYTHONPATH": str(blocker)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "needs encoder-kit" in output and "pip install" in output
    assert not (course / "release" / ASSIGNMENT).exists()


def test_grading_limits_come_from_the_course_config(tmp_path: Path) -> None:
    from autograder.course.sandbox.limits import Limits

    course = copy_course(tmp_path / "course")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write("\nc.SandboxedExecute.memory_mb = 2048\n"
                     "c.SandboxedExecute.max_processes = 16\n"
                     "c.SandboxedExecute.notebook_timeout = 120\n"
                     "c.SandboxedExecute.max_output = 5000\n")
    config = Course.open(course).config
    limits = Limits.for_course(config)
    assert (limits.memory_mb, limits.max_processes, limits.notebook_timeout,
            limits.output_bytes, limits.cell_timeout) == (2048.0, 16, 120.0, 5000, 300.0)
    # a flag given on the command line still wins over the course
    assert Limits.for_course(config, memory_mb=512).memory_mb == 512.0


def test_limits_set_in_a_config_reach_the_grading_kernel(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """End to end: the user-level config (as on a hub) sets the output limit and memory;
    `encoder-kit course grade` grades with them and the kernel cuts a long output."""
    from autograder.course.commands.release import release
    from encoder_kit.cli import main
    from tests.support.course import submit

    course = copy_course(tmp_path / "course")
    user = tmp_path / "user-config"
    user.mkdir()
    (user / "nbgrader_config.py").write_text("c = get_config()\n"
                                             "c.SandboxedExecute.max_output = 300\n"
                                             "c.SandboxedExecute.memory_mb = 3000\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    release(Course.open(course), "hw1-pipeline")
    submit(course, "hw1-pipeline", ["ada"])
    [path] = (course / "submitted" / "ada" / "hw1-pipeline").glob("*.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("print('x' * 5000)"))
    nbformat.write(nb, path)
    assert main(["course", "grade", "hw1-pipeline", "--course", str(course)]) == 0
    printed = capsys.readouterr().out
    assert "3000 MB" in printed and "300 bytes of output per cell" in printed
    [graded] = (course / "autograded" / "ada" / "hw1-pipeline").glob("*.ipynb")
    text = "".join(o.get("text", "") for o in nbformat.read(graded, as_version=4)
                   .cells[1].outputs)
    assert "[output cut: this cell printed more than 300 bytes" in text
    assert text.count("x") < 400
