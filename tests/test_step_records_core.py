"""``train.step_records``: the core's own loss terms and total of every Nth training step in ``steps.jsonl``
(``steps.train.<term>``), beside what plugins record there; the same file after a resume as without one; bad values
refused naming the field; ``mvae plot --metric steps.train.<term>``; lines written before the setting still read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.run import RunDir
from mvae_core.run_files import STEPS
from mvae_core.trainer import TrainingPaused
from mvae_core.view import PluginOutbox
from tests.test_distributed import _join_two_ranks, needs_gloo, two_ranks_result
from tests.training import make_trainer, tiny_config


class StepLosses:
    """Keeps the ``losses`` every training step's ``mvae_step_end`` got, by global step (a copy: the floats the line
    must hold)."""

    def __init__(self) -> None:
        self.seen: dict[int, dict[str, float]] = {}

    @hookimpl
    def mvae_step_end(self, trainer, losses):
        self.seen[trainer.global_step] = dict(losses)


class EveryThirdStep:
    """Records a number of its own in every third step (a plugin's lines among the core's)."""

    @hookimpl
    def mvae_step_end(self, trainer, losses):
        if trainer.global_step % 3 == 0:
            trainer.record_step("onset", losses["onset"])


@pytest.fixture(scope="module")
def recorded(synth_dir, tmp_path_factory):
    """A 2-epoch run with ``train.step_records = 2`` and a plugin recording every third step: the run, its steps per
    epoch, and the losses each step's ``mvae_step_end`` got."""
    watcher = StepLosses()
    trainer = make_trainer(
        synth_dir, tiny_config("train.step_records=2", epochs=2), {"watch": watcher, "third": EveryThirdStep()},
        tmp_path_factory.mktemp("run"),
    )  # fmt: skip
    trainer.fit()
    assert trainer.view.steps_per_epoch >= 3
    return RunDir(trainer.run.path), trainer.view.steps_per_epoch, watcher.seen


def test_every_nth_step_writes_its_losses_as_the_step_had_them(recorded):
    run, per_epoch, seen = recorded
    lines = run.read_steps()
    steps = range(2 * per_epoch)
    assert [line["global_step"] for line in lines] == [g for g in steps if g % 2 == 0 or g % 3 == 0]
    for line in lines:
        g = line["global_step"]
        assert (line["epoch"], line["step"], line["steps_per_epoch"]) == (g // per_epoch, g % per_epoch, per_epoch)
        if g % 2 == 0:  # the very floats mvae_step_end got: every term, total last, nothing rounded or re-read
            assert line["train"] == seen[g] and list(line["train"])[-1] == "total"
        else:
            assert "train" not in line
        assert line["plugins"] == ({"third": {"onset": seen[g]["onset"]}} if g % 3 == 0 else {})
    written = json.loads((run.path / STEPS).read_text().splitlines()[0])
    assert list(written) == ["epoch", "step", "global_step", "steps_per_epoch", "train", "plugins"]


def test_the_epochs_train_numbers_are_the_batch_weighted_means_of_its_steps(synth_dir, tmp_path):
    """One source of the numbers: every step recorded, its losses weighted by its batch's loops give the epoch's."""
    trainer = make_trainer(synth_dir, tiny_config("train.step_records=1", epochs=1), run_dir=tmp_path / "run")
    trainer.fit()
    sizes = [
        len(index) for index in trainer.dist.batches(len(trainer.train_set), trainer.cfg.train.batch_size, rng=None)
    ]
    lines, [record] = trainer.run.read_steps(), trainer.run.read_metrics()
    assert len(lines) == len(sizes) == trainer.view.steps_per_epoch
    for term, value in record["train"].items():
        weighted = sum(line["train"][term] * size for line, size in zip(lines, sizes, strict=True))
        assert weighted / sum(sizes) == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("-1", "train.step_records = -1: Input should be greater than or equal to 0"),
        ("2.5", "train.step_records = 2.5: Input should be a valid integer"),
        ("true", "train.step_records = True: must be a number, not true or false"),
        ('"ten"', "train.step_records = 'ten': Input should be a valid integer"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(value, said):
    with pytest.raises(ConfigError, match=said.replace(".", r"\.").replace("(", r"\(")):
        tiny_config(f"train.step_records={value}")


def test_the_command_line_exits_2_naming_the_field_before_reading_data(tmp_path):
    result = CliRunner().invoke(
        app, ["train", str(tmp_path / "absent"), "--out", str(tmp_path / "run"), "--set", "train.step_records=-1"]
    )
    assert (
        result.exit_code == 2 and "train.step_records = -1: Input should be greater than or equal to 0" in result.stderr
    )
    assert not (tmp_path / "run").exists()


def test_a_run_paused_mid_epoch_resumes_to_the_steps_file_of_an_uninterrupted_run(synth_dir, tmp_path):
    cfg = tiny_config("train.step_records=3", epochs=2)
    full = make_trainer(synth_dir, cfg, run_dir=tmp_path / "full")
    full.fit()
    polls = []
    paused = make_trainer(
        synth_dir, cfg, run_dir=tmp_path / "split",
        pause_requested=lambda: polls.append(1) or len(polls) == full.view.steps_per_epoch + 2,
    )  # fmt: skip
    with pytest.raises(TrainingPaused):
        paused.fit()
    assert paused.run.read_steps()[-1]["epoch"] == 1  # the pause wrote the lines of the epoch's first steps
    resumed = make_trainer(synth_dir, cfg, run_dir=tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    assert (tmp_path / "split" / STEPS).read_text() == (tmp_path / "full" / STEPS).read_text()
    assert len(full.run.read_steps()) == len(range(0, 2 * full.view.steps_per_epoch, 3))


def test_a_resume_drops_the_core_lines_written_past_its_checkpoint(synth_dir, tmp_path):
    """A kill between the second epoch's lines and its checkpoint: the resume writes that epoch's lines once."""
    cfg = tiny_config("train.step_records=2", epochs=2)
    make_trainer(synth_dir, cfg, run_dir=tmp_path / "full").fit()
    split = tmp_path / "split"
    first = make_trainer(synth_dir, cfg, run_dir=split)
    first.fit(on_epoch_end=lambda r: r["epoch"] == 0 and shutil.copy(split / "checkpoint.pt", tmp_path / "epoch-0.pt"))
    shutil.copy(tmp_path / "epoch-0.pt", split / "checkpoint.pt")
    resumed = make_trainer(synth_dir, cfg, run_dir=split)
    resumed.restore(resumed.run.load_checkpoint())
    resumed.run.truncate_metrics(0)  # as a resume does (run_restore)
    resumed.fit()
    assert (split / STEPS).read_text() == (tmp_path / "full" / STEPS).read_text()


# -- mvae plot --metric steps.train.… -------------------------------------------------------------------------------


def test_mvae_plot_draws_a_term_through_the_steps_that_recorded_it(recorded, tmp_path, monkeypatch):
    """``mvae plot --metric steps.train.kl``: one line through the recorded steps, on the epochs' scale, not dots
    between the gaps of the plugin's lines; so is the plugin's number through its steps."""
    pytest.importorskip("matplotlib")
    from tests.test_step_records import drawn_lines

    run, per_epoch, seen = recorded
    paths = ["steps.train.kl", "steps.plugins.third.onset"]
    command = ["plot", str(run.path), "--out", str(tmp_path / "c.png"), *(f"--metric={path}" for path in paths)]
    result = []
    panels = drawn_lines(lambda: result.append(CliRunner().invoke(app, command)), monkeypatch)
    assert result[0].exit_code == 0, result[0].stderr
    kl = [g for g in range(2 * per_epoch) if g % 2 == 0]
    third = [g for g in range(2 * per_epoch) if g % 3 == 0]
    assert panels["steps.train.kl"] == [([g / per_epoch + 1 for g in kl], [seen[g]["kl"] for g in kl])]
    assert panels["steps.plugins.third.onset"] == [
        ([g / per_epoch + 1 for g in third], [seen[g]["onset"] for g in third])
    ]
    assert (tmp_path / "c.png").stat().st_size > 0


def test_a_wrong_path_lists_the_core_step_paths(recorded, tmp_path):
    pytest.importorskip("matplotlib")
    from mvae_core.tools import ToolError
    from mvae_core.tools.curves import plot_runs

    run, _, _ = recorded
    listed = (
        r"numbers recorded per step: steps\.plugins\.third\.onset, steps\.train\.duration, steps\.train\.kl, "
        r"steps\.train\.onset, steps\.train\.timeshift, steps\.train\.total, steps\.train\.velocity"
    )
    with pytest.raises(
        ToolError, match=r"metrics entry 'steps\.train\.kll': .*did you mean 'steps\.train\.kl'.*" + listed
    ):
        plot_runs([run.path], tmp_path / "c.png", ["steps.train.kll"])
    with pytest.raises(ToolError, match=r"metrics entry 'train\.kll': .*" + listed):
        plot_runs([run.path], tmp_path / "c.png", ["train.kll"])


def _written(tmp_path, lines: list[dict[str, object]]) -> list[dict[str, object]]:
    (tmp_path / STEPS).write_text("".join(json.dumps(line) + "\n" for line in lines))
    return RunDir(tmp_path).read_steps()


def test_lines_written_before_the_setting_still_read_and_say_what_there_is(tmp_path):
    pytest.importorskip("matplotlib")
    from mvae_core.tools import ToolError
    from mvae_core.tools.curves import step_panel

    old = [{"epoch": 0, "step": s, "global_step": s, "plugins": {"p": {"k": float(s)}}} for s in range(4)]
    read = _written(tmp_path, old)
    assert read == old  # no train table added to them
    assert step_panel(read, "steps.plugins.p.k")[1] == {"steps.plugins.p.k": [0.0, 1.0, 2.0, 3.0]}
    with pytest.raises(
        ToolError, match=r"metrics entry 'steps\.train\.kl': no number there in steps\.jsonl.*steps\.plugins\.p\.k"
    ):
        step_panel(read, "steps.train.kl")
    with pytest.raises(ToolError, match=r"none \(train\.step_records is 0 and no plugin called trainer\.record_step\)"):
        step_panel([], "steps.train.kl")


@pytest.mark.parametrize("garbled", [5, "kl", [1.0], {"kl": "1.5", "total": True, "onset": 0.5}])
def test_a_train_table_of_another_shape_reads_as_missing_values(tmp_path, garbled):
    good = {"epoch": 0, "step": 0, "global_step": 0, "train": {"kl": 0.25, "total": None}, "plugins": {}}
    [kept, read] = _written(
        tmp_path, [good, {"epoch": 0, "step": 1, "global_step": 1, "train": garbled, "plugins": {}}]
    )
    assert kept == good  # a null (not finite) is kept, as in a metrics line
    assert read.get("train") == ({"onset": 0.5} if isinstance(garbled, dict) else None)


def test_the_default_records_no_losses():
    """``train.step_records`` is 0 unless set, and at 0 a step's losses make no line (nor at a step off the beat)."""
    assert tiny_config().train.step_records == 0
    losses = {"kl": 0.5, "total": 1.5}
    off, every_two = PluginOutbox(steps_per_epoch=4), PluginOutbox(steps_per_epoch=4, losses_every=2)
    for outbox in (off, every_two):
        for g in range(3):
            outbox.open_step()
            outbox.close_step(0, g, g, losses)
    assert off.drain_steps() == []
    assert [(line["global_step"], line["train"]) for line in every_two.drain_steps()] == [(0, losses), (2, losses)]


# -- two processes (torchrun's data parallelism, gloo) --------------------------------------------------------------


def _two_rank_worker(rank: int, port: int, data_dir: str, out: str) -> None:
    dist = _join_two_ranks(rank, port)
    try:
        watcher = StepLosses()
        run = Path(out).parent / "run" if dist.is_main else None  # as session.py: only rank 0 has a run directory
        make_trainer(
            Path(data_dir), tiny_config("train.step_records=2", epochs=1), {"w": watcher}, run, dist=dist
        ).fit()
        seen = dist.gather(
            torch.tensor(
                [[losses[t] for t in sorted(losses)] for _, losses in sorted(watcher.seen.items())], dtype=torch.float64
            )
        )
        if dist.is_main:
            torch.save({"seen": seen, "terms": sorted(watcher.seen[0])}, out)
    finally:
        dist.close()
    os._exit(0)  # as tests/test_distributed.py's workers: gloo's leftover threads may abort a finalizing worker


@pytest.mark.slow
@needs_gloo
def test_under_two_processes_rank_0_writes_the_losses_both_reduced_alike(pattern_dir, tmp_path):
    result = two_ranks_result(_two_rank_worker, pattern_dir, tmp_path)
    rank0, rank1 = result["seen"]
    assert torch.equal(rank0, rank1)  # every process steps on the losses summed over both
    lines = RunDir(tmp_path / "run").read_steps()
    assert [line["global_step"] for line in lines] == list(range(0, len(rank0), 2))
    for line in lines:
        assert [line["train"][t] for t in result["terms"]] == rank0[line["global_step"]].tolist()
