"""evaluate's warning about held-out files the run trained on gave a few loops of many as "0%" (2 of 534 loops on the
dev Essen tunes), which reads as none."""

from __future__ import annotations

from pathlib import Path

from mvae_core.api import trained_on_note


def test_a_share_under_half_a_percent_is_said_as_under_one_percent():
    note = trained_on_note(Path("runs/a"), ["a.mid", "b.mid"], 109, (2, 534))
    assert note.startswith("2 of the 109 evaluated files (2 of 534 loops, <1%) are files runs/a trained on")
    assert "(27 of 534 loops, 5%)" in trained_on_note(Path("runs/a"), ["a.mid", "b.mid"], 109, (27, 534))
