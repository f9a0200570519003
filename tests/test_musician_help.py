"""What ``mvae generate --help`` leaves a musician guessing: which point a command with neither ``--z`` nor
``--random`` writes (one random point), and which instrument ``[default: 1]`` is (a piano)."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app


def test_generate_help_says_the_default_point_and_instrument() -> None:
    result = CliRunner().invoke(app, ["generate", "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.replace("│", " ").split())
    assert "Number of random latent points (default: one, when --z is not given)." in shown
    assert "1-128 (1 is piano) or a name" in shown
