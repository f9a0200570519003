"""Drum parts read with ``data.melody = auto``: drum clips off channel 10, the selector that takes them, drum words.

Drum clips that a DAW exports on channel 1 (Ableton Live writes every clip there): a drum-rack clip named
``808 Drums`` on channel 1 is not a melody: ``auto`` takes a part named like drums for drums (a file holding nothing
else is ``drums only``, with a detail that says how to use it anyway), and counts its notes as drum notes when a
melody sits beside it. A selector still takes it when asked.

The 'drums only' detail of a drum clip off channel 10 names a data.melody setting that takes the clip: written into
a config file as shown, it must parse and choose the clip, whatever the track's name holds.

auto takes a part off channel 10 for drums by its track's name (1d04459). It matched word beginnings, so a one-part
file whose track carries the song's title was skipped as 'drums only' for a word that only begins like a drum word:
'The Little Drummer Boy', 'Percy the Small Engine', 'Kickin Back', 'Eric Clapton - Layla'. Drum words are whole
words now (a plural, a following digit or a camel-case part still count: 'Drums1', 'HiHats', 'DrumKit')."""

from __future__ import annotations

import re
import tomllib

import mido
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from tests.synth import SynthNote, SynthTrack, write_tracks

STEP = 240


def beat(pitches: tuple[int, ...], steps: int = 32) -> list[SynthNote]:
    """A kick/snare/hat pattern: ``pitches`` together on every 8th (two steps)."""
    return [SynthNote(p, s * STEP, s * STEP + 60, 100) for s in range(0, steps, 2) for p in pitches]


def tune(steps: int = 32) -> list[SynthNote]:
    return [SynthNote(60 + (s % 7), s * STEP, (s + 1) * STEP, 90) for s in range(0, steps, 2)]


def test_a_drum_clip_on_channel_1_is_drums_only_and_says_how_to_use_it(tmp_path):
    path = write_tracks(tmp_path / "clip.mid", [SynthTrack(beat((36, 42)), "808 Drums")])
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(path.read_bytes(), DataConfig())
    assert skip.value.reason is SkipReason.DRUMS_ONLY
    assert "'808 Drums' (channel 1" in skip.value.detail
    assert 'data.melody = "name:808 Drums"' in skip.value.detail


def test_the_selector_the_detail_names_takes_the_clip(tmp_path):
    path = write_tracks(tmp_path / "clip.mid", [SynthTrack(beat((36, 42)), "808 Drums")])
    score = read_midi_bytes(path.read_bytes(), DataConfig(melody=["name:808 Drums"]))
    assert len(score.pitch) == 32


def test_a_drum_clip_beside_a_melody_is_counted_as_drums_not_taken_into_the_top_line(tmp_path):
    # neither part is named like a melody, so auto would take the top line of both: the hats (pitch 80) on top
    tracks = [SynthTrack(tune(), "Keys"), SynthTrack(beat((36, 80)), "Drum Rack", channel=1)]
    path = write_tracks(tmp_path / "song.mid", tracks)
    score = read_midi_bytes(path.read_bytes(), DataConfig())
    assert sorted(set(score.pitch.tolist())) == sorted({n.pitch for n in tune()})
    assert score.counters == {"drum_notes": 32, "left_out_notes": 0}
    assert "the only pitched part" in score.melody


@pytest.mark.parametrize("name", ["Drum & Bass Lead", "808 Bass", "Drummond Solo", "Rising"])
def test_names_with_a_melody_word_or_no_drum_word_stay_melody(tmp_path, name):
    path = write_tracks(tmp_path / "clip.mid", [SynthTrack(tune(), name)])
    assert len(read_midi_bytes(path.read_bytes(), DataConfig()).pitch) == 16


def test_a_type_0_song_named_like_drums_keeps_its_parts(tmp_path):
    # one track holding two pitched channels is named after the song: the name says nothing about a part
    events = [(0, mido.MetaMessage("track_name", name="Drum Song"))]
    for channel, shift in ((0, 0), (1, -12)):
        for n in tune():
            events.append((n.start, mido.Message("note_on", note=n.pitch + shift, velocity=90, channel=channel)))
            events.append((n.end, mido.Message("note_off", note=n.pitch + shift, channel=channel)))
    track, now = mido.MidiTrack(), 0
    for tick, message in sorted(events, key=lambda e: (e[0], e[1].type == "note_on")):
        track.append(message.copy(time=tick - now))
        now = tick
    midi = mido.MidiFile(type=0, ticks_per_beat=960, tracks=[track])
    midi.save(tmp_path / "song.mid")
    score = read_midi_bytes((tmp_path / "song.mid").read_bytes(), DataConfig())
    assert score.counters["drum_notes"] == 0
    assert "the top line of 2 pitched parts" in score.melody  # auto's last resort, as for any untitled song


def test_a_melody_left_on_channel_10_says_so(tmp_path):
    # a lead a user left on channel 10 was skipped as 'drums only' with no word of which channel or what to do
    notes = [SynthNote(60 + i % 5, i * 480, i * 480 + 400) for i in range(48)]
    path = write_tracks(tmp_path / "lead.mid", [SynthTrack(notes, "Lead", channel=9)])
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(path.read_bytes(), DataConfig())
    assert skip.value.reason is SkipReason.DRUMS_ONLY
    assert skip.value.detail == (  # one level of parentheses: printed inside the skip line's own (three deep, once)
        "all 48 notes are on channel 10, the General MIDI drum channel, which is never melody: "
        "track 1 'Lead' (channel 10, drums); if they are a melody, move them to another channel in your DAW"
    )


BEAT = [SynthNote(p, s * STEP, s * STEP + 60, 100) for s in range(0, 32, 2) for p in (36, 42)]


@pytest.mark.parametrize("name", ["808 Drums", "Drums, Kit 1", 'Kick "Big"'])
def test_the_setting_the_detail_names_takes_the_clip(tmp_path, name):
    path = write_tracks(tmp_path / "clip.mid", [SynthTrack(BEAT, name)])
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(path.read_bytes(), DataConfig())
    setting = re.search(r"set (data\.melody = .*)$", skip.value.detail).group(1)
    # before: 'name:Drums, Kit 1' split at its comma ("'Kit 1' is not a melody rule"), and 'name:Kick "Big"' was no
    # TOML string
    melody = tomllib.loads(setting.replace("data.melody", "melody"))["melody"]
    assert len(read_midi_bytes(path.read_bytes(), DataConfig(melody=melody)).pitch) == len(BEAT)


TUNE = [SynthNote(60 + (s % 7), s * STEP, (s + 1) * STEP, 90) for s in range(0, 64, 2)]


@pytest.mark.parametrize(
    "name", ["The Little Drummer Boy", "Percy the Small Engine", "Kickin Back", "Eric Clapton - Layla", "Snarewood"]
)
def test_a_title_that_only_begins_like_a_drum_word_keeps_its_melody(tmp_path, name):
    path = write_tracks(tmp_path / "song.mid", [SynthTrack(TUNE, name)], conductor_in=0)
    assert len(read_midi_bytes(path.read_bytes(), DataConfig()).pitch) == len(TUNE)


CLIPS = ["808 Drums", "Drum Rack", "DrumKit", "Drums1", "Kick", "Snares", "HiHats", "Hi-Hat", "Open HH", "Perc",
         "Percussion", "Claps", "Cymbal"]  # fmt: skip


@pytest.mark.parametrize("name", CLIPS)
def test_drum_clip_names_are_still_drums(tmp_path, name):
    path = write_tracks(tmp_path / "clip.mid", [SynthTrack(TUNE, name)])
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(path.read_bytes(), DataConfig())
    assert skip.value.reason is SkipReason.DRUMS_ONLY
