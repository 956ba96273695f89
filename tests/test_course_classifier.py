"""The coding assignment (hw4-classifier) graded end to end, with a warm embedding cache.

Also checks the point of the warm cache: a grading kernel whose texts are all cached never
imports torch.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from support.course import SAMPLES, copy_course, scores, submit
from test_course_roundtrip import HW4_EXPECTED

from autograder.course.commands.release import release
from autograder.course.coursedir import Course
from autograder.course.runner.batch import grade_assignment

pytestmark = pytest.mark.slow

HW4 = "hw4-classifier"
# the exact score of every hw4 sample, worked out from the rules (tests/test_course_roundtrip.py)
EXPECTED = {**HW4_EXPECTED,
            "tor": HW4_EXPECTED["ada"]}  # ada's notebook plus a cell: was torch imported?
SAMPLED = ["ada", "bea", "ben", "cam", "eve", "ivy", "max", "zoe"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Course:
    from encoder_kit import FrozenEncoder
    from encoder_kit.data.exercises import load_city_requests, read_labelled_tsv

    root = copy_course(tmp_path_factory.mktemp("classifier") / "course")
    hidden = read_labelled_tsv(root / "hidden" / "city_requests_test.tsv")[0]
    FrozenEncoder().transform(load_city_requests()[0] + hidden)  # what warm-cache does
    course = Course.open(root)
    release(course, HW4)
    submit(root, HW4, SAMPLED)
    shutil.copytree(SAMPLES / HW4 / "ada", root / "submitted" / "tor" / HW4)
    path = root / "submitted" / "tor" / HW4 / f"{HW4}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys\nprint('torch imported:', 'torch' in sys.modules)"))
    nbformat.write(nb, path)
    summary = grade_assignment(course, HW4, workers=2, progress=False)
    assert not summary.failed, summary.failed
    return course


def test_every_coding_sample_gets_its_exact_score(graded: Course) -> None:
    assert scores(graded, HW4) == pytest.approx(EXPECTED)


def test_a_grading_kernel_with_a_warm_cache_never_imports_torch(graded: Course) -> None:
    nb = nbformat.read(graded.folder("autograded", "tor", HW4) / f"{HW4}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert printed.strip() == "torch imported: False"


def _results(course: Course, student: str) -> dict[str, dict]:
    from autograder.course.protocol import read_result_records

    path = course.folder("autograded", student, HW4) / f"{HW4}.ipynb"
    return {r["question_id"]: r for r in read_result_records(path)}


def test_the_bare_one_liner_earns_only_part_of_the_points(graded: Course) -> None:
    found = scores(graded, HW4)
    assert found["bea"] < found["ada"] and found["bea"] == 6
    assert _results(graded, "bea")["hw4-code-cv-comparison"]["points"] == 0


def test_made_up_figures_and_hidden_data_are_caught_and_flagged(graded: Course) -> None:
    made_up = _results(graded, "max")
    assert made_up["hw4-code-cv-comparison"]["score"] == 0
    assert made_up["hw4-code-model-choice"]["score"] == 0
    nb = nbformat.read(graded.folder("autograded", "zoe", HW4) / f"{HW4}.ipynb", as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "answer-classifier")
    printed = "".join(o.get("text", "") for o in cell.outputs)
    # in a confining sandbox the hidden file is out of reach; either way clf learnt from 150
    # more messages, and the refit shows it
    assert "extra messages: 150 from" in printed, printed
    touched = _results(graded, "zoe")
    for question in ("hw4-code-classifier-accuracy", "hw4-code-model-choice"):
        assert touched[question]["score"] == 0
        assert "not-training-data" in touched[question]["flags"]
    assert touched["hw4-code-cv-comparison"]["score"] == 1
    assert not any("not-training-data" in r["flags"] for r in _results(graded, "ada").values())


def test_warnings_on_stderr_stay_visible_but_off_the_grade(graded: Course) -> None:
    nb = nbformat.read(graded.folder("autograded", "eve", HW4) / f"{HW4}.ipynb", as_version=4)
    public = next(c for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "test-classifier-public")
    streams = {o.name: o.text for o in public.outputs if o.output_type == "stream"}
    assert "stderr" not in streams
    assert "[stderr] " in "".join(streams.values()) and "NoisyHead" in "".join(streams.values())
