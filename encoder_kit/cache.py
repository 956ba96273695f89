"""A content-addressed, persistent embedding cache (SQLite + numpy; never imports torch).

Each vector is stored under a hash of (weights fingerprint, settings, exact text), with a
checksum of its bytes. Lookups go in batches and return only the hits, so the caller encodes
just the misses. SQLite serialises writers from several processes; a damaged file is moved
aside and rebuilt, and a row whose checksum fails is dropped, never returned.

>>> import numpy as np, tempfile
>>> cache = EmbeddingCache(tempfile.mkdtemp())
>>> cache.put_many("ns", ["a", "b"], np.eye(2, dtype=np.float32))
>>> hits = cache.get_many("ns", ["b", "c"])
>>> sorted(hits.vectors), hits.vectors[0].tolist()
([0], [0.0, 1.0])

Estimators do not call ``get_many``/``put_many`` themselves: :func:`encode_through_cache`
looks up, encodes only the misses, stores them and returns every row in order.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DB_NAME = "embeddings-v2.sqlite3"
_CHUNK = 500  # keys per SELECT; SQLite's default limit on parameters is 999+


def default_cache_dir() -> Path:
    """``$ENCODER_KIT_CACHE`` if set, else ``~/.cache/encoder-kit``."""
    env = os.environ.get("ENCODER_KIT_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "encoder-kit"


def namespace_for(fingerprint: str, normalize: bool, max_length: int, kind: str = "sentence") -> str:
    """The part of the key that says which model and settings made a vector."""
    return f"{kind}|{fingerprint}|normalize={bool(normalize)}|max_length={int(max_length)}"


def _key(namespace: str, text: str) -> bytes:
    return hashlib.blake2b(f"{namespace}\x00{text}".encode("utf-8", "surrogatepass"),
                           digest_size=20).digest()


def _checksum(key: bytes, blob: bytes, cut: int) -> bytes:
    return hashlib.blake2b(key + blob + bytes([cut]), digest_size=8).digest()


@dataclass
class CacheHits:
    """What a lookup found: vectors by position, and which of them came from cut texts."""

    vectors: dict[int, np.ndarray] = field(default_factory=dict)
    truncated: set[int] = field(default_factory=set)


class CacheCorruptionWarning(UserWarning):
    """The cache file was damaged; it was moved aside and a new one started."""


class EmbeddingCache:
    """Vectors on disk, keyed by content. Safe to share between processes."""

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.path = self.directory / DB_NAME
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.directory)!r})"

    def __getstate__(self) -> dict:
        return {"directory": self.directory}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["directory"])

    # -- connection -----------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self.directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=60000")
        # A vector (1.5 KB for d=384) fits one 8 KB page, so a hit reads no overflow pages;
        # ignored for an existing file.
        conn.execute("PRAGMA page_size=8192")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors ("
            " key BLOB PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL, cut INTEGER NOT NULL,"
            " sum BLOB NOT NULL)"
        )  # a rowid table: WITHOUT ROWID stores large rows in overflow pages, 7x slower here
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _reset(self, err: BaseException) -> None:
        """Move a damaged database aside so that the next call starts a new one."""
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
        self._conn = None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                try:
                    os.replace(part, part.with_name(f"{part.name}.corrupt-{stamp}-{os.getpid()}"))
                except OSError:
                    pass
        warnings.warn(
            f"embedding cache {str(self.path)!r} was damaged ({err}); it was moved aside and "
            "will be rebuilt, so cached texts are encoded again",
            CacheCorruptionWarning,
            stacklevel=3,
        )

    def _run(self, action):
        """Run ``action(conn)``; on a damaged file, rebuild once and try again."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return action(self._connect())
                except sqlite3.DatabaseError as err:
                    if attempt == 2 or isinstance(err, sqlite3.OperationalError) and (
                        "locked" in str(err) or "busy" in str(err)
                    ):
                        raise
                    self._reset(err)

    # -- public API ----------------------------------------------------------------
    def get_many(self, namespace: str, texts: Sequence[str]) -> CacheHits:
        """The vectors found for ``texts``, by position in ``texts``."""
        keys = [_key(namespace, t) for t in texts]
        positions: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            positions.setdefault(k, []).append(i)
        unique = list(positions)

        def lookup(conn: sqlite3.Connection) -> CacheHits:
            hits = CacheHits()
            bad: list[bytes] = []
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, dim, vec, cut, sum FROM vectors WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, dim, blob, cut, checksum in rows:
                    if len(blob) != 4 * dim or _checksum(key, blob, cut) != checksum:
                        bad.append(key)  # a torn or altered row: drop it, encode again
                        continue
                    vec = np.frombuffer(blob, dtype=np.float32)
                    for i in positions[key]:
                        hits.vectors[i] = vec
                        if cut:
                            hits.truncated.add(i)
            if bad:
                conn.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in bad])
            return hits

        return self._run(lookup) if unique else CacheHits()

    def put_many(
        self,
        namespace: str,
        texts: Sequence[str],
        vectors: np.ndarray | Sequence[np.ndarray],
        truncated: Sequence[bool] | None = None,
    ) -> None:
        """Store one vector per text, in one transaction.

        ``vectors`` is a 2-D array (a row per text) or a list of 1-D arrays of any lengths
        (callers that store matrices flatten them and keep the width themselves).
        ``truncated`` marks texts that were cut at the maximum length, so that a later
        hit can still say so.
        """
        if isinstance(vectors, np.ndarray) and vectors.ndim != 2:
            raise ValueError(f"put_many needs a 2-D array (a row per text), got {vectors.shape}")
        if len(vectors) != len(texts):
            raise ValueError(
                f"put_many needs one vector per text: {len(texts)} texts, {len(vectors)} vectors"
            )
        flags = [0] * len(texts) if truncated is None else [int(bool(f)) for f in truncated]
        rows = []
        for text, vec, cut in zip(texts, vectors, flags, strict=True):
            vec = np.ascontiguousarray(vec, dtype=np.float32).ravel()
            key, blob = _key(namespace, text), vec.tobytes()
            rows.append((key, vec.shape[0], blob, cut, _checksum(key, blob, cut)))

        def store(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        if rows:
            self._run(store)

    def __len__(self) -> int:
        return self._run(lambda conn: conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def clear(self) -> None:
        """Remove every stored vector."""
        self._run(lambda conn: conn.execute("DELETE FROM vectors"))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


_shared: dict[str, EmbeddingCache] = {}


def get_cache(setting: bool | str | os.PathLike | None) -> EmbeddingCache | None:
    """The cache an estimator's ``cache`` parameter asks for (None: the default folder)."""
    if setting is False:
        return None
    if setting is None or setting is True:
        directory = default_cache_dir()
    elif isinstance(setting, (str, os.PathLike)):
        directory = Path(setting).expanduser()
    else:
        raise TypeError(
            f"cache must be None (the default folder), False (no cache), True, or a folder "
            f"path; got {type(setting).__name__}"
        )
    key = str(directory.resolve())
    if key not in _shared:
        _shared[key] = EmbeddingCache(directory)
    return _shared[key]


#: What an encoder hands :func:`encode_through_cache` for the keys it was given: one sequence
#: of vectors per namespace (a 2-D array or a list of 1-D arrays, a row per key), and which
#: keys were cut at the maximum length (None: none were).
Encoded = tuple[Sequence[np.ndarray | Sequence[np.ndarray]], Sequence[bool] | None]


@dataclass
class CachedRows:
    """What :func:`encode_through_cache` returns, in the order of the keys.

    ``rows[k][i]`` is the 1-D vector of key ``i`` in namespace ``k``; ``truncated[i]`` says
    whether key ``i``'s text was cut; ``encoded`` counts the distinct keys that were encoded
    (the misses).
    """

    rows: list[list[np.ndarray]]
    truncated: np.ndarray
    encoded: int = 0


def encode_through_cache(
    cache: EmbeddingCache | None,
    namespaces: Sequence[str],
    keys: Sequence[str],
    encode: Callable[[list[str]], Encoded],
) -> CachedRows:
    """Vectors for ``keys`` in every namespace: from ``cache``, encoding only the misses.

    A key is a hit only when every namespace holds it (the namespaces of one encoding, e.g.
    one per hidden layer, are written together). The misses, each once however often it
    occurs, go to ``encode(missing_keys)`` in the order of their first occurrence; what it
    returns is stored (unless ``cache`` is None) and put in place. ``encode`` is not called
    when everything is cached, so a process whose texts are all cached never loads a model
    (nor imports torch).

    >>> import tempfile
    >>> store, calls = EmbeddingCache(tempfile.mkdtemp()), []
    >>> def encode(missing):
    ...     calls.append(missing)
    ...     return [np.array([[len(t)] for t in missing], np.float32)], None
    >>> found = encode_through_cache(store, ["ns"], ["ab", "c", "ab"], encode)
    >>> [float(v[0]) for v in found.rows[0]], found.encoded
    ([2.0, 1.0, 2.0], 2)
    >>> _ = encode_through_cache(store, ["ns"], ["c", "dddd"], encode)
    >>> calls
    [['ab', 'c'], ['dddd']]
    """
    n = len(keys)
    per_space = [cache.get_many(ns, keys) if cache is not None and n else CacheHits()
                 for ns in namespaces]
    complete = set(per_space[0].vectors) if per_space else set()
    for hits in per_space[1:]:
        complete &= hits.vectors.keys()
    truncated = np.zeros(n, dtype=bool)
    if per_space and per_space[0].truncated:
        truncated[[i for i in per_space[0].truncated if i in complete]] = True
    if len(complete) == n:  # everything cached: the hot path of a grading kernel
        rows = [[hits.vectors[i] for i in range(n)] for hits in per_space]
        return CachedRows(rows=rows, truncated=truncated, encoded=0)
    rows = [[hits.vectors.get(i) for i in range(n)] for hits in per_space]
    missing = list(dict.fromkeys(keys[i] for i in range(n) if i not in complete))
    vectors, cut = encode(missing)
    if len(vectors) != len(namespaces):
        raise ValueError(f"encode returned vectors for {len(vectors)} namespaces; "
                         f"expected one sequence per namespace ({len(namespaces)})")
    if cache is not None:
        for ns, block in zip(namespaces, vectors, strict=True):
            cache.put_many(ns, missing, [np.ravel(v) for v in block], truncated=cut)
    row_of = {key: r for r, key in enumerate(missing)}
    for i in range(n):
        if i not in complete:
            r = row_of[keys[i]]
            for k, block in enumerate(vectors):
                rows[k][i] = np.ravel(block[r])
            truncated[i] = bool(cut[r]) if cut is not None else False
    return CachedRows(rows=rows, truncated=truncated, encoded=len(missing))
