"""A run folder named in a script the picture's font lacks (Japanese, with matplotlib's DejaVu Sans): ``mvae plot`` and
``mvae map`` printed two lines of Python warning per character, each naming a line of mvae's source; now one
``warning:`` line names the picture, the font and the characters drawn as boxes."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["plot", "map"])
def test_characters_the_font_lacks_are_one_warning_line(tiny_run, tmp_path, command):
    run = tmp_path / "ラン 日本"
    shutil.copytree(tiny_run, run)
    out = tmp_path / "picture.png"
    result = runner.invoke(app, [command, str(run), "--out", str(out)], env={"NO_COLOR": "1"}, terminal_width=400)
    assert result.exit_code == 0, result.output
    assert out.is_file()
    lacking = "ラ, ン, 日, 本"
    assert (
        result.stderr
        == f"warning: {out}: its font (DejaVu Sans) has no glyph for {lacking}, which are drawn as empty boxes\n"
    )
