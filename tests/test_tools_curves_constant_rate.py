"""`mvae plot`'s learning-rate panel of a run whose rate never changed (every run shorter than lr_step_decay's 8
epochs, `make demo`'s among them) shows a flat line from 0, not matplotlib's ±4 % span around it, whose ticks
(0.96 .. 1.04, ×1e-3) read as a rate that changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import cli

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")


def test_a_constant_learning_rate_is_drawn_from_zero(tiny_run: Path, tmp_path: Path, monkeypatch):
    rates = {json.loads(line)["lr"] for line in (tiny_run / "metrics.jsonl").read_text().splitlines()}
    assert len(rates) == 1, rates  # the fixture's run is shorter than lr_step_decay's first step
    drawn, close = [], plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: drawn.append(fig))  # keep the figure to read its axes
    result = CliRunner().invoke(cli.app, ["plot", str(tiny_run), "--out", str(tmp_path / "curves.png")])
    assert result.exit_code == 0, result.output
    (panel,) = [ax for ax in drawn[0].axes if ax.get_title() == "learning rate"]
    low, high = panel.get_ylim()
    assert low == 0 and high > rates.pop()
    close(drawn[0])
