"""Editing a sample submission: copy it, find a cell, put a cell in, save it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import nbformat
from support.course import copy_sample

from .model import ASSIGNMENT, NOTEBOOK, Context


def base_notebook(base: str, folder: Path) -> nbformat.NotebookNode:
    """Copy the sample ``base``'s files into ``folder`` (``submitted/<student>/<assignment>``),
    its answers written for that student's versions; its notebook, to edit."""
    copy_sample(ASSIGNMENT, base, folder, folder.parent.name)
    return nbformat.read(folder / NOTEBOOK, as_version=4)


def save_notebook(nb: nbformat.NotebookNode, folder: Path) -> None:
    nbformat.write(nb, folder / NOTEBOOK)


def cell_index(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def insert_cell(nb: nbformat.NotebookNode, index: int, source: str) -> None:
    cell = nbformat.v4.new_code_cell(dedent(source).strip() + "\n")
    cell["id"] = f"hostile-{index}"
    nb.cells.insert(index, cell)


SETUP = "after-setup"  # right after the locked setup cell (before any answer)
MID = "after-q2-test"  # right after the second graded test cell: 6 points already run


def position(nb: nbformat.NotebookNode, where: str) -> int:
    if where == SETUP:
        return cell_index(nb, "setup") + 1
    if where == MID:
        return cell_index(nb, "test-hw1-choice-two-stages") + 1
    raise ValueError(f"where must be SETUP or MID, not {where!r}")


def with_cell(base: str, where: str, source: Callable[[Context], str]) -> Callable[
        [Path, Context], None]:
    """A builder: sample ``base`` with one code cell (``source(context)``) at ``where``."""

    def build(folder: Path, context: Context) -> None:
        nb = base_notebook(base, folder)
        insert_cell(nb, position(nb, where), source(context))
        save_notebook(nb, folder)

    return build


def edited(base: str, edit: Callable[[nbformat.NotebookNode, Context], None]) -> Callable[
        [Path, Context], None]:
    """A builder: sample ``base`` with its notebook changed by ``edit``."""

    def build(folder: Path, context: Context) -> None:
        nb = base_notebook(base, folder)
        edit(nb, context)
        save_notebook(nb, folder)

    return build


def nbgrader_meta(nb: nbformat.NotebookNode, grade_id: str) -> dict:
    return nb.cells[cell_index(nb, grade_id)].metadata.nbgrader

