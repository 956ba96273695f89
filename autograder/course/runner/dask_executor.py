"""Grade on a Dask cluster: ``DaskExecutor`` offers ``LocalExecutor``'s ``run(fn, jobs)``.

``encoder-kit course grade ASSIGNMENT --scheduler tcp://10.0.0.5:8786`` uses it. Each job
becomes one Dask task. No shared filesystem is needed: what a grading job reads (the
assignment's source folder, the snapshot of the gradebook, the folders that
``ENCODER_KIT_HIDDEN_DATA`` and ``ENCODER_KIT_QUESTION_PATH`` name) is packed once per batch
into an in-memory tar that Dask hands to the workers (``scatter``); each task carries only
its submission. A worker unpacks both into a temporary folder of its own, points the job
there and removes the folder afterwards (see :mod:`.shipping`). ``ENCODER_KIT_CACHE`` is not
shipped (it can be large): give each worker machine a warm cache at the same path
(``encoder-kit course warm-cache``) or a shared one; where it is missing, the job gets an
empty one of its own: only slower, never wrong.

Limits: inside the task a ``LocalExecutor(workers=1)`` runs the job in a process of its own
with the same hard wall-clock kill as on one machine (``timeout``; by default the one
``grade_assignment`` gives a ``LocalExecutor``, from each job's ``limits``). A Dask nanny
starts its worker as a *daemonic* process (``distributed.worker.daemon``, True by default)
and multiprocessing refuses to start children from one; the task clears that flag in its worker process, which only changes that
refusal (the job processes are not daemonic and are killed at their limit), so no cluster
needs ``DASK_DISTRIBUTED__WORKER__DAEMON=False``. A job process also kills itself when its
Dask worker goes away or its limit has long passed, so a dying worker leaves nothing running.

Results arrive as they complete (``distributed.as_completed``). A job that fails, times out
or whose workers died (``KilledWorker``) is yielded as ``Finished(False, message=...)``;
the batch goes on. No worker for ``worker_timeout`` seconds fails what is left.

>>> from distributed import Client
>>> with Client(processes=False, n_workers=1, dashboard_address=None) as client:
...     executor = DaskExecutor(client, start_method="fork", preload=())
...     sorted(finished.value for _, finished in executor.run(abs, [-1, -2]))
[1, 2]
"""

from __future__ import annotations

import math
import multiprocessing
import os
import shutil
import signal
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from autograder.course.coursedir import CourseError

from .executor import DEFAULT_PRELOAD, Finished, LocalExecutor
from .shipping import Shipment, land, pack, ship
from .worker import Job

GRACE = 30.0  # seconds past its limit after which a job process ends itself (a lost parent)


class _EndsWithWorker:
    """``fn`` in a job process that kills its process group when the Dask worker process
    ``worker`` is gone or ``deadline`` seconds have passed (a limit nobody enforced any more).

    It watches the worker itself, not its parent: a job forked by the worker's fork server
    holds the server's keep-alive pipe, so the server outlives a dead worker while the job
    runs. ``fn`` travels as cloudpickle bytes, as Dask sent it, so a function defined in a
    script or a notebook (pickled by value) reaches the job process too."""

    def __init__(self, fn: Callable[[Any], Any], deadline: float | None, worker: int) -> None:
        import cloudpickle  # comes with dask

        self.fn, self.deadline, self.worker = cloudpickle.dumps(fn), deadline, worker

    def __call__(self, job: Any) -> Any:
        import cloudpickle
        import psutil

        end = None if self.deadline is None else time.monotonic() + self.deadline
        worker = psutil.Process(self.worker)  # remembers its start time: no pid mix-ups

        def alive() -> bool:
            try:
                return worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE
            except psutil.Error:
                return False

        def watch() -> None:
            while alive() and (end is None or time.monotonic() < end):
                time.sleep(1.0)
            os.killpg(0, signal.SIGKILL)  # the job process runs in a session of its own

        threading.Thread(target=watch, name="encoder-kit-watchdog", daemon=True).start()
        return cloudpickle.loads(self.fn)(job)


def _allow_children() -> None:
    """Let a nanny's (daemonic) worker process start job processes; see the module doc."""
    process = multiprocessing.current_process()
    if process.daemon:
        process.daemon = False


def _run_remote(fn: Callable[[Any], Any], shipment: Any, shared: bytes | None,
                timeout: float | None, start_method: str | None,
                preload: Sequence[str]) -> Finished:
    """The Dask task: unpack, run the job in its own process under its limit, clean up."""
    _allow_children()
    folder = Path(tempfile.mkdtemp(prefix="encoder-kit-dask-"))
    try:
        job = shipment
        if isinstance(shipment, Shipment):
            try:
                job = land(shipment, shared or b"", folder)
            except (OSError, tarfile.TarError) as error:
                return Finished(False, message=f"the job could not be unpacked on the Dask "
                                f"worker ({type(error).__name__}: {error})")
        deadline = None if timeout is None else timeout + GRACE
        executor = LocalExecutor(workers=1, timeout=timeout, preload=preload,
                                 start_method=start_method)
        guarded = _EndsWithWorker(fn, deadline, worker=os.getpid())
        [(_, finished)] = list(executor.run(guarded, [job]))
        return finished
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _seconds(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a number of seconds above 0, not {value!r}")
    return float(value)


class DaskExecutor:
    """Run each job as a task on the Dask cluster at ``scheduler`` (an address such as
    ``"tcp://10.0.0.5:8786"`` or a ``distributed.Client``), in a process of its own there."""

    def __init__(
        self,
        scheduler: Any,
        timeout: float | None = None,
        *,
        start_method: str | None = None,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        connect_timeout: float | None = None,
        worker_timeout: float = 60.0,
    ) -> None:
        from encoder_kit.cluster import ClusterError, open_client

        self.timeout = _seconds(timeout, "timeout")
        self.worker_timeout = _seconds(worker_timeout, "worker_timeout") or 60.0
        self.start_method, self.preload = start_method, tuple(preload)
        try:
            self.client, self._owned = open_client(scheduler, connect_timeout)
        except (ImportError, ClusterError) as error:
            raise CourseError(str(error)) from None

    @property
    def address(self) -> str:
        """The scheduler's address."""
        return str(self.client.scheduler.address)

    def threads(self) -> dict[str, int]:
        """``{worker address: threads}``: the jobs each worker runs at once."""
        return dict(self.client.nthreads())

    def describe(self) -> str:
        """E.g. ``tcp://10.0.0.5:8786 (4 workers, 16 threads)``."""
        threads = self.threads()
        return f"{self.address} ({len(threads)} workers, {sum(threads.values())} threads)"

    def close(self) -> None:
        """Close the connection if this executor opened it."""
        if self._owned:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _limit(self, job: Any) -> float | None:
        if self.timeout is not None or not isinstance(job, Job):
            return self.timeout
        from .batch import hard_timeout

        return hard_timeout(job.limits)  # what grade_assignment gives a LocalExecutor

    def _submit(self, fn: Callable[[Any], Any], job: Any, scattered: dict[Any, Any]) -> Any:
        shipment, shared = job, None
        if isinstance(job, Job):
            paths, shipment = ship(job)
            key = tuple(sorted(paths.items()))
            if key not in scattered:  # packed and sent once per batch, not once per job
                scattered[key] = self.client.scatter(pack(paths), hash=False)
            shared = scattered[key]
        name = getattr(job, "student", "job")
        return self.client.submit(
            _run_remote, fn, shipment, shared, self._limit(job), self.start_method,
            self.preload, key=f"encoder-kit-{name}-{uuid.uuid4().hex[:8]}", pure=False,
            retries=0)

    def run(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[tuple[Any, Finished]]:
        """Yield ``(job, Finished)`` for every job, as each finishes on the cluster."""
        from encoder_kit.cluster import import_distributed

        distributed = import_distributed()
        jobs = list(jobs)
        if not jobs:
            return
        try:
            self.client.wait_for_workers(1, timeout=self.worker_timeout)
        except Exception:
            raise CourseError(
                f"the Dask scheduler at {self.address} has no workers after "
                f"{self.worker_timeout:g} s; start them with `dask worker {self.address}` on "
                "each machine (with encoder-kit installed)") from None
        futures: dict[Any, Any] = {}
        scattered: dict[Any, Any] = {}
        unsent: list[tuple[Any, Finished]] = []
        try:
            for job in jobs:
                try:
                    futures[self._submit(fn, job, scattered)] = job
                except OSError as error:  # a file that cannot be read fails this job only
                    unsent.append((job, Finished(False, message=f"could not pack the job for "
                                                 f"the cluster ({error})")))
            yield from unsent
            completed = distributed.as_completed(list(futures), loop=self.client.loop)
            yield from self._collect(completed, futures)
        finally:  # also on Ctrl-C: nothing of this batch stays queued on the cluster
            if futures:
                self.client.cancel(list(futures))
            if scattered:
                self.client.cancel(list(scattered.values()))

    def _collect(self, completed: Any, futures: dict[Any, Any]
                 ) -> Iterator[tuple[Any, Finished]]:
        checked = without_workers = time.monotonic()
        while not completed.is_empty():
            batch = completed.next_batch(block=False)
            for future in batch:
                yield futures.pop(future), self._finished(future)
            if batch:
                continue
            time.sleep(0.2)
            now = time.monotonic()
            if now - checked < 5:
                continue
            checked = now
            try:
                workers = len(self.client.nthreads())
            except Exception:  # the scheduler does not answer: as good as no workers
                workers = 0
            without_workers = now if workers else without_workers
            if now - without_workers > self.worker_timeout:
                message = (f"no Dask worker at {self.address} for {self.worker_timeout:g} s; "
                           "start workers and run the command again (graded ones are kept)")
                for future, job in list(futures.items()):
                    del futures[future]
                    yield job, Finished(False, message=message)
                return

    @staticmethod
    def _finished(future: Any) -> Finished:
        try:
            value = future.result()
        except Exception as error:
            name = type(error).__name__
            if name == "KilledWorker":
                why = ("the Dask workers that ran it died (the machine went away or ran out of "
                       "memory)")
            elif "Cancelled" in name:
                why = "the Dask task was cancelled (was the scheduler stopped?)"
            else:
                why = "the Dask task failed"
            return Finished(False, message=f"{why} ({name}: {error})")
        if not isinstance(value, Finished):  # pragma: no cover - only _run_remote is sent
            return Finished(False, message=f"unexpected result from the cluster: {value!r}")
        return value
