"""What a run directory says when its model cannot be loaded: a run still in its first epoch, a file given as RUN."""

from __future__ import annotations

import shutil

import pytest

from mvae_core.checkpoint import CheckpointError
from mvae_core.errors import InputError
from mvae_core.run import RunDir


def test_a_run_in_its_first_epoch_says_to_wait_while_it_trains_and_to_resume_once_stopped(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / "model.safetensors").unlink()
    (run / "metrics.jsonl").unlink()
    with (
        RunDir(run).training_lock(),
        pytest.raises(  # the lock: as the process training it holds it
            CheckpointError, match=r"no epoch has finished yet: it is training now; wait for its first"
        ),
    ):
        RunDir(run).load_model()
    with pytest.raises(CheckpointError) as caught:
        RunDir(run).load_model()  # the lock file stays; nobody holds it
    assert f"no epoch has finished yet: continue with mvae train --resume {run}" in caught.value.command_line_message()
    assert f"continue with mvae_core.train(out={str(run)!r}, resume=True)" in str(caught.value)


@pytest.mark.parametrize("name", ["config.toml", "model.safetensors"])
def test_a_file_given_as_the_run_names_its_folder(tiny_run, name):
    with pytest.raises(
        InputError, match=rf"{tiny_run / name} is a file, not a run directory; give its folder: {tiny_run}$"
    ):
        RunDir(tiny_run / name).load_model()
