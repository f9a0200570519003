"""A ``KeyboardInterrupt`` raised by code during training (signals are deferred to the next step; this one is not)
says what the run's checkpoint holds, not "the last finished epoch" whatever it holds, and the command that continues
it; the resume then does what the message said."""

from __future__ import annotations

import threading

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunInterrupted
from mvae_core.run import RunDir
from tests.training import TINY


class CtrlC:
    """Raises ``KeyboardInterrupt`` in step ``step`` of epoch ``epoch`` (both from 0), as code that is interrupted
    outside mvae's signal handling does; or in ``mvae_train_start`` when ``epoch`` is None."""

    def __init__(self, epoch: int | None, step: int = 0) -> None:
        self.epoch, self.step = epoch, step

    @hookimpl
    def mvae_train_start(self, trainer):
        if self.epoch is None:
            raise KeyboardInterrupt

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses, grad_norm):
        if (epoch, step) == (self.epoch, self.step):
            raise KeyboardInterrupt


def _interrupted(data, run, plugin, **kwargs) -> RunInterrupted:
    with pytest.raises(RunInterrupted) as caught:
        mvae_core.train(data=[data], out=run, overrides=TINY, plugins=[plugin], epochs=2, progress=False, **kwargs)
    return caught.value


def test_ctrl_c_in_epoch_1_says_nothing_trained_was_saved_and_the_resume_starts_over(synth_dir, tmp_path):
    run = tmp_path / "run"
    said = _interrupted(synth_dir, run, CtrlC(0, 1)).command_line_message()
    assert "last finished epoch" not in said and RunDir(run).read_metrics() == []
    assert said == (
        "interrupted in epoch 1; nothing trained was saved (its checkpoint is the one written before the first step). "
        f"Continue with: mvae train --resume {run} (it starts epoch 1 over)"
    )
    result = mvae_core.train(out=run, resume=True, plugins=[("ctrl_c", CtrlC(-1))], progress=False)
    assert result.epochs_run == 2


def test_ctrl_c_in_epoch_2_names_the_epoch_its_checkpoint_holds(synth_dir, tmp_path):
    run = tmp_path / "run"
    caught = _interrupted(synth_dir, run, CtrlC(1, 1))
    assert len(RunDir(run).read_metrics()) == 1
    assert str(caught).startswith(
        "interrupted in epoch 2; its checkpoint holds epoch 1 (the last finished), so the steps of epoch 2 are lost. "
        f"Continue with: mvae_core.train(out={str(run)!r}, resume=True, plugins=[('ctrl_c', <the plugin object>)])"
    )
    assert caught.command_line_message().endswith(f"mvae train --resume {run} (it starts epoch 2 over)")


def test_ctrl_c_before_the_first_checkpoint_says_nothing_was_trained(synth_dir, tmp_path):
    run = tmp_path / "run"
    said = _interrupted(synth_dir, run, CtrlC(None)).command_line_message()
    assert not RunDir(run).has_checkpoint()
    assert said == (
        "interrupted before the run's first checkpoint; nothing was trained yet. "
        f"Continue with: mvae train --resume {run} (it starts the run over)"
    )


class SetsStop:
    """Sets ``stop`` at the end of step 0 of epoch 0: the run pauses after the next step, with a checkpoint in the
    middle of epoch 1."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses, grad_norm):
        if (epoch, step) == (0, 0):
            self.stop.set()


def test_ctrl_c_after_a_mid_epoch_resume_names_the_step_its_checkpoint_holds(synth_dir, tmp_path):
    run, stop = tmp_path / "run", threading.Event()
    paused = _interrupted(synth_dir, run, SetsStop(stop), stop=stop).command_line_message()
    assert paused.startswith("stop set: stopped at step 2 of epoch 1 and checkpointed")
    with pytest.raises(RunInterrupted) as caught:
        mvae_core.train(out=run, resume=True, plugins=[("sets_stop", CtrlC(0, 2))], progress=False)
    assert caught.value.command_line_message() == (
        "interrupted in epoch 1; its checkpoint holds step 2 of epoch 1 (where an earlier stop left it), so the steps "
        f"since are lost. Continue with: mvae train --resume {run} (it continues at step 3 of epoch 1)"
    )


class StatefulCtrlC(CtrlC):
    """:class:`CtrlC` with a state in the checkpoint, whose ``mvae_load_state_dict`` raises ``KeyboardInterrupt``
    when ``on_load``: a resume interrupted while it restores the run from its checkpoint."""

    def __init__(self, epoch: int | None, step: int = 0, on_load: bool = False) -> None:
        super().__init__(epoch, step)
        self.on_load = on_load

    @hookimpl
    def mvae_state_dict(self, trainer):
        return {"seen": 1}

    @hookimpl
    def mvae_load_state_dict(self, state):
        if self.on_load:
            raise KeyboardInterrupt


def test_ctrl_c_while_a_resume_restores_the_checkpoint_says_it_is_as_it_was(synth_dir, tmp_path):
    run = tmp_path / "run"
    _interrupted(synth_dir, run, StatefulCtrlC(0, 1))
    with pytest.raises(RunInterrupted) as caught:
        mvae_core.train(out=run, resume=True, plugins=[("stateful_ctrl_c", StatefulCtrlC(-1, on_load=True))],
                        progress=False)  # fmt: skip
    assert caught.value.command_line_message() == (
        "interrupted while the run was restored from its checkpoint, which is as it was. "
        f"Continue with: mvae train --resume {run}"
    )
