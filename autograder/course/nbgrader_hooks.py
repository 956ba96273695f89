"""Small functions the course's ``nbgrader_config.py`` hands to nbgrader.

``set_grading_identity`` is Autograde's ``pre_convert_hook``: before nbgrader grades one
student's submission it sets ``ENCODER_KIT_ASSIGNMENT`` and ``ENCODER_KIT_STUDENT``, which
the kernel it starts inherits, so ``check``/``grade_cell`` grade that student's variant.
nbgrader passes ``student="*"`` when grading everyone, so the student is read from the
submitted notebook's path (``submitted/<student>/<assignment>/<notebook>.ipynb``).

>>> import os
>>> set_grading_identity(assignment="*", student="*",
...                      notebooks=["/c/submitted/ada/hw1/hw1.ipynb"])
>>> os.environ["ENCODER_KIT_STUDENT"], os.environ["ENCODER_KIT_ASSIGNMENT"]
('ada', 'hw1')
>>> for name in ("ENCODER_KIT_STUDENT", "ENCODER_KIT_ASSIGNMENT"):
...     del os.environ[name]

``CheckReleaseLeaks`` is the leak check as one of GenerateAssignment's preprocessors (the
course's config appends it), so plain ``nbgrader generate_assignment`` and the formgrader's
Generate button refuse a leaking release as ``encoder-kit course release`` does: it raises,
nbgrader removes the half-made release folder and reports the error.

>>> MARKERS[0], release_leaks  # doctest: +ELLIPSIS
('BEGIN SOLUTION', <function release_leaks at ...>)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

from .protocol import (
    ANSWERS_FILENAME,
    ASSIGNMENT_ENV,
    HIDDEN_DATA_ENV,
    QUESTION_PATH_ENV,
    STUDENT_ENV,
)

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")
_MIN_HIDDEN_TEXT = 25  # shorter hidden sentences are too common to call a leak


class ReleaseLeakError(ValueError):
    """A release that would give away a key, a solution, a hidden test or hidden data."""


def set_grading_identity(
    assignment: str = "", student: str = "", notebooks: Sequence[str] = (), **_: Any
) -> None:
    """Set the kernel's identity for the submission nbgrader is about to grade."""
    if notebooks:
        path = Path(notebooks[0])
        student = student if student not in ("", "*") else path.parent.parent.name
        assignment = assignment if assignment not in ("", "*") else path.parent.name
    if assignment and assignment != "*":
        os.environ[ASSIGNMENT_ENV] = assignment
    if student and student != "*":
        os.environ[STUDENT_ENV] = student


def answers_file_kept(source: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Autograde's ``exclude_overwriting`` for every assignment in ``source``: the students'
    answers file is theirs, never replaced by a copy the instructor's own runs left there."""
    folder = Path(source)
    if not folder.is_dir():
        return {}
    return {
        entry.name: [ANSWERS_FILENAME]
        for entry in sorted(folder.iterdir())
        if entry.is_dir() and not entry.name.startswith(".")
    }


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _text_of(path: Path) -> str:
    raw = path.read_bytes().decode("utf-8", errors="ignore")
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(raw).get("cells", [])
        except ValueError:
            return raw
        parts = []
        for cell in cells:
            parts.append(_source(cell))
            for output in cell.get("outputs", []):
                parts.append(json.dumps(output, ensure_ascii=False))
        raw = "\n".join(parts)
    return " ".join(raw.split())


def hidden_snippets(hidden: Path | None) -> tuple[set[str], list[str]]:
    """Hashes of the hidden data files and the sentences they hold."""
    if hidden is None or not hidden.is_dir():
        return set(), []
    hashes, snippets = set(), []
    for path in sorted(p for p in hidden.rglob("*") if p.is_file()):
        hashes.add(hashlib.sha256(path.read_bytes()).hexdigest())
        text = path.read_text(encoding="utf-8", errors="ignore")
        if path.suffix == ".tsv":
            rows = [line.split("\t")[0] for line in text.splitlines()[1:]]
        elif path.suffix == ".conll":
            rows = [" ".join(line.split("\t")[0] for line in block.splitlines())
                    for block in text.split("\n\n")]
        else:
            rows = []
        snippets += [" ".join(r.split()) for r in rows if len(r) >= _MIN_HIDDEN_TEXT]
    return hashes, snippets


def graded_questions_on(path: Sequence[str | os.PathLike[str]]) -> list[Any]:
    """Every graded question in the folders of a question path."""
    from encoder_kit.questions import load_questions

    found: list[Any] = []
    for folder in map(Path, path):
        if folder.exists():
            found.extend(q for q in load_questions(folder) if q.graded)
    return found


def release_leaks(folder: Path, questions: Sequence[Any], hidden: Path | None,
                  include_feedback: bool = True) -> list[str]:
    """Every way ``folder`` gives away a key, a solution, a hidden test or hidden data.

    ``questions`` are the graded questions whose secrets must not appear; ``hidden`` is the
    hidden test data folder. Feedback files are scanned with ``include_feedback=False``:
    they may hold the feedback of the options a student chose, never a key.
    """
    from encoder_kit.questions import find_leaks

    problems = [f"{leak.location}: holds a secret of graded question {leak.question_id!r}"
                for leak in find_leaks([folder], list(questions), include_feedback)]
    hashes, snippets = hidden_snippets(hidden)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.startswith(ANSWERS_FILENAME):
            problems.append(f"{path}: an answers file (left by running the source notebook) "
                            "holds the solutions")
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() in hashes:
            problems.append(f"{path}: a copy of a hidden test data file")
            continue
        text = _text_of(path)
        problems += [f"{path}: holds the marker {marker!r}" for marker in MARKERS
                     if marker in text]
        leaked = [s for s in snippets if s in text]
        if leaked:
            problems.append(f"{path}: holds {len(leaked)} sentence(s) of the hidden test data, "
                            f"e.g. {leaked[0][:60]!r}")
    return problems


def _from_env(name: str) -> list[str]:
    return [p for p in os.environ.get(name, "").split(os.pathsep) if p]


class CheckReleaseLeaks(NbGraderPreprocessor):
    """GenerateAssignment's last step: refuse a student version that leaks.

    It checks the notebook as it will be released (after nbgrader cleared solutions and
    hidden tests) and the other files already copied into the release folder, against the
    graded questions on ``question_path`` and the data in ``hidden_data`` (both default to
    the ``ENCODER_KIT_QUESTION_PATH`` and ``ENCODER_KIT_HIDDEN_DATA`` the course's config
    sets). One finding raises ``ReleaseLeakError``: nbgrader then removes the release folder.
    """

    question_path = List(Unicode(), help="folders of the graded questions (default: "
                         "$ENCODER_KIT_QUESTION_PATH)").tag(config=True)
    hidden_data = Unicode("", help="the hidden test data folder (default: "
                          "$ENCODER_KIT_HIDDEN_DATA)").tag(config=True)
    release_directory = Unicode("", help="the course's release folder; when set, the "
                                "assignment's other files there are checked too").tag(
                                    config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        import nbformat

        info = resources.get("nbgrader", {})
        assignment, name = info.get("assignment", ""), info.get("notebook", "notebook")
        questions = graded_questions_on(self.question_path or _from_env(QUESTION_PATH_ENV))
        hidden_value = self.hidden_data or os.environ.get(HIDDEN_DATA_ENV, "")
        hidden = Path(hidden_value) if hidden_value else None
        with tempfile.TemporaryDirectory(prefix="encoder-kit-release-check-") as scratch:
            folder = Path(scratch) / assignment
            folder.mkdir(parents=True)
            nbformat.write(nb, str(folder / f"{name}.ipynb"))
            release = Path(self.release_directory) / assignment if self.release_directory \
                else None
            if release is not None and assignment and release.is_dir():
                for path in release.rglob("*"):
                    if path.is_file() and path.suffix != ".ipynb":
                        target = folder / path.relative_to(release)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(path.read_bytes())
            problems = release_leaks(folder, questions, hidden)
            problems = [p.replace(str(folder), f"release/{assignment}") for p in problems]
        if problems:
            raise ReleaseLeakError(
                f"{assignment}/{name}.ipynb was NOT released: {len(problems)} problem(s):\n- "
                + "\n- ".join(problems) + "\nFix the source notebook (or the files beside "
                "it) and generate the assignment again.")
        return nb, resources
