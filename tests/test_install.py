"""The built wheel installs into a fresh environment outside the repository, and works there.

One virtual environment, shared by every test here (module-scoped fixture): a fresh venv in a
temporary folder (no access to the checkout: the tests run from that folder), PyTorch
installed first (the build this test session runs on, found where pip finds it: pip's cache,
``--find-links``, or ``$ENCODER_KIT_TORCH_SPEC`` / ``$PIP_TORCH_ARGS`` as ``make`` uses
them), then the wheel built from this checkout with the *lowest* sentence-transformers and
scikit-learn that ``pyproject.toml`` allows. So this one environment checks the packaging
(package data, the console script, no file of the checkout needed, the light core without
any extra) and that the lower bounds are real; the rest of the suite runs on the newest
versions. The last test adds the ``[course]`` extra to the same environment (what the core
alone says of the missing extras is recorded before that), inits a course and releases an
assignment.

Slow (building the venv downloads and installs ~1.6 GB; about 2-4 minutes), so marked
``slow``; ``make test`` runs it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, vendored by pip
    from pip._vendor import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
README = (REPO / "README.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.slow

# the dependencies whose lowest supported version the environment gets
LOWEST = ("sentence-transformers", "scikit-learn")


def lower_bound(name: str) -> str:
    """The ``>=`` bound that pyproject.toml gives ``name`` (e.g. ``"3.0"``)."""
    for requirement in PYPROJECT["project"]["dependencies"]:
        match = re.fullmatch(rf"{re.escape(name)}\s*>=\s*([\w.]+)\s*(?:,.*)?", requirement)
        if match:
            return match.group(1)
    raise AssertionError(f"pyproject.toml gives {name} no lower bound")


def readme_example() -> str:
    """The first Python block of the README: the front page's runnable example."""
    match = re.search(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert match, "the README has no ```python example"
    return match.group(1)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return proc


def _torch_requirement() -> list[str]:
    """What to ``pip install`` for torch: the version this session runs on, unless told."""
    spec = os.environ.get("ENCODER_KIT_TORCH_SPEC") or os.environ.get("TORCH_SPEC")
    if not spec:
        import torch

        spec = f"torch=={torch.__version__}"
    return [spec, *shlex.split(os.environ.get("PIP_TORCH_ARGS", ""))]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what a release is built from: the tracked files setuptools reads, and the
    course beside them (so that a build that picked it up would be caught)."""
    root = tmp_path_factory.mktemp("source") / "src"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")
    for name in ("encoder_kit", "autograder", "exercises", "tests"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md"):
        shutil.copy2(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def wheel(source: Path) -> Path:
    """The wheel built from the copy (the build leaves the checkout alone)."""
    out = source.parent / "dist"
    proc = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                 "-w", str(out), str(source)], cwd=source.parent, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    [built] = out.glob("encoder_kit-*.whl")
    return built


def test_the_sdist_holds_no_graded_key(source: Path) -> None:
    """An sdist on a package index is as public as the wheel: no instructor course in it."""
    import tarfile

    from encoder_kit.questions import find_leaks, load_questions

    out = source.parent / "sdist"
    proc = _run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(out),
                 str(source)], cwd=source.parent, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [sdist] = out.glob("encoder_kit-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        archive.extractall(out / "unpacked", filter="data")
    assert any(name.endswith("/LICENSE") for name in names)
    assert not [name for name in names if "/exercises/" in name]
    graded = load_questions(REPO / "exercises" / "questions")
    assert find_leaks([out / "unpacked"], graded) == []


class Env:
    """A fresh venv outside the repository, with the wheel installed (the light core)."""

    core_only: dict[str, subprocess.CompletedProcess]
    pip: list[str]
    wheel: Path

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.python = folder / "venv" / "bin" / "python"
        self.work = folder / "work"  # every command runs here, far from the checkout
        self.work.mkdir()
        self.env = {**os.environ, "ENCODER_KIT_CACHE": str(folder / "cache"),
                    "PYTHONNOUSERSITE": "1"}
        self.env.pop("PYTHONPATH", None)
        self.env.pop("VIRTUAL_ENV", None)

    def python_code(self, code: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return _run([str(self.python), "-c", code], cwd=self.work, env=self.env,
                    timeout=timeout)

    def script(self, name: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return _run([str(self.python.parent / name), *args], cwd=self.work, env=self.env,
                    timeout=timeout)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Env:
    folder = tmp_path_factory.mktemp("clean-install")
    assert REPO not in folder.parents, "the environment must live outside the checkout"
    venv.create(folder / "venv", with_pip=True)
    env = Env(folder)
    pip = [str(env.python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    proc = _run([*pip, *_torch_requirement()], cwd=env.work, env=env.env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lowest = [f"{name}=={lower_bound(name)}.*" for name in LOWEST]
    proc = _run([*pip, *lowest, str(wheel)], cwd=env.work, env=env.env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # what the light core says of the missing extras, taken now: the course test adds one
    env.core_only = {
        "widgets": env.python_code("import encoder_kit.widgets"),
        "course": env.script("encoder-kit", "course", "doctor"),
        "found": env.python_code(
            "import importlib.util as u\n"
            "print([m for m in ('nbgrader', 'ipywidgets', 'matplotlib', 'dask', 'jupyterlab')"
            " if u.find_spec(m)])\n"),
    }
    env.pip = pip
    env.wheel = wheel
    return env


def test_the_lowest_supported_versions_are_installed(installed: Env) -> None:
    proc = installed.python_code(
        "import importlib.metadata as m\n"
        f"for name in {LOWEST!r}: print(name, m.version(name))\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    versions = dict(line.split() for line in proc.stdout.splitlines())
    for name in LOWEST:
        assert versions[name].startswith(lower_bound(name) + "."), versions


def test_the_package_comes_from_the_wheel_not_the_checkout(installed: Env) -> None:
    proc = installed.python_code(
        "import encoder_kit, autograder, importlib.metadata as m\n"
        "print(encoder_kit.__file__); print(autograder.__file__)\n"
        "print(encoder_kit.__version__, m.version('encoder-kit'))\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    first, second, versions = proc.stdout.splitlines()
    for path in (first, second):
        assert "site-packages" in path and str(REPO) not in path, path
    shipped, metadata = versions.split()
    assert shipped == metadata


def test_the_readme_example_runs(installed: Env) -> None:
    proc = installed.python_code(readme_example(), timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "(2, 384)" in proc.stdout
    assert "billing" in proc.stdout
    assert all(method in proc.stdout for method in ("tfidf", "frozen", "hybrid"))  # compare()


def test_the_practice_quiz_is_graded_with_the_packaged_bank(installed: Env) -> None:
    proc = installed.python_code(
        "import autograder\n"
        "from autograder.reference import reference_answer\n"
        "from encoder_kit.questions import load_bank\n"
        "bank = [q for q in load_bank() if q.kind != 'code']\n"
        "scores = [autograder.grade(q, reference_answer(q)).score for q in bank]\n"
        "wrong = autograder.grade('practice-pipeline-order',"
        " ['head', 'tokens', 'embeddings', 'encoder', 'output']).score\n"
        "print(len(bank), min(scores), wrong)\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    count, lowest, wrong = proc.stdout.split()
    assert int(count) >= 30 and float(lowest) == 1.0
    assert 0.0 < float(wrong) < 1.0  # partial credit for a partly right order


def test_the_token_tagger_runs(installed: Env) -> None:
    proc = installed.python_code(
        "from encoder_kit import TokenEncoder\n"
        "X = TokenEncoder().fit_transform([['Ada', 'lives', 'in', 'Paris']])\n"
        "print(len(X), X[0].shape)\n",
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "1 (4, 384)"


def test_the_question_linter_runs_on_the_packaged_bank(installed: Env) -> None:
    proc = installed.script("encoder-kit", "questions", "lint", "--help")
    assert proc.returncode == 0, proc.stderr[-3000:]
    bank = installed.python_code(
        "from importlib.resources import files\n"
        "print(files('encoder_kit.questions') / 'bank')\n"
    ).stdout.strip()
    proc = installed.script("encoder-kit", "questions", "lint", bank)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "no problems" in proc.stdout + proc.stderr


def test_the_light_core_names_the_missing_extras(installed: Env) -> None:
    widgets, course, found = (installed.core_only[k] for k in ("widgets", "course", "found"))
    assert widgets.returncode != 0
    assert "pip install 'encoder-kit[widgets]'" in widgets.stderr
    assert course.returncode == 1
    assert "pip install 'encoder-kit[course]'" in course.stderr
    assert "Traceback" not in course.stderr
    assert found.stdout.strip() == "[]", "the light core installs no extra's dependency"


def test_the_course_extra_inits_a_course_and_generates_a_release(installed: Env) -> None:
    """``[course]`` on top of the core: ``course init`` from a copy of the course (the wheel
    holds no key, so the course comes from a folder: see docs/install.md), then a release."""
    proc = _run([*installed.pip, f"{installed.wheel}[course]"], cwd=installed.work,
                env=installed.env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    template = installed.folder / "exercises"
    shutil.copytree(REPO / "exercises", template,
                    ignore=shutil.ignore_patterns("samples", "release", "submitted",
                                                  "autograded", "feedback", "gradebook.db"))
    proc = installed.script("encoder-kit", "course", "init", "my-course", "--course-id",
                            "nlp-101", "--template", str(template))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    course = installed.work / "my-course"
    assert (course / "nbgrader_config.py").is_file()
    proc = installed.script("encoder-kit", "course", "release", "hw1-pipeline", "--course",
                            str(course), timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    released = list((course / "release" / "hw1-pipeline").glob("*.ipynb"))
    assert released, "the release holds no notebook"
