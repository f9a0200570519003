"""A file whose melody has zero-length notes (a note-off on its note-on's tick: performance MIDI whose note-offs were
lost) gets a ``zero-length notes`` warning counting them. They read as onsets of duration 0 (docs/data.md), and
nothing said so: a musician whose file was full of them trained a model that learned every duration as 0."""

from __future__ import annotations

from pathlib import Path

import mido
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.midi import ZERO_LENGTH

EIGHTH = 240  # ticks at 480 a beat


def _file(path: Path, notes: list[tuple[int, int, int]], off_first: bool = False, hanging: int | None = None) -> Path:
    """A type-0 file of (pitch, start, end) notes in ticks; a zero-length note's two events written note-off first
    when ``off_first`` (pretty_midi's order); ``hanging``: a last note-on of that pitch that no note-off ends."""
    events = []  # (tick, order at that tick, message): note-offs of earlier notes before note-ons
    for pitch, start, end in notes:
        on, off = mido.Message("note_on", note=pitch, velocity=90), mido.Message("note_off", note=pitch, velocity=0)
        if start < end:
            events += [(start, 1, on), (end, 0, off)]
        else:
            events += [(start, 0, off), (start, 1, on)] if off_first else [(start, 1, on), (start, 2, off)]
    if hanging is not None:
        events.append((16 * EIGHTH, 3, mido.Message("note_on", note=hanging, velocity=90)))
    track, now = mido.MidiTrack(), 0
    for tick, _, message in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    mido.MidiFile(type=0, ticks_per_beat=480, tracks=[track]).save(path)
    return path


def _eighths(zero_length: set[int]) -> list[tuple[int, int, int]]:
    """Two bars of eighths, those at the indices in ``zero_length`` zero-length."""
    return [(60 + k % 5, k * EIGHTH, k * EIGHTH + (0 if k in zero_length else EIGHTH)) for k in range(16)]


def _warnings(path: Path) -> list[tuple[str, str]]:
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none"))
    (entry,) = report.entries
    assert entry["status"] == "ok"
    return [(w["kind"], w["message"]) for w in entry.get("warnings", [])]


def test_zero_length_notes_are_counted_with_what_they_mean_and_what_to_do(tmp_path):
    (warning,) = _warnings(_file(tmp_path / "lost.mid", _eighths({3, 4, 9})))
    assert warning == (
        ZERO_LENGTH,
        "3 of the melody's 16 notes are zero-length (a note-off on the note-on's tick, the first at tick 720): their "
        "onsets are used and their durations are 0, so a model trained on them learns durations of 0. If the file "
        "lost its note-offs (performance MIDI often does), fix them in your DAW (give the notes their lengths); if "
        "durations do not matter to you, ignore this",
    )


def test_zero_length_notes_written_note_off_first_are_counted_too(tmp_path):
    every = set(range(16))
    assert [kind for kind, _ in _warnings(_file(tmp_path / "on.mid", _eighths(every)))] == [ZERO_LENGTH]
    (warning,) = _warnings(_file(tmp_path / "off.mid", _eighths(every), off_first=True))
    assert warning[1].startswith("16 of the melody's 16 notes are zero-length")


def test_a_file_without_zero_length_notes_or_with_only_an_unended_one_gets_none(tmp_path):
    assert _warnings(_file(tmp_path / "legato.mid", _eighths(set()))) == []
    # a note-on that no note-off ends, on the track's last tick: held to it (length 0), a `recovered` warning only
    kinds = [kind for kind, _ in _warnings(_file(tmp_path / "hanging.mid", _eighths(set()), hanging=72))]
    assert kinds == ["recovered"]


def test_data_inspect_counts_the_file_and_prints_its_warning(tmp_path):
    _file(tmp_path / "lost.mid", _eighths({3}))
    result = CliRunner().invoke(app, ["data", "inspect", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{ZERO_LENGTH}: 1 " in result.output  # the table's "warnings (files)" row
    assert f"  warning, {tmp_path / 'lost.mid'}: {ZERO_LENGTH}: 1 of the melody's 16 notes are zero-length" in (
        result.output
    )
