"""Grouped warnings whose own parts all end with the same mark before the shared text put the mark in the shared
text: the `recovered` warnings of two files read ``where "…" is, by source: a.mid: 21 note(s) ... (the first at tick
181):``, each line ending in a colon that belonged to the sentence after it."""

from __future__ import annotations

import io

from rich.console import Console

from mvae_core.data.load import DataReport
from mvae_core.report import print_skips

HELD = "each is held to the end of its track, as a player holds it"


def _entry(source: str, message: str) -> dict:
    return {"source": source, "status": "ok", "warnings": [{"kind": "recovered", "message": message}]}


def test_a_mark_that_every_own_part_ends_with_goes_to_the_shared_text() -> None:
    report = DataReport(
        entries=[
            _entry("a.mid", f"21 notes of the melody have no note-off (the first at tick 181): {HELD}"),
            _entry("b.mid", f"5 notes of the melody have no note-off (the first at tick 6,480): {HELD}"),
        ]
    )
    out = io.StringIO()
    print_skips(Console(file=out, width=300), report)
    assert out.getvalue().splitlines() == [
        f'  warning, recovered (2 sources): "…: {HELD}", where "…" is, by source:',
        "    a.mid: 21 notes of the melody have no note-off (the first at tick 181)",
        "    b.mid: 5 notes of the melody have no note-off (the first at tick 6,480)",
    ]
