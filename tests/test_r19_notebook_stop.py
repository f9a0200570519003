"""Stopping a training that runs in a thread (docs/python_api.md: a notebook that stays responsive). Signals reach
only the main thread, so interrupting the kernel left such a training running to its last epoch; ``stop=`` (an
Event) stops it after the current step with a checkpoint, as Ctrl-C stops one in the main thread."""

from __future__ import annotations

import threading

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunInterrupted
from tests.training import TINY


class SetAtStep:
    """Sets ``event`` at global step ``step``: the user pressing a stop button while the thread trains."""

    def __init__(self, event: threading.Event, step: int) -> None:
        self.event, self.step, self.steps = event, step, 0

    @hookimpl
    def mvae_step_end(self):
        self.steps += 1
        if self.steps == self.step:
            self.event.set()


def test_a_training_in_a_thread_stops_with_a_checkpoint_when_its_stop_event_is_set(synth_dir, tmp_path):
    stop, ended = threading.Event(), []
    setter = SetAtStep(stop, 2)

    def cell():
        try:
            ended.append(mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[("stopper", setter)],
                                         epochs=2, progress=False, stop=stop))  # fmt: skip
        except RunInterrupted as exc:
            ended.append(exc)

    thread = threading.Thread(target=cell)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive()
    [interrupted] = ended
    assert isinstance(interrupted, RunInterrupted) and interrupted.exit_code == 130
    assert str(interrupted) == (
        "stop set: stopped at step 3 of epoch 1 and checkpointed. Continue with: "
        f"mvae_core.train(out={str(tmp_path / 'run')!r}, resume=True, plugins=[('stopper', <the plugin object>)])"
    )
    stop.clear()
    result = mvae_core.train(out=tmp_path / "run", resume=True, plugins=[("stopper", setter)], progress=False)
    assert (result.outcome, result.epochs_run) == ("trained", 2)
