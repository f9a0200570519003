"""``mvae ablate --samples`` has evaluate's limit (10,000): 10**8 trained every run first, then each run's decode of
its points in one batch never finished (or ran out of memory), with the summary still to come."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app


def test_more_samples_than_evaluate_takes_are_refused_before_anything_is_written(tmp_path, synth_dir):
    out = tmp_path / "abl"
    args = [
        "ablate",
        str(synth_dir),
        "--plugins",
        "kl_anneal",
        "--epochs",
        "1",
        "--samples",
        "10001",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: --samples must be at most 10000, got 10001\n"
    assert not out.exists()
