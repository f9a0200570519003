"""Every line of ``steps.jsonl`` says how many steps the run's epochs have (``steps_per_epoch``), and ``mvae plot
--metric steps.…`` places the steps with it. Worked out from the lines instead, a run of one epoch whose last step
recorded nothing was drawn compressed (its last step recorded taken for the epoch's last); lines written before the
key was kept (an older run, or the first part of one resumed since) are still placed as they were."""

from __future__ import annotations

import json

import pytest

from mvae_core import hookimpl
from mvae_core.run import RunDir
from mvae_core.run_files import STEPS
from mvae_core.tools.curves import step_panel, steps_per_epoch
from tests.training import make_trainer, tiny_config


class AllButLastStep:
    """Records the step's total in every step of the epoch but its last."""

    @hookimpl
    def mvae_step_end(self, trainer, step, losses):
        if step < trainer.steps_per_epoch - 1:
            trainer.record_step("total", losses["total"])


@pytest.fixture(scope="module")
def one_epoch_run(synth_dir, tmp_path_factory):
    """A run of one epoch whose plugin recorded nothing in the epoch's last step, and its steps per epoch."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"rec": AllButLastStep()}, tmp_path_factory.mktemp("r"))
    trainer.fit()
    assert trainer.view.steps_per_epoch >= 3
    return RunDir(trainer.run.path), trainer.view.steps_per_epoch


def test_every_line_says_the_epochs_length(one_epoch_run):
    run, per_epoch = one_epoch_run
    lines = run.read_steps()
    assert [line["step"] for line in lines] == list(range(per_epoch - 1))
    assert {line["steps_per_epoch"] for line in lines} == {per_epoch}
    written = [json.loads(text) for text in (run.path / STEPS).read_text().splitlines()]
    assert list(written[0]) == ["epoch", "step", "global_step", "steps_per_epoch", "plugins"]


def test_a_one_epoch_run_whose_last_step_recorded_nothing_is_drawn_at_its_steps(one_epoch_run):
    run, per_epoch = one_epoch_run
    x, lines = step_panel(run.read_steps(), "steps.plugins.rec.total")
    assert x == [step / per_epoch + 1 for step in range(per_epoch - 1)]  # not at step / (per_epoch - 1) + 1
    assert len(lines["steps.plugins.rec.total"]) == per_epoch - 1


def _line(epoch: int, step: int, per_epoch: int, **extra: object) -> dict[str, object]:
    """A line as mvae wrote it before ``steps_per_epoch`` was kept (with ``extra`` keys)."""
    return {"epoch": epoch, "step": step, "global_step": epoch * per_epoch + step, **extra, "plugins": {"p": {"k": 1}}}


def _written(tmp_path, lines: list[dict[str, object]]) -> list[dict[str, object]]:
    """``lines`` written as a run's ``steps.jsonl`` and read back as every reader reads them."""
    (tmp_path / STEPS).write_text("".join(json.dumps(line) + "\n" for line in lines))
    return RunDir(tmp_path).read_steps()


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([_line(0, 1, 5), _line(1, 2, 5)], 5),  # a later epoch's line: exact
        ([_line(0, 0, 5), _line(0, 3, 5)], 4),  # the first epoch's only: its last step recorded + 1
    ],
    ids=["two epochs", "one epoch"],
)
def test_an_older_runs_lines_are_placed_as_before(tmp_path, lines, expected):
    read = _written(tmp_path, lines)
    assert all("steps_per_epoch" not in line for line in read)
    assert steps_per_epoch(read) == expected
    x, _ = step_panel(read, "steps.plugins.p.k")
    assert x == [line["global_step"] / expected + 1 for line in lines]


def test_an_older_run_resumed_since_is_placed_by_its_newer_lines(tmp_path):
    read = _written(tmp_path, [_line(0, 0, 6), _line(0, 2, 6), _line(0, 4, 6, steps_per_epoch=6)])
    assert steps_per_epoch(read) == 6  # the older lines alone say 3


@pytest.mark.parametrize("garbled", [0, -2, 2.5, "6", True, None])
def test_an_epochs_length_of_another_shape_reads_as_missing(tmp_path, garbled):
    read = _written(tmp_path, [_line(0, 0, 6, steps_per_epoch=garbled), _line(1, 1, 6, steps_per_epoch=garbled)])
    assert all("steps_per_epoch" not in line for line in read)
    assert steps_per_epoch(read) == 6  # worked out from the lines, as for an older run's
