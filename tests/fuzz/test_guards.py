"""The data layer's guards against files that used to crash, hang or be miscounted (one test per fix)."""

from __future__ import annotations

import os
from pathlib import Path

import mido
import pytest
from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data import load
from mvae_core.data.load import DataReport, load_dataset
from mvae_core.data.midi import MAX_BEATS, MAX_HIGH_BYTE_RUN, read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from mvae_core.data.sources import MAX_UNIT_BYTES, TOO_LARGE_FIX
from mvae_core.report import print_skips, print_summary, printable
from tests.fuzz import smf
from tests.loading import load_within
from tests.synth import score_to_loops

CFG = DataConfig(cache_dir="none", pitch_low=48)  # rows a file is placed in by score_to_loops (no "auto" there)


def entries_by_name(report: DataReport) -> dict[str, dict]:
    return {Path(e["source"]).name: e for e in report.entries}


def melody_file(division: int = 480, extra: list[smf.Event] = (), tempo_bpm: float = 120.0) -> bytes:
    events = [*extra, *smf.notes_to_events(smf.melody(2, division))]
    return smf.smf([smf.track([(0, smf.tempo(tempo_bpm))]), smf.track(events)], 1, division)


def skip_of(data: bytes) -> SkipFile:
    with pytest.raises(SkipFile) as info:
        read_midi_bytes(data, CFG)
    return info.value


def test_a_fifo_named_mid_is_unreadable_and_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.mid")  # opening it for reading used to wait forever for a writer
    (tmp_path / "good.mid").write_bytes(melody_file())
    _, report = load_within([str(tmp_path)], CFG, 30.0)
    entries = entries_by_name(report)
    assert entries["pipe.mid"]["reason"] == SkipReason.UNREADABLE.value
    assert entries["pipe.mid"]["detail"] == "not a regular file (a FIFO)"
    assert entries["good.mid"]["status"] == "ok"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_not_read(tmp_path, device):
    os.symlink(device, tmp_path / "device.mid")  # reading /dev/zero never ends
    _, report = load_within([str(tmp_path)], CFG, 30.0)
    assert [(e["reason"], e["detail"]) for e in report.entries] == [
        (SkipReason.UNREADABLE.value, "not a regular file (a character device)")
    ]


def test_a_file_removed_between_listing_and_reading_is_unreadable(tmp_path, monkeypatch):
    for name in ("a.mid", "b.mid"):
        (tmp_path / name).write_bytes(melody_file())
    expand = load.expand

    def expand_then_delete(args):
        listed = expand(args)
        (tmp_path / "a.mid").unlink()
        return listed

    monkeypatch.setattr(load, "expand", expand_then_delete)
    _, report = load_dataset([str(tmp_path)], CFG, jobs=1)
    entries = entries_by_name(report)
    assert len(report.entries) == 2
    assert (entries["a.mid"]["reason"], entries["a.mid"]["detail"]) == (
        SkipReason.UNREADABLE.value,
        "No such file or directory",
    )
    assert entries["b.mid"]["status"] == "ok"


def test_dangling_links_to_one_target_are_each_reported(tmp_path):
    # both links resolve to the same missing path; they used to be merged as "the same file", one left unreported
    os.symlink(tmp_path / "gone.mid", tmp_path / "one.mid")
    os.symlink(tmp_path / "gone.mid", tmp_path / "two.mid")
    (tmp_path / "loops").mkdir()
    os.symlink("b.mid", tmp_path / "loops" / "a.mid")
    os.symlink("a.mid", tmp_path / "loops" / "b.mid")
    _, report = load_within([str(tmp_path)], CFG, 30.0)
    assert sorted(entries_by_name(report)) == ["a.mid", "b.mid", "one.mid", "two.mid"]
    assert {e["reason"] for e in report.entries} == {SkipReason.UNREADABLE.value}


def test_a_file_over_the_size_limit_is_skipped_unread(tmp_path):
    for name, size in (("over.mid", MAX_UNIT_BYTES + 1), ("at_limit.mid", MAX_UNIT_BYTES)):
        melody = melody_file()
        # the rest is one unknown chunk, skipped in one step (zeros would be a million 8-byte chunks, ~5 s to parse)
        filler = b"XFIL" + (size - len(melody) - 8).to_bytes(4, "big")
        with open(tmp_path / name, "wb") as handle:  # sparse
            handle.write(melody + filler)
            handle.truncate(size)
    _, report = load_within([str(tmp_path)], CFG, 30.0)
    entries = entries_by_name(report)
    assert entries["over.mid"]["reason"] == SkipReason.TOO_LARGE.value
    assert (
        entries["over.mid"]["detail"]
        == f"{MAX_UNIT_BYTES + 1:,} bytes; the limit is {MAX_UNIT_BYTES:,}: {TOO_LARGE_FIX}"
    )
    assert entries["at_limit.mid"]["reason"] != SkipReason.TOO_LARGE.value  # read and parsed


def test_a_variable_length_number_that_never_ends_is_refused_before_parsing():
    # mido decodes it byte by byte into a growing integer: 300 kB of 0xFF took ~25 s before this guard
    data = smf.header(1, 1) + b"MTrk" + (300_000).to_bytes(4, "big") + b"\xff" * 300_000
    skip = skip_of(data)
    assert skip.reason is SkipReason.CORRUPT
    assert "bytes >= 0x80 in a row" in skip.detail


def test_long_non_ascii_text_events_are_still_read():
    text = "é".encode() * (MAX_HIGH_BYTE_RUN // 2)  # MAX_HIGH_BYTE_RUN bytes >= 0x80 in a row: allowed
    score = read_midi_bytes(melody_file(extra=[(0, smf.meta(0x01, text))]), CFG)
    assert len(score.pitch) == 16


def test_a_huge_delta_time_is_too_large():
    track = smf.track([(0, smf.note_on(60)), (120, smf.note_off(60)), (0x0FFFFFFF, smf.meta(0x01, b"late"))])
    skip = skip_of(smf.smf([track]))
    assert skip.reason is SkipReason.TOO_LARGE
    last = 0x0FFFFFFF + 120
    limit = "the limit is 20,000 beats (5,000 bars of 4/4): split the file"
    assert skip.detail == f"an event at beat {last // 480:,} (tick {last:,}); {limit}"


def test_the_length_limit_is_in_beats_so_a_long_song_at_15360_ticks_per_quarter_is_read():
    """200 bars at 15,360 ticks per quarter note end at tick 12,280,320: past pretty_midi's 10,000,000 ticks, which
    skipped this ordinary 6-minute song as 'too large'."""
    division = 15360
    notes = [(60 + k % 12, k * division, k * division + division // 2, 80) for k in range(800)]
    data = smf.smf([smf.track([(0, smf.tempo(120))]), smf.track(smf.notes_to_events(notes))], 1, division)
    score = read_midi_bytes(data, CFG)
    assert len(score.pitch) == 800 and int(score.start.max()) == 799 * division


def notes_at_the_tick_limit() -> bytes:
    """8 notes in the last loop below the length limit: it ends on the limit (3840 ticks = 2 bars at 480 per beat)."""
    first = MAX_BEATS * 480 - 3840
    notes = [(60 + k, first + k * 60, first + k * 60 + 30, 80) for k in range(8)]
    return smf.smf([smf.track([(0, smf.tempo(120))]), smf.track(smf.notes_to_events(notes))])


def test_a_loop_that_ends_past_the_tick_limit_is_used(tmp_path):
    # pretty_midi's tick_to_time raised IndexError for the loop's end tick, which ended the whole load
    (tmp_path / "late.mid").write_bytes(notes_at_the_tick_limit())
    _, report = load_within([str(tmp_path)], CFG, 30.0)
    assert (report.entries[0]["status"], report.entries[0]["loops"]) == ("ok", 1)


def test_seconds_per_step_past_the_tick_limit_follow_the_last_tempo():
    score = read_midi_bytes(notes_at_the_tick_limit(), CFG)
    first = MAX_BEATS * 480 - 3840
    start, end = score.seconds_at([first, first + 3840])
    assert end - start == pytest.approx(4.0)  # two bars of 4/4 at 120 bpm


def late_end_of_track(unended: bool = False) -> bytes:
    """Two bars of eighth notes whose end of track comes 0x0FFFFFFF ticks (559,240 beats) after the last note-off;
    with ``unended``, the last note has no note-off."""
    events = smf.notes_to_events(smf.melody(2, 480))
    if unended:
        events = events[:-1]
    end_of_track = (0x0FFFFFFF, b"\xff\x2f\x00")
    return smf.smf([smf.track([(0, smf.tempo(120))]), smf.track([*events, end_of_track], end=False)])


def test_a_late_end_of_track_does_not_make_a_short_file_too_large():
    """A DAW may write the end of track with any delay: it is not an event of the music, and the file is read."""
    score = read_midi_bytes(late_end_of_track(), CFG)
    assert len(score.pitch) == 16 and score.warnings == []
    assert len(score_to_loops(score, CFG).step) == 16


def test_an_unended_note_before_a_late_end_of_track_is_held_to_it_and_its_loop_is_used():
    score = read_midi_bytes(late_end_of_track(unended=True), CFG)
    assert int(score.end.max()) == int(score.start.max()) + 0x0FFFFFFF  # its note-on is the last event before
    assert "1 note of the melody has no note-off" in score.warnings[0][1]
    block = score_to_loops(score, CFG)
    assert len(block.step) == 16 and float(block.duration.max()) == 1.0  # held: as long as a note can be


def test_smpte_timing_is_corrupt_with_a_reason():
    skip = skip_of(melody_file(division=0xE728))  # -25 frames per second, 40 ticks per frame
    assert skip.reason is SkipReason.CORRUPT
    assert skip.detail.startswith(
        "SMPTE time division (25 frames/s x 40 ticks per frame)"
    )  # not 'ticks per beat = 59176'
    assert "ticks per quarter note" in skip.detail  # what to do


def test_zero_ticks_per_quarter_note_is_corrupt_with_a_reason():
    skip = skip_of(melody_file(division=0))
    assert (skip.reason, skip.detail) == (
        SkipReason.CORRUPT,
        "the header gives 0 ticks per quarter note: no grid can be laid on its notes",
    )


def test_any_exception_of_the_midi_parser_skips_the_file(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a parser bug")

    monkeypatch.setattr(mido, "MidiFile", broken)
    skip = skip_of(melody_file())
    assert (skip.reason, skip.detail) == (SkipReason.CORRUPT, "RuntimeError: a parser bug")


def test_thousands_of_meter_changes_keep_every_loop():
    # 2 bars of 4/4 (one loop, 8 notes), then 1 bar of 3/4, 300 times: 300 regions, each with its own grid
    period = 2 * 1920 + 1440
    signatures: list[smf.Event] = []
    notes = []
    for k in range(300):
        signatures += [(0 if k == 0 else 1440, smf.time_signature(4, 2)), (2 * 1920, smf.time_signature(3, 2))]
        notes += [(60 + j % 5, k * period + j * 480, k * period + j * 480 + 120, 90) for j in range(8)]
    data = smf.smf([smf.track(signatures), smf.track(smf.notes_to_events(notes))])
    block = score_to_loops(read_midi_bytes(data, CFG), CFG)
    assert block.n_loops == 300
    assert block.counters["outside_loops"] == 0
    assert block.step.reshape(300, 8).tolist() == [[0, 4, 8, 12, 16, 20, 24, 28]] * 300
    assert block.counters["other_meter_bars"] == 299  # the last 3/4 bar lies after the last note


def test_printable_escapes_controls_bidi_and_undecodable_bytes():
    name = "a\nb\tc\x1b[31m" + os.fsdecode(b"\xff") + "\u202e\u2028é🎵 [red]x[/]"
    assert printable(name) == "a\\nb\\tc\\x1b[31m\\xff\\u202e\\u2028é🎵 [red]x[/]"


def test_skips_and_titles_print_user_text_literally():
    console = Console(record=True, width=300, highlight=False)
    names = ["[red]x[/].mid", "[/]y.mid", ":thumbs_up:.mid", "a\nskipped forged.mid", os.fsdecode(b"\xff.mid")]
    report = DataReport(
        entries=[{"source": n, "status": "skipped", "reason": "not a MIDI file", "detail": "[b]d[/b]"} for n in names]
    )
    print_skips(console, report)
    summary = {"sources_ok": 0, "skipped": {}, "loops": 0, "notes": 0, "notes_per_loop": 0.0, "pitch_range": None}
    summary |= {"folded": 0, "dropped": 0, "collided": 0, "other_meter_bars": 0, "cached_units": 0, "parsed_units": 0}
    summary |= {"drum_notes": 0, "left_out_notes": 0, "warnings": {}}
    print_summary(console, summary, title="data: [/]z [bold]w")
    lines = console.export_text().splitlines()
    assert lines[: len(names)] == [
        "  skipped [red]x[/].mid: not a MIDI file ([b]d[/b])",
        "  skipped [/]y.mid: not a MIDI file ([b]d[/b])",
        "  skipped :thumbs_up:.mid: not a MIDI file ([b]d[/b])",
        "  skipped a\\nskipped forged.mid: not a MIDI file ([b]d[/b])",
        "  skipped \\xff.mid: not a MIDI file ([b]d[/b])",
    ]
    assert "data: [/]z [bold]w" in lines[len(names)]
