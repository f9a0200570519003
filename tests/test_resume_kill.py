"""SIGKILL in the middle of an epoch loses only that epoch: ``--resume`` ends bit-identical to an uninterrupted run."""

from __future__ import annotations

import json
import signal

import pytest
import torch
from typer.testing import CliRunner

from mvae_core.cli import app
from tests.interrupt import assert_same_training, steps_per_epoch, train_signalled

SET = ["model.hidden=32", "model.melody_rnn.rnn_hidden=32", "model.melody_rnn.embedding=8", "train.batch_size=4"]
ARGS = [a for s in SET for a in ("--set", s)] + ["--plugins", "none", "--seed", "5", "--epochs", "4"]
runner = CliRunner()


@pytest.mark.slow
def test_sigkill_mid_epoch_then_resume_is_bit_identical(synth_dir, tmp_path):
    steps = steps_per_epoch(synth_dir, SET, seed=5)
    killed = tmp_path / "killed"
    result = train_signalled(["train", synth_dir, *ARGS, "--out", killed], signal.SIGKILL, at_step=2 * steps + 4)
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr
    assert [json.loads(line)["epoch"] for line in (killed / "metrics.jsonl").read_text().splitlines()] == [0, 1]
    checkpoint = torch.load(killed / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == 1 and "progress" not in checkpoint  # the last epoch-end checkpoint

    resumed = runner.invoke(app, ["train", "--resume", str(killed)], catch_exceptions=False)
    assert resumed.exit_code == 0, resumed.output
    reference = tmp_path / "reference"
    result = runner.invoke(app, ["train", str(synth_dir), *ARGS, "--out", str(reference)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert_same_training(reference, killed)


def test_a_run_killed_before_its_first_checkpoint_resumes_from_the_start(synth_dir, tmp_path):
    """A kill while the data is first read leaves no folder: --resume says so and how to start the run (it said only
    'no checkpoint.pt'). A kill after config.toml and before the first checkpoint (seconds on a busy machine) leaves
    nothing trained: --resume trains the run from the start with its saved config (it was refused)."""
    never = tmp_path / "never"
    result = runner.invoke(app, ["train", "--resume", str(never)])
    assert result.exit_code == 2
    assert f"the folder does not exist (a run stopped while it read its data leaves nothing behind); start the run: " \
           f"mvae train DATA --out {never}" in " ".join(result.output.split())  # fmt: skip

    reference, run = tmp_path / "reference", tmp_path / "run"
    for out in (reference, run):
        args = ["train", str(synth_dir), *ARGS[:-2], "--epochs", "2", "--out", str(out)]  # ARGS ends --epochs 4
        assert runner.invoke(app, args, catch_exceptions=False).exit_code == 0
    for name in ("checkpoint.pt", "model.safetensors", "metrics.jsonl"):  # as the kill found it: config.toml written
        (run / name).unlink()
    result = runner.invoke(app, ["train", "--resume", str(run)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert_same_training(reference, run)
