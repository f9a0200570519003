"""Loop files at the edges of generate's ranges: a huge --grid-offset keeps every note in the file, a huge
--density sounds every step."""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import MvaeConfig
from mvae_core.generation import DecodeOptions, Note, choose_cells
from mvae_core.loop_file import LOOP_TICKS, MIN_NOTE_TICKS, timed_notes


@pytest.mark.parametrize("grid_offset", [1e6, 1e300, 1.7e308])
def test_a_huge_grid_offset_moves_notes_to_the_files_ends(grid_offset: float) -> None:
    loops = [[Note(3, 0, 0.8, 0.1, -0.5), Note(9, 1, 0.8, 0.1, 0.0), Note(20, 2, 0.8, 0.1, 0.5)]]
    notes = timed_notes(loops, MvaeConfig(), DecodeOptions(grid_offset=grid_offset))
    starts = {note.step: note.start for note in notes}
    assert starts == {3: 0, 9: 9 * LOOP_TICKS // 32, 20: LOOP_TICKS - MIN_NOTE_TICKS}
    assert all(0 <= note.start < note.end <= LOOP_TICKS for note in notes)


def test_generate_with_the_largest_grid_offset_writes_a_loop_exact_file(tiny_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "far.mid"
    args = ["generate", str(tiny_run), "--z", "0,0", "--grid-offset", "1e308", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert mido.MidiFile(out).length == pytest.approx(4.0)


@pytest.mark.parametrize("poly", [False, True])
def test_the_largest_density_at_temperature_0_sounds_every_step_or_cell(poly: bool) -> None:
    onset = np.full((4, 32), 0.3)
    _, steps = choose_cells(onset, DecodeOptions(density=1.7e308, temperature=0, poly=poly), None)
    assert len(steps) == (onset.size if poly else 32)
