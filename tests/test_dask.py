"""Grading and embedding on a Dask cluster: a LocalCluster of two worker processes on
loopback, started once for the module, stands in for the machines of a real cluster.

The sample submissions of hw1-pipeline must get the same exact scores as on one machine
(``EXPECTED`` from the round-trip test), a second run must skip them all, a submission past
its time limit must fail alone, an unreachable scheduler must be a clear error, and
``transform_on_dask`` must give the rows of a local transform, in input order.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from support.course import copy_course, scores, submit
from test_course_roundtrip import EXPECTED, HW1

from autograder.course.coursedir import Course, CourseError
from autograder.course.notes import Note, load_notes
from autograder.course.runner.dask_executor import DaskExecutor
from encoder_kit.cli import main

# a second cluster (here, or anyone's on this machine) only moves its HTTP server's port
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Port 8787 is already in use")]
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # allowed_failures=0: a task whose worker dies fails at once (Dask's default tries 3 more)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  scheduler_kwargs={"allowed_failures": 0}) as local:
        yield local


@pytest.fixture(scope="module")
def address(cluster) -> str:
    return cluster.scheduler_address


@pytest.fixture(scope="module")
def course(address: str, tmp_path_factory: pytest.TempPathFactory) -> Course:
    """hw1-pipeline released, the samples submitted, graded once through --scheduler."""
    root = copy_course(tmp_path_factory.mktemp("dask") / "course")
    assert main(["course", "release", HW1, "--course", str(root)]) == 0
    submit(root, HW1)
    assert main(["course", "grade", HW1, "--course", str(root), "--scheduler", address]) == 0
    return Course.open(root)


def _outputs(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "\n".join("".join(out.get("text", "")) + json.dumps(out.get("data", {}))
                     for cell in cells for out in cell.get("outputs", []))


def test_the_cluster_gives_every_sample_its_exact_score(course: Course) -> None:
    found = scores(course, HW1)
    assert found.keys() == EXPECTED.keys()
    for student, points in EXPECTED.items():
        assert found[student] == pytest.approx(points, abs=1e-5), student
    for student in EXPECTED:  # nothing of Dask's logging reached a graded notebook
        text = _outputs(course.folder("autograded", student, HW1) / f"{HW1}.ipynb")
        assert "distributed" not in text and "dask" not in text.lower(), student


def test_the_cluster_flags_no_honest_sample_as_tampering(course: Course) -> None:
    """Notes made on the workers come back typed; nbgrader's false 'checksum has changed'
    for test cells with hidden tests (nbgrader issue 1961) is not one of them."""
    notes = load_notes(course, HW1)
    tampering = {s: [n.text for n in v if n.kind == "tampering"] for s, v in notes.items()}
    assert not any(tampering.values()), tampering
    assert all(isinstance(n, Note) for v in notes.values() for n in v)


def test_a_second_run_on_the_cluster_skips_everything(course: Course, address: str,
                                                       capsys) -> None:
    capsys.readouterr()
    assert main(["course", "grade", HW1, "--course", str(course.root), "--scheduler",
                 address]) == 0
    out = capsys.readouterr().out
    assert "0 to grade, 8 already graded" in out
    assert f"Dask cluster {address} (2 workers, 2 threads)" in out


def test_a_job_past_its_limit_is_killed_and_fails_alone(address: str) -> None:
    start = time.monotonic()
    with DaskExecutor(address, timeout=5, preload=()) as executor:
        finished = dict(executor.run(time.sleep, [0.1, 600.0, 0.2]))
    assert time.monotonic() - start < 60
    assert finished[0.1].ok and finished[0.2].ok
    assert not finished[600.0].ok and "stopped after 5 s" in finished[600.0].message


def test_an_unreachable_scheduler_is_a_clear_error_soon(course: Course, monkeypatch,
                                                         capsys) -> None:
    start = time.monotonic()
    with pytest.raises(CourseError, match=r"tcp://127\.0\.0\.1:1'.*dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:1", connect_timeout=2)
    assert time.monotonic() - start < 15
    with pytest.raises(CourseError, match="not a Dask scheduler address.*8786"):
        DaskExecutor("http://127.0.0.1:8787", connect_timeout=2)
    monkeypatch.setattr("encoder_kit.cluster.CONNECT_TIMEOUT", 2.0)
    assert main(["course", "grade", HW1, "--course", str(course.root), "--scheduler",
                 "tcp://127.0.0.1:1"]) == 1
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:1'" in capsys.readouterr().err
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty:
        with DaskExecutor(empty.scheduler_address, worker_timeout=1) as executor:
            with pytest.raises(CourseError, match="has no workers after 1 s.*`dask worker "):
                list(executor.run(abs, [-1]))
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(CourseError, match=r"pip install 'encoder-kit\[dask\]'"):
        DaskExecutor("tcp://127.0.0.1:1")


def test_transform_on_dask_says_what_is_wrong(monkeypatch) -> None:
    from encoder_kit import FrozenEncoder
    from encoder_kit.cluster import ClusterError, transform_on_dask

    with pytest.raises(TypeError, match="transform method"):
        transform_on_dask(object(), ["a"])
    with pytest.raises(ValueError, match="chunk_size must be a whole number"):
        transform_on_dask(FrozenEncoder(), ["a"], chunk_size=0)
    with pytest.raises(TypeError, match="wrap it in a list"):
        transform_on_dask(FrozenEncoder(), "a single text")
    with pytest.raises(ClusterError, match="no Dask client in this process"):
        transform_on_dask(FrozenEncoder(), ["a"])
    with pytest.raises(TypeError, match="scheduler address"):
        transform_on_dask(FrozenEncoder(), ["a"], 8786)
    assert transform_on_dask(FrozenEncoder(), []).shape == (0, 384)  # no cluster needed
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'encoder-kit\[dask\]'"):
        transform_on_dask(FrozenEncoder(), ["a"], "tcp://127.0.0.1:1")


def test_frozen_encoder_on_the_cluster_matches_a_local_transform(address: str,
                                                                tmp_path: Path) -> None:
    from encoder_kit import EmbeddingCache, FrozenEncoder
    from encoder_kit.cluster import transform_on_dask
    from encoder_kit.data import load_demo_data

    texts = load_demo_data()[0]
    assert len(set(texts)) == len(texts) >= 200
    local = FrozenEncoder().fit_transform(texts)  # the session's cache: often warm already
    order = list(range(len(texts)))
    random.Random(0).shuffle(order)
    # an empty cache folder: the workers encode every text, and keep the vectors there
    remote = transform_on_dask(FrozenEncoder(cache=str(tmp_path)), [texts[i] for i in order],
                               address, chunk_size=37)
    assert remote.shape == local.shape and remote.dtype == np.float32
    cosine = np.sum(remote * local[order], axis=1) / (
        np.linalg.norm(remote, axis=1) * np.linalg.norm(local[order], axis=1))
    assert cosine.min() >= 0.9999
    assert len(EmbeddingCache(tmp_path)) == len(texts)


def _kill_the_dask_worker(pid_file: str) -> None:
    """A job that kills the Dask worker running it (job <- fork server <- worker)."""
    import psutil

    Path(pid_file).write_text(str(os.getpid()))
    psutil.Process().parent().parent().kill()
    time.sleep(600)


def test_a_dead_worker_fails_its_job_and_leaves_nothing_running(address: str,
                                                               tmp_path: Path) -> None:
    """Last in the module: it costs a worker (the nanny starts a new one)."""
    import psutil

    pid_file = tmp_path / "job.pid"
    with DaskExecutor(address, timeout=300, preload=()) as executor:
        [(_, finished)] = list(executor.run(_kill_the_dask_worker, [str(pid_file)]))
    assert not finished.ok and "workers that ran it died" in finished.message
    job = int(pid_file.read_text())
    deadline = time.monotonic() + 15
    while psutil.pid_exists(job) and psutil.Process(job).status() != "zombie":
        assert time.monotonic() < deadline, "the job process outlived its Dask worker"
        time.sleep(0.2)
