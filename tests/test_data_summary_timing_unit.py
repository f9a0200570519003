"""The data summary's timing spread names its unit in full: a musician read ``std 0.566 half-steps`` as a spread of
semitones. quickstart says what a half-step of the 16th grid is, in notes and in ms."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.data.loops import STEPS_PER_BEAT

QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"


def test_the_timing_spread_row_says_half_steps_of_what(synth_dir, wide_console):
    result = CliRunner().invoke(app, ["data", "inspect", str(synth_dir)])
    assert result.exit_code == 0, result.output
    row = re.search(r"│ timing spread\s+│ (.*?)\s+│", result.stdout)
    assert row, result.stdout
    assert re.fullmatch(r"std \d\.\d{3} half-steps of the 16th grid, \d+\.\d% within ±0\.05", row.group(1)), row.group(
        1
    )


def test_quickstart_gives_a_half_step_in_notes_and_ms():
    text = " ".join(QUICKSTART.read_text(encoding="utf-8").split())
    bullet = text.split("**Timing spread**", 1)[1].split("- **", 1)[0]
    assert "half a 16th note (a 32nd" in bullet and "not a semitone" in bullet
    ms = float(re.search(r"([\d.]+) ms at 120 bpm", bullet).group(1))
    assert ms == 60 / 120 / STEPS_PER_BEAT / 2 * 1000
