"""A stop requested after the run's last training step (Ctrl-C, SIGTERM or the ``stop`` event during the last
epoch's validation or saving) finds no step left to pause at: the run completes, as it did, but now says so, with a
warning after its last metrics line, instead of ending as if nothing had been asked (exit 0, no word). The exit code
stays the finished run's, 0: the run is complete and a resume has nothing to do."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import TrainingWarning
from tests.training import TINY

SAID = (
    "a stop request (a signal, or the stop event) came after the last training step of epoch 2, the run's last: "
    "there was nothing left to pause, and the run is complete"
)


class SetAtEpochEnd:
    """Sets ``event`` as epoch ``epoch`` (from 0) ends, after its validation: a stop button pressed then."""

    def __init__(self, event: threading.Event, epoch: int) -> None:
        self.event, self.epoch = event, epoch

    @hookimpl
    def mvae_epoch_end(self, trainer, epoch, metrics):
        if epoch == self.epoch:
            self.event.set()


def test_a_stop_in_the_last_epochs_validation_completes_the_run_and_says_so(synth_dir, tmp_path):
    stop = threading.Event()
    with pytest.warns(TrainingWarning, match="nothing left to pause"):
        result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=2, progress=False, stop=stop,
                                 plugins=[("stopper", SetAtEpochEnd(stop, 1))])  # fmt: skip
    assert (result.outcome, result.epochs_run) == ("trained", 2)
    assert {"source": "core", "level": "warning", "message": SAID} in result.final_events
    resumed = mvae_core.train(
        out=tmp_path / "run", resume=True, progress=False, plugins=[("stopper", SetAtEpochEnd(stop, 1))]
    )
    assert resumed.outcome == "already finished"


SIGNAL_IN_LAST_VALIDATION = """
import os, signal, sys
import mvae_core.trainer as trainer
validate = trainer.Trainer.validate
def signalled(self, epoch, *args, **kwargs):
    if epoch + 1 == self.cfg.train.epochs:
        os.kill(os.getpid(), signal.SIGTERM)
    return validate(self, epoch, *args, **kwargs)
trainer.Trainer.validate = signalled
from mvae_core.entry import main
sys.argv = ["mvae", *sys.argv[1:]]
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_in_the_last_validation_says_the_run_is_complete_on_stderr(synth_dir, tmp_path):
    args = [str(synth_dir), "--out", str(tmp_path / "run"), "--epochs", "2", "--device", "cpu",
            *(f"--set={override}" for override in TINY)]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_IN_LAST_VALIDATION, "train", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"core: {SAID}" in " ".join(done.stderr.split()), done.stderr
    assert "done after 2 epochs" in done.stdout and "stopped" not in done.stderr
