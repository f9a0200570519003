"""What a paused process of a torchrun job says when the signal went to another process alone (``kill -TERM`` of
rank 1): rank 0, which got none and had no ``stop`` event set, said ``stop set``, the Python API's words."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from mvae_core.run import RunDir
from mvae_core.run_ending import interrupted
from mvae_core.signals import Interrupts
from mvae_core.trainer import TrainingPaused


def _said(tmp_path, interrupts: Interrupts, stop_set: bool = False) -> str:
    """The command line's ``stopped: …`` text of a training paused at step 17 of epoch 3, 2 processes."""
    run = RunDir(tmp_path / "run")
    steps = (run.steps(python=True, world=2), run.steps(python=False, world=2))
    no_trainer: Any = None  # a paused training's message reads no trainer
    return interrupted(TrainingPaused(2, 17), interrupts, steps, no_trainer, run, stop_set).command_line_message()


@pytest.fixture
def two_processes(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "0")


def test_a_process_paused_by_another_ones_signal_says_so(tmp_path, two_processes):
    said = _said(tmp_path, Interrupts())
    assert said.startswith(
        "another process of the job was signalled: stopped at step 17 of epoch 3 and checkpointed"
    ), said
    assert f"mvae train --resume {tmp_path / 'run'} (under torchrun, as before)" in said


def test_the_signalled_process_and_a_set_stop_event_name_their_own_cause(tmp_path, two_processes):
    signalled = Interrupts()
    signalled.signum = signal.SIGTERM
    assert _said(tmp_path, signalled).startswith("SIGTERM: stopped at step 17")
    assert _said(tmp_path, Interrupts(), stop_set=True).startswith("stop set: stopped at step 17")


def test_one_process_without_a_signal_was_stopped_by_its_stop_event(tmp_path, monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    run = RunDir(tmp_path / "run")
    steps = (run.steps(python=True), run.steps(python=False))
    no_trainer: Any = None
    assert str(interrupted(TrainingPaused(0, 3), Interrupts(), steps, no_trainer, run)).startswith("stop set: stopped")
