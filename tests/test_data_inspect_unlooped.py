"""``mvae data inspect`` counted "bars not in 4/4 in files used" and "melody notes in no loop" for the whole folder but
never said which file held them (a song with a 3/4 intro, a pickup written as its own 1/4 bar): each such file now
gets a line after the table."""

from __future__ import annotations

from pathlib import Path

import mido
from typer.testing import CliRunner

from mvae_core.cli import app

QUARTER = 480


def write_song(path: Path, intro: tuple[int, int], intro_beats: int, beats: int) -> None:
    """``intro_beats`` quarter notes in the ``intro`` meter from tick 0, then ``beats`` quarter notes in 4/4."""
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage("time_signature", numerator=intro[0], denominator=intro[1], time=0))
    meta.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=intro_beats * QUARTER))
    notes = mido.MidiTrack()
    for k in range(intro_beats + beats):
        notes.append(mido.Message("note_on", note=60 + k % 7, velocity=80, time=0))
        notes.append(mido.Message("note_off", note=60 + k % 7, velocity=0, time=QUARTER))
    mido.MidiFile(type=1, ticks_per_beat=QUARTER, tracks=[meta, notes]).save(path)


def test_each_file_with_notes_in_no_loop_is_named_with_its_bars_not_in_4_4(tmp_path: Path, wide_console):
    write_song(tmp_path / "waltz intro.mid", (3, 4), 12, 32)
    write_song(tmp_path / "pickup.mid", (1, 4), 1, 32)
    result = CliRunner().invoke(app, ["data", "inspect", str(tmp_path), "--set", "data.cache_dir=none"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("left out of")]
    assert lines == [
        f"left out of {tmp_path / 'pickup.mid'}: 1 of its 33 melody notes falls in no loop (1 bar not in 4/4 "
        "skipped, e.g. a pickup bar or an intro)",
        f"left out of {tmp_path / 'waltz intro.mid'}: 12 of its 44 melody notes fall in no loop (4 bars not in 4/4 "
        "skipped, e.g. a pickup bar or an intro)",
    ]
