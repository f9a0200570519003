"""The summary's counters are those of the files used: a file skipped for too few notes a loop (its notes counted
before the ``min_onsets`` filter) added its folded notes, its bars in 3/4 and its drum notes to the rows "folded",
"bars not in 4/4 in files used" and "not the melody", though none of them is in the data."""

from __future__ import annotations

from pathlib import Path

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.report import data_summary
from tests.synth import SynthNote, write_midi

QUARTER = 960


def test_a_skipped_file_adds_nothing_to_the_totals_of_the_files_used(tmp_path: Path) -> None:
    write_midi(tmp_path / "used.mid", [SynthNote(60 + i % 7, i * 480, i * 480 + 400) for i in range(32)])
    # five 3/4 bars, then one 4/4 loop of three notes, each two octaves above the rows (folded), and a drum hit
    waltz = [SynthNote(60, i * QUARTER, i * QUARTER + 900) for i in range(15)]
    sparse = [SynthNote(90 + i, 15 * QUARTER + i * QUARTER, 15 * QUARTER + i * QUARTER + 100) for i in range(3)]
    write_midi(
        tmp_path / "sparse.mid",
        waltz + sparse,
        time_signatures=[(0, 3, 4), (15 * QUARTER, 4, 4)],
        drum_notes=[SynthNote(36, 15 * QUARTER, 15 * QUARTER + 100)],
    )
    table, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    [skipped] = [e for e in report.entries if e["status"] == "skipped"]
    assert skipped["reason"] == "no loop with enough notes"
    assert (skipped["folded"], skipped["other_meter_bars"], skipped["drum_notes"]) == (
        3,
        5,
        1,
    )  # its own entry keeps them

    totals = report.totals()
    assert (totals["folded"], totals["other_meter_bars"], totals["drum_notes"]) == (0, 0, 0)
    summary = data_summary(table, report, DataConfig())
    assert (summary["folded"], summary["other_meter_bars"], summary["drum_notes"]) == (0, 0, 0)
    assert report.to_json()["totals"]["folded"] == 0
