"""The data table (``mvae data inspect``, ``mvae train``) shows no cell that is a zero or a ratio of nothing where a
word says more: DATA whose every file is skipped printed ``loops / notes 0 / 0 (0.0 per loop)`` and ``folded /
dropped / collided 0 / 0 / 0 notes``."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from tests.synth import SynthNote, write_midi

runner = CliRunner()


def waltzes(folder):
    for low, name in ((60, "waltz.mid"), (62, "minuet.mid")):
        notes = [SynthNote(low + i % 7, i * 960, i * 960 + 480) for i in range(24)]  # 8 bars of 3/4
        write_midi(folder / name, notes, time_signatures=[(0, 3, 4)])
    return folder


def table(*args: str) -> str:
    result = runner.invoke(app, ["data", "inspect", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_file_skipped_says_no_loop_instead_of_zeros(tmp_path):
    text = table(str(waltzes(tmp_path / "waltzes")))
    assert "no 4/4 bar: 2" in text
    assert "none: no source gave a loop (the skipped sources below say why)" in text
    assert "0.0 per loop" not in text and "folded" not in text and "0 / 0" not in text


def test_a_usable_folder_keeps_its_numbers(synth_dir):
    text = table(str(synth_dir))
    assert "per loop)" in text and "folded / dropped / collided" in text and "pitch range used" in text
