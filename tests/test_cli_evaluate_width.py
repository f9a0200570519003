"""``mvae evaluate``'s tables fit the terminal, every number whole: at 80 columns the pitch-structure table (seven
columns of numbers) was drawn 83 characters wide, so the terminal broke every one of its lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core.api as api
from mvae_core import cli_output
from mvae_core.cli import app

PITCH = {"data": 0.9667, "generated": -1.234e-05, "baseline": 0.9136, "separation": 0.677, "gap_closed": -0.06134,
         "overlap": 0.6658}  # fmt: skip
SPREAD = {"data": [0.9512, 0.9801], "generated": [-2.345e-05, -1.012e-05], "baseline": [0.9012, 0.9256],
          "gap_closed": [-0.07912, -0.04434], "gap_scored": 1.0}  # fmt: skip
PITCH_FEATURES = ("in_key", "mean_interval", "stepwise", "pc_entropy", "notes")
RESULT = {
    "loops": 184, "notes": 1311, "model": "melody_rnn", "seed": 0,
    **{group: {"n": 1.0} for group in ("reconstruction", "timing", "latent", "generated", "evaluated", "versions")},
    "pitch": {feature: PITCH for feature in PITCH_FEATURES},
    "intervals": {"resamples": 1000, "level": 0.95, "pitch": {feature: SPREAD for feature in PITCH_FEATURES}},
}  # fmt: skip


@pytest.mark.parametrize("width", [80, 100])
def test_every_line_fits_the_terminal(monkeypatch, tmp_path: Path, width: int) -> None:
    monkeypatch.setattr(api, "evaluate", lambda *args, **kwargs: RESULT)
    monkeypatch.setattr(cli_output.out, "width", width)
    monkeypatch.chdir(tmp_path)  # its first line names the run as given: a short name, whatever the temporary path
    printed = CliRunner().invoke(app, ["evaluate", ".", "d"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    lines = printed.stdout.splitlines()
    table = [line for line in lines if not line.startswith("gap closed:")]  # the caption: prose, soft-wrapped
    assert max(map(len, table)) <= width, printed.stdout
    rows = [line.split() for line in lines if line.split()[:1] == ["mean_interval"]]
    assert rows == [["mean_interval", "0.9667", "-1.234e-05", "0.9136", "0.677", "-0.06134", "0.6658"]], lines
    start = next(k for k, line in enumerate(lines) if line.split()[:1] == ["mean_interval"])
    end = next(k for k, line in enumerate(lines) if line.split()[:1] == ["stepwise"])
    under = [word for line in lines[start + 1 : end] for word in line.split()]  # its intervals, wrapped at spaces
    assert sorted(under) == sorted(["[-2.35e-05,", "-1.01e-05]", "[-0.0791,", "-0.0443]"]), lines  # whole numbers
