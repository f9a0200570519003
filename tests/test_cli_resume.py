"""``--epochs 0`` is refused with ``--resume`` as without it (it was read as "no new budget": exit 0, "has finished")."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


def test_resume_with_epochs_0_is_a_usage_error(synth_dir, tmp_path):
    run = tmp_path / "run"
    tiny = ["--set", "model.hidden=32", "--set", "train.batch_size=16", "--plugins", "none"]
    assert runner.invoke(app, ["train", str(synth_dir), *tiny, "--epochs", "1", "--out", str(run)]).exit_code == 0
    result = runner.invoke(app, ["train", "--resume", str(run), "--epochs", "0"], env={"NO_COLOR": "1"})
    assert result.exit_code == 2
    assert "Invalid value for '--epochs': Input should be greater than or equal to 1" in result.stderr
    assert result.stdout == ""


def test_train_help_shows_the_ranges_of_the_integer_flags():
    result = runner.invoke(app, ["train", "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    for flag, bound in (("--epochs", 1), ("--batch-size", 2), ("--seed", 0)):
        assert any(line.split()[1:4] == [flag, "N", f"[x>={bound}]"] for line in result.stdout.splitlines()), flag
