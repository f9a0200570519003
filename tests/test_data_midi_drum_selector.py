"""The 'drums only' detail of a drum clip off channel 10 names a data.melody setting that takes the clip: written
into a config file as shown, it must parse and choose the clip, whatever the track's name holds."""

from __future__ import annotations

import re
import tomllib

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile
from tests.synth import SynthNote, SynthTrack, write_tracks

STEP = 240
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
