"""``data.pitch_low = "auto"`` is the default (since 2026-12-07; rows MIDI 48..71 before, which fold a fifth to over a
quarter of the dev sets' notes): a config that does not set it says "auto", a run trained without it chooses the rows
from its data and records the number, and ``mvae data inspect`` without it reads the data at the rows a run would
choose. The data: files whose notes span MIDI 62..85, which only the 24 rows from 62 hold whole."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import AUTO_PITCH_LOW, DataConfig, MvaeConfig, build_config
from tests.synth import SynthNote, write_midi
from tests.training import TINY

STEP = 240  # ticks of a 16th at 960 per beat
LOW, HIGH = 62, 85
UNPINNED = [setting for setting in TINY if not setting.startswith("data.pitch_low=")]
"""The tiny set-up without its pinned rows: the default's."""


@pytest.fixture(scope="module")
def high_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 files × 3 loops of 12 notes on every other 16th, each loop holding LOW and HIGH."""
    folder = tmp_path_factory.mktemp("high")
    rng = np.random.default_rng(1)
    for i in range(3):
        notes = []
        for loop in range(3):
            pitches = [LOW, HIGH, *rng.integers(LOW, HIGH + 1, size=10)]
            notes += [SynthNote(int(p), (32 * loop + 2 * k) * STEP, (32 * loop + 2 * k + 1) * STEP)
                      for k, p in enumerate(pitches)]  # fmt: skip
        write_midi(folder / f"tune_{i}.mid", notes)
    return folder


def test_a_config_that_does_not_set_it_says_auto():
    assert DataConfig().pitch_low == MvaeConfig().data.pitch_low == AUTO_PITCH_LOW == "auto"
    assert build_config(None, UNPINNED).data.pitch_low == "auto"
    assert build_config(None, ["data.pitch_low=48"]).data.pitch_low == 48  # a number still wins


def test_a_run_trained_without_it_records_the_rows_it_chose(high_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([high_dir], run, overrides=[*UNPINNED, "data.cache_dir=none"], plugins=[], epochs=1,
                    progress=False)  # fmt: skip
    config = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    assert config["data"]["pitch_low"] == LOW  # the number, which every later command reads
    assert config["provenance"]["pitch_low"] == "auto"  # and that it was chosen
    assert json.loads((run / "data_report.json").read_text(encoding="utf-8"))["chosen_pitch_low"] == LOW


def test_inspect_without_it_reads_the_data_at_the_rows_a_run_would_choose(high_dir):
    runner = CliRunner()
    inspect = ["data", "inspect", str(high_dir), "--set", "data.cache_dir=none"]
    summary = json.loads(runner.invoke(app, [*inspect, "--json"], catch_exceptions=False).output)["summary"]
    assert (summary["chosen_pitch_rows"], summary["folded"], summary["pitch_range"]) == ([LOW, HIGH], 0, [LOW, HIGH])
    rows = [line for line in runner.invoke(app, inspect, catch_exceptions=False).output.splitlines() if "pitch" in line]
    assert "pitch rows" in rows[0] and "MIDI 62 .. 85, chosen from the data" in rows[0]
