"""``mvae_train_interrupted`` (helper-431 finding 5): a training that began and ends without ``mvae_train_end`` (a
pause, a ``KeyboardInterrupt`` in code, a failure, ``mvae_train_end``'s own included) tells the plugins once, with how
it ended, so a tracker can close its run; an error raised there does not replace the run's own."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.plugins import PluginError
from mvae_core.trainer import TrainingPaused
from tests.training import make_trainer, tiny_config


class Ends:
    def __init__(self) -> None:
        self.ended: list[tuple[str, int, int]] = []

    @hookimpl
    def mvae_train_interrupted(self, trainer, reason):
        self.ended.append((reason, trainer.epoch, trainer.step))


class Fails:
    def __init__(self, hook: str, error: BaseException) -> None:
        self.hook, self.error = hook, error

    @hookimpl
    def mvae_step_end(self, step):
        if self.hook == "mvae_step_end" and step == 1:
            raise self.error

    @hookimpl
    def mvae_train_end(self):
        if self.hook == "mvae_train_end":
            raise self.error


def test_hook_mvae_train_interrupted(synth_dir, tmp_path):
    """A pause (the trainer's stop request) tells how it ended and where; a finished run never calls the hook."""
    ends = Ends()
    stops = iter([False, True])
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"ends": ends}, tmp_path / "r",
                           pause_requested=lambda: next(stops, True))  # fmt: skip
    with pytest.raises(TrainingPaused):
        trainer.fit()
    assert ends.ended == [("paused: stopped at step 2 of epoch 1 and checkpointed", 0, 1)]
    finished = Ends()
    make_trainer(synth_dir, tiny_config(epochs=1), {"ends": finished}).fit()
    assert finished.ended == []


@pytest.mark.parametrize(
    "hook,error,begins",
    [
        ("mvae_step_end", ValueError("boom"), "failed: plugin 'fails' failed in mvae_step_end: ValueError: boom"),
        ("mvae_train_end", ValueError("late"), "failed: plugin 'fails' failed in mvae_train_end: ValueError: late"),
        ("mvae_step_end", KeyboardInterrupt(), "interrupted: KeyboardInterrupt"),
    ],
    ids=["failed", "failed-in-train-end", "keyboard-interrupt"],
)
def test_a_failure_or_interrupt_tells_the_plugins_once(synth_dir, hook, error, begins):
    ends = Ends()
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"fails": Fails(hook, error), "ends": ends})
    with pytest.raises((PluginError, KeyboardInterrupt)):
        trainer.fit()
    [(reason, _, _)] = ends.ended
    assert reason.startswith(begins)


def test_an_error_in_the_hook_leaves_the_runs_own_error(synth_dir):
    class Raises:
        @hookimpl
        def mvae_train_interrupted(self):
            raise RuntimeError("tracker gone")

    plugins = {"fails": Fails("mvae_step_end", ValueError("boom")), "raises": Raises()}
    with pytest.raises(PluginError, match="plugin 'fails' failed in mvae_step_end") as error:
        make_trainer(synth_dir, tiny_config(epochs=1), plugins).fit()
    assert error.value.__notes__ == [
        "then, in mvae_train_interrupted: plugin 'raises' failed in mvae_train_interrupted: RuntimeError: tracker "
        f"gone (at {__file__}:{Raises.mvae_train_interrupted.__code__.co_firstlineno + 2})"
    ]
