"""An nbgrader course folder as encoder-kit sees it: root, config, folders, gradebook.

``Course.open(root)`` reads the configuration the way nbgrader does, with nbgrader's own
loader: the ``nbgrader_config.py`` files of the system, the environment and the user
(``jupyter --paths``' config folders, e.g. a JupyterHub's global ``db_url`` or exchange),
then the course folder's, which wins. A config file that raises stops here with its error,
where nbgrader would only log it. The environment
variables that file sets for grading kernels (question path, hidden data, course id) are
recorded in ``course.environment`` and taken back out of this process's environment, so that
opening a course changes nothing around it; workers apply them to the kernels they start.

>>> import pathlib, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "nbgrader_config.py").write_text(
...     "c = get_config()\\nc.CourseDirectory.course_id = 'demo'\\n"
...     "import os\\nos.environ['ENCODER_KIT_HIDDEN_DATA'] = '/hidden'\\n")
>>> course = Course.open(root)
>>> course.course_id, course.environment["ENCODER_KIT_HIDDEN_DATA"], course.db_url[:10]
('demo', '/hidden', 'sqlite:///')
>>> Course.open(root / "nowhere")
Traceback (most recent call last):
...
autograder.course.coursedir.CourseError: no nbgrader course at .../nowhere (no nbgrader_config.py there); run the command in the course folder or pass --course FOLDER
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .protocol import HIDDEN_DATA_ENV, QUESTION_PATH_ENV

CONFIG_FILE = "nbgrader_config.py"


class CourseError(ValueError):
    """A course folder, assignment or submission that cannot be used as asked."""


def scripts_on_path() -> None:
    """Put this Python's scripts folder on PATH when nbgrader's helpers are not found there.

    nbgrader runs the ``alembic`` command to create a new gradebook; an encoder-kit started
    as ``.venv/bin/encoder-kit`` without an activated environment would not find it.
    """
    if shutil.which("alembic") is None:
        scripts = str(Path(sys.executable).parent)
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


@contextlib.contextmanager
def _environment_kept() -> Iterator[dict[str, str]]:
    """Run a block; afterwards restore ``os.environ`` and report what the block set."""
    before = dict(os.environ)
    changed: dict[str, str] = {}
    try:
        yield changed
    finally:
        changed.update({k: v for k, v in os.environ.items() if before.get(k) != v})
        os.environ.clear()
        os.environ.update(before)


def load_nbgrader_config(folder: Path) -> Any:
    """The config nbgrader's apps would use in ``folder``: system, environment and user
    ``nbgrader_config`` files (``jupyter_config_path()``), then ``folder/nbgrader_config.py``.

    It is nbgrader's own ``NbGrader.load_config_file`` followed by the course file, as
    ``NbGrader.initialize`` loads it; errors in a config file are raised, not logged.
    """
    from jupyter_core.application import JupyterApp
    from nbgrader.apps.baseapp import NbGrader
    from traitlets.config.application import Application

    app = NbGrader()
    app.raise_config_file_errors = True
    try:
        # NbGrader.load_config_file without its cwd file (the course folder below stands
        # for nbgrader's cwd) and without its warning when no user-level file exists
        JupyterApp.load_config_file(app, suppress_errors=False)
        Application.load_config_file(app, CONFIG_FILE, path=str(folder))
    finally:
        NbGrader.clear_instance()
    return app.config


@dataclass
class Course:
    """A course folder and its nbgrader configuration."""

    root: Path
    config: Any
    environment: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Course:
        """The course at ``root`` (default: the working folder)."""
        folder = Path(root or Path.cwd()).expanduser().resolve()
        if not (folder / CONFIG_FILE).is_file():
            raise CourseError(
                f"no nbgrader course at {folder} (no {CONFIG_FILE} there); run the command in "
                "the course folder or pass --course FOLDER"
            )
        with _environment_kept() as environment:
            config = load_nbgrader_config(folder)
        config.CourseDirectory.root = str(folder)
        course = cls(folder, config, environment)
        # nbgrader steps run in this process (NbGraderAPI) do not see the environment the
        # config set: hand the leak check of GenerateAssignment its folders directly
        leaks = config.CheckReleaseLeaks
        if "question_path" not in leaks:
            leaks.question_path = [str(p) for p in course.question_path()]
        if "hidden_data" not in leaks and course.hidden_dir() is not None:
            leaks.hidden_data = str(course.hidden_dir())
        return course

    # -- nbgrader objects -----------------------------------------------------------------
    def coursedir(self, **traits: Any) -> Any:
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        for name, value in traits.items():
            setattr(coursedir, name, value)
        return coursedir

    def api(self, **traits: Any) -> Any:
        from nbgrader.apps import NbGraderAPI

        scripts_on_path()
        return NbGraderAPI(self.coursedir(**traits), config=self.config)

    @property
    def course_id(self) -> str:
        return str(self.coursedir().course_id)

    @property
    def db_url(self) -> str:
        return str(self.coursedir().db_url)

    # -- folders --------------------------------------------------------------------------
    def folder(self, step: str, student: str = ".", assignment: str = ".") -> Path:
        """``source``/``release``/``submitted``/``autograded``/``feedback`` paths."""
        directory = getattr(self.coursedir(), f"{step}_directory")
        return Path(self.coursedir().format_path(directory, student, assignment)).resolve()

    def source(self, assignment: str) -> Path:
        """The assignment's source folder; CourseError when there is none."""
        folder = self.folder("source", ".", assignment)
        if not folder.is_dir() or not list(folder.glob("*.ipynb")):
            known = sorted(p.name for p in self.folder("source").glob("*") if p.is_dir())
            raise CourseError(
                f"no assignment {assignment!r} in {self.folder('source')} (no notebooks in "
                f"{folder}); assignments here: {', '.join(known) or 'none'}"
            )
        return folder

    def submissions(self, assignment: str) -> dict[str, Path]:
        """``{student: submitted folder}`` for everyone who submitted ``assignment``."""
        found = {}
        for student_dir in sorted(self.folder("submitted").glob("*")):
            folder = student_dir / assignment
            if folder.is_dir() and not student_dir.name.startswith("."):
                found[student_dir.name] = folder
        return found

    # -- encoder-kit settings -------------------------------------------------------------
    def setting(self, name: str) -> str:
        return self.environment.get(name) or os.environ.get(name, "")

    def question_path(self) -> list[Path]:
        return [Path(p) for p in self.setting(QUESTION_PATH_ENV).split(os.pathsep) if p]

    def hidden_dir(self) -> Path | None:
        value = self.setting(HIDDEN_DATA_ENV)
        return Path(value) if value else None

    def graded_questions(self) -> list[Any]:
        """Every graded question on the course's question path."""
        from encoder_kit.questions import load_questions

        found: list[Any] = []
        for folder in self.question_path():
            if folder.exists():
                found.extend(q for q in load_questions(folder) if q.graded)
        return found

    def find_question(self, question_id: str) -> Any:
        from encoder_kit.questions import find_question

        return find_question(question_id, self.question_path())
