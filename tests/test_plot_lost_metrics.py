"""``mvae plot`` of a run whose metrics.jsonl is gone names the cause by what else the run holds (helper-435 F10)."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from mvae_core.cli import app


def test_a_trained_run_without_its_metrics_is_not_said_to_have_no_finished_epoch(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")
    (run / "metrics.jsonl").unlink()
    result = CliRunner().invoke(app, ["plot", str(run), "--out", str(tmp_path / "c.png")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "no epoch has finished yet" not in said, said
    assert (
        f"error: {run}: no metrics.jsonl there, though epochs finished (model.safetensors is there): the file that "
        "records them was removed; restore metrics.jsonl from a backup to plot its curves" in said
    ), said
    assert not (tmp_path / "c.png").exists()
