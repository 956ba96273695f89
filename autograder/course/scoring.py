"""Score the ``grade_cell`` test cells in the grader's process, after the kernel has run.

In a grading kernel, ``grade_cell`` scores nothing: it hands the grader a
:class:`~autograder.course.protocol.SubmissionRecord` (the question id, the answer given in
code or "saved", or what a coding check collected from the student's object, such as
predictions on the hidden inputs). The question keys and the hidden labels stay in the
grader's process, where ``ScoreGradeCells``, the step after ``SandboxedExecute`` in the
autograde chain, reads each test cell's record, grades it and replaces the cell's outputs
with the points, the feedback and the :class:`~autograder.course.protocol.ResultRecord` the
instructor's report reads. A record for another question than the (nbgrader-restored) cell
names is ignored, a cell without one scores 0, and a cell that raised keeps its error
(nbgrader scores it 0).

>>> calls("check_answered('q1')\\nfrom autograder.course import grade_cell\\ngrade_cell('q1')")
['q1']
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .notebook.testcell import SAVED, grade_question, short_paths
from .notes import add_note
from .protocol import (
    HANDED_OVER,
    HIDDEN_DATA_ENV,
    RESULT_MIME,
    ResultRecord,
    SubmissionRecord,
    is_test_cell,
    submission_records,
)


def calls(source: str) -> list[str]:
    """The question ids of the ``grade_cell("id", ...)`` calls in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        if name == "grade_cell" and isinstance(first, ast.Constant) and isinstance(
                first.value, str):
            found.append(first.value)
    return found


def _kept_streams(cell: NotebookNode, ids: list[str]) -> list[NotebookNode]:
    """The cell's printed text (a public check's message, say), minus grade_cell's own."""
    kept = []
    for output in cell.get("outputs", []):
        if output.get("output_type") != "stream":
            continue
        text = str(output.get("text", ""))
        for question_id in ids:
            text = text.replace(HANDED_OVER.format(question_id) + "\n", "")
        if text:
            kept.append(NotebookNode(output_type="stream", name=output.get("name", "stdout"),
                                     text=text))
    return kept


def _score(question_id: str, record: SubmissionRecord | None, workdir: Path,
           hidden: Path | None) -> tuple[Any, Any, tuple[str, ...]]:
    """(Result, graded answer, extra flags) for one record; never raises."""
    from autograder import Result
    from encoder_kit.questions import find_question

    from .checks import SPLIT

    if record is None:
        return Result.zero("No answer reached the grader: the grade_cell call in this cell "
                           "did not run to its end."), None, ("no-submission",)
    try:
        question = find_question(question_id)
    except Exception as error:
        return Result.zero(f"grade_cell({question_id!r}): {error}"), None, ("grading-error",)
    if question.kind != "code":
        answer = SAVED if record.saved else record.answer
        return grade_question(question_id, answer, workdir)
    points = question.points
    if record.error is not None:
        return Result.zero(record.error[:2000], max_points=points), None, ()
    collected = record.collected
    if collected is None:
        return Result.zero("The check sent nothing to score.", max_points=points), None, (
            "grading-error",)
    if question.test in SPLIT:
        if hidden is None:
            return Result.zero("The hidden test data is not configured on the grader "
                               f"({HIDDEN_DATA_ENV}).", max_points=points), None, (
                "grading-error",)
        try:
            outcome = SPLIT[question.test][1](collected, hidden)
            score, feedback = outcome[0], outcome[1]
            flags = tuple(outcome[2]) if len(outcome) > 2 else ()
        except AssertionError as error:
            return Result.zero(str(error), max_points=points), None, ()
        except Exception as error:  # unreadable predictions: a zero that says so
            return Result.zero(f"The predictions could not be scored ({type(error).__name__}:"
                               f" {error})", max_points=points), None, ()
    else:
        score, feedback = collected.get("score"), collected.get("feedback", "")
        flags = ()
        if isinstance(score, bool) or not isinstance(score, int | float):
            score = 0.0
    score = min(1.0, max(0.0, float(score)))
    return Result(score, points, str(feedback)[:2000], question_id=question.id,
                  flags=flags), None, ()


def score_notebook(nb: NotebookNode, workdir: Path, hidden: Path | None) -> list[str]:
    """Replace the outputs of every ``grade_cell`` test cell with the grader's score;
    notes for the instructor."""
    from encoder_kit.questions import find_question

    notes = []
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        ids = calls(cell.source)
        if not ids or any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            continue
        records = submission_records(cell)
        outputs, total = _kept_streams(cell, ids), 0.0
        for question_id in ids:
            mine = [r for r in records if r.question_id == question_id]
            result, graded, flags = _score(question_id, mine[-1] if mine else None, workdir,
                                           hidden)
            if not mine:
                notes.append(f"cell {index + 1}: no submission record for {question_id} "
                             "(scored 0)")
            try:
                title = find_question(question_id).title
            except Exception:  # an unknown id: the score already says so
                title = question_id
            text = f"{title}: {result.points:g} / {result.max_points:g} point(s)\n"
            if result.feedback:
                text += short_paths(result.feedback, workdir) + "\n"
            outputs.append(NotebookNode(output_type="stream", name="stdout", text=text))
            record = ResultRecord.of(question_id, result, graded, flags)
            outputs.append(NotebookNode(output_type="display_data", metadata={},
                                        data={RESULT_MIME: record.to_json()}))
            total += float(result.points)
        outputs.append(NotebookNode(output_type="execute_result", metadata={},
                                    execution_count=cell.get("execution_count"),
                                    data={"text/plain": repr(round(total, 6))}))
        cell.outputs = outputs
    return notes


class ScoreGradeCells(NbGraderPreprocessor):
    """Score the records ``grade_cell`` handed over (right after ``SandboxedExecute``).

    Use it only after a kernel whose ``grade_cell`` hands over (``ENCODER_KIT_GRADER_SCORES``
    set, as ``kernel_view`` does): a ``grade_cell`` test cell without a record scores 0.
    Test cells without a ``grade_cell`` call keep their outputs (nbgrader scores them).
    """

    hidden_data = Unicode("", help=(
        "The hidden test sets with their labels (the course's hidden/ folder), read here, in "
        "the grader, to score coding questions; '' when there are none")).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        path = ((resources or {}).get("metadata") or {}).get("path") or "."
        hidden = Path(self.hidden_data) if self.hidden_data else None
        for note in score_notebook(nb, Path(path), hidden):
            add_note(note)
        return nb, resources
