"""Shared helpers for the benchmark scripts: where the data sets are, how to read them."""

from __future__ import annotations

import csv
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ENCODER_KIT_SHARED_DATA", REPO.parent / "shared" / "data"))


def read_csv(name: str, split: str) -> tuple[list[str], list[str]]:
    """Texts and labels of ``../shared/data/<name>/<split>.csv``."""
    path = SHARED_DATA / name / f"{split}.csv"
    if not path.is_file():
        sys.exit(f"{path} not found: the benchmarks need ../shared/data (or ENCODER_KIT_SHARED_DATA)")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
