"""auto takes a part off channel 10 for drums by its track's name (1d04459). It matched word beginnings, so a one-part
file whose track carries the song's title was skipped as 'drums only' for a word that only begins like a drum word:
'The Little Drummer Boy', 'Percy the Small Engine', 'Kickin Back', 'Eric Clapton - Layla'. Drum words are whole
words now (a plural, a following digit or a camel-case part still count: 'Drums1', 'HiHats', 'DrumKit')."""

from __future__ import annotations

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from tests.synth import SynthNote, SynthTrack, write_tracks

STEP = 240
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
