"""``mvae evaluate``'s console, as a researcher reads it (helper-489's review):

* the single-run table said neither which way a number is better nor its unit (``velocity_mae 7.954``,
  ``mean_kl 3.074``), and its gap-closed caption did not give the scale (``gap closed -1.352``): it now has the
  comparison's ``goal`` column (from :mod:`mvae_core.goals`), a line of units, and the scale in the caption;
* an interval with an infinite end printed ``[1.5, inf]``: it is now ``[1.5, ∞)``, and ``--json``'s ``[1.5, null]``
  is documented (an end is null only where it is infinite);
* at 80 columns the comparison broke ``≠ 0`` across lines, leaving a lone ``0`` that read as a value."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
from rich.console import Console
from typer.testing import CliRunner

import mvae_core.api as api
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.cli_evaluate import GOALS, _comparison_table
from mvae_core.goals import SHOWN_GOALS, UNITS
from mvae_core.pitch_structure import percentile_interval

PITCH = {"data": 0.84, "generated": 0.87, "baseline": 0.7, "separation": 0.9, "gap_closed": -1.352, "overlap": 0.75}
SPREAD = {"data": [0.83, 0.85], "generated": [0.86, 0.88], "baseline": [0.69, 0.71], "gap_closed": [-1.6, -1.1],
          "gap_scored": 1.0}  # fmt: skip
RESULT = {
    "loops": 40, "notes": 380, "model": "melody_rnn", "seed": 0,
    "reconstruction": {"onset_f1": 0.2, "origin_onset_f1": 0.05, "onset_f1_vs_origin": 4.0, "velocity_mae": 7.954},
    "timing": {"data_std": 0.3, "spread_ratio": 0.97},
    "latent": {"mean_kl": 3.074}, "generated": {"density_ratio": 0.9}, "evaluated": {"weights": "8b6a28eea98168d0"},
    "versions": {"mvae": "0.1.0"},
    "pitch": {"in_key": PITCH, "stepwise": PITCH},
    "intervals": {"resamples": 1000, "level": 0.95, "reconstruction": {"onset_f1_vs_origin": [1.5, float("inf")]},
                  "timing": {"spread_ratio": [0.9, 1.04]}, "pitch": {"in_key": SPREAD, "stepwise": SPREAD}},
}  # fmt: skip


def evaluated(monkeypatch, tmp_path: Path, *more: str) -> str:
    monkeypatch.setattr(api, "evaluate", lambda *args, **kwargs: RESULT)
    monkeypatch.setattr(cli_output.out, "width", 100)
    monkeypatch.chdir(tmp_path)
    printed = CliRunner().invoke(app, ["evaluate", ".", "d", *more], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    return printed.stdout


def rows(stdout: str) -> dict[str, list[str]]:
    """Each number's row of the single-run table: its name → its goal and value cells."""
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in stdout.splitlines() if line.startswith("│")]
    return {row[0]: row[1:] for row in cells if row and row[0]}


def test_each_number_shows_its_goal_from_goals_py(monkeypatch, tmp_path: Path) -> None:
    table = rows(evaluated(monkeypatch, tmp_path))
    for group in ("reconstruction", "timing", "latent", "generated"):
        assert table[group] == ["", ""]  # a group's name heads its rows
        for name in RESULT[group]:
            assert table[name][0] == GOALS[SHOWN_GOALS.get(f"{group}.{name}")], name
    assert table["spread_ratio"] == ["1", "0.97 [0.9, 1.04]"]
    assert table["velocity_mae"][0] == "lower" and table["onset_f1"][0] == "higher"
    assert table["origin_onset_f1"][0] == "-" and table["weights"][0] == ""  # no goal; not a number


def test_a_line_gives_the_goals_and_the_units_and_the_caption_the_scale_of_a_gap(monkeypatch, tmp_path: Path) -> None:
    text = " ".join(evaluated(monkeypatch, tmp_path).split())
    assert "goal: higher or lower is better; 1: nearer 1 is better; data: nearer DATA's own number" in text
    assert "velocity_mae in MIDI velocity (0-127)" in text and "mean_kl, kl_per_dimension in nats" in text
    assert "wasserstein1 in half-steps of the 16th grid" in text
    assert (
        "gap closed: 0 = as far from the data as random notes in the data's key, 1 = like the data, above 1 past"
        in text
    )
    assert "below 0 further from it than random notes" in text
    assert "mean_interval in semitones, pc_entropy in bits" in text
    assert {key.split(".")[0] for key in UNITS} <= {"reconstruction", "timing", "latent", "generated", "pitch"}


def test_an_infinite_end_is_an_open_bracket_in_the_table_and_null_in_json(monkeypatch, tmp_path: Path) -> None:
    assert rows(evaluated(monkeypatch, tmp_path))["onset_f1_vs_origin"] == ["higher", "4 [1.5, ∞)"]
    printed = json.loads(evaluated(monkeypatch, tmp_path, "--json"))
    assert printed["intervals"]["reconstruction"]["onset_f1_vs_origin"] == [1.5, None]


def test_an_interval_end_is_never_nan_so_a_null_end_is_infinite() -> None:
    values = np.array([1.0, np.nan, 2.0, np.inf, np.inf, np.inf, np.nan, 1.5])
    low, high = percentile_interval(values)
    assert low == 1.0 and high == np.inf  # NaN resamples are left out; an infinite one is kept
    assert percentile_interval(np.array([np.nan, np.nan])) is None  # no end at all: the whole interval is null


def comparison() -> dict:
    """The comparison docs/evaluation.md shows, on quantized Essen tunes: timing errors of 1e-4 with wide intervals."""
    entry = {"a": 0.0003989, "b": 0.0001475, "difference": 0.0002514, "interval": [8.81e-05, 0.000455],
             "excludes_zero": True, "better_is": "lower", "better": "b"}  # fmt: skip
    wasserstein = entry | {"a": 0.0002403, "b": 0.0002365, "difference": 3.74e-06, "interval": [-0.000463, 0.00048],
                           "excludes_zero": False, "better": "neither"}  # fmt: skip
    density = entry | {"a": 0.86, "b": 0.8928, "difference": -0.03282, "interval": [-0.053, -0.0127],
                       "better_is": "nearer 1"}  # fmt: skip
    numbers = {"reconstruction.timing_mae_half_steps": entry, "timing.wasserstein1": wasserstein,
               "generated.density_ratio": density}  # fmt: skip
    return {"level": 0.95, "numbers": numbers}


def test_the_mark_that_an_interval_excludes_0_is_never_broken(monkeypatch) -> None:
    for width in (100, 80, 76):
        console = Console(file=io.StringIO(), width=width, color_system=None)
        console.print(_comparison_table(comparison(), width), crop=False)
        lines = console.file.getvalue().splitlines()
        assert max(map(len, lines)) <= width, lines
        assert not [line for line in lines if line.split() == ["0"] or re.search(r"≠\s*$", line)], lines
        assert sum(bool(re.search(r"≠\s0", line)) for line in lines) == 2, lines
