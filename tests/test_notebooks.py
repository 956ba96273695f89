"""The student notebooks: every concept has a widget activity, and each notebook runs top to
bottom in a fresh kernel (nbclient) in under 90 s, with no error and nothing on stderr."""

from __future__ import annotations

import ast
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPLORER_CONCEPTS = {
    "PipelineExplorer": {"C1", "C4", "C5", "C6"},
    "ShapeExplorer": {"C4"},
    "ContextExplorer": {"C6", "C7"},
    "FrozenVsFineTuned": {"C3"},
    "MaskingExplorer": {"C8"},
}


def _activities(path: Path) -> tuple[set[str], list[str]]:
    """Explorer class names and question ids used in a notebook's code cells."""
    explorers: set[str] = set()
    ids: list[str] = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id in EXPLORER_CONCEPTS:
                explorers.add(node.func.id)
            if node.func.id == "quiz" and node.args:
                arg = ast.literal_eval(node.args[0])
                ids.extend([arg] if isinstance(arg, str) else arg)
            # a single question widget built from an id: widget_for("id"), ChoiceWidget("id")
            if (node.func.id == "widget_for" or node.func.id.endswith("Widget")) and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                ids.append(node.args[0].value)
    return explorers, ids


def test_there_are_at_least_five_notebooks():
    assert len(NOTEBOOKS) >= 5, [p.name for p in NOTEBOOKS]


def test_every_concept_has_a_widget_activity():
    from encoder_kit.questions import find_question
    from encoder_kit.widgets.quiz import WIDGETS

    covered: dict[str, set[str]] = {}
    for path in NOTEBOOKS:
        explorers, ids = _activities(path)
        for name in explorers:
            for concept in EXPLORER_CONCEPTS[name]:
                covered.setdefault(concept, set()).add(path.name)
        for question_id in ids:
            question = find_question(question_id)  # an unknown id fails here, by name
            assert question.kind in WIDGETS, f"{question_id} in {path.name} has no widget"
            for concept in question.concepts:
                covered.setdefault(concept, set()).add(path.name)
    missing = [f"C{i}" for i in range(1, 12) if f"C{i}" not in covered]
    assert not missing, f"no notebook has a widget activity on {missing}"


def test_every_practice_question_is_reachable_from_a_notebook():
    """Each question of the practice bank is shown by some notebook (quiz, or a widget built
    from its id), so that no practice question is written and then never seen."""
    from encoder_kit.questions import load_bank

    shown: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for question_id in _activities(path)[1]:
            shown.setdefault(question_id, []).append(path.name)
    bank = [q.id for q in load_bank()]
    missing = [question_id for question_id in bank if question_id not in shown]
    assert not missing, f"{len(missing)} of {len(bank)} practice questions are in no notebook: " \
                        f"{missing}"
    twice = {question_id: names for question_id, names in shown.items() if len(names) > 1}
    assert not twice, f"questions shown in more than one notebook: {twice}"


def test_every_notebook_teaches_before_it_asks():
    """Each notebook states its time at the top, has prose before every activity, and ends
    with a summary (the notebooks must be usable without the lecture)."""
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "markdown" and re.search(
            r"\babout \d+ minutes", cells[0].source, re.IGNORECASE), \
            f"{path.name}: no 'about N minutes' at the top"
        assert any(c.cell_type == "markdown" and "Summary" in c.source for c in cells[-2:]), \
            f"{path.name}: no summary at the end"
        words = sum(len(c.source.split()) for c in cells if c.cell_type == "markdown")
        assert words >= 800, f"{path.name}: only {words} words of prose"
        activities = [i for i, c in enumerate(cells) if c.cell_type == "code"
                      and ("quiz(" in c.source or "Explorer(" in c.source
                           or "FrozenVsFineTuned(" in c.source)]
        for index in activities:  # text right before it (or before its set-up cell)
            before = cells[max(0, index - 2):index]
            assert any(c.cell_type == "markdown" or "quiz(" in c.source for c in before), \
                f"{path.name}: cell {index} starts an activity without any text before it"


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        nbformat.validate(book)
        for cell in book.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path):
    from nbclient import NotebookClient

    work = tmp_path / path.name
    shutil.copy(path, work)
    book = nbformat.read(work, as_version=4)
    os.environ.pop("ENCODER_KIT_ANSWERS", None)
    client = NotebookClient(book, timeout=90, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    problems = []
    for index, cell in enumerate(book.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                problems.append(f"cell {index} wrote to stderr: {output.text[:300]}")
    assert not problems, "\n".join(problems)
    assert seconds < 90, f"{path.name} took {seconds:.0f} s (limit 90 s)"
    # the widgets were displayed as widgets (not as text reprs)
    views = [o for c in book.cells for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, f"{path.name} displayed no widget"
