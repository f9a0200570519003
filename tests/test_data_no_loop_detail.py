"""A file parsed into no loop at all is skipped as ``no loop with enough notes`` with a detail saying why: a flute
part above the pitch rows under ``data.out_of_range = "drop"`` said ``0 notes outside complete 4/4 loops``, which
names neither the cause nor the fix."""

from __future__ import annotations

from pathlib import Path

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from tests.synth import SynthNote, write_midi


def skip_of(path: Path, **settings: object) -> tuple[str, str]:
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none", **settings))
    [entry] = report.entries
    assert entry["status"] == "skipped"
    return entry["reason"], entry["detail"]


def test_notes_dropped_out_of_range_are_named_with_the_settings_that_keep_them(tmp_path: Path) -> None:
    flute = write_midi(tmp_path / "flute.mid", [SynthNote(84 + i % 7, i * 480, i * 480 + 400) for i in range(32)])
    reason, detail = skip_of(flute, out_of_range="drop")
    assert reason == "no loop with enough notes"
    assert detail.startswith("32 notes in loops are outside the pitch rows, which data.out_of_range = drop removes")
    assert "--set data.out_of_range=fold" in detail and "data.pitch_low" in detail


def test_notes_in_no_complete_loop_are_counted_with_the_bars_in_other_meters(tmp_path: Path) -> None:
    # ten bars of 3/4, then a 4/4 signature after the last note
    notes = [SynthNote(60 + i % 7, i * 960, i * 960 + 900) for i in range(30)]
    waltz = write_midi(tmp_path / "waltz.mid", notes, time_signatures=[(0, 3, 4), (30 * 960, 4, 4)])
    assert skip_of(waltz) == (
        "no loop with enough notes",
        "30 of its 30 melody notes fall in no complete 4/4 loop (10 bars not in 4/4)",
    )
