"""``CheckReleasedCells``: nbgrader's ``OverwriteCells``, judging tampering by what was released.

nbgrader stores a locked cell's checksum when it reads the *source* notebook, before
``ClearHiddenTests`` cuts the hidden tests out at release (nbgrader issue 1961). Every honest
submission of a test cell with hidden tests therefore "has changed" by nbgrader's account,
and an instructor reading the grader's notes sees every student flagged. This subclass
compares the submitted cell with the cell *as it was released*: the source cell from the
gradebook with its hidden-test and mark-scheme regions removed, exactly as
``generate_assignment`` removes them. A cell that matches what the student was given is not
reported; anything else is reported as before (nbgrader still puts the source cell back) and
becomes a ``tampering`` note for the instructor (:mod:`autograder.course.notes`).

Used in ``Autograde.sanitize_preprocessors`` (``exercises/nbgrader_config.py``), so both
``encoder-kit course grade`` and plain ``nbgrader autograde`` use it.

>>> from nbformat.v4 import new_code_cell
>>> cell = new_code_cell("check()\\n### BEGIN HIDDEN TESTS\\nsecret()\\n### END HIDDEN TESTS",
...     metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
...                            "grade_id": "t1", "points": 1.0}})
>>> released = released_form(cell, cell.source)
>>> released.source
'check()'
>>> released_checksum(cell, cell.source) == released_checksum(released, released.source)
True
"""

from __future__ import annotations

import copy
from typing import Any

from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, OverwriteCells

from .notes import add_note

#: the attribute whose change nbgrader reports falsely for every test cell with hidden tests
CHECKSUM = "checksum"


def released_form(cell: Any, source: str) -> Any:
    """``cell`` with ``source`` as the release gave it: hidden tests and mark schemes removed."""
    released = copy.deepcopy(cell)
    released.source = source
    # enforce_metadata off: a region in a cell without grade metadata is not ours to police
    released, _ = ClearHiddenTests(enforce_metadata=False).preprocess_cell(released, {}, 0)
    if released.cell_type == "markdown" and utils.is_task(released):
        released, _ = ClearMarkScheme(enforce_metadata=False).preprocess_cell(released, {}, 0)
    return released


def released_checksum(cell: Any, source: str) -> str:
    """nbgrader's checksum of ``cell`` holding ``source`` in its released form."""
    return utils.compute_checksum(released_form(cell, source))


class CheckReleasedCells(OverwriteCells):
    """``OverwriteCells`` that reports a locked cell only when it differs from its release,
    and notes the graded cells a submission no longer holds (deleted, or stripped of their
    metadata: nbgrader then leaves the grade for a manual score without saying why)."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        nb, resources = super().preprocess(nb, resources)
        present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        try:
            with Gradebook(self.db_url) as gradebook:
                source = gradebook.find_notebook(self.notebook_id, self.assignment_id)
                expected = [cell.name for cell in source.grade_cells]
        except Exception:  # nbgrader reports an unknown notebook itself
            return nb, resources
        for name in expected:
            if name not in present:
                add_note(f"cell {name} is missing from the submission (deleted, or its nbgrader "
                         "metadata removed); its grade is left for a manual score",
                         kind="tampering")
        return nb, resources

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> tuple[Any, Any]:
        self._honest = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_locked(cell):
            try:
                source = self.gradebook.find_source_cell(
                    grade_id, self.notebook_id, self.assignment_id)
            except Exception:  # MissingEntry and friends: nbgrader reports those itself
                source = None
            if source is not None and source.locked and cell.cell_type == source.cell_type:
                submitted = copy.deepcopy(cell)
                # nbgrader puts the points back before it compares; so do we
                if utils.is_grade(submitted):
                    grade = self.gradebook.find_graded_cell(
                        grade_id, self.notebook_id, self.assignment_id)
                    submitted.metadata.nbgrader["points"] = float(grade.max_score)
                checksum = utils.compute_checksum(submitted)
                self._honest = checksum in (source.checksum,
                                            released_checksum(submitted, source.source))
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        if attr == CHECKSUM and getattr(self, "_honest", False):
            return  # the cell is what the release gave the student (nbgrader issue 1961)
        super().report_change(name, attr, old, new)
        what = {"checksum": "its content", "cell_type": "its type", "locked": "its lock",
                "points": "its points"}.get(attr, attr)
        add_note(f"cell {name}: {what} differs from the released notebook; nbgrader put the "
                 "instructor's version back before grading", kind="tampering")
