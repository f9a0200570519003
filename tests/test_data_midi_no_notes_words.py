"""A file of note-offs and velocity-0 note-ons only was skipped as ``no notes`` with the detail ``it holds 3 note-on
of velocity 0(s)``: the plural mark landed after the velocity."""

from __future__ import annotations

import io

import mido
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason


def test_velocity_0_note_ons_are_counted_as_note_ons() -> None:
    track = mido.MidiTrack()
    for _ in range(3):
        track.append(mido.Message("note_on", note=60, velocity=0, time=10))
        track.append(mido.Message("note_off", note=60, time=10))
    track.append(mido.Message("sysex", data=[1, 2]))
    data = io.BytesIO()
    mido.MidiFile(type=1, ticks_per_beat=480, tracks=[track]).save(file=data)
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(data.getvalue(), DataConfig())
    assert skip.value.reason is SkipReason.NO_NOTES
    assert skip.value.detail == (
        "no note-on in its 1 track; it holds 3 note-ons of velocity 0, 3 note-offs, 1 SysEx message"
    )
