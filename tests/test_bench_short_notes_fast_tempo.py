"""bench/short_notes.py measures notes against the gap files keep at the tempo: above 375 bpm that is half a step,
not 20 ms. At 800 bpm it counted every note shorter than 20 ms (85 of 266 of a jazz run's, 33 'cut by the next
start') where no note is shorter than the gap, and its header said 'gap 20 ms'."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench import run_main


def test_at_800_bpm_no_note_is_shorter_than_the_gap_of_half_a_step(tiny_run: Path) -> None:
    lines = run_main("short_notes.py", str(tiny_run), "--points", "12", "--tempo", "800", "--grid-offsets", "1,2")
    lines = lines.strip().splitlines()
    assert "gap 9.38 ms" in lines[0]  # half of a 18.75 ms step
    for row in json.loads(lines[-1])["rows"].values():
        assert row["notes"] > 0 and row["shorter_than_gap"] == 0 and row["cut_by_next_start"] == 0, row
