"""SIGINT and SIGTERM during training: a mid-epoch checkpoint, exit 130 / 143, and a bit-identical resume."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.signals import Interrupts
from tests.interrupt import assert_same_training, steps_per_epoch, train_signalled

# batch 4: ~10 steps per epoch, so "mid-epoch" has room
SET = ["model.hidden=32", "model.melody_rnn.rnn_hidden=32", "model.melody_rnn.embedding=8", "train.batch_size=4"]
ARGS = [a for s in SET for a in ("--set", s)] + ["--plugins", "none", "--seed", "3", "--epochs", "4"]
runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def reference(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted run every interrupted-and-resumed run must equal bit for bit."""
    run = tmp_path_factory.mktemp("reference") / "run"
    result = mvae("train", synth_dir, *ARGS, "--out", run)
    assert result.exit_code == 0, result.output
    return run


@pytest.fixture(scope="module")
def steps(synth_dir: Path) -> int:
    steps = steps_per_epoch(synth_dir, SET, seed=3)
    assert steps >= 8
    return steps


def _epochs(run: Path) -> list[int]:
    return [json.loads(line)["epoch"] for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_sigterm_mid_epoch_exits_143_and_resumes_bit_identically(synth_dir, tmp_path, reference, steps):
    run = tmp_path / "run"
    result = train_signalled(["train", synth_dir, *ARGS, "--out", run], signal.SIGTERM, at_step=2 * steps + 5)
    assert result.returncode == 143, result.stdout + result.stderr
    assert f"SIGTERM: stopped at step 5 of epoch 3 and checkpointed. Continue with: mvae train --resume {run}" in (
        " ".join(result.stderr.split())
    )
    checkpoint = torch.load(run / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == 1 and checkpoint["progress"]["step"] == 5  # the 5th step of epoch 2 finished
    assert _epochs(run) == [0, 1]
    resumed = mvae("train", "--resume", run)
    assert resumed.exit_code == 0, resumed.output
    assert_same_training(reference, run)


def test_sigint_mid_epoch_exits_130_and_resumes_bit_identically(synth_dir, tmp_path, reference, steps, monkeypatch):
    """In this process: SIGINT, then SIGTERM at the same step (ignored: the first signal decides)."""
    import mvae_core.trainer

    batch_source, calls = mvae_core.trainer.batch_source, []

    def signalling_source(*args, **kwargs):
        source = batch_source(*args, **kwargs)

        def signalling(index):
            calls.append(1)
            if len(calls) == steps + 3:
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGTERM)
            return source(index)

        return signalling

    monkeypatch.setattr(mvae_core.trainer, "batch_source", signalling_source)
    previous = signal.getsignal(signal.SIGINT)  # default_int_handler, or SIG_IGN under nohup / a background job
    run = tmp_path / "run"
    result = mvae("train", synth_dir, *ARGS, "--out", run)
    assert result.exit_code == 130, result.output
    assert "SIGINT: stopped at step 3 of epoch 2" in result.output
    assert len(calls) == steps + 3  # stopped right after the step during which the signals arrived
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGINT) is previous  # handlers restored
    resumed = mvae("train", "--resume", run)
    assert resumed.exit_code == 0, resumed.output
    assert_same_training(reference, run)


def test_a_signal_between_epochs_stops_after_the_epoch_checkpoint(synth_dir, tmp_path, steps, monkeypatch):
    """A signal during validation is acted on once the epoch is saved: no mid-epoch state is needed."""
    import mvae_core.trainer

    validate = mvae_core.trainer.validate

    def signalling(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return validate(*args, **kwargs)

    monkeypatch.setattr(mvae_core.trainer, "validate", signalling)
    run = tmp_path / "run"
    result = mvae("train", synth_dir, *ARGS, "--out", run)
    assert result.exit_code == 143 and "SIGTERM: stopped after epoch 1" in result.output, result.output
    checkpoint = torch.load(run / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == 0 and "progress" not in checkpoint
    assert _epochs(run) == [0]


def test_interrupts_raise_until_deferred_then_only_record():
    previous = signal.getsignal(signal.SIGTERM)
    with Interrupts() as interrupts:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)
        assert interrupts.signum == signal.SIGTERM
        interrupts.defer()
        os.kill(os.getpid(), signal.SIGINT)  # recorded only; the first signal still decides
        assert interrupts.requested() and interrupts.signum == signal.SIGTERM and interrupts.name == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) is previous
