"""A run that fails or is interrupted tells a Python caller how to continue it from Python (the command line cannot
resume a run trained with plugin objects), and the command line the mvae command."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunFailed, RunInterrupted

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


class FailsInEpoch2:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        if trainer.epoch == 1:
            raise OSError("disk full")


class StopsInEpoch2:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        if trainer.epoch == 1:
            raise KeyboardInterrupt


@pytest.mark.parametrize(("plugin", "error"), [(FailsInEpoch2(), RunFailed), (StopsInEpoch2(), RunInterrupted)])
def test_python_callers_get_the_python_call_and_the_command_line_the_command(synth_dir, tmp_path, plugin, error):
    run = tmp_path / "run"
    with pytest.raises(error) as caught:
        mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[plugin], epochs=3, progress=False)
    name = type(plugin).__name__.replace("InEpoch", "_in_epoch").lower()
    python = f"mvae_core.train(out={str(run)!r}, resume=True, plugins=[({name!r}, <the plugin object>)])"
    assert python in str(caught.value) and "mvae train --resume" not in str(caught.value)
    assert f"mvae train --resume {run}" in caught.value.command_line_message()
    result = mvae_core.train(out=run, resume=True, plugins=[(name, object())], progress=False)  # what it says works
    assert result.outcome == "trained" and result.epochs_run == 3
