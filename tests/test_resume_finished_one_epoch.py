"""A resume of a finished run says how many epochs it has done in words that agree with the number: a 1-epoch run
said it 'has finished its 1 epochs'."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app

SMALL = ["--set", "model.hidden=32", "--set", "model.melody_rnn.rnn_hidden=32", "--set", "model.melody_rnn.embedding=8"]


def test_a_finished_one_epoch_run_has_finished_its_1_epoch(synth_dir, tmp_path):
    runner = CliRunner()
    run = str(tmp_path / "run")
    trained = runner.invoke(app, ["train", str(synth_dir), *SMALL, "--plugins", "none", "--epochs", "1", "--out", run])
    assert trained.exit_code == 0, trained.output
    resumed = runner.invoke(app, ["train", "--resume", run])
    assert resumed.exit_code == 0, resumed.output
    assert f"{run} has finished its 1 epoch; give a larger epoch budget" in resumed.output, resumed.output
