"""A resume cuts ``metrics.jsonl`` and ``steps.jsonl`` back to its checkpoint one line at a time, so it keeps every
line before the cut whatever the file's size: a file over ``RUN_FILE_BYTES`` (512 MiB) was read as no line, and the
cut wrote that back, emptying it. A reader that holds the file whole refuses one that large, naming it and what to do,
where it returned no line in silence. The limit is lowered here to a few hundred bytes: the behaviour, not the number,
is under test."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import mvae_core
import mvae_core.run_metrics
from mvae_core.cli import app
from mvae_core.metrics_record import step_line
from mvae_core.run import RunDir
from mvae_core.run_files import METRICS, STEPS
from tests.training import make_trainer, tiny_config


def _lower_limit(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    monkeypatch.setattr(mvae_core.run_metrics, "RUN_FILE_BYTES", limit)


def _steps_text(global_steps: range) -> str:
    return "".join(
        json.dumps(step_line(g // 10, g % 10, g, 10, {"probe": {"kl": g / 7}}, {"kl": g / 3, "total": g / 2})) + "\n"
        for g in global_steps
    )


def test_cutting_a_steps_file_over_the_limit_keeps_every_line_before_the_cut(tmp_path, monkeypatch):
    _lower_limit(monkeypatch, 1024)
    kept, torn = _steps_text(range(30)), '{"epoch": 3, "step": 0, "global_st\n'
    (tmp_path / STEPS).write_text(kept + torn + _steps_text(range(30, 50)))
    assert (tmp_path / STEPS).stat().st_size > 4 * 1024

    RunDir(tmp_path).truncate_steps(30)

    assert (tmp_path / STEPS).read_text() == kept


def test_a_line_over_the_limit_is_dropped_whole_and_the_lines_around_it_kept(tmp_path, monkeypatch):
    """The rest of a line too long to hold is skipped, not read as lines of its own (here it would parse as one)."""
    _lower_limit(monkeypatch, 256)
    long = " " * 300 + _steps_text(range(5, 6))  # JSON itself, and so is its tail after the limit
    (tmp_path / STEPS).write_text(_steps_text(range(2)) + long + _steps_text(range(2, 4)))

    RunDir(tmp_path).truncate_steps(10)

    assert (tmp_path / STEPS).read_text() == _steps_text(range(4))


def test_a_resume_from_a_checkpoint_before_the_last_epoch_keeps_a_steps_file_over_the_limit(
    synth_dir, tmp_path, monkeypatch
):
    """A kill between the second epoch's lines and its checkpoint, with ``steps.jsonl`` over the limit: the resume
    (the trainer's restore) keeps the first epoch's lines and writes the second's again, as an uninterrupted run."""
    cfg = tiny_config("train.step_records=1", epochs=2)
    run = tmp_path / "run"
    first = make_trainer(synth_dir, cfg, run_dir=run)
    first.fit(on_epoch_end=lambda r: r["epoch"] == 0 and shutil.copy(run / "checkpoint.pt", tmp_path / "epoch-0.pt"))
    uninterrupted = (run / STEPS).read_text()
    _lower_limit(monkeypatch, 600)  # above one line (about 270 bytes), below the file
    assert len(uninterrupted) > 600 and len(uninterrupted.splitlines()) == 2 * first.view.steps_per_epoch

    shutil.copy(tmp_path / "epoch-0.pt", run / "checkpoint.pt")
    resumed = make_trainer(synth_dir, cfg, run_dir=run)
    resumed.restore(resumed.run.load_checkpoint())
    assert (run / STEPS).read_text().splitlines() == uninterrupted.splitlines()[: first.view.steps_per_epoch]
    resumed.run.truncate_metrics(0)  # as a resume does (run_restore)
    resumed.fit()

    assert (run / STEPS).read_text() == uninterrupted


def test_cutting_a_metrics_file_over_the_limit_keeps_its_epochs(tiny_run, tmp_path, monkeypatch):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    lines = (run / METRICS).read_text().splitlines()
    limit = max(len(line) for line in lines) + 1  # above every line, below the file
    _lower_limit(monkeypatch, limit)
    assert (run / METRICS).stat().st_size > limit

    assert RunDir(run).truncate_metrics(1) == []  # no epoch lost

    assert (run / METRICS).read_text().splitlines() == [json.dumps(json.loads(line)) for line in lines[:2]]


@pytest.mark.parametrize(("name", "advice"), [(METRICS, "cut the file to its epochs' lines"), (STEPS, "step_records")])
def test_a_reader_refuses_a_file_over_the_limit_naming_it(tiny_run, tmp_path, monkeypatch, name, advice):
    from mvae_core.run_metrics import RunFileTooLarge

    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / STEPS).write_text(_steps_text(range(20)))
    _lower_limit(monkeypatch, 256)
    size = (run / name).stat().st_size

    read = RunDir(run).read_metrics if name == METRICS else RunDir(run).read_steps
    with pytest.raises(RunFileTooLarge) as refused:
        read()

    said = str(refused.value)
    assert said.startswith(f"{run / name} is too large to read ({size:,} bytes; the limit is 256): ")
    assert advice in said and refused.value.exit_code == 2


def test_a_resume_refuses_a_metrics_file_over_the_limit_and_leaves_it(tiny_run, tmp_path, monkeypatch):
    """Read as no line, the epochs looked undone and the resume's cut emptied the file."""
    from mvae_core.run_metrics import RunFileTooLarge

    run = shutil.copytree(tiny_run, tmp_path / "run")
    before = (run / METRICS).read_bytes()
    _lower_limit(monkeypatch, 256)

    with pytest.raises(RunFileTooLarge, match=f"{run / METRICS} is too large to read"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)

    assert (run / METRICS).read_bytes() == before


def test_mvae_plot_says_a_steps_file_over_the_limit_is_too_large(tiny_run, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / STEPS).write_text(_steps_text(range(40)))
    _lower_limit(monkeypatch, (run / METRICS).stat().st_size + 1)  # metrics.jsonl is read, steps.jsonl is not

    result = CliRunner().invoke(app, ["plot", str(run), "--out", str(tmp_path / "c.png"), "--metric=steps.train.kl"])

    assert result.exit_code == 2
    assert f"{run / STEPS} is too large to read" in result.stderr and "train.step_records" in result.stderr
    assert not (tmp_path / "c.png").exists()
