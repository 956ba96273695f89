"""nbgrader preprocessors the course adds to nbgrader's own chains (see nbgrader_config.py).

- ``KeepStderrOffTheGrade`` (autograde, before ``SaveAutoGrades``): text a test cell wrote
  to stderr (a warning, a progress bar) becomes stdout marked ``[stderr]``, so it stays
  visible but no longer scores the cell 0. Errors still do.
- ``LabelTests`` (feedback): removes the hidden part of every test cell, as nbgrader's
  ``ClearHiddenTests`` does at release, cuts the tracebacks of such cells to their last line
  (a traceback quotes the code around the failing line, hidden lines included), and labels
  the cell "Public test" or "Hidden test", so that a student sees which results come from
  tests they had and which from hidden ones.
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

from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Unicode

from .testcell import RESULT_MIME


def is_test_cell(cell: Any) -> bool:
    """An autograder test cell: a code grade cell that is not a solution."""
    return (
        cell.cell_type == "code"
        and utils.is_grade(cell)
        and not utils.is_solution(cell)
    )


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
