"""``encoder-kit questions lint``: the linter behind the project's command."""

from __future__ import annotations

from pathlib import Path

from encoder_kit.cli import main

BAD = """\
questions:
  - id: cue-choice
    kind: choice
    title: Keep the encoder fixed
    points: 1
    concepts: [C3]
    prompt: Which adaptation keeps the encoder fixed?
    options:
      - {id: correct, text: Train only a head on frozen features, correct: true,
         feedback: Right.}
      - {id: b, text: Fine-tune, feedback: That updates the encoder.}
      - {id: c, text: All of the above, feedback: Only one is right.}
    explanation: A frozen encoder keeps its weights; only the head learns.
"""


def test_lint_command_passes_on_the_shipped_questions(capsys) -> None:
    repo = Path(__file__).resolve().parents[1]
    code = main(["questions", "lint", str(repo / "encoder_kit/questions/bank"),
                 str(repo / "exercises/questions")])
    assert code == 0, capsys.readouterr().out


def test_lint_command_reports_cues_one_line_each(tmp_path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    assert main(["questions", "lint", str(path)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all(line.startswith(str(path)) for line in lines)
    assert any("id-cue" in line for line in lines)
    assert any("all-of-the-above" in line for line in lines)


def test_lint_command_names_a_missing_path(tmp_path, capsys) -> None:
    assert main(["questions", "lint", str(tmp_path / "absent")]) == 2
    assert "no question file or folder" in capsys.readouterr().err


def test_lint_options_reach_the_linter(capsys) -> None:
    assert main(["questions", "lint", "--list-rules"]) == 0
    assert "longest-right" in capsys.readouterr().out
