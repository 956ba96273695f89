"""The coding assignment (hw4-classifier) graded end to end, with a warm embedding cache.

Also checks the point of the warm cache: a grading kernel whose texts are all cached never
imports torch.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from test_course_support import SAMPLES, copy_course, scores, submit

from autograder.course.coursedir import Course
from autograder.course.grade import grade_assignment
from autograder.course.release import release

pytestmark = pytest.mark.slow

HW4 = "hw4-classifier"
# public test 1 point, hidden accuracy bar 4 points, frozen encoder 2 points
EXPECTED = {
    "ada": 1 + 4 + 2,  # make_classifier() on all 300 messages
    "ben": 1 + 0 + 2,  # a head trained on 20 messages stays below the bar
    "cam": 0.0,  # blank
    "eve": 1 + 4 + 2,  # right, but its head warns and prints to stderr inside the tests
    "ivy": 1 + 0 + 0,  # bag of words: no frozen encoder, and below the bar
    "tor": 1 + 4 + 2,  # ada's notebook plus a cell that reports whether torch was imported
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Course:
    from encoder_kit import FrozenEncoder
    from encoder_kit.data.exercises import load_city_requests, read_labelled_tsv

    root = copy_course(tmp_path_factory.mktemp("classifier") / "course")
    hidden = read_labelled_tsv(root / "hidden" / "city_requests_test.tsv")[0]
    FrozenEncoder().transform(load_city_requests()[0] + hidden)  # what warm-cache does
    course = Course.open(root)
    release(course, HW4)
    submit(root, HW4, ["ada", "ben", "cam", "eve", "ivy"])
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


def test_warnings_on_stderr_stay_visible_but_off_the_grade(graded: Course) -> None:
    nb = nbformat.read(graded.folder("autograded", "eve", HW4) / f"{HW4}.ipynb", as_version=4)
    public = next(c for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "test-classifier-public")
    streams = {o.name: o.text for o in public.outputs if o.output_type == "stream"}
    assert "stderr" not in streams
    assert "[stderr] " in "".join(streams.values()) and "NoisyHead" in "".join(streams.values())
