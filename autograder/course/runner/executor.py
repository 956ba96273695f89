"""Where grading jobs run: an executor takes a function and jobs and yields their outcomes.

``LocalExecutor`` runs every job in a process of its own, at most ``workers`` at a time.
Processes are forked from a server that has already imported the grading stack (nbgrader,
the in-process kernel, numpy, scikit-learn, encoder-kit), so a job starts in milliseconds
instead of re-importing them. Each job process starts its own session (process group), so a
job that runs past ``timeout`` is killed together with everything it started, and its
output goes to a log file rather than to the terminal. A job that crashes, is killed or
ends without a result is yielded as a failure; the others go on.

Another executor (for example one that submits to a Dask cluster) only has to offer the
same ``run(fn, jobs)``: yield ``(job, Finished)`` in any order, one per job.

>>> def double(x):
...     return 2 * x
>>> sorted(f.value for _, f in LocalExecutor(workers=2, start_method="fork").run(double, [1, 2]))
[2, 4]
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

# imported once by the fork server (see that module for what it imports and warms up)
DEFAULT_PRELOAD: tuple[str, ...] = ("autograder.course.runner.preload",)


@dataclass
class Finished:
    """How one job ended: ``ok`` with the function's ``value``, or not, with a ``message``."""

    ok: bool
    value: Any = None
    message: str = ""
    seconds: float = 0.0


def scratch_prefix(kind: str) -> str:
    """A temporary folder's prefix that names this process, so a later run can tell a
    folder left by a killed grader (``remove_orphaned_scratch``) from one in use."""
    return f"encoder-kit-{kind}-p{os.getpid()}-"


def remove_orphaned_scratch(folder: str | None = None) -> list[Path]:
    """Delete the temporary folders of graders that are gone (killed with -9, say): they
    hold copies of submissions and results. The folders removed."""
    import re
    import shutil

    removed = []
    for path in Path(folder or tempfile.gettempdir()).glob("encoder-kit-*-p*-*"):
        match = re.match(r"encoder-kit-[\w.-]*?-p(\d+)-", path.name)
        if not match or not path.is_dir():
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        except PermissionError:  # alive, another user's
            pass
    return removed


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _watch_grader(grader: int) -> None:
    """End this job (and its kernel) when the grader that asked for it is gone: a grader
    killed with -9 must not leave notebooks running (its next run grades them again)."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(grader, 0)
            except ProcessLookupError:
                os.killpg(os.getpgid(0), signal.SIGKILL)
            except PermissionError:  # pragma: no cover - still there, another user
                pass

    threading.Thread(target=watch, name="encoder-kit-watch-grader", daemon=True).start()


def _child(fn: Callable[[Any], Any], job: Any, result_path: str, log_path: str,
           grader: int | None = None) -> None:
    """Body of a job process: own session, output to the log, result to a file."""
    try:
        os.setsid()
    except OSError:  # pragma: no cover - already a session leader
        pass
    if grader is not None:
        _watch_grader(grader)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        payload = Finished(True, fn(job))
    except BaseException as error:  # everything becomes a failed job
        payload = Finished(False, message=f"{type(error).__name__}: {error}\n"
                                          f"{traceback.format_exc()}")
    try:
        data = pickle.dumps(payload)
    except Exception as error:  # a result that cannot travel is a failure, said plainly
        data = pickle.dumps(Finished(False, message=f"the job's result could not be sent "
                                                    f"back ({type(error).__name__}: {error})"))
    tmp = result_path + ".tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, result_path)
    try:  # release what multiprocessing tracks (e.g. tqdm's lock), or the tracker warns
        from multiprocessing import util

        util._run_finalizers(0)
    except Exception:  # only a warning at exit
        pass
    os._exit(0)  # no atexit handlers or leftover threads of the graded code


def _kill(process: Any) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            process.kill()
        except Exception:  # already gone
            pass


def start_server(preload: Sequence[str] = DEFAULT_PRELOAD) -> None:
    """Start the fork server (if it is not running), flagged so that the preload module
    prepares it. Call it early: the server warms up while this process goes on."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    from .preload import SERVER_FLAG

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    os.environ[SERVER_FLAG] = "1"
    try:
        forkserver.ensure_running()
    finally:
        os.environ.pop(SERVER_FLAG, None)


class LocalExecutor:
    """Run each job in its own process on this machine, ``workers`` at a time."""

    def __init__(
        self,
        workers: int | None = None,
        timeout: float | None = None,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        start_method: str | None = None,
    ) -> None:
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ValueError(f"workers must be a whole number of at least 1, not {workers!r}; "
                             "e.g. --workers 4")
        self.workers = workers or default_workers()
        self.timeout = timeout
        methods = multiprocessing.get_all_start_methods()
        self.start_method = start_method or ("forkserver" if "forkserver" in methods
                                             else "spawn")
        self.context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            start_server(preload)

    def run(self, fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[tuple[Any, Finished]]:
        """Yield ``(job, Finished)`` for every job, as each finishes."""
        pending = list(jobs)
        pending.reverse()
        running: dict[Any, tuple[Any, Any, float, Path]] = {}
        scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix("jobs")))
        count = 0
        try:
            while pending or running:
                while pending and len(running) < self.workers:
                    job = pending.pop()
                    count += 1
                    result = scratch / f"job-{count}.pickle"
                    log = scratch / f"job-{count}.log"
                    process = self.context.Process(
                        target=_child, args=(fn, job, str(result), str(log), os.getpid()),
                        daemon=False
                    )
                    process.start()
                    running[process.sentinel] = (process, job, time.monotonic(), result)
                ready = wait(list(running), timeout=0.2)
                for sentinel in ready:
                    process, job, started, result = running.pop(sentinel)
                    process.join()
                    yield job, self._finished(process, result, time.monotonic() - started)
                now = time.monotonic()
                for sentinel, (process, job, started, _) in list(running.items()):
                    if self.timeout is not None and now - started > self.timeout:
                        _kill(process)
                        process.join()
                        del running[sentinel]
                        yield job, Finished(
                            False, message=f"stopped after {self.timeout:g} s, the time limit "
                                           "per submission (raise it with --timeout)",
                            seconds=now - started)
        finally:
            for process, _, _, _ in running.values():
                _kill(process)
                process.join()
            for path in scratch.glob("*"):
                path.unlink(missing_ok=True)
            scratch.rmdir()

    @staticmethod
    def _finished(process: Any, result: Path, seconds: float) -> Finished:
        if result.exists():
            finished = pickle.loads(result.read_bytes())
            finished.seconds = seconds
            return finished
        code = process.exitcode
        how = f"was killed by signal {-code}" if code and code < 0 else f"exited with {code}"
        return Finished(False, message=f"the grading process {how} before it finished "
                                       "(the notebook may have ended the process or run out "
                                       "of memory)", seconds=seconds)
