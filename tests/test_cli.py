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


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--memory-mb", "lots", "'lots' is not a number of megabytes"),
    ("--timeout", "soon", "'soon' is not a number of seconds"),
    ("--max-output", "-3", "'-3': give a whole number of bytes, at least 1"),
    ("--max-processes", "many", "'many': give a whole number of processes, at least 1"),
    ("--workers", "0", "'0': give a whole number of workers, at least 1"),
])
def test_a_bad_grading_limit_names_its_unit(flag, value, message, capsys):
    with pytest.raises(SystemExit):
        main(["course", "grade", "hw1", flag, value])
    err = capsys.readouterr().err
    assert f"argument {flag}" in err and f": {message}" in err


def test_the_old_kernel_name_still_works_and_says_its_new_name(capsys):
    from autograder.course.commands.grade import kernel_choice

    assert kernel_choice("in-process") == "sandboxed"
    assert "--kernel sandboxed" in capsys.readouterr().err
    assert kernel_choice("subprocess") == "unconfined-nbgrader"  # named for what it is
    assert "--kernel unconfined-nbgrader" in capsys.readouterr().err
    assert kernel_choice("sandboxed") == "sandboxed"
    assert capsys.readouterr().err == ""


def test_the_course_commands_are_one_module_per_verb():
    from autograder.course.commands import VERBS

    assert [v.__name__.rpartition(".")[2] for v in VERBS] == [
        "init", "release", "warm_cache", "grade", "feedback", "export", "gradescope", "report",
        "gradebook", "demo", "doctor"]
    for verb in VERBS:
        assert callable(verb.add_parser) and callable(verb.run)
