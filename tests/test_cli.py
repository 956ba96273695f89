"""The encoder-kit command: demo and info."""

from __future__ import annotations

import pytest

from encoder_kit.cli import main


def test_info_prints_model_facts(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "hidden size   384" in out and "layers        6 (+1 embedding layer = 7" in out


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_an_error_is_one_clear_line(capsys):
    assert main(["info", "--model", "/no/such/folder"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("encoder-kit info: error: model folder") and "Traceback" not in err


@pytest.mark.slow
def test_demo_trains_evaluates_and_classifies(capsys):
    assert main(["demo", "The app freezes whenever I upload a photo"]) == 0
    out = capsys.readouterr().out
    assert "accuracy on the held-out e-mails:" in out
    assert "<- predicted" in out
    assert "-> technical" in out
