"""Two endings where the disk is full after the cause is known. A full disk under the last lines of a finished
training (its final events and the ``done`` line: ``mvae train … > log``) ends in one line saying the run is complete,
its files whole (it ended in a raw ``OSError``); and a run that failed (a non-finite loss, a plugin's error) whose
``failure.json`` the disk refuses still says that first cause, adding that ``failure.json`` could not be written (it
said only that the disk refused failure.json, exit 2)."""

from __future__ import annotations

import errno
import pathlib

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunFailed
from mvae_core.progress import SilentReporter
from mvae_core.run import RunDir
from tests.training import TINY, poison_timing


class FullDiskAtTheEnd(SilentReporter):
    """A reporter whose output goes to a disk that fills up with the last line (the ``done`` line)."""

    def note(self, message: object, level: str = "info") -> None:
        if str(message).startswith("done after"):
            raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_under_the_done_line_says_the_run_is_complete(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, progress=FullDiskAtTheEnd())
    best = RunDir(run).best_saved()
    assert best is not None
    assert caught.value.command_line_message() == (
        f"training finished, but the disk refused its last lines (No space left on device): done after 1 epoch; best "
        f"val_elbo {best[1]:.3f} in epoch 1 (model.safetensors, the model generate uses) → {run}; its files were "
        f"written whole before, so the run is complete and a resume has nothing left to do: the run is usable (mvae "
        f"generate {run})"
    )
    assert RunDir(run).read_failure() is None  # the run did not fail
    assert mvae_core.train(out=run, resume=True, progress=False).outcome == "already finished"


class PoisonAtOnce:
    """Makes the timing head NaN before the first epoch: the loss is non-finite in its first step."""

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        poison_timing(trainer.model)


class Broken:
    """Raises in its first step."""

    @hookimpl
    def mvae_step_end(self, epoch, step):
        raise ValueError("the plugin's own bug")


def failure_json_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk refuses ``failure.json`` (its temporary file, written before the rename) for want of room."""
    write_text = pathlib.Path.write_text

    def refusing(self: pathlib.Path, *args: object, **kwargs: object) -> int:
        if self.name.startswith(".failure."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_text(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", refusing)


@pytest.mark.parametrize(
    ("plugin", "cause"),
    [(PoisonAtOnce(), "non-finite loss in epoch 1, step 1"), (Broken(), "plugin 'broken' failed in mvae_step_end")],
)
def test_a_failure_json_the_disk_refuses_keeps_the_first_cause(monkeypatch, synth_dir, tmp_path, plugin, cause):
    failure_json_refused(monkeypatch)
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as caught:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[plugin], progress=False)
    said = str(caught.value)
    assert said.startswith(cause), said
    refused = f"failure.json could not be written (cannot write {run / 'failure.json'}: No space left on device)"
    assert f"; no epoch finished, so {run} holds no model; {refused}; " in said
    assert RunDir(run).read_failure() is None
