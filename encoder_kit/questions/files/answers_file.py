"""The answers file: what a widget's Check or ``answer()`` writes, and what grading reads back.

nbgrader's autograde re-executes a notebook without a browser, so the state of a widget is
gone by then. Every Check (and the course's ``answer("id", value)``) therefore writes the
answer to ``encoder-kit-answers.json`` beside the notebook (the kernel's working folder).
nbgrader's collect and autograde copy every file of a submission folder, so the file travels
with the notebook, and an autograded cell grades it again (``autograder.saved.grade_saved``,
``autograder.course.grade_cell``). This format is a contract between the widgets and the
grader, so it lives here, below both.

The file is one JSON object, written atomically (a reader never sees half a file)::

    {"format": "encoder-kit-answers", "version": 1,
     "answers": {"<question id>": {"question_id": ..., "kind": ..., "answer": ...,
                                   "variant": ..., "attempts": 2, "saved_at": "...Z",
                                   "score": 0.5}}}

A missing, empty or malformed file, or a question with no saved answer, is never a crash:
:func:`load_answer` raises :class:`AnswerFileError` with a message that says what to do, and
grading turns it into a zero with that message.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = save_answer("demo-q", ["b", "a"], kind="ordering", attempts=1, path=folder)
>>> load_answer("demo-q", path=folder).answer
['b', 'a']
>>> load_answer("other-q", path=folder)
Traceback (most recent call last):
...
encoder_kit.questions.files.answers_file.AnswerFileError: no saved answer for question 'other-q' ...
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ANSWERS_FILENAME = "encoder-kit-answers.json"
ANSWERS_ENV = "ENCODER_KIT_ANSWERS"  # another answers file than the one beside the notebook
FORMAT = "encoder-kit-answers"
VERSION = 1
_lock = threading.Lock()


class AnswerFileError(ValueError):
    """The saved-answer file is missing, empty, malformed, or lacks the question asked for."""


@dataclass(frozen=True)
class SavedAnswer:
    """One question's answer as the widget saved it on the last Check."""

    question_id: str
    answer: Any
    kind: str | None = None
    variant: Any = None
    attempts: int = 0
    saved_at: str | None = None
    score: float | None = None


def answers_path(path: str | os.PathLike | None = None) -> Path:
    """The answers file: ``path`` (a file or a folder), else ``$ENCODER_KIT_ANSWERS``, else
    ``encoder-kit-answers.json`` in the working folder (beside the notebook)."""
    chosen = path if path is not None else os.environ.get(ANSWERS_ENV)
    target = Path(chosen) if chosen else Path.cwd() / ANSWERS_FILENAME
    if target.is_dir():
        target = target / ANSWERS_FILENAME
    return target


def _read(target: Path) -> dict[str, Any]:
    """The ``answers`` mapping of the file, or AnswerFileError naming the problem."""
    where = str(target)
    fix = ("open the notebook, answer the question and press Check (that writes the file), "
           "and hand the file in together with the notebook")
    try:
        raw = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswerFileError(f"the answers file {where} does not exist; {fix}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise AnswerFileError(f"the answers file {where} cannot be read ({err}); {fix}") from None
    if not raw.strip():
        raise AnswerFileError(f"the answers file {where} is empty; {fix}")
    try:
        data = json.loads(raw)
    except ValueError as err:
        raise AnswerFileError(
            f"the answers file {where} is not valid JSON ({err}); it was probably edited by "
            f"hand or cut short: delete it, then {fix}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise AnswerFileError(
            f"the answers file {where} is not an encoder-kit answers file (no "
            f"'format': {FORMAT!r}); delete it, then {fix}")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise AnswerFileError(
            f"the answers file {where} has no 'answers' object; delete it, then {fix}")
    return answers


def load_answer(question_id: str, path: str | os.PathLike | None = None) -> SavedAnswer:
    """The saved answer to ``question_id``; :class:`AnswerFileError` says what is wrong."""
    target = answers_path(path)
    entry = _read(target).get(question_id)
    if entry is None:
        raise AnswerFileError(
            f"no saved answer for question {question_id!r} in {target}; answer it in the "
            "notebook and press Check, which saves the answer")
    if not isinstance(entry, dict) or "answer" not in entry:
        raise AnswerFileError(
            f"the saved answer for question {question_id!r} in {target} is malformed (no "
            "'answer' field); press Check again in the notebook to save it anew")
    attempts = entry.get("attempts", 0)
    score = entry.get("score")
    return SavedAnswer(
        question_id=question_id,
        answer=entry["answer"],
        kind=entry.get("kind") if isinstance(entry.get("kind"), str) else None,
        variant=entry.get("variant"),
        attempts=attempts if isinstance(attempts, int) else 0,
        saved_at=entry.get("saved_at") if isinstance(entry.get("saved_at"), str) else None,
        score=float(score) if isinstance(score, (int, float)) else None,
    )


def save_answer(
    question_id: str,
    answer: Any,
    *,
    kind: str | None = None,
    variant: Any = None,
    attempts: int = 1,
    score: float | None = None,
    path: str | os.PathLike | None = None,
) -> Path:
    """Record ``answer`` for ``question_id`` (replacing an earlier one); return the file.

    The rest of the file is kept. A damaged file is moved aside to ``<name>.damaged`` rather
    than overwritten blindly, so that nothing a student wrote is lost without a trace.
    """
    target = answers_path(path)
    entry = {
        "question_id": question_id,
        "kind": kind,
        "answer": answer,
        "variant": variant,
        "attempts": int(attempts),
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace(
            "+00:00", "Z"),
        "score": score,
    }
    json.dumps(entry)  # fail before touching the file if the answer is not JSON data
    with _lock:
        try:
            answers = _read(target)
        except AnswerFileError:
            answers = {}
            if target.exists() and target.stat().st_size > 0:
                os.replace(target, target.with_name(target.name + ".damaged"))
        answers[question_id] = entry
        payload = {"format": FORMAT, "version": VERSION, "answers": answers}
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    return target
