"""Loop files at the edges of generate's ranges: a huge --grid-offset keeps every note in its step's window, a huge
--density sounds every step, and a file name stays short for any latent point."""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.generation import DecodeOptions, Note, choose_cells, point_name
from mvae_core.loop_file import LOOP_TICKS, timed_notes
from tests.training import TINY


@pytest.mark.parametrize("grid_offset", [2.5, 1e6, 1e300, 1.7e308])
def test_a_huge_grid_offset_moves_notes_to_their_step_s_edges_and_no_further(grid_offset: float) -> None:
    """Each offset is exaggerated up to the edge of its step's window, so notes keep their order (a huge offset
    moved them to the file's ends, past every other note)."""
    loops = [
        [Note(0, 3, 0.8, 0.1, -0.5), Note(3, 0, 0.8, 0.1, -0.5), Note(9, 1, 0.8, 0.1, 0.0), Note(31, 2, 0.8, 0.1, 0.5)]
    ]
    notes = timed_notes(loops, MvaeConfig(data=DataConfig(pitch_low=48)), DecodeOptions(grid_offset=grid_offset))
    starts = {note.step: note.start for note in notes}
    step, half = LOOP_TICKS // 32, LOOP_TICKS // 64
    assert starts == {0: 0, 3: 3 * step - half, 9: 9 * step, 31: 31 * step + half}
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


@pytest.mark.parametrize(
    ("point", "name"),
    [
        ([0.5, -1.0], "z_+0.50_-1.00"),
        ([0.0] * 8, "z_" + "_".join(["+0.00"] * 8)),
        ([0.25] * 48, "z_" + "_".join(["+0.25"] * 8) + "_and40more"),
        ([1e30, -2500.0], "z_+1.00e+30_-2.50e+03"),
    ],
)
def test_point_names_stay_short_whatever_the_point(point: list[float], name: str) -> None:
    assert point_name(torch.tensor(point)) == name


def test_generate_writes_a_run_of_many_latent_dimensions(synth_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=[*TINY, "model.latent_dim=48"], epochs=1, progress=False)
    result = CliRunner().invoke(app, ["generate", str(run), "--random", "2", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name[:4] for p in (tmp_path / "s").iterdir()) == ["000_", "001_"]
