"""A type-1 file's tracks share 16 channels, so a program change in one track sets the program of another track's
notes on that channel: a setup (conductor) track holding every part's program change is common. file_notes reset
the programs for each track, so such a file's parts were all Acoustic Grand Piano, and ``auto`` took the top line of
the piano's chords and the sax instead of the sax (the one solo instrument). The tie rules at one tick are
:mod:`mvae_core.data.midi_notes`' docstring's."""

from __future__ import annotations

import io

import mido

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.midi_notes import file_notes
from mvae_core.data.smf import read_smf

BEAT = 480
PIANO, TRUMPET, ALTO_SAX, FLUTE = 0, 56, 65, 73  # General MIDI programs from 0
SAX_LINE = [60 + (k * 5) % 12 for k in range(32)]  # under the piano's chord tops (79)


def _track(events: list[tuple[int, mido.Message]]) -> mido.MidiTrack:
    """``events`` (absolute tick, message), kept in the order given (the order within a tick matters here)."""
    track, now = mido.MidiTrack(), 0
    for tick, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _notes(channel: int, pitches: list[int], every: int, length: int, start: int = 0) -> list[tuple[int, mido.Message]]:
    events = []
    for k, pitch in enumerate(pitches):
        on = start + k * every
        events.append((on, mido.Message("note_on", channel=channel, note=pitch, velocity=90)))
        events.append((on + length, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
    return events


def _change(tick: int, channel: int, program: int) -> tuple[int, mido.Message]:
    return tick, mido.Message("program_change", channel=channel, program=program)


def _band(setup_track_programs: bool) -> bytes:
    """Track 0 the meter, track 1 an alto sax line on channel 1, track 2 piano chords on channel 2; the program
    changes in track 0 or each in its part's track."""
    setup = [(0, mido.MetaMessage("time_signature", numerator=4, denominator=4))]
    sax, piano = _notes(0, SAX_LINE, BEAT // 2, BEAT // 4), []
    for bar in range(8):
        for pitch in (72, 76, 79):
            piano.append((bar * 4 * BEAT, mido.Message("note_on", channel=1, note=pitch, velocity=60)))
        for pitch in (72, 76, 79):
            piano.append(((bar * 4 + 3) * BEAT, mido.Message("note_off", channel=1, note=pitch, velocity=0)))
    changes = [_change(0, 0, ALTO_SAX), _change(0, 1, PIANO)]
    if setup_track_programs:
        setup += changes
    else:
        sax, piano = [changes[0], *sax], [changes[1], *piano]
    midi = mido.MidiFile(type=1, ticks_per_beat=BEAT)
    midi.tracks.extend([_track(setup), _track(sax), _track(piano)])
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


def test_program_changes_in_a_setup_track_choose_the_solo_instrument() -> None:
    for setup_track_programs in (False, True):
        score = read_midi_bytes(_band(setup_track_programs), DataConfig(pitch_low=48))
        assert score.melody.startswith("the one solo instrument"), score.melody
        assert "track 1 (channel 1, GM 66 Alto Sax)" in score.melody
        assert sorted(score.pitch.tolist()) == sorted(SAX_LINE)


def _programs(*tracks: list[tuple[int, mido.Message]]) -> list[tuple[int, int, int]]:
    """(track, start, program) of each note of ``tracks``, in order."""
    notes = file_notes([_track(events) for events in tracks])
    order = sorted(range(len(notes.start)), key=lambda i: (int(notes.track[i]), int(notes.start[i])))
    return [(int(notes.track[i]), int(notes.start[i]), int(notes.program[i])) for i in order]


def test_at_one_tick_the_notes_own_track_wins_then_the_later_track() -> None:
    notes = _notes(0, [60, 62], 4 * BEAT, BEAT)  # at ticks 0 and 1920
    # the note's own track's change at its tick wins over other tracks' at that tick, earlier or later ones
    assert _programs([_change(0, 0, PIANO)], [_change(0, 0, ALTO_SAX), *notes], [_change(0, 0, TRUMPET)]) == [
        (1, 0, ALTO_SAX),
        (1, 1920, ALTO_SAX),
    ]
    # among other tracks at one tick the later track's wins
    assert _programs([_change(0, 0, PIANO)], [_change(0, 0, TRUMPET)], notes) == [(2, 0, TRUMPET), (2, 1920, TRUMPET)]
    # a later change in another track applies from its tick on (at the note's tick too), over the track's own
    later = [_change(1920, 0, FLUTE)]
    assert _programs(later, [_change(0, 0, ALTO_SAX), *notes]) == [(1, 0, ALTO_SAX), (1, 1920, FLUTE)]
    # a change after the note's start, or written after its note-on on its tick, comes too late for it
    written_after = [notes[0], _change(0, 0, TRUMPET), *notes[1:]]
    assert _programs([_change(0, 0, ALTO_SAX)], written_after) == [(1, 0, ALTO_SAX), (1, 1920, TRUMPET)]
    assert _programs([_change(1921, 0, FLUTE)], notes) == [(1, 0, PIANO), (1, 1920, PIANO)]


def test_a_type_2_files_patterns_keep_the_programs_of_the_patterns_before() -> None:
    """A type-2 file's patterns play one after another (read as one track): a change in pattern 0 holds in pattern 1
    until pattern 1 changes it, and a change in a later pattern never reaches back."""
    midi = mido.MidiFile(type=2, ticks_per_beat=BEAT)
    first = [_change(0, 0, ALTO_SAX), *_notes(0, [60], BEAT, BEAT // 2)]
    second = [*_notes(0, [62], BEAT, BEAT // 2), _change(BEAT, 0, FLUTE), *_notes(0, [64], BEAT, BEAT // 2, BEAT)]
    midi.tracks.extend([_track(first), _track(second)])
    out = io.BytesIO()
    midi.save(file=out)
    notes = file_notes(read_smf(out.getvalue()).tracks)
    assert notes.program.tolist() == [ALTO_SAX, ALTO_SAX, FLUTE]
    assert notes.pitch.tolist() == [60, 62, 64]
