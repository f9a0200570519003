"""``mvae schedules preview --plot`` names its picture as ``mvae map`` and ``mvae plot`` do, and refuses a name it
cannot write before it prints anything."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()
pytest.importorskip("matplotlib")


def preview(*args: str):
    return runner.invoke(app, ["schedules", "preview", "linear", "--epochs", "30", *args], env={"NO_COLOR": "1"})


def test_a_plot_name_without_a_suffix_gets_png(tmp_path):
    result = preview("--plot", str(tmp_path / "ramp"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ramp.png").read_bytes().startswith(b"\x89PNG")
    assert f"plot → {tmp_path / 'ramp.png'}" in result.stdout.replace("\n", "")


def test_a_plot_suffix_matplotlib_cannot_write_exits_2_before_the_table(tmp_path):
    result = preview("--plot", str(tmp_path / "ramp.txt"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--plot" in result.stderr and "cannot write .txt pictures; name a .png, .svg or .pdf file" in result.stderr
    assert not list(tmp_path.iterdir())
