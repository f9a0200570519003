"""A new run into the folder of a run that stopped before its end is refused with the resume that continues it; that
resume carries the epoch budget the refused command asked for (it left it out, so the resume trained to the run's
old budget), or says why it does not."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.errors import RunExists, RunInterrupted
from mvae_core.progress import SilentReporter
from tests.training import TINY


class StopsAfterEpoch1(SilentReporter):
    """A reporter that shows nothing and sets ``stop`` at the end of epoch 1: the run pauses after that epoch's
    checkpoint."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    @contextlib.contextmanager
    def training(self, epochs: int, first_epoch: int) -> Iterator[Callable[[object], None]]:
        yield lambda record: self.stop.set()


@pytest.fixture(scope="module")
def unfinished(synth_dir, tmp_path_factory):
    """A run of 3 epochs stopped after its first."""
    run, stop = tmp_path_factory.mktemp("unfinished") / "run", threading.Event()
    with pytest.raises(RunInterrupted):
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=3, stop=stop,
                        progress=StopsAfterEpoch1(stop))  # fmt: skip
    return run


def test_the_refusal_names_the_resume_with_the_epochs_given(unfinished, synth_dir):
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], unfinished, overrides=TINY, epochs=5, progress=False)
    said, command_line = str(refused.value), refused.value.command_line_message()
    assert "stopped after 1 of 3 epochs without finishing" in said
    asked = f"continue it with resume to the 5 epochs asked for (mvae_core.train(out={str(unfinished)!r}, resume=True, "
    assert asked + "epochs=5)) or choose another output directory" in said
    assert f"(mvae train --resume {unfinished} --epochs 5) or choose another output directory" in command_line


def test_on_the_command_line_too(unfinished, synth_dir):
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--out", str(unfinished), "--epochs", "2"])
    assert result.exit_code == 2
    assert f"(mvae train --resume {unfinished} --epochs 2) or" in " ".join(result.stderr.split())


def test_a_budget_it_has_done_already_is_left_out_saying_why(unfinished, synth_dir):
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], unfinished, overrides=TINY, epochs=1, progress=False)
    assert refused.value.command_line_message().endswith(
        f"continue it with resume (mvae train --resume {unfinished}: the 1 epochs asked for are no more than the 1 it "
        "has done, so it keeps its budget) or choose another output directory"
    )


def test_without_epochs_the_resume_keeps_the_runs_budget(unfinished, synth_dir):
    with pytest.raises(RunExists) as refused:
        mvae_core.train([synth_dir], unfinished, overrides=TINY, progress=False)
    assert refused.value.command_line_message().endswith(
        f"continue it with resume (mvae train --resume {unfinished}) or choose another output directory"
    )
