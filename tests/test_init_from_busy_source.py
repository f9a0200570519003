"""``--init-from`` a run that has no model yet, or that another process is training now: the refusal says why there
is no model and what to do (it said only ``no model at …`` for a run stopped before its first checkpoint, and told a
run in its first epoch to give a checkpoint that holds untrained weights), and a new run started from a run still
training says that its weights are that run's so far, not what it ends with (it said nothing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mvae_core
from mvae_core.checkpoint import CheckpointError
from mvae_core.run import RunDir
from mvae_core.starting_weights import read_starting_weights


def _only_config(tiny_run: Path, folder: Path, *extra: str) -> Path:
    """A run folder holding ``tiny_run``'s config.toml and ``extra`` of its files: a run that has not trained yet."""
    folder.mkdir()
    for name in ("config.toml", *extra):
        shutil.copy2(tiny_run / name, folder / name)
    return folder


def test_a_run_stopped_before_it_trained_is_named_with_the_resume_that_trains_it(tiny_run, tmp_path):
    source = _only_config(tiny_run, tmp_path / "new")
    with pytest.raises(CheckpointError) as caught:
        read_starting_weights(source)
    said = f"no model at {source / 'model.safetensors'}: the run stopped before it trained (no checkpoint.pt either)"
    assert f"{said}; train it first: mvae_core.train(out='{source}', resume=True)" in str(caught.value)
    assert f"{said}; train it first: mvae train --resume {source}" in caught.value.command_line_message()


def test_a_run_in_its_first_epoch_is_waited_for_not_sent_to_its_untrained_checkpoint(tiny_run, tmp_path):
    source = _only_config(tiny_run, tmp_path / "busy", "checkpoint.pt")
    with RunDir(source).training_lock(), pytest.raises(CheckpointError) as caught:
        read_starting_weights(source)
    assert "another process is training it now); wait for its first epoch" in str(caught.value)
    assert "checkpoint.pt" not in str(caught.value).split(": ", 2)[-1]


def test_a_new_run_from_a_run_still_training_says_whose_weights_it_took(tiny_run, synth_dir, tmp_path, capsys):
    source = Path(shutil.copytree(tiny_run, tmp_path / "source"))
    with RunDir(source).training_lock():  # another process trains it: the lock is all that tells
        mvae_core.train([synth_dir], tmp_path / "tuned", plugins=[], epochs=1, init_from=source, progress=True)
    printed = capsys.readouterr()
    said = " ".join((printed.out + printed.err).split())
    assert (
        f"{source} is being trained by another process: this run starts from its best model so far (3 epochs), not "
        "from what that run ends with; to start from those, train this run again (into another folder) when that one "
        "has finished"
    ) in said, said
    mvae_core.train([synth_dir], tmp_path / "tuned-2", plugins=[], epochs=1, init_from=source, progress=True)
    printed = capsys.readouterr()
    assert "being trained by another process" not in printed.out + printed.err
