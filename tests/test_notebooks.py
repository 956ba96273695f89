"""The student notebooks: every concept has a widget activity, and each notebook runs top to
bottom in a fresh kernel (nbclient) in under 90 s, with no error and nothing on stderr."""

from __future__ import annotations

import ast
import os
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
