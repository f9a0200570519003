"""Stopping a training that runs in a thread (docs/python_api.md: a notebook that stays responsive). Signals reach
only the main thread, so interrupting the kernel left such a training running to its last epoch; ``stop=`` (an
Event) stops it after the current step with a checkpoint, as Ctrl-C stops one in the main thread."""

from __future__ import annotations

import threading

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import OptionError, RunInterrupted
from tests.training import TINY


class NoteOnly:
    """A reporter a user started to write: it has ``note`` only."""

    def note(self, message: str, level: str = "info") -> None:
        print(message)


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


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"progress": None},
            r"^progress is True \(print\), False \(print nothing\) or an object with the methods of "
            r"mvae_core.session.Reporter \(data, note, event, training\); got None, which lacks data, "
            r"note, event, training$",
        ),
        ({"progress": "quiet"}, r"got 'quiet', which lacks data, note, event, training$"),
        ({"progress": NoteOnly()}, r"got <.*NoteOnly object at .*>, which lacks data, event, training$"),
        ({"stop": True}, r"^stop is a threading.Event \(set it to stop training\), got True$"),
    ],
)
def test_a_progress_or_stop_that_cannot_work_is_named_before_the_data_is_read(synth_dir, tmp_path, kwargs, message):
    with pytest.raises(OptionError, match=message):
        mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, **kwargs)
    assert not (tmp_path / "run").exists()


def test_a_set_stop_event_says_stop_set_under_torchrun_too(synth_dir, tmp_path, monkeypatch):
    """session._fit tells the ending whether its stop event was set: without it, a process of a torchrun job would
    say that another process was signalled (helper-426; the world of 2 is the ending's view only)."""
    from mvae_core import run_ending

    monkeypatch.setattr(run_ending, "world_size", lambda: 2)
    stop = threading.Event()
    with pytest.raises(RunInterrupted, match=r"^stop set: stopped at step 3 of epoch 1 and checkpointed"):
        mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[("stopper", SetAtStep(stop, 2))],
                        epochs=2, progress=False, stop=stop)  # fmt: skip
