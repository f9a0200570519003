"""Per-step numbers of plugins (``trainer.record_step``): the lines of ``steps.jsonl``, where they may be recorded,
a resume that writes the same file as an uninterrupted run, and ``mvae plot --metric steps.…``."""

from __future__ import annotations

import math
import shutil

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.plugins import PluginError
from mvae_core.run import RunDir
from mvae_core.run_files import STEPS
from mvae_core.trainer import TrainingPaused
from mvae_core.view import PluginOutbox, TrainerView
from tests.training import make_trainer, tiny_config


class StepRecorder:
    """Records, in every other step, the onset term as the tensor mvae_loss sees (with its gradient) and the step's
    total as mvae_step_end's Python float; keeps what it recorded to compare with the file."""

    def __init__(self) -> None:
        self.recorded: dict[int, dict[str, float]] = {}

    @hookimpl
    def mvae_loss(self, trainer, terms, split):
        if split == "train" and trainer.global_step % 2 == 0:
            trainer.record_step("onset", terms["onset"])

    @hookimpl
    def mvae_step_end(self, trainer, losses):
        if trainer.global_step % 2 == 0:
            trainer.record_step("total", losses["total"])
            self.recorded[trainer.global_step] = dict(losses)


def test_record_step_writes_a_line_per_step_that_recorded(synth_dir, tmp_path):
    recorder = StepRecorder()
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": recorder}, tmp_path / "run")
    trainer.fit()
    steps = trainer.view.steps_per_epoch
    lines = trainer.run.read_steps()
    assert [(line["epoch"], line["step"], line["global_step"]) for line in lines] == [
        (g // steps, g % steps, g) for g in range(0, 2 * steps, 2)
    ]
    for line in lines:
        numbers = line["plugins"]["rec"]
        assert set(line["plugins"]) == {"rec"} and set(numbers) == {"onset", "total"}
        assert numbers["total"] == recorder.recorded[line["global_step"]]["total"]
        assert numbers["onset"] == pytest.approx(recorder.recorded[line["global_step"]]["onset"], rel=1e-6)
    assert "plugins" not in trainer.run.read_metrics()[0]  # per step only: the epoch's line has none


def test_no_steps_file_when_no_plugin_records_a_step(synth_dir, tmp_path):
    class Watcher:
        @hookimpl
        def mvae_step_end(self, trainer, losses):
            trainer.record("last_total", losses["total"])

    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"w": Watcher()}, tmp_path / "run")
    trainer.fit()
    assert trainer.run.read_metrics()[0]["plugins"]["w"]["last_total"] > 0
    assert not (trainer.run.path / STEPS).exists() and trainer.run.read_steps() == []


class EpochStartRecorder:
    @hookimpl
    def mvae_epoch_start(self, trainer):
        trainer.record_step("lr", 0.1)


class ValidationRecorder:
    @hookimpl
    def mvae_loss(self, trainer, terms, split):
        if split == "val":
            trainer.record_step("val_onset", terms["onset"])


@pytest.mark.parametrize(
    ("plugin", "hook"), [(EpochStartRecorder(), "mvae_epoch_start"), (ValidationRecorder(), "mvae_loss")]
)
def test_record_step_outside_a_training_step_is_an_error_pointing_to_record(synth_dir, plugin, hook):
    with pytest.raises(PluginError) as raised:
        make_trainer(synth_dir, tiny_config(epochs=1), {"p": plugin}).fit()
    message = str(raised.value)
    assert f"plugin 'p' failed in {hook}: ValueError: record_step(" in message
    assert "mvae_step_start" in message and "mvae_step_end" in message and "trainer.record(key, value)" in message
    assert f" in {hook}: record_step records in a training step's hooks" in message


def test_record_step_takes_numbers_and_tensors_of_one_number():
    outbox = PluginOutbox()
    view = TrainerView(None, None, None, None, 1, 4, _outbox=outbox)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"record_step\('x', \.\.\.\): .*use trainer\.record\(key, value\)"):
        view.record_step("x", 1.0)  # no step open
    outbox.open_step()
    weight = torch.tensor([2.0, 3.0], requires_grad=True)
    view.record_step("picked", (weight * 2)[1])  # a 0-d tensor out of a larger one, with a gradient
    view.record_step("count", 3)
    view.record_step("bad", float("nan"))
    for wrong, error in (([1.0, 2.0], TypeError), (torch.ones(2), TypeError), (True, TypeError), ("1", TypeError)):
        with pytest.raises(error, match=r"record_step\('w', \.\.\.\) takes a number or a tensor of one number"):
            view.record_step("w", wrong)
    with pytest.raises(ValueError, match="no dot"):
        view.record_step("a.b", 1.0)
    outbox.close_step(0, 1, 1)
    outbox.open_step()
    outbox.close_step(0, 2, 2)  # nothing recorded: no line
    outbox.open_step()
    view.record_step("picked", torch.tensor(0.5, dtype=torch.float16))  # another dtype in another step
    outbox.close_step(0, 3, 3)
    [line, half] = outbox.drain_steps()
    assert half["plugins"]["core"]["picked"] == 0.5
    numbers = line["plugins"].pop("core")
    assert line == {"epoch": 0, "step": 1, "global_step": 1, "steps_per_epoch": 4, "plugins": {}}
    assert numbers["picked"] == 6.0 and type(numbers["count"]) is int and math.isnan(numbers["bad"])
    assert outbox.drain_steps() == []


def test_a_run_paused_mid_epoch_resumes_to_the_steps_file_of_an_uninterrupted_run(synth_dir, tmp_path):
    full = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, tmp_path / "full")
    full.fit()
    polls = []
    paused = make_trainer(
        synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, tmp_path / "split",
        pause_requested=lambda: polls.append(1) or len(polls) == full.view.steps_per_epoch + 4,
    )  # fmt: skip
    with pytest.raises(TrainingPaused) as stopped:
        paused.fit()
    assert (stopped.value.epoch, stopped.value.step) == (1, 3)  # polled after every step and at the epoch's end
    assert paused.run.read_steps()[-1]["epoch"] == 1  # the pause wrote the lines of the epoch's first steps
    resumed = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    assert (tmp_path / "split" / STEPS).read_text() == (tmp_path / "full" / STEPS).read_text()


def test_a_resume_drops_the_lines_written_past_its_checkpoint(synth_dir, tmp_path):
    """A kill between an epoch's lines and its checkpoint (here: the first epoch's checkpoint put back after the
    second epoch wrote its lines): the resume trains that epoch again and writes its lines once."""
    full = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, tmp_path / "full")
    full.fit()
    split = tmp_path / "split"
    first = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, split)
    first.fit(on_epoch_end=lambda r: r["epoch"] == 0 and shutil.copy(split / "checkpoint.pt", tmp_path / "epoch-0.pt"))
    shutil.copy(tmp_path / "epoch-0.pt", split / "checkpoint.pt")
    resumed = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, split)
    resumed.restore(resumed.run.load_checkpoint())
    resumed.run.truncate_metrics(0)  # as a resume does (run_restore)
    resumed.fit()
    assert (split / STEPS).read_text() == (tmp_path / "full" / STEPS).read_text()


# -- mvae plot --metric steps.… -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded_run(synth_dir, tmp_path_factory):
    """A 2-epoch run whose plugin recorded every other step."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": StepRecorder()}, tmp_path_factory.mktemp("run"))
    trainer.fit()
    return trainer.run.path, trainer.view.steps_per_epoch


def drawn_lines(draw, monkeypatch) -> dict[str, list[tuple[list[float], list[float]]]]:
    """The (x, y) of the data lines ``draw()`` put in each panel, by title."""
    import matplotlib.pyplot as plt

    figures = []
    monkeypatch.setattr(plt, "close", figures.append)
    draw()
    (figure,) = figures
    panels = {
        ax.get_title(): [
            (list(map(float, line.get_xdata())), list(map(float, line.get_ydata())))
            for line in ax.get_lines()
            if line.get_transform() == ax.transData
        ]
        for ax in figure.axes
    }
    monkeypatch.undo()
    plt.close(figure)
    return panels


@pytest.mark.parametrize("compare", [False, True], ids=["one run", "comparison"])
def test_plot_draws_a_steps_numbers_on_the_epochs_scale(recorded_run, tmp_path, monkeypatch, compare):
    pytest.importorskip("matplotlib")
    from mvae_core.tools.curves import plot_runs

    run, per_epoch = recorded_run
    lines = RunDir(run).read_steps()
    runs = [run, shutil.copytree(run, tmp_path / "copy")] if compare else [run]
    path = "steps.plugins.rec.total"
    panels = drawn_lines(lambda: plot_runs(runs, tmp_path / "c.png", [path]), monkeypatch)
    expected = (
        [g / per_epoch + 1 for g in range(0, 2 * per_epoch, 2)],
        [line["plugins"]["rec"]["total"] for line in lines],
    )
    assert panels[path] == [expected] * len(runs)
    assert (tmp_path / "c.png").is_file()


def test_an_unknown_metric_path_names_the_step_paths_too(recorded_run, tmp_path):
    pytest.importorskip("matplotlib")
    from mvae_core.tools import ToolError
    from mvae_core.tools.curves import plot_runs

    run, _ = recorded_run
    with pytest.raises(
        ToolError, match=r"numbers recorded per step: steps\.plugins\.rec\.onset, steps\.plugins\.rec\.total"
    ):
        plot_runs([run], tmp_path / "c.png", ["plugins.rec.total"])
    with pytest.raises(
        ToolError, match=r"metrics entry 'steps\.plugins\.rec\.totl': no number there in steps\.jsonl; did you mean"
    ):
        plot_runs([run], tmp_path / "c.png", ["steps.plugins.rec.totl"])


def test_a_long_series_is_drawn_as_bucket_means():
    from mvae_core.tools.curves import MAX_STEP_POINTS, step_panel

    count = 2 * MAX_STEP_POINTS + 1  # buckets of 3 steps
    lines = [
        {"epoch": g // 100, "step": g % 100, "global_step": g, "plugins": {"p": {"k": float(g)}}} for g in range(count)
    ]
    lines[4]["plugins"]["p"]["k"] = None  # a null is left out of its bucket's mean
    x, drawn = step_panel(lines, "steps.plugins.p")
    assert len(x) == math.ceil(count / 3) <= MAX_STEP_POINTS
    assert x[:2] == pytest.approx([1.01, 1.04]) and drawn["steps.plugins.p.k"][:2] == [1.0, 4.0]  # (3 + 5) / 2
    assert x[-1] == pytest.approx(40.995) and drawn["steps.plugins.p.k"][-1] == 3999.5  # the last bucket: 2 steps
