"""Submissions the grader cannot grade still get a gradebook record: 0 and a flag.

A notebook that is not valid JSON, in a format nbgrader cannot read, or that nbgrader
refuses (its cell metadata no longer matches the release), or a failure of the grader on a
submission, used to leave the student out of the gradebook, so ``nbgrader export`` and
``canvas.csv`` had no row for them. Now such a notebook is recorded with 0 for each of its
graded cells, its comment cells say why (formgrader shows the comment), the grader's notes
get an ``unreadable`` note (the report lists it), and the student's other notebooks are
graded as usual. Grading again after a fix (a resubmission, ``--force``) replaces the
record, as any grading does.

``set_aside`` moves unreadable notebooks out of the private submission before nbgrader
runs; ``zero_scores`` gives their scores; ``placeholder`` is what goes into the autograded
folder in their place: the released notebook with a banner, so formgrader can open it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

BANNER = ("**Not graded: this notebook could not be graded and was recorded with 0 points.**"
          "\n\n{reason}\n\nThe student's file is kept beside this one as `{name}.submitted`.")
# the kernel refused to run (the machine cannot confine it): never a 0, a failure to fix
REFUSAL = "cannot be confined"


def unreadable_notebooks(folder: Path) -> dict[str, str]:
    """{file name: why it cannot be read} for the notebooks in ``folder``."""
    import nbformat

    broken = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nbformat.read(path, as_version=4)
        except Exception as error:  # noqa: BLE001 - any reason: the student's file is broken
            broken[path.name] = (
                f"{path.name} is not a readable notebook ({type(error).__name__}: "
                f"{str(error)[:200]}); recorded with 0 points: ask the student to download "
                "it from Jupyter again (File > Download) and resubmit, then grade again")
    return broken


def set_aside(folder: Path, names: list[str], aside: Path) -> None:
    """Move the notebooks ``names`` out of ``folder`` (nbgrader grades the others)."""
    aside.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.move(str(folder / name), str(aside / name))


def assignment_notebooks(db_url: str, course_id: str, assignment: str) -> list[str]:
    """The notebook names (file stems) of ``assignment`` in the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        return [nb.name for nb in gradebook.find_assignment(assignment).notebooks]


def zero_scores(db_url: str, course_id: str, assignment: str, name: str,
                reason: str) -> tuple[dict[str, float], dict[str, str]] | None:
    """For notebook ``name``: 0 for each graded cell, and ``reason`` as the comment of each
    answer and task cell (the worker makes its ``NotebookScores`` of them); None when the
    assignment has no such notebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gradebook:
        try:
            notebook = gradebook.find_notebook(name, assignment)
        except MissingEntry:
            return None
        comment = f"Recorded with 0 points: {reason}"
        return ({cell.name: 0.0 for cell in notebook.grade_cells},
                {cell.name: comment for cell in [*notebook.solution_cells, *notebook.task_cells]})


def placeholder(release: Path, name: str, reason: str, raw: bytes | None) -> dict[str, bytes]:
    """The autograded files for an ungradable notebook ``name`` (a file stem): the released
    notebook with a banner (or only the banner), and the student's bytes beside it."""
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    source = release / f"{name}.ipynb"
    try:
        nb = nbformat.read(source, as_version=4)
    except (OSError, ValueError):
        nb = new_notebook()
    banner = new_markdown_cell(BANNER.format(reason=reason, name=f"{name}.ipynb"))
    nb.cells.insert(0, banner)
    files = {f"{name}.ipynb": nbformat.writes(nb).encode()}
    if raw is not None:
        files[f"{name}.ipynb.submitted"] = raw
    return files
