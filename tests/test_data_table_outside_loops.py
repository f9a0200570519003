"""Melody notes that fall in no loop (a pickup bar, bars in 3/4, the last 4/4 bar before a meter change) were counted
only in each file's JSON entry (``outside_loops``): the data table of ``mvae data inspect`` and ``mvae train`` showed
no sign that 16 of a file's 24 notes were not trained on. The table now has a row for them, and the summary JSON their
totals."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mvae_core.cli import app
from tests.synth import SynthNote, write_midi

runner = CliRunner()
BAR_4_4 = 3840  # ticks at 960 per beat


def three_bars_then_three_four(folder):
    """A note per beat: 3 bars of 4/4 (one 2-bar loop, bar 3 is in none), then 4 bars of 3/4 (in no loop)."""
    notes = [SynthNote(60 + i % 12, i * 960, i * 960 + 480) for i in range(12)]
    notes += [SynthNote(62, 3 * BAR_4_4 + i * 960, 3 * BAR_4_4 + i * 960 + 480) for i in range(12)]
    return write_midi(folder / "song.mid", notes, time_signatures=[(0, 4, 4), (3 * BAR_4_4, 3, 4)]).parent


def test_the_table_names_the_notes_in_no_loop(tmp_path, wide_console):
    data = three_bars_then_three_four(tmp_path / "clips")
    result = runner.invoke(app, ["data", "inspect", str(data)])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "in no loop" in line)
    assert "melody notes in no loop (left out)" in row
    assert "16 of 24 in files used (pickups, bars not in 4/4, a loop cut short by a meter change)" in row


def test_the_summary_json_totals_them(tmp_path):
    data = three_bars_then_three_four(tmp_path / "clips")
    result = runner.invoke(app, ["data", "inspect", str(data), "--json"])
    summary = json.loads(result.stdout)["summary"]
    assert (summary["outside_loops"], summary["notes_in_files"], summary["notes"]) == (16, 24, 8)


def test_no_row_when_every_note_is_in_a_loop(synth_dir):
    result = runner.invoke(app, ["data", "inspect", str(synth_dir)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "in no loop" not in result.stdout
