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
    result = runner.invoke(app, ["data", "inspect", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_file_skipped_says_no_loop_instead_of_zeros(tmp_path, wide_console):
    text = table(str(waltzes(tmp_path / "waltzes")))
    assert "no 4/4 bar: 2" in text
    assert "none: no source gave a loop (the skipped sources below say why)" in text
    assert "0.0 per loop" not in text and "folded" not in text and "0 / 0" not in text


def test_a_usable_folder_keeps_its_numbers(synth_dir, wide_console):
    text = table(str(synth_dir))
    assert "per loop)" in text and "folded / dropped / collided" in text and "pitch range used" in text


def sparse_clip(folder):
    """Three 2-bar loops of 8, 3 and 8 notes: the middle one is under data.min_onsets (6) and left out."""
    starts = [loop * 7680 + i * 960 for loop, n in enumerate((8, 3, 8)) for i in range(n)]
    notes = [SynthNote(60 + i % 12, t, t + 480) for i, t in enumerate(starts)]
    return write_midi(folder / "sparse bass.mid", notes).parent


def test_notes_in_loops_under_min_onsets_are_counted_in_a_row(tmp_path, wide_console):
    """A sparse clip's short loops were left out of the table without a word (only a file with no loop left said
    so, as a skip): on the dev data 7197 notes (2 %)."""
    data = str(sparse_clip(tmp_path / "clips"))
    text = table(data)
    assert "loops / notes" in text and "2 / 16 (8.0 per loop)" in text
    row = next(line for line in text.splitlines() if "short loops" in line)
    assert "short loops (left out)" in row and "3 notes in loops under data.min_onsets = 6" in row
    assert "short loops" not in table(data, "--set", "data.min_onsets=3")
