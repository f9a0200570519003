"""``mvae data inspect`` names the window of ``data.pitch_classes`` rows that folds the fewest notes of the data: a
musician whose notes fold (27 % of the dev folk songs under rows 48..71, the default then) had to guess windows and
re-run inspect to compare them. The suggestion is exact: counted from each source's notes in loops per MIDI pitch, it folds what
inspect counts under that window, on synthetic files whose answer is known."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.pitch_window import PitchWindow, fewest_outside
from mvae_core.report import data_summary, print_summary
from tests.synth import SynthNote, write_midi

STEP = 240  # ticks of a 16th at 960 per beat


def melody(*loops: list[int]) -> list[SynthNote]:
    """Loops of 2 bars, each holding its pitches on successive 16ths from its downbeat."""
    return [SynthNote(p, (32 * n + k) * STEP, (32 * n + k + 1) * STEP) for n, loop in enumerate(loops) for k, p in
            enumerate(loop)]  # fmt: skip


def summary_of(folder: Path, **settings: Any) -> dict[str, Any]:
    """The summary of ``folder`` at rows MIDI 48..71 unless ``settings`` give others: rows that fold too many, whose
    advice these tests read (the default, ``"auto"``, chooses the suggested window itself)."""
    cfg = DataConfig(cache_dir="none", **{"pitch_low": 48, **settings})
    table, report = load_dataset([str(folder)], cfg, jobs=1)
    return data_summary(table, report, cfg)


def table_text(summary: dict[str, Any]) -> str:
    console = Console(record=True, width=400)
    print_summary(console, summary)
    return " ".join(console.export_text().split())


def test_the_window_with_the_fewest_notes_outside_ties_to_the_nearest_then_the_lower():
    counts = {40: 5, 60: 10, 75: 3}
    assert fewest_outside(counts, 24, prefer=48) == PitchWindow(40, 24, 3)  # 37..40 all leave 75's three out
    assert fewest_outside(counts, 24, prefer=0) == PitchWindow(37, 24, 3)
    assert fewest_outside({60: 1}, 12, prefer=48) == PitchWindow(49, 12, 0)  # every window of 49..60 holds it
    assert fewest_outside({50: 1, 71: 1}, 12, prefer=55) == PitchWindow(50, 12, 1)  # 50 and 60 both 5 away
    assert fewest_outside({50: 1, 130: 2}, 128, prefer=0) == PitchWindow(0, 128, 2)  # no MIDI pitch: outside all


def test_it_is_the_best_of_every_window_counted_one_by_one():
    rng = np.random.default_rng(0)
    for _ in range(50):
        pitches, weights = rng.integers(0, 128, size=int(rng.integers(1, 40))), rng.integers(1, 9, size=40)
        counts = {int(p): int(w) for p, w in zip(pitches, weights, strict=False)}
        rows, prefer = int(rng.integers(12, 60)), int(rng.integers(0, 128 - 60))
        left = {low: sum(n for p, n in counts.items() if not low <= p < low + rows) for low in range(129 - rows)}
        fewest = min(left.values())
        expected = min((low for low in left if left[low] == fewest), key=lambda low: (abs(low - prefer), low))
        assert fewest_outside(counts, rows, prefer) == PitchWindow(expected, rows, fewest)


def test_inspect_suggests_the_window_and_folds_exactly_that_under_it(tmp_path):
    # 24 notes over 60..83 in two loops and one at 86: rows 48..71 fold 72..83 and 86 (13 of 25); 60..83
    # folds only 86 (1 of 25, 4.0 %); a window over 86 loses 60..62 (three)
    write_midi(tmp_path / "high.mid", melody(list(range(60, 72)), [*range(72, 84), 86]))
    at_48 = summary_of(tmp_path)
    assert (at_48["folded"], at_48["folded_share"]) == (13, 13 / 25)
    assert at_48["suggested_window"] == {"pitch_low": 60, "pitch_classes": 24, "outside": 1, "outside_share": 0.04}
    assert "pitch rows: --set data.pitch_low=60 folds 4.0%, the fewest of any 24 rows (docs/quickstart.md" in (
        table_text(at_48)
    )
    moved = summary_of(tmp_path, pitch_low=60)
    assert (moved["folded"], moved["folded_share"]) == (1, 0.04)
    assert moved["suggested_window"] == at_48["suggested_window"]
    assert "fewest" not in table_text(moved)  # under the advised share: no line
    dropping = summary_of(tmp_path, out_of_range="drop")
    assert (dropping["dropped"], dropping["suggested_window"]) == (13, at_48["suggested_window"])
    assert "--set data.pitch_low=60 drops 4.0%" in table_text(dropping)


def test_where_no_window_of_that_height_is_good_enough_it_says_to_widen(tmp_path):
    # two octaves and a fifth, 60..91, 32 notes: any 24 rows leave 8 out (25 %)
    write_midi(tmp_path / "wide.mid", melody(list(range(60, 76)), list(range(76, 92))))
    at_48 = summary_of(tmp_path)
    assert at_48["suggested_window"] == {"pitch_low": 60, "pitch_classes": 24, "outside": 8, "outside_share": 0.25}
    text = table_text(at_48)
    assert "--set data.pitch_low=60 folds 25.0%, the fewest of any 24 rows: widen them too (data.pitch_classes;" in text
    at_best = table_text(summary_of(tmp_path, pitch_low=60))
    assert "pitch rows: no 24 rows fold fewer: widen them (data.pitch_classes; docs/quickstart.md, Folded)" in at_best
    wide = summary_of(tmp_path, pitch_low=56, pitch_classes=36)
    assert (wide["folded"], wide["suggested_window"]["outside"]) == (0, 0)


def test_no_note_in_a_loop_suggests_no_window(tmp_path):
    write_midi(tmp_path / "short.mid", melody([60, 62]))  # too few notes for a loop: skipped
    assert summary_of(tmp_path)["suggested_window"] is None


def test_the_parse_cache_keeps_the_pitch_counts(tmp_path):
    """Parsed, then from the set entry (the report entries as JSON), then from the unit entry (packed)."""
    write_midi(tmp_path / "midi" / "high.mid", melody(list(range(60, 72)), [*range(72, 84), 86]))
    cfg = DataConfig(cache_dir=str(tmp_path / "cache"))
    for parsed, then_drop_the_set in ((1, False), (0, True), (0, False)):
        table, report = load_dataset([str(tmp_path / "midi")], cfg, jobs=1)
        assert report.parsed_units == parsed
        assert data_summary(table, report, cfg)["suggested_window"]["pitch_low"] == 60
        if then_drop_the_set:
            shutil.rmtree(tmp_path / "cache" / "sets")
