"""The package imports fast and lazily (no torch, sentence-transformers or sklearn at import), the
light core imports and grades without any extra, a missing extra is named, and the metadata
(one version source, PEP 639 licence fields, the extras) is as documented in docs/install.md."""

from __future__ import annotations

import json
import subprocess

import pytest
from support import run_python

import encoder_kit

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, vendored by pip
    from pip._vendor import tomli as tomllib


def test_import_loads_no_heavy_library():
    proc = run_python(
        "import sys, json, encoder_kit;"
        "print(json.dumps([m for m in ('torch', 'sentence_transformers', 'sklearn', 'transformers')"
        " if m in sys.modules]))"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_constructing_an_encoder_loads_no_model_library():
    proc = run_python(
        "import sys, json; from encoder_kit import FrozenEncoder, make_classifier;"
        "FrozenEncoder(); make_classifier();"
        "print(json.dumps([m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules]))"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        encoder_kit.nope  # noqa: B018


def test_public_names_are_listed():
    assert "FrozenEncoder" in dir(encoder_kit)
    assert encoder_kit.make_classifier.__module__ == "encoder_kit.classify"


# --- the light core and its extras -----------------------------------------------------------
# A finder that makes the extras' modules unimportable, as in `pip install encoder-kit` (the
# core alone): each test runs in a fresh interpreter with it first on sys.meta_path.
EXTRA_MODULES = ("nbgrader", "ipywidgets", "anywidget", "matplotlib", "psutil", "ipykernel",
                 "dask", "distributed", "pyseccomp")
_BLOCK = (
    "import sys, importlib.abc\n"
    f"BLOCKED = {EXTRA_MODULES!r}\n"
    "class Block(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in BLOCKED:\n"
    "            raise ImportError(f'No module named {name!r} (blocked)', name=name)\n"
    "sys.meta_path.insert(0, Block())\n"
)
CORE_MODULES = (
    "encoder_kit.encoder", "encoder_kit.cache", "encoder_kit.classify", "encoder_kit.tagger",
    "encoder_kit.tokens", "encoder_kit.conll", "encoder_kit.metrics", "encoder_kit.probe",
    "encoder_kit.compare", "encoder_kit.inspection", "encoder_kit.models", "encoder_kit.data",
    "encoder_kit.questions", "encoder_kit.questions.lint", "encoder_kit.cli",
    "autograder", "autograder.grade", "autograder.saved", "autograder.exports",
    "autograder.item_stats", "autograder.reference",
)


def _blocked(code: str) -> subprocess.CompletedProcess:
    return run_python(_BLOCK + code)


def test_the_core_imports_without_any_extra():
    proc = _blocked(
        "import importlib\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in BLOCKED))\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "[]"


def test_the_core_grades_a_bank_question_without_any_extra():
    proc = _blocked(
        "import autograder\n"
        "from autograder.reference import reference_answer\n"
        "from encoder_kit.questions import load_bank\n"
        "bank = load_bank()\n"
        "print(min(autograder.grade(q, reference_answer(q)).score for q in bank[:20]))\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert float(proc.stdout) == 1.0


@pytest.mark.parametrize("code", ["import encoder_kit.widgets",
                                  "import encoder_kit; encoder_kit.quiz"])
def test_the_widgets_without_their_extra_name_it(code):
    proc = _blocked(code)
    assert proc.returncode != 0
    assert "MissingExtraError" in proc.stderr
    assert "pip install 'encoder-kit[widgets]'" in proc.stderr
    from encoder_kit.extras import MissingExtraError
    assert issubclass(MissingExtraError, ImportError)


def test_the_course_cli_without_its_extra_names_it():
    proc = _blocked(
        "from encoder_kit.cli import main\n"
        "code = main(['course', 'release', 'hw1-pipeline', '--course', 'nowhere'])\n"
        "print('exit', code)\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "exit 1"
    assert "encoder-kit course: error:" in proc.stderr
    assert "pip install 'encoder-kit[course]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_rest_of_the_cli_works_without_the_course_extra():
    proc = _blocked(
        "from encoder_kit.cli import main\n"
        "main(['questions', 'lint', '--help'])\n"
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "usage" in (proc.stdout + proc.stderr).lower()


def test_the_version_has_one_source():
    """pyproject.toml reads the version from encoder_kit.__version__ (dynamic), and the
    installed metadata agrees with it."""
    import importlib.metadata
    from pathlib import Path


    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml")
                              .read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "encoder_kit.__version__"}
    assert importlib.metadata.version("encoder-kit") == encoder_kit.__version__


def test_the_licence_fields_follow_pep_639():
    from pathlib import Path


    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    text = (root / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_extras_split_core_from_heavy_parts():
    from pathlib import Path


    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml")
                            .read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"])
    for heavy in ("nbgrader", "ipywidgets", "anywidget", "matplotlib", "dask", "jupyterlab"):
        assert heavy not in core, heavy
    extras = project["optional-dependencies"]
    assert {"widgets", "course", "dask", "all", "dev"} <= set(extras)
    [nbgrader] = [d for d in extras["course"] if d.startswith("nbgrader")]
    assert "<" in nbgrader, "nbgrader is capped to the versions tested"
    assert any("[all" in d for d in extras["dev"]), "dev installs every extra"


def test_plots_without_matplotlib_name_the_extra():
    proc = _blocked(
        "from encoder_kit.compare import plot_comparison\n"
        "from encoder_kit.extras import MissingExtraError\n"
        "try:\n"
        "    plot_comparison(None)\n"
        "except MissingExtraError as error:\n"
        "    print(error)\n"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "plot_comparison needs matplotlib" in proc.stdout
    assert "pip install 'encoder-kit[widgets]'" in proc.stdout
