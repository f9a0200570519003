"""A clip without notes (an automation clip of CCs and pitch bends, an empty clip) says what it holds.

The skip read ``no notes`` with no detail, which leaves a DAW user guessing which clip it was and why.
"""

from __future__ import annotations

import mido

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset


def clip(path, messages):
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Automation"), *messages])
    mido.MidiFile(type=1, ticks_per_beat=96, tracks=[mido.MidiTrack(), track]).save(path)
    return path


def entry(path):
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none"))
    (only,) = report.entries
    return only["reason"], only["detail"]


def test_an_automation_clip_names_its_events(tmp_path):
    cc = [mido.Message("control_change", control=1, value=v, time=24) for v in range(64)]
    bends = [mido.Message("pitchwheel", pitch=100 * v, time=0) for v in range(3)]
    path = clip(tmp_path / "mod wheel.mid", cc + bends)
    assert entry(path) == (
        "no notes",
        "no note-on in its 2 tracks; it holds 64 control changes, 3 pitch bends",
    )


def test_an_empty_clip_says_it_holds_only_meta_events(tmp_path):
    path = clip(tmp_path / "empty.mid", [])
    assert entry(path) == ("no notes", "no note-on in its 2 tracks, only meta events (names, tempo, meter)")
