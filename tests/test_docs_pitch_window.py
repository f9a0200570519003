"""docs/quickstart.md (Look at your data first, Folded) tells a musician whose solos sit above the default pitch rows
how to choose a window, with the folded notes of twelve saxophone solos of the dev set under three windows: the
numbers are what ``mvae data inspect`` counts for those files now, and the window it names for them (the fewest
folded of any 24 rows) is the one the paragraph says."""

from __future__ import annotations

import re
from pathlib import Path

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.report import data_summary

QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"
SOLOS = ("wjd00[1-6]_ArtPepper_*.mid", "wjd03[1-6]_BobBerg_*.mid")
WINDOWS = ((48, 24), (54, 24), (50, 36))
"""(data.pitch_low, data.pitch_classes): the default, then the two the paragraph compares."""


def flat() -> str:
    """quickstart.md with its lines joined by single spaces."""
    return " ".join(QUICKSTART.read_text(encoding="utf-8").split())


def quoted() -> tuple[int, list[tuple[int, str]]]:
    """The notes in the solos' loops, and the folded notes with their percentage under the three windows of
    :data:`WINDOWS`, in that order, as the paragraph says them."""
    text = " ".join(flat().split("For twelve saxophone solos", 1)[1].split()[:60])
    notes = int(re.search(r"([\d,]+) notes in their loops", text)[1].replace(",", ""))
    folded = re.findall(r"([\d,]+) (?:notes )?\(([\d.]+) %\)", text)[: len(WINDOWS)]
    return notes, [(int(count.replace(",", "")), percent) for count, percent in folded]


def test_the_folded_notes_quickstart_quotes_are_what_inspect_counts(dev_data, tmp_path):
    files = sorted(str(f) for pattern in SOLOS for f in (dev_data / "wjd_performed").glob(pattern))
    assert len(files) == 12
    notes, folded = quoted()
    suggested = re.search(r"`data inspect` names `pitch_low=(\d+)` itself, the fewest of any 24 rows", flat())
    assert suggested, "quickstart.md: '`data inspect` names `pitch_low=N` itself, the fewest of any 24 rows'"
    for (pitch_low, pitch_classes), (said, percent) in zip(WINDOWS, folded, strict=True):
        cfg = DataConfig(pitch_low=pitch_low, pitch_classes=pitch_classes, cache_dir=str(tmp_path))
        table, report = load_dataset(files, cfg, jobs=1)
        if (pitch_low, pitch_classes) == WINDOWS[0]:
            assert data_summary(table, report, cfg)["suggested_window"]["pitch_low"] == int(suggested[1])
        assert report.totals()["folded"] == said, (pitch_low, pitch_classes)
        assert sum(int(e["notes_in_file"]) - int(e["outside_loops"]) for e in report.ok) == notes
        assert percent == f"{100 * said / notes:.2g}", (pitch_low, pitch_classes)
