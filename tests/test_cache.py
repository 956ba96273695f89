"""The embedding cache: batched lookups, two writers at once, damage detected and rebuilt,
and a hit path that never imports torch."""

from __future__ import annotations

import multiprocessing
import sqlite3
import warnings

import numpy as np
import pytest
from support import run_python

from encoder_kit import FrozenEncoder
from encoder_kit.cache import (
    DB_NAME,
    CacheCorruptionWarning,
    EmbeddingCache,
    encode_through_cache,
    get_cache,
    namespace_for,
)
from encoder_kit.models import model_info


def test_round_trip_only_returns_hits(tmp_path):
    cache = EmbeddingCache(tmp_path)
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    cache.put_many("ns", ["a", "b", "c"], vectors, truncated=[False, True, False])
    hits = cache.get_many("ns", ["c", "zzz", "a", "c", "b"])
    assert sorted(hits.vectors) == [0, 2, 3, 4]
    np.testing.assert_array_equal(hits.vectors[0], vectors[2])
    np.testing.assert_array_equal(hits.vectors[3], vectors[2])
    assert hits.truncated == {4}
    assert len(cache) == 3


def test_namespaces_keep_models_and_settings_apart(tmp_path):
    cache = EmbeddingCache(tmp_path)
    one = namespace_for("aaaa", True, 256)
    cache.put_many(one, ["x"], np.ones((1, 2), np.float32))
    for other in (namespace_for("bbbb", True, 256), namespace_for("aaaa", False, 256),
                  namespace_for("aaaa", True, 128)):
        assert cache.get_many(other, ["x"]).vectors == {}
    assert cache.get_many(one, ["x "]).vectors == {}  # exact text: a space makes a new key


def test_variable_length_vectors_and_bad_shapes(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many("ns", ["s1", "s2"], [np.ones(6, np.float32), np.zeros(3, np.float32)])
    hits = cache.get_many("ns", ["s1", "s2"])
    assert [len(hits.vectors[0]), len(hits.vectors[1])] == [6, 3]
    with pytest.raises(ValueError, match="one vector per text"):
        cache.put_many("ns", ["a", "b"], np.ones((1, 4), np.float32))
    with pytest.raises(ValueError, match="2-D array"):
        cache.put_many("ns", ["a"], np.ones(4, np.float32))


def _writer(directory: str, worker: int, n: int) -> None:
    cache = EmbeddingCache(directory)
    for start in range(0, n, 50):  # many small transactions, interleaved with the other writer
        texts = [f"w{worker}-{i}" for i in range(start, start + 50)]
        vectors = np.array([[worker, i] for i in range(start, start + 50)], np.float32)
        cache.put_many("ns", texts, vectors)


@pytest.mark.slow  # fresh processes: a few seconds each (make test, not test-fast)
def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w, 1000)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    cache = EmbeddingCache(tmp_path)
    for w in (1, 2):
        hits = cache.get_many("ns", [f"w{w}-{i}" for i in range(1000)])
        assert len(hits.vectors) == 1000
        assert all(hits.vectors[i].tolist() == [w, i] for i in range(1000))


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_moved_aside_and_rebuilt(tmp_path, damage):
    cache = EmbeddingCache(tmp_path)
    cache.put_many("ns", [f"t{i}" for i in range(400)], np.ones((400, 64), np.float32))
    cache.close()
    if damage == "garbage":
        cache.path.write_bytes(b"this is not a database" * 100)
    else:
        data = cache.path.read_bytes()
        cache.path.write_bytes(data[: len(data) // 3])
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"{cache.path.name}{suffix}").unlink(missing_ok=True)
    fresh = EmbeddingCache(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hits = fresh.get_many("ns", [f"t{i}" for i in range(400)])
        fresh.put_many("ns", ["new"], np.zeros((1, 64), np.float32))
    # never wrong vectors: whatever is returned is exactly what was stored
    assert all(np.array_equal(v, np.ones(64, np.float32)) for v in hits.vectors.values())
    if damage == "garbage":
        assert hits.vectors == {}
        assert any(issubclass(w.category, CacheCorruptionWarning) for w in caught)
        assert list(tmp_path.glob("*.corrupt-*"))
    assert len(fresh.get_many("ns", ["new"]).vectors) == 1


def test_an_altered_row_fails_its_checksum_and_counts_as_a_miss(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many("ns", ["a", "b"], np.ones((2, 4), np.float32))
    cache.close()
    with sqlite3.connect(cache.path) as conn:
        key = conn.execute("SELECT key FROM vectors LIMIT 1").fetchone()[0]
        conn.execute("UPDATE vectors SET vec = ? WHERE key = ?",
                     (np.full(4, 9, np.float32).tobytes(), key))
    hits = EmbeddingCache(tmp_path).get_many("ns", ["a", "b"])
    assert len(hits.vectors) == 1
    assert all(np.array_equal(v, np.ones(4, np.float32)) for v in hits.vectors.values())
    assert len(EmbeddingCache(tmp_path)) == 1  # the altered row was dropped


def test_cache_setting_is_validated(tmp_path):
    assert get_cache(False) is None
    assert get_cache(str(tmp_path)) is get_cache(tmp_path)
    with pytest.raises(TypeError, match="cache must be None"):
        get_cache(3.5)


@pytest.mark.slow  # fresh processes: a few seconds each (make test, not test-fast)
def test_cache_false_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCODER_KIT_CACHE", str(tmp_path))
    FrozenEncoder(cache=False).transform(["nothing is stored"])
    assert not (tmp_path / DB_NAME).exists()


def test_only_misses_are_encoded(tmp_path, monkeypatch):
    enc = FrozenEncoder(cache=str(tmp_path))
    enc.transform(["first", "second"])
    seen: list[list[str]] = []
    original = FrozenEncoder._encode

    def spy(self, texts, max_length):
        seen.append(list(texts))
        return original(self, texts, max_length)

    monkeypatch.setattr(FrozenEncoder, "_encode", spy)
    enc.transform(["second", "third", "first", "third"])
    assert seen == [["third"]]


@pytest.mark.slow  # fresh processes: a few seconds each (make test, not test-fast)
def test_the_hit_path_in_a_fresh_process_imports_no_torch(tmp_path):
    info = model_info()
    namespace = namespace_for(info.fingerprint, True, info.max_length)
    texts = [f"cached sentence number {i}" for i in range(10_000)]
    rng = np.random.default_rng(0)
    stored = rng.standard_normal((len(texts), info.hidden_size)).astype(np.float32)
    EmbeddingCache(tmp_path).put_many(namespace, texts, stored)
    np.save(tmp_path / "expected.npy", stored)
    code = (
        "import sys, numpy as np\n"
        "from encoder_kit import FrozenEncoder\n"
        f"texts = [f'cached sentence number {{i}}' for i in range({len(texts)})]\n"
        "X = FrozenEncoder().transform(texts)\n"
        f"assert np.array_equal(X, np.load({str(tmp_path / 'expected.npy')!r}))\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules))\n"
    )
    proc = run_python(code, env={"ENCODER_KIT_CACHE": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    assert proc.stderr == ""


def _counting_encoder(calls: list[list[str]], spaces: int = 1, cut_texts: tuple[str, ...] = ()):
    """An encode function for encode_through_cache: one row [len(key), k] per namespace k."""
    def encode(missing: list[str]):
        calls.append(list(missing))
        blocks = [np.array([[len(t), k] for t in missing], np.float32) for k in range(spaces)]
        return blocks, [t in cut_texts for t in missing]
    return encode


def test_encode_through_cache_encodes_each_miss_once_and_keeps_the_order(tmp_path):
    cache, calls = EmbeddingCache(tmp_path), []
    encode = _counting_encoder(calls, cut_texts=("long",))
    found = encode_through_cache(cache, ["ns"], ["ab", "long", "ab", "c"], encode)
    assert calls == [["ab", "long", "c"]] and found.encoded == 3
    assert [v.tolist() for v in found.rows[0]] == [[2, 0], [4, 0], [2, 0], [1, 0]]
    assert found.truncated.tolist() == [False, True, False, False]
    again = encode_through_cache(cache, ["ns"], ["c", "long", "new"], encode)
    assert calls[1:] == [["new"]] and again.encoded == 1
    assert again.truncated.tolist() == [False, True, False]  # the flag survives the cache
    assert [v.tolist() for v in again.rows[0]] == [[1, 0], [4, 0], [3, 0]]


def test_encode_through_cache_needs_every_namespace_for_a_hit(tmp_path):
    cache, calls = EmbeddingCache(tmp_path), []
    cache.put_many("layer-1", ["x"], np.array([[9, 9]], np.float32))  # layer-2 lacks "x"
    found = encode_through_cache(cache, ["layer-1", "layer-2"], ["x"], _counting_encoder(calls, 2))
    assert calls == [["x"]]
    assert [found.rows[0][0].tolist(), found.rows[1][0].tolist()] == [[1, 0], [1, 1]]
    assert cache.get_many("layer-1", ["x"]).vectors[0].tolist() == [1, 0]  # stored again


def test_encode_through_cache_without_a_cache_or_with_nothing_missing(tmp_path):
    calls: list[list[str]] = []
    found = encode_through_cache(None, ["ns"], ["a", "a"], _counting_encoder(calls))
    assert calls == [["a"]] and len(found.rows[0]) == 2
    empty = encode_through_cache(EmbeddingCache(tmp_path), ["ns"], [], _counting_encoder(calls))
    assert calls == [["a"]] and empty.rows == [[]] and empty.encoded == 0
    with pytest.raises(ValueError, match="one sequence per namespace"):
        encode_through_cache(None, ["a", "b"], ["x"], _counting_encoder(calls, spaces=1))
