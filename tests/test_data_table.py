"""The data table (``mvae data inspect``, ``mvae train``): words where a number says nothing, notes in no loop, DATA
without MIDI.

The table shows no cell that is a zero or a ratio of nothing where a word says more: DATA whose every file is
skipped printed ``loops / notes 0 / 0 (0.0 per loop)`` and ``folded / dropped / collided 0 / 0 / 0 notes``.

Melody notes that fall in no loop (a pickup bar, bars in 3/4, the last 4/4 bar before a meter change) were counted
only in each file's JSON entry (``outside_loops``): the table showed no sign that 16 of a file's 24 notes were not
trained on. The table now has a row for them, and the summary JSON their totals.

DATA that holds no MIDI file at all (an Ableton project folder: a .als set and samples) is said to hold none:
``mvae data inspect`` printed a table of zeros ("sources used 0", "sources skipped 0") and no word, while train said
"no MIDI files found". The words are :data:`mvae_core.report.NO_MIDI_FILES`, one constant for both."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.data.load import DataReport
from mvae_core.report import NO_MIDI_FILES, skip_reasons
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


def ableton_project(folder):
    (folder / "Samples" / "Recorded").mkdir(parents=True)
    (folder / "My Set.als").write_bytes(b"\x1f\x8b\x08\x00gzipped xml")
    (folder / "Samples" / "Recorded" / "kick.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVE")
    return folder


def test_inspect_of_a_folder_without_midi_says_no_midi_files_found(tmp_path):
    project = ableton_project(tmp_path / "My Set Project")
    result = runner.invoke(app, ["data", "inspect", str(project)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert f"{NO_MIDI_FILES} (mvae reads .mid, .midi, .smf, .kar files)" in text
    assert "sources used" not in text and "0 / 0" not in text  # no table of zeros


def test_train_on_it_names_the_same_reason(tmp_path):
    project = ableton_project(tmp_path / "My Set Project")
    result = runner.invoke(app, ["train", str(project), "--out", str(tmp_path / "run"), "--epochs", "1"])
    assert result.exit_code == 2
    assert f"({NO_MIDI_FILES})" in " ".join(result.stderr.split())


def test_skip_reasons_are_counted_by_reason_or_say_no_midi_files():
    assert skip_reasons(DataReport()) == NO_MIDI_FILES
    skipped = [{"source": f"{n}.mid", "status": "skipped", "reason": r} for n, r in enumerate(["no notes"] * 2)]
    report = DataReport(entries=[*skipped, {"source": "d.mid", "status": "skipped", "reason": "drums only"}])
    assert skip_reasons(report) == "no notes: 2, drums only: 1"
