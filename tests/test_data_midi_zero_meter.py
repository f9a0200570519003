"""A time signature of 0 beats a bar (``0/4``: garbage a hand-edited or broken file holds) has no bar length.

It skipped the file as ``no 4/4 bar (2977 bars in 0/4)``, counting every tick as a bar. It is ignored with a
``recovered`` warning: the meter before it goes on.
"""

from __future__ import annotations

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from tests.synth import SynthNote, write_midi

STEP = 240


def test_a_zero_beat_meter_is_ignored_and_said(tmp_path):
    notes = [SynthNote(60 + s % 7, s * STEP, (s + 1) * STEP) for s in range(0, 64, 2)]
    path = write_midi(tmp_path / "song.mid", notes, time_signatures=[(0, 4, 4), (32 * STEP, 0, 4)])
    score = read_midi_bytes(path.read_bytes(), DataConfig())
    assert score.segments == [(0, None)]
    assert score.other_meter_bars == 0
    assert ("recovered", "ignored 1 time signature(s) of 0 beats a bar (the first at tick 7,680)") in score.warnings
