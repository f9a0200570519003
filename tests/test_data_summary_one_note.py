"""The data summary counted one note as ``1 notes`` (a file with one stray note in a short loop, one drum hit)."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.report import print_summary


def summary(**counts: int) -> dict:
    """A summary of one used source whose rows come from ``counts`` (the keys :func:`print_summary` reads)."""
    base = {"sources_ok": 1, "skipped": {}, "loops": 0, "other_meter_bars": 0, "notes": 0, "warnings": {}}
    base |= {"drum_notes": 0, "left_out_notes": 0, "short_loop_notes": 0, "min_onsets": 6, "seconds": 0.0}
    return base | {"cached_units": 0, "parsed_units": 1} | counts


def printed(numbers: dict) -> str:
    out = io.StringIO()
    print_summary(Console(file=out, width=200), numbers)
    return " ".join(out.getvalue().split())


def test_one_note_is_a_note():
    text = printed(summary(short_loop_notes=1, left_out_notes=1, drum_notes=1))
    assert "1 note in loops under data.min_onsets = 6" in text
    assert "1 note of other parts, 1 drum note " in text


def test_more_notes_are_notes():
    text = printed(summary(short_loop_notes=2, left_out_notes=0, drum_notes=64))
    assert "2 notes in loops under" in text and "0 notes of other parts, 64 drum notes" in text
