"""What a musician hits with the file tools on a trained run: refusals that name the cause instead of a traceback,
options that do nothing, and output folders that already hold files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_line(result) -> str:
    return " ".join(result.output.split())


def test_a_map_grid_too_large_to_draw_exits_2_naming_the_range(tiny_run: Path, tmp_path: Path) -> None:
    result = mvae("map", tiny_run, "--grid", 100000, "--out", tmp_path / "m.png")
    assert result.exit_code == 2, result.output
    assert "--grid must be between 2 and 32 cells per axis, got 100000" in one_line(result)
    assert not (tmp_path / "m.png").exists()
