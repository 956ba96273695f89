"""`encoder-kit course demo` (what `make demo` runs) end to end: every step through the real
command line, on the sample submissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.course import EXERCISES, SAMPLES

from encoder_kit.cli import main

pytestmark = pytest.mark.slow


def test_the_demo_runs_the_whole_workflow(tmp_path: Path, capsys) -> None:
    into = tmp_path / "course-demo"
    status = main(["course", "demo", "--into", str(into), "--template", str(EXERCISES),
                   "--submissions", str(SAMPLES), "--workers", "2"])
    out = capsys.readouterr().out
    assert status == 0, out[-3000:]
    for step in ("== release", "== 8 sample submissions of hw1-pipeline", "== export",
                 "== the gradebook"):
        assert step in out
    assert (into / "gradebook.db").is_file()
    for assignment in ("hw1-pipeline", "hw4-classifier"):
        for sample in (SAMPLES / assignment).iterdir():
            if sample.is_dir():
                assert (into / "autograded" / sample.name / assignment).is_dir(), sample
    assert (into / "reports" / "hw1-pipeline" / "report.md").is_file()
    assert any((into / "exports").iterdir())
    assert "NOT graded" not in out
