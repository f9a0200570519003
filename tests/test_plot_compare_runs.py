"""``mvae plot A B --out compare.png``: a researcher comparing two fixes or two models drew each run's curves on a
figure of its own and laid them side by side, each with axes of its own (``mvae plot`` took one run: "Got unexpected
extra argument"). Several runs now share one figure, named by their folders (``a/run`` and ``b/run`` where both are
``run``); one run draws the picture it drew before, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.tools import ToolError
from mvae_core.tools.curves import draw_curves, run_names

pytest.importorskip("matplotlib", reason="mvae plot needs matplotlib: the plot extra")


def mvae(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="mvae")


def copied_run(tiny_run: Path, to: Path, drop: str | None = None) -> Path:
    """The files ``mvae plot`` reads of ``tiny_run``, copied to ``to``; ``drop``: a field left out of every record."""
    to.mkdir(parents=True)
    shutil.copy(tiny_run / "config.toml", to)
    records = [json.loads(line) for line in (tiny_run / "metrics.jsonl").read_text().splitlines()]
    lines = [json.dumps({k: v for k, v in record.items() if k != drop}) for record in records]
    (to / "metrics.jsonl").write_text("\n".join(lines) + "\n")
    return to


def test_one_run_draws_the_picture_it_drew_before(tiny_run, tmp_path):
    assert mvae("plot", tiny_run, "--out", tmp_path / "cli.png").exit_code == 0
    records = [json.loads(line) for line in (tiny_run / "metrics.jsonl").read_text().splitlines()]
    draw_curves(records, tmp_path / "direct.png", f"{tiny_run}: training curves")
    assert (tmp_path / "cli.png").read_bytes() == (tmp_path / "direct.png").read_bytes()


def test_two_runs_named_alike_share_one_figure(tiny_run, tmp_path):
    a = copied_run(tiny_run, tmp_path / "a" / "run")
    b = copied_run(tiny_run, tmp_path / "b" / "run", drop="active_units")
    result = mvae("plot", a, b, "--out", tmp_path / "compare", "--metric", "val.kl")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "compare.png")
    assert (tmp_path / "compare.png").read_bytes()[:4] == b"\x89PNG"


def test_a_metric_no_run_has_exits_2_and_names_the_paths_there_are(tiny_run, tmp_path):
    a, b = copied_run(tiny_run, tmp_path / "a"), copied_run(tiny_run, tmp_path / "b")
    result = mvae("plot", a, b, "--out", tmp_path / "c.png", "--metric", "val_elb")
    assert result.exit_code == 2 and "--metric val_elb: no number there" in result.output
    assert "did you mean 'val_elbo'" in result.output


def test_a_run_given_twice_is_refused(tiny_run, tmp_path):
    result = mvae("plot", tiny_run, tiny_run / ".." / tiny_run.name, "--out", tmp_path / "c.png")
    assert result.exit_code == 2 and "this run is given twice; give each run once" in result.output
    assert not (tmp_path / "c.png").exists()


def test_a_folder_that_is_not_a_run_is_named(tiny_run, tmp_path):
    result = mvae("plot", tiny_run, tmp_path / "nothing", "--out", tmp_path / "c.png")
    assert result.exit_code == 2 and "no run directory there" in result.output


def test_run_names_are_folder_names_with_the_folders_above_that_tell_them_apart(tmp_path):
    runs = [tmp_path / "x" / "a" / "seed-0", tmp_path / "y" / "a" / "seed-0", tmp_path / "fixes", tmp_path / "z" / "b"]
    assert run_names(runs) == ["x/a/seed-0", "y/a/seed-0", "fixes", "b"]
    with pytest.raises(ToolError, match="given twice"):
        run_names([tmp_path / "a", tmp_path / "b" / ".." / "a"])


def test_more_runs_than_colours_are_refused_before_any_is_read(tmp_path):
    from mvae_core.tools.curves import MAX_RUNS, plot_runs

    with pytest.raises(ToolError, match=f"^{MAX_RUNS + 1} runs: one figure tells at most {MAX_RUNS} apart"):
        plot_runs([tmp_path / f"run-{k}" for k in range(MAX_RUNS + 1)], tmp_path / "c.png")
