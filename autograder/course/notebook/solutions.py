"""Instructor side: the right answer to the version of a question this kernel shows.

A graded slot is a pool of versions, and each student draws one; a source notebook's
solution cell (inside ``### BEGIN SOLUTION`` / ``### END SOLUTION``, stripped at release)
must therefore answer whatever version the running identity draws, not the first one.
``solution_for("id")`` computes the identity exactly as ``show`` does (the environment, else
``encoder-kit-questions.json`` beside the notebook, else the login name), loads the full
question (with its key) and returns ``autograder.reference_answer`` for that identity's
variant::

    answer("hw1-choice-two-stages", solution_for("hw1-choice-two-stages"))

The full question comes from the question path (``$ENCODER_KIT_QUESTION_PATH``), else from
the course's ``questions/`` folder next to ``source/`` (an instructor running a source
notebook in ``<course>/source/<assignment>/``).

A grading kernel sees no key (``encoder-kit course grade`` hides the course from it), so a
solution that must also earn its marks when the source notebook itself is graded (nbgrader's
validate, the course's round-trip test) carries its answers: ``solution_for("id",
{version id: answer})`` draws the version from the public questions file alone and returns
that version's entry; for a numeric or shape version the entry may be its ``expected``
expression (``"[pieces, 768]"``), evaluated with the student's numbers.
``exercises/tools/build_sources.py`` writes the cells that way. Never import this module in
a released cell.

>>> import os, tempfile
>>> here = os.getcwd(); os.chdir(tempfile.mkdtemp())
>>> os.environ.update(ENCODER_KIT_COURSE="c", ENCODER_KIT_ASSIGNMENT="a",
...                   ENCODER_KIT_STUDENT="s")
>>> from encoder_kit.questions import find_question, make_variant
>>> from autograder import grade
>>> question = find_question("practice-shape-padded-batch")
>>> variant = make_variant(question, "c", "a", "s")
>>> grade(question, solution_for(question.id), variant).score
1.0
>>> table = {question.id: question.expected}  # the key as an expression of the numbers
>>> solution_for(question.id, table) == solution_for(question.id)
True
>>> for name in ("ENCODER_KIT_COURSE", "ENCODER_KIT_ASSIGNMENT", "ENCODER_KIT_STUDENT"):
...     del os.environ[name]
>>> os.chdir(here)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["course_question_folders", "solution_for"]


def course_question_folders(start: str | Path | None = None) -> list[Path]:
    """The ``questions/`` (and ``code-questions/``) folders of the course whose ``source/``
    holds ``start`` (default: the working folder); [] outside a course's source folder."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder.name == "source":
            course = folder.parent
            return [course / name for name in ("questions", "code-questions")
                    if (course / name).is_dir()]
    return []


def _full_question(question_id: str) -> Any:
    from encoder_kit.questions import QuestionNotFoundError, find_question

    try:
        return find_question(question_id)
    except QuestionNotFoundError:
        folders = course_question_folders()
        if not folders:
            raise QuestionNotFoundError(
                f"no question with id {question_id!r} on the question path, and this notebook "
                "is not in a course's source/<assignment>/ folder; set "
                "ENCODER_KIT_QUESTION_PATH to the course's questions/ folder"
            ) from None
        return find_question(question_id, folders)


def solution_for(question_id: str, answers: Mapping[str, Any] | None = None) -> Any:
    """The answer that earns full marks on the version of ``question_id`` that this kernel's
    identity draws (what ``show(question_id)`` displays here).

    Without ``answers`` it is computed from the full question (keys needed); with
    ``answers`` (``{version id: answer}``, or ``{question id: answer}`` for a question that is
    no pool) it is looked up there, keyless.
    """
    from encoder_kit.questions.files.released import identity, lookup, read_public_questions

    if answers is None:
        from autograder import reference_answer
        from encoder_kit.questions import make_variant

        question = _full_question(question_id)
        who = identity(read_public_questions())
        variant = (make_variant(question, who["course"], who["assignment"], who["student"])
                   if getattr(question, "is_variable", False) else None)
        return reference_answer(question, variant)
    stand_in, data = lookup(question_id)
    who = identity(data)
    variant = stand_in.variant(who)
    member = stand_in.member(variant)
    if member.id not in answers:
        raise KeyError(f"the solution of {question_id!r} has no answer for version "
                       f"{member.id!r}; rebuild the notebook (exercises/tools/build_sources.py)")
    entry = answers[member.id]
    if isinstance(entry, str) and member.kind in ("shape", "numeric"):
        from encoder_kit.questions.draw.symbols import evaluate, evaluate_shape

        values = stand_in.values_for(who)
        return (list(evaluate_shape(entry, values)) if member.kind == "shape"
                else evaluate(entry, values))
    return entry
