"""A resume's epoch budget is checked against the epochs its checkpoint holds, not against the lines of metrics.jsonl
(helper-483 F3): a kill between an epoch's metrics line and its checkpoint left a line more, so ``--epochs`` as many
as the checkpoint holds was refused with wrong numbers ("fewer than the 3 epochs RUN has done; give 4 or more", where
3 trains further), and with metrics.jsonl gone ``--epochs 1`` of a run of 2 checkpointed epochs was taken, and written
into config.toml. An edit of ``train.epochs`` in config.toml below that was "has finished its 1 epoch" (exit 0): now
one rule refuses both, in the same words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core.checkpoint import save_checkpoint
from mvae_core.cli import app
from mvae_core.errors import ConfigError


@pytest.fixture
def run_killed_before_its_checkpoint(tiny_run, tmp_path) -> Path:
    """The 3-epoch tiny run as a kill before epoch 3's checkpoint leaves it: metrics.jsonl has 3 lines, the
    checkpoint holds 2 epochs (its epoch 1, counted from 0)."""
    run = Path(shutil.copytree(tiny_run, tmp_path / "run"))
    payload = torch.load(run / "checkpoint.pt", weights_only=True)
    payload["epoch"] = 1
    save_checkpoint(run / "checkpoint.pt", payload)
    assert len((run / "metrics.jsonl").read_text().splitlines()) == 3
    return run


def _resume(run: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["train", "--resume", str(run), *args])
    return result.exit_code, " ".join(result.output.split())


def test_the_epochs_the_checkpoint_holds_are_the_floor(run_killed_before_its_checkpoint):
    run = run_killed_before_its_checkpoint
    code, said = _resume(run, "--epochs", "1")
    assert code == 2, said
    assert f"error: --epochs 1 is fewer than the 2 epochs {run} has done; give 3 or more to train further" in said
    assert "epochs = 3" in (run / "config.toml").read_text()
    code, said = _resume(run, "--epochs", "2")
    assert code == 0, said
    assert f"{run} has finished its 2 epochs; give a larger epoch budget" in said


def test_without_metrics_a_smaller_budget_is_refused_and_not_recorded(run_killed_before_its_checkpoint):
    run = run_killed_before_its_checkpoint
    (run / "metrics.jsonl").unlink()
    code, said = _resume(run, "--epochs", "1")
    assert code == 2, said
    assert f"--epochs 1 is fewer than the 2 epochs {run} has done; give 3 or more" in said
    assert "epochs = 3" in (run / "config.toml").read_text()


def test_train_epochs_edited_below_the_checkpoint_is_refused_in_the_same_words(run_killed_before_its_checkpoint):
    run = run_killed_before_its_checkpoint
    config = run / "config.toml"
    config.write_text(config.read_text().replace("epochs = 3", "epochs = 1"))
    code, said = _resume(run)
    assert code == 2, said
    assert (
        f"error: {config}: train.epochs = 1 is fewer than the 2 epochs {run} has done; set it to 3 or more there, "
        "or give --epochs 3 or more, to train further"
    ) in said
    with pytest.raises(ConfigError, match=r"or give epochs=3 or more, to train further"):
        mvae_core.train(out=run, resume=True, progress=False)
    code, said = _resume(run, "--epochs", "3")  # a budget given replaces the edited one
    assert code == 0, said
    assert "resumed" in said and "epochs = 3" in config.read_text()


def test_a_finished_runs_result_counts_the_checkpoints_epochs(run_killed_before_its_checkpoint):
    """The "already finished" result counted metrics.jsonl's lines: none, with the file gone, for a run whose
    checkpoint holds 2 epochs."""
    (run_killed_before_its_checkpoint / "metrics.jsonl").unlink()
    with pytest.warns(mvae_core.TrainingWarning, match="metrics.jsonl"):
        result = mvae_core.train(out=run_killed_before_its_checkpoint, resume=True, epochs=2, progress=False)
    assert result.outcome == "already finished" and result.epochs_run == 2
