"""A source's ``checkpoint.pt`` written in the middle of an epoch (a run stopped by Ctrl-C) holds the steps of that
epoch too: the start line says them (``2 epochs and 3 steps``; ``3 steps`` in the first), where it said only the
whole epochs (``0 epochs``)."""

from __future__ import annotations

import threading

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.checkpoint import load_checkpoint
from mvae_core.errors import RunInterrupted
from mvae_core.starting_weights import read_starting_weights
from tests.training import TINY


class _StopAfter:
    """Sets ``event`` after ``steps`` optimiser steps of the run (a Ctrl-C while it trains)."""

    def __init__(self, event: threading.Event, steps: int) -> None:
        self.event, self.left = event, steps

    @hookimpl
    def mvae_step_end(self) -> None:
        self.left -= 1
        if self.left == 0:
            self.event.set()


def test_the_steps_of_an_unfinished_epoch_are_named(synth_dir, tmp_path):
    stop = threading.Event()
    with pytest.raises(RunInterrupted):
        mvae_core.train([synth_dir], tmp_path / "cut", overrides=TINY, plugins=[("stopper", _StopAfter(stop, 2))],
                        epochs=3, progress=False, stop=stop)  # fmt: skip
    payload = load_checkpoint(tmp_path / "cut" / "checkpoint.pt")
    steps = payload["progress"]["step"]
    assert payload["epoch"] == -1 and steps >= 2  # in the first epoch (stopped at the step after the event)
    starting = read_starting_weights(tmp_path / "cut" / "checkpoint.pt")
    assert starting.described().startswith(f"{(tmp_path / 'cut' / 'checkpoint.pt').resolve()} ({steps} steps on ")
