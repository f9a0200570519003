"""A file skipped as ``no loop with enough notes`` (a short idea, a sparse clip) named no way to use it: the detail now
gives its fullest loop's notes and the ``data.min_onsets`` setting that takes it, and that setting works as named."""

from __future__ import annotations

from pathlib import Path

import mido

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset


def write_sparse(path: Path, notes: int) -> None:
    """One 4/4 track of ``notes`` 8th notes from tick 0 (``notes`` ≤ 16: one loop)."""
    track = mido.MidiTrack()
    for k in range(notes):
        track.append(mido.Message("note_on", note=60 + k, velocity=80, time=0))
        track.append(mido.Message("note_off", note=60 + k, velocity=0, time=240))
    mido.MidiFile(type=0, ticks_per_beat=480, tracks=[track]).save(path)


def test_the_skip_names_the_fullest_loop_and_the_setting_that_takes_it(tmp_path: Path):
    clip = tmp_path / "idea.mid"
    write_sparse(clip, 3)
    _, report = load_dataset([str(clip)], DataConfig(cache_dir="none"))
    (entry,) = report.entries
    assert entry["reason"] == "no loop with enough notes"
    assert entry["detail"].startswith("1 loop, none with >= 6 notes; the fullest has 3")
    assert "--set data.min_onsets=3" in entry["detail"]
    table, report = load_dataset([str(clip)], DataConfig(cache_dir="none", min_onsets=3))
    assert (table.n_loops, report.entries[0]["status"]) == (1, "ok")
