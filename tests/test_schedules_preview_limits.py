"""How much ``mvae schedules preview`` samples: ``--epochs 100000000 --steps-per-epoch 100000000`` sampled 10^16
points, a command that never ended; a ramp ending at e = 1e308 advised ``--epochs`` with 309 digits."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from schedules.preview import MAX_POINTS


def test_more_points_than_preview_samples_is_a_usage_error_naming_both_options():
    result = CliRunner().invoke(
        app, ["schedules", "preview", "linear", "--epochs", "100000000", "--steps-per-epoch", "100000000"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --epochs 100000000 × --steps-per-epoch 100000000 is 10,000,000,000,000,000 points to sample, more "
        f"than {MAX_POINTS:,}: give fewer steps per epoch (a step's curve shows at 10) or fewer epochs\n"
    )


def test_a_ramp_beyond_what_preview_samples_is_not_told_to_preview_more_epochs():
    result = CliRunner().invoke(app, ["schedules", "preview", "linear", "--set", "delay=1e308", "--epochs", "2"])
    assert result.exit_code == 0
    assert "--epochs 1" not in result.stderr
    assert f"It ends beyond what preview can sample ({MAX_POINTS:,} points): shorten the schedule." in result.stderr


def test_a_ramp_preview_can_reach_still_gets_the_epochs_to_preview():
    result = CliRunner().invoke(app, ["schedules", "preview", "linear", "--epochs", "2"])
    assert "(in epoch 21)" in result.stderr and "Preview with --epochs 21 or more" in result.stderr
