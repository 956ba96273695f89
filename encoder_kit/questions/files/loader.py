"""Load questions from YAML: a file, a folder, the packaged practice bank, or a search path.

A YAML file holds one question (a mapping with ``id``), a list of questions, or a mapping
with a ``questions:`` list. Every error names the file, the question id and the field:

    bank/c04_output_shapes.yaml: question 'practice-shape-padded-batch': field 'expected': ...

A pool (``kind: pool``, see :mod:`.pool`) is loaded as a ``QuestionPool``; its version ids
are unique like question ids, and ``find_question`` finds a slot (the pool) and a version
(the member question, for instructor tools) alike.

``find_question`` looks for an id in, in turn: the ``path`` argument, the folders in the
``ENCODER_KIT_QUESTION_PATH`` environment variable (separated by ``os.pathsep``), and the
packaged practice bank. Graded questions live only in instructor folders, never in the bank.

>>> bank = load_bank()
>>> len(bank) >= 45 and all(not q.graded for q in bank)
True
>>> find_question(bank[0].id).id == bank[0].id
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..kinds.common import FieldError
from ..kinds.pool import PoolError, QuestionPool, version_entries
from ..kinds.schema import AnyQuestion, parse_question

Loaded = AnyQuestion | QuestionPool

QUESTION_PATH_ENV = "ENCODER_KIT_QUESTION_PATH"
_SUFFIXES = (".yaml", ".yml")
_CACHE: dict[tuple[Any, ...], list[Loaded]] = {}
# libyaml's loader when it is installed: the bank loads several times faster
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class QuestionFormatError(ValueError):
    """A question file that cannot be read or does not follow the schema."""

    def __init__(
        self, source: str, message: str, question_id: str | None = None, field: str | None = None
    ) -> None:
        where = source
        if question_id is not None:
            where += f": question {question_id!r}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")
        self.source, self.question_id, self.field = source, question_id, field


class QuestionNotFoundError(LookupError):
    """No question with this id on the search path."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


def all_ids(question: Loaded) -> list[str]:
    """A question's id, and for a pool its versions' ids as well."""
    if isinstance(question, QuestionPool):
        return [question.id, *question.version_ids()]
    return [question.id]


def parse_questions_text(text: str, source: str = "<text>") -> list[Loaded]:
    """Parse the YAML text of one question file."""
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise QuestionFormatError(
            source, f"{line}malformed YAML ({problem}); check indentation and quoting"
        ) from None
    except UnicodeError as error:  # a lone surrogate: text that did not come from a file
        raise QuestionFormatError(source, f"the text is not valid Unicode ({error})") from None
    except ValueError as error:  # not a YAMLError: a date that does not exist, a huge integer
        raise QuestionFormatError(
            source, f"a value cannot be read ({error}); quote it to keep it as text"
        ) from None
    if isinstance(data, Mapping) and "questions" in data:
        data = data["questions"]
    elif isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list) or not data:
        raise QuestionFormatError(
            source, "no questions found; write a list of questions or 'questions: [...]'"
        )
    questions = [_parse_one(entry, source, index) for index, entry in enumerate(data, 1)]
    seen: set[str] = set()
    for question in questions:
        for question_id in all_ids(question):
            if question_id in seen:
                raise QuestionFormatError(
                    source,
                    "this id is used twice in the file (as a question, a pool or a pool's "
                    "version); ids must be unique",
                    question_id,
                    "id",
                )
            seen.add(question_id)
    return questions


def _parse_one(entry: Any, source: str, index: int) -> Loaded:
    if not isinstance(entry, Mapping):
        raise QuestionFormatError(source, f"entry {index} is not a mapping of fields")
    if entry.get("kind") == "pool":
        return _parse_pool(entry, source)
    question_id = str(entry.get("id", f"#{index}"))
    try:
        return parse_question(entry)
    except ValidationError as error:
        raise _format_error(error, entry, source, question_id) from None
    except (ValueError, TypeError) as error:
        raise QuestionFormatError(source, str(error), question_id) from None


def _format_error(
    error: ValidationError, entry: Mapping[str, Any], source: str, question_id: str
) -> QuestionFormatError:
    for problem in error.errors():
        cause = (problem.get("ctx") or {}).get("error")
        if isinstance(cause, PoolError):  # names a version, not the entry
            return QuestionFormatError(source, str(cause), cause.question_id, cause.field)
    problems = _field_problems(error.errors(), entry)
    field, message = problems[0]
    others = "".join(f"; field {f!r}: {m}" for f, m in problems[1:5])
    return QuestionFormatError(source, message + others, question_id, field)


def _parse_pool(entry: Mapping[str, Any], source: str) -> QuestionPool:
    """A pool: versions parsed one by one (errors name the version), then the pool."""
    pool_id = str(entry.get("id", "?"))
    try:
        entries = version_entries(entry)
    except PoolError as error:
        raise QuestionFormatError(source, str(error), error.question_id, error.field) from None
    members = [_parse_one(version, source, index) for index, version in enumerate(entries, 1)]
    try:
        return QuestionPool.model_validate({**entry, "versions": members})
    except ValidationError as error:
        raise _format_error(error, entry, source, pool_id) from None


# parts of a pydantic error location that name a type of a union, not a field
_TYPE_TAG = re.compile(
    r"^(int|float|str|bool|none|(list|dict|literal|function-[a-z]+)\[.*\]|[A-Z]\w*)$"
)
_TYPE_MISMATCH = {
    "int_type",
    "int_parsing",
    "float_type",
    "float_parsing",
    "string_type",
    "bool_type",
    "bool_parsing",
    "model_type",
    "dict_type",
    "list_type",
}


def _field_problems(errors: list[Any], entry: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """One (dotted field path, message) per field, with union alternatives merged."""
    grouped: dict[str | None, list[Any]] = {}
    for problem in errors:
        location = [str(part) for part in problem["loc"]]
        if location and location[0] == entry.get("kind"):
            location = location[1:]  # pydantic puts the union tag first
        location = [part for part in location if not _TYPE_TAG.match(part)]
        cause = (problem.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError) and location[-1:] != [cause.field]:
            location.append(cause.field)
        if problem["type"] in ("union_tag_invalid", "union_tag_not_found"):
            location = ["kind"]
        grouped.setdefault(".".join(location) or None, []).append(problem)
    described = []
    for field, problems in grouped.items():
        deeper = [other for other in grouped if other and field and other.startswith(field + ".")]
        if deeper and all(p["type"] in _TYPE_MISMATCH for p in problems):
            continue  # a union alternative that does not apply; the deeper error explains

        if field == "kind":
            message = (
                "unknown or missing kind; use one of ordering, shape, choice, design, "
                "diagnosis, numeric, code (or pool, for a slot with versions)"
            )
        else:
            specific = [p for p in problems if p["type"] not in _TYPE_MISMATCH]
            chosen = specific[:1] or problems
            message = " or ".join(p["msg"].removeprefix("Value error, ") for p in chosen)
        described.append((field, message))
    return described


def load_questions(source: str | os.PathLike[str]) -> list[Loaded]:
    """Load every question of a YAML file, or of every ``*.yaml`` file in a folder."""
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in _SUFFIXES and p.is_file())
    elif path.is_file():
        files = [path]
    else:
        raise FileNotFoundError(f"no question file or folder at {path}")
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if stamp not in _CACHE:
        _CACHE[stamp] = _load_files((str(f), _read_text(f)) for f in files)
    return list(_CACHE[stamp])


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise QuestionFormatError(
            str(path), f"not UTF-8 text (byte {error.start}: {error.reason}); save it as UTF-8"
        ) from None


def _load_files(files: Iterable[tuple[str, str]]) -> list[Loaded]:
    questions: list[Loaded] = []
    sources: dict[str, str] = {}
    for name, text in files:
        for question in parse_questions_text(text, name):
            for question_id in all_ids(question):
                if question_id in sources:
                    raise QuestionFormatError(
                        name, f"the id is also used in {sources[question_id]}", question_id, "id"
                    )
                sources[question_id] = name
            questions.append(question)
    return questions


def _bank_folder() -> Any:  # an importlib Traversable
    return resources.files("encoder_kit.questions").joinpath("bank")


def load_bank() -> list[Loaded]:
    """The practice bank shipped with the package (practice questions only)."""
    files = sorted(
        (entry for entry in _bank_folder().iterdir() if entry.name.endswith(_SUFFIXES)),
        key=lambda entry: entry.name,
    )
    stamp = ("bank", tuple(entry.name for entry in files))
    if stamp not in _CACHE:
        texts = [(f"bank/{entry.name}", entry.read_text(encoding="utf-8")) for entry in files]
        questions = _load_files(texts)
        for question in questions:
            if question.graded:
                raise QuestionFormatError(
                    "bank",
                    "the packaged bank holds practice questions only; move graded "
                    "questions to an instructor folder",
                    question.id,
                    "graded",
                )
        _CACHE[stamp] = questions
    return list(_CACHE[stamp])


def question_search_path(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
) -> list[Path]:
    """The folders (or files) searched before the bank: ``path``, then the environment variable."""
    folders: list[Path] = []
    if isinstance(path, str | os.PathLike):
        folders.append(Path(path))
    elif path is not None:
        folders.extend(Path(p) for p in path)
    folders.extend(Path(p) for p in os.environ.get(QUESTION_PATH_ENV, "").split(os.pathsep) if p)
    return folders


def find_question(
    question_id: str,
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
) -> Loaded:
    """The question with this id: from ``path``, then ``$ENCODER_KIT_QUESTION_PATH``, then bank.

    A pool's slot id gives the ``QuestionPool``; a version's id gives that member question.
    """
    if not isinstance(question_id, str) or not question_id:
        raise TypeError(f"a question id is a non-empty string, not {question_id!r}")
    searched = question_search_path(path)
    for folder in searched:
        if not folder.exists():
            continue  # an unset or stale entry must not hide the rest of the path
        found = _find_in(load_questions(folder), question_id)
        if found is not None:
            return found
    found = _find_in(load_bank(), question_id)
    if found is not None:
        return found
    places = ", ".join(str(folder) for folder in searched) + (", " if searched else "")
    raise QuestionNotFoundError(
        f"no question with id {question_id!r} in {places}the practice bank; check the id, or "
        f"point {QUESTION_PATH_ENV} at the folder that holds it"
    )


def _find_in(questions: Iterable[Loaded], question_id: str) -> Loaded | None:
    for question in questions:
        if question.id == question_id:
            return question
        if isinstance(question, QuestionPool) and question_id in question.version_ids():
            return question.version(question_id)
    return None
