"""Pack a grading job for a machine that lacks the course's files, and unpack it there.

``ship(job)`` splits what a ``worker.Job`` reads into what the whole batch shares (the
assignment's source folder, the gradebook snapshot, the folders that the environment
variables in ``SHIPPED_ENVIRONMENT`` name: a name -> path map for ``pack``) and the job's
own part (its submission, packed, with the job's paths left blank). On the other machine
``land`` unpacks both into a folder and returns the job with every path pointing there.
``ENCODER_KIT_CACHE`` is not shipped (it can be large); where its folder does not exist on
the other machine, the job gets an empty one in its folder (only slower, never wrong).

>>> import os, pathlib, tempfile
>>> from autograder.course.runner.worker import Job
>>> here = pathlib.Path(tempfile.mkdtemp())
>>> for folder in ("source", "submission", "hidden"):
...     (here / folder).mkdir()
...     _ = (here / folder / "notes.txt").write_text(folder)
>>> _ = (here / "gradebook.db").write_bytes(b"")
>>> job = Job("ada", "hw1", source=str(here / "source"), submission=str(here / "submission"),
...           snapshot_db=str(here / "gradebook.db"), scratch="", config=None, course_id="c",
...           environment={"ENCODER_KIT_HIDDEN_DATA": str(here / "hidden"),
...                        "ENCODER_KIT_CACHE": "/only/on/the/instructors/machine"})
>>> shared, shipment = ship(job)
>>> there = pathlib.Path(tempfile.mkdtemp())
>>> landed = land(shipment, pack(shared), there)
>>> landed.source == str(there / "source"), os.listdir(landed.submission)
(True, ['notes.txt'])
>>> pathlib.Path(landed.environment["ENCODER_KIT_HIDDEN_DATA"], "notes.txt").read_text()
'hidden'
>>> landed.environment["ENCODER_KIT_CACHE"] == str(there / "cache")  # missing here: empty
True
"""

from __future__ import annotations

import dataclasses
import io
import os
import tarfile
from pathlib import Path

from autograder.course.protocol import CACHE_ENV, HIDDEN_DATA_ENV, QUESTION_PATH_ENV

from .worker import Job

# environment variables whose folders travel with the jobs (os.pathsep-separated lists)
SHIPPED_ENVIRONMENT: tuple[str, ...] = (HIDDEN_DATA_ENV, QUESTION_PATH_ENV)
CACHE_ENVIRONMENT = CACHE_ENV  # not shipped: each worker machine has its own


@dataclasses.dataclass
class Shipment:
    """One job on its way: paths relative to the folder it is unpacked into."""

    job: Job
    submission: bytes
    environment: dict[str, list[tuple[bool, str]]]  # name -> [(shipped?, path)]


def pack(paths: dict[str, str]) -> bytes:
    """A gzipped tar of each file or folder ``path`` under the name ``name``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name, path in paths.items():
            tar.add(path, arcname=name)
    return buffer.getvalue()


def unpack(data: bytes, folder: Path) -> None:
    """Extract what ``pack`` made into ``folder``."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        if hasattr(tarfile, "data_filter"):  # refuses links and paths out of the folder
            tar.extractall(folder, filter="data")
        else:  # pragma: no cover - Python before 3.10.12 / 3.11.4
            tar.extractall(folder)


def ship(job: Job) -> tuple[dict[str, str], Shipment]:
    """(what the job shares with the batch: name -> path, the job's own part)."""
    shared = {"source": job.source, "snapshot.db": job.snapshot_db}
    environment = dict(job.environment)
    paths: dict[str, list[tuple[bool, str]]] = {}
    for name in SHIPPED_ENVIRONMENT:
        if not environment.get(name):
            continue
        paths[name] = []
        for index, part in enumerate(environment.pop(name).split(os.pathsep)):
            if part and Path(part).exists():
                shared[f"environment/{name}/{index}"] = part
                paths[name].append((True, f"environment/{name}/{index}"))
            else:  # not here: maybe on the workers; kept as given, like ENCODER_KIT_CACHE
                paths[name].append((False, part))
    bare = dataclasses.replace(job, source="", submission="", snapshot_db="", scratch="",
                               environment=environment)
    return shared, Shipment(bare, pack({"submission": job.submission}), paths)


def land(shipment: Shipment, shared: bytes, folder: Path) -> Job:
    """The job with everything unpacked in ``folder`` and its paths pointing there."""
    unpack(shared, folder)
    unpack(shipment.submission, folder)
    (folder / "scratch").mkdir()
    environment = dict(shipment.job.environment)
    for name, parts in shipment.environment.items():
        environment[name] = os.pathsep.join(str(folder / path) if shipped else path
                                            for shipped, path in parts)
    cache = environment.get(CACHE_ENVIRONMENT)
    if cache and not Path(cache).is_dir():  # no warm cache on this machine: an empty one
        environment[CACHE_ENVIRONMENT] = str(folder / "cache")  # (slower, never wrong)
        (folder / "cache").mkdir()
    paths = {"source": str(folder / "source"), "submission": str(folder / "submission"),
             "snapshot_db": str(folder / "snapshot.db"), "scratch": str(folder / "scratch")}
    if hasattr(shipment.job, "hide"):  # the student's kernel must not see what was unpacked
        kept = [path for path in shipment.job.hide if os.path.exists(path)]  # a shared disk
        paths["hide"] = [*kept, str(folder)]
    return dataclasses.replace(shipment.job, environment=environment, **paths)
