"""nbgrader preprocessors the course adds to nbgrader's own chains (see nbgrader_config.py).

- ``KeepStderrOffTheGrade`` (autograde, before ``SaveAutoGrades``): text a test cell wrote
  to stderr (a warning, a progress bar) becomes stdout marked ``[stderr]``, so it stays
  visible but no longer scores the cell 0. Errors still do.
- ``LabelTests`` (feedback): removes the hidden part of every test cell, as nbgrader's
  ``ClearHiddenTests`` does at release, cuts the tracebacks of such cells to their last line
  (a traceback quotes the code around the failing line, hidden lines included), and labels
  the cell "Public test" or "Hidden test", so that a student sees which results come from
  tests they had and which from hidden ones.
- ``ReadableResults`` (feedback, before ``DropGradingRecords``): each graded question shows
  the student's answer in words (an ordering as a numbered list, a design as components and
  arrows), the points and the feedback, and printed text wraps.
- ``DropGradingRecords`` (feedback): removes the machine-readable results that
  ``grade_cell`` displays for the instructor's report.

>>> from nbformat.v4 import new_code_cell, new_notebook, new_output
>>> cell = new_code_cell("check()", metadata={"nbgrader": {"grade": True, "solution": False,
...     "grade_id": "t1", "points": 1, "locked": True}})
>>> cell.outputs = [new_output("stream", name="stderr", text="UserWarning: slow\\n")]
>>> nb, _ = KeepStderrOffTheGrade().preprocess(new_notebook(cells=[cell]), {})
>>> nb.cells[0].outputs[0].name, nb.cells[0].outputs[0].text
('stdout', '[stderr] UserWarning: slow\\n')
"""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, List, Unicode

from .protocol import RESULT_MIME, is_test_cell


class KeepStderrOffTheGrade(NbGraderPreprocessor):
    """Turn stderr text in test cells into marked stdout text (errors are kept)."""

    marker = Unicode("[stderr] ", help="Put in front of every line that went to stderr").tag(
        config=True
    )

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if is_test_cell(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    lines = output.text.splitlines(keepends=True)
                    output.name = "stdout"
                    output.text = "".join(self.marker + line for line in lines)
        return cell, resources


class LabelTests(ClearHiddenTests):
    """Hide the hidden part of test cells and label each test cell public or hidden."""

    public_label = Unicode("# Public test: you had this test before you submitted.").tag(
        config=True
    )
    hidden_label = Unicode(
        "# Hidden test: its code is not shown; its result is below."
    ).tag(config=True)
    mixed_label = Unicode(
        "# Public test with a hidden part: the hidden code is not shown; the result is below."
    ).tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type != "code":
            return cell, resources
        removed = self._remove_hidden_test_region(cell)
        if removed:
            # a traceback quotes the lines around the failing one, hidden ones included
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output.traceback = [f"{output.get('ename')}: {output.get('evalue')}"]
        if is_test_cell(cell):
            rest = cell.source.strip()
            if removed:
                label = self.mixed_label if rest else self.hidden_label
            else:
                label = self.public_label
            cell.source = label + ("\n" + rest if rest else "")
        return cell, resources


class DropGradingRecords(NbGraderPreprocessor):
    """Remove ``grade_cell``'s machine-readable result outputs."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type == "code":
            cell.outputs = [
                output
                for output in cell.get("outputs", [])
                if RESULT_MIME not in output.get("data", {})
            ]
        return cell, resources


class ReadableResults(NbGraderPreprocessor):
    """Feedback a student can read: every test cell's printed text wraps, and each graded
    question shows the student's answer in words (an ordering as a numbered list of its
    steps, a design as its components and arrows by label), the points and the feedback.

    Runs before ``DropGradingRecords`` (it reads the result records). Only the student's own
    answer, the points and the feedback are shown: never the key or the explanation.
    """

    question_path = List(Unicode(), help="Folders of the graded questions (default: "
                         "$ENCODER_KIT_QUESTION_PATH)").tag(config=True)
    course_id = Unicode("", help="The course id the variants are drawn with (default: "
                        "$ENCODER_KIT_COURSE)").tag(config=True)
    with_explanations = Bool(False, help="Also show each question's explanation (the one of "
                             "the student's own version). Only after the due date: "
                             "`encoder-kit course feedback --with-explanations` checks it"
                             ).tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if not is_test_cell(cell):
            return cell, resources
        who = (resources or {}).get("nbgrader") or {}
        outputs, pending = [], []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                pending.append(output)
                continue
            record = (output.get("data") or {}).get(RESULT_MIME)
            if record is not None and pending:
                # the stream just before a record is its title, points and feedback
                text = str(pending.pop().get("text", ""))
                outputs += [_wrapped(o.get("text", "")) for o in pending]
                pending = []
                view = _student_view(record, who, self.question_path, self.course_id,
                                     explanation=self.with_explanations)
                outputs.append(_result_card(record, text, view))
            outputs += [_wrapped(o.get("text", "")) for o in pending]
            pending = []
            outputs.append(output)
        outputs += [_wrapped(o.get("text", "")) for o in pending]
        cell.outputs = outputs
        return cell, resources


_WRAP = "white-space:pre-wrap;overflow-wrap:anywhere;word-break:normal"


def _wrapped(text: str) -> Any:
    """Printed text as a display output that wraps (nbconvert's <pre> does not)."""
    import html

    from nbformat.v4 import new_output

    return new_output("display_data", data={
        "text/html": f"<pre class='ek-printed' style='{_WRAP};margin:0'>{html.escape(text)}</pre>",
        "text/plain": text})


def _student_view(record: Any, who: dict[str, Any], question_path: list[str],
                  course_id: str, explanation: bool = False) -> dict[str, Any]:
    """The student's own view of the question (texts of steps, options, components), with
    the explanation of the student's own version under ``"explanation"`` when asked."""
    import os
    from pathlib import Path

    from encoder_kit.questions import find_question, make_variant

    from .protocol import COURSE_ENV

    question_id = str((record or {}).get("question_id", "?")) if isinstance(record, dict) \
        else "?"
    student = str(record.get("student") or "") if isinstance(record, dict) else ""
    try:
        question = find_question(question_id, [Path(p) for p in question_path] or None)
        variant = None
        if question.is_variable:
            variant = make_variant(question, course_id or os.environ.get(COURSE_ENV) or "course",
                                   str(who.get("assignment") or ""),
                                   student or str(who.get("student") or ""))
        view = dict(question.student_view(variant))
        if explanation:
            drawn = question.member(variant) if question.kind == "pool" else question
            view["explanation"] = " ".join(str(getattr(drawn, "explanation", "") or "").split())
        return view
    except Exception:  # an unknown question: the answer is shown as it was given
        return {"id": question_id}


def _result_card(record: dict[str, Any], text: str, view: dict[str, Any]) -> Any:
    """One graded question: title, points, the student's answer in words, the feedback."""
    import html

    from nbformat.v4 import new_output

    from encoder_kit.questions.files.released import describe_answer

    from .protocol import ResultRecord

    result = ResultRecord.from_json(record) or ResultRecord("?")
    title, _, feedback = text.partition("\n")
    colour = ("#1e7b3a" if result.score >= 0.999 else "#8a5a00" if result.score > 0
              else "#a4262c")
    answer_html = ""
    if result.answer is not None and view.get("kind") != "code":
        lines = describe_answer(view, result.answer)
        answer_html = ("<div style='margin-top:6px'><b>Your answer</b></div>"
                       "<ul class='ek-your-answer' style='list-style:none;margin:2px 0;"
                       f"padding-left:1em;{_WRAP}'>"
                       + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")
    feedback_html = ""
    if feedback.strip():
        feedback_html = ("<div style='margin-top:6px'><b>Feedback</b></div>"
                         f"<div class='ek-feedback-text' style='{_WRAP}'>"
                         f"{html.escape(feedback.strip())}</div>")
    explanation_html = ""
    if view.get("explanation"):
        explanation_html = ("<div style='margin-top:6px'><b>Explanation</b></div>"
                            f"<div class='ek-explanation' style='{_WRAP}'>"
                            f"{html.escape(view['explanation'])}</div>")
    card = (f"<div class='ek-result' style='border:1px solid #d0d7de;border-left:4px solid "
            f"{colour};padding:8px 12px;margin:4px 0;max-width:860px;line-height:1.45;"
            f"font-family:system-ui,sans-serif;font-size:14px'>"
            f"<div style='{_WRAP}'><b>{html.escape(title.rpartition(': ')[0] or title)}</b>"
            f" &mdash; <b class='ek-points' style='color:{colour}'>{round(result.points, 2):g}"
            f" / {result.max_points:g} point(s)</b></div>{answer_html}{feedback_html}"
            f"{explanation_html}</div>")
    return new_output("display_data", data={"text/html": card, "text/plain": text})
