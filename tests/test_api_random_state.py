"""mvae_core.train and mvae_core.load leave torch's global random state as they found it: a notebook that seeds torch
for its own experiments got other numbers after a cell that trained (training reseeds torch with train.seed) or
loaded a run (building the model draws initial weights)."""

from __future__ import annotations

import threading

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.progress import SilentReporter
from mvae_core.trainer import TrainingInProgress
from tests.training import TINY


def test_training_and_loading_leave_the_callers_random_stream_where_it_was(synth_dir, tmp_path):
    torch.manual_seed(1234)
    expected = torch.rand(4)
    torch.manual_seed(1234)
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, progress=False)
    mvae_core.load(tmp_path / "run")
    assert torch.equal(torch.rand(4), expected)


class Pause:
    """Holds training at its first step until ``go`` is set (saying so through ``started``), and again at its third
    until ``go_on`` is set (saying so through ``third``)."""

    def __init__(self) -> None:
        self.started, self.go, self.third, self.go_on = (threading.Event() for _ in range(4))
        self.steps = 0

    @hookimpl
    def mvae_step_end(self):
        self.steps += 1
        if self.steps == 1:
            self.started.set()
            assert self.go.wait(timeout=60)
        if self.steps == 3:
            self.third.set()
            assert self.go_on.wait(timeout=60)


class LetItTrain(SilentReporter):
    """A reporter whose ``data`` (called while the refused call reads its data) lets the other training run two
    steps, which draw from torch's global random stream."""

    def __init__(self, pause: Pause) -> None:
        self.pause = pause

    def data(self, *args: object) -> None:
        self.pause.go.set()
        assert self.pause.third.wait(timeout=60)


def test_a_call_refused_while_another_thread_trains_leaves_that_trainings_random_stream_alone(synth_dir, tmp_path):
    """A second mvae_core.train while a thread trains raises TrainingInProgress; it put torch's random state back to
    where it was when it began, rewinding the other training's stream by the steps it ran meanwhile."""
    alone = Pause()
    alone.go.set()
    alone.go_on.set()
    reference = mvae_core.train([synth_dir], tmp_path / "alone", overrides=TINY, plugins=[("pause", alone)], epochs=2,
                                progress=False)  # fmt: skip
    pause, ended = Pause(), []

    def other_cell() -> None:
        ended.append(mvae_core.train([synth_dir], tmp_path / "thread", overrides=TINY, plugins=[("pause", pause)],
                                     epochs=2, progress=False))  # fmt: skip

    thread = threading.Thread(target=other_cell)
    thread.start()
    try:
        assert pause.started.wait(timeout=60)
        with pytest.raises(TrainingInProgress):
            mvae_core.train([synth_dir], tmp_path / "second", overrides=TINY, plugins=[], epochs=1,
                            progress=LetItTrain(pause))  # fmt: skip
    finally:
        pause.go.set()
        pause.go_on.set()
        thread.join(timeout=120)
    [result] = ended
    assert result.best_val_elbo == reference.best_val_elbo
