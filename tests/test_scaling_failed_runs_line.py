"""The line ``mvae ablate`` ends with when runs failed. On a Ray cluster whose node could not see ``--out`` or the
data, every run failed with the same error before writing a log, and the command ended with ``error: 4 run(s)
failed (see the summary and DIR/logs)``: a folder that did not exist, and not the one thing that was wrong."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import mvae_core.ablation.session as session
from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.failures import failed_runs_line
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.runner import log_path
from mvae_core.ablation.session import AblationResult
from mvae_core.cli import app

BLIND = (
    "node n7 cannot see /shared/abl: the ablation's output folder and its data must be on storage every Ray node sees"
)


def _failed(config: str, seed: int, error: str) -> dict:
    row = {"config": config, "seed": seed, "status": "failed", "error": error, "stopped_by": "", "warnings": []}
    return row | dict.fromkeys(METRICS, None)


def test_runs_that_all_failed_alike_before_writing_a_log_end_with_that_error(monkeypatch, tmp_path: Path) -> None:
    rows = [_failed(config, seed, BLIND) for config in ("all", "none") for seed in (0, 1)]
    result = AblationResult(
        path=tmp_path,
        configurations=[Configuration("all", ("kl_anneal",)), Configuration("none", ())],
        rows=rows,
        written=[tmp_path / "summary.md"],
        warnings=[],
        plot_missing=None,
    )
    monkeypatch.setattr(session, "ablate", lambda data, **options: result)
    ran = CliRunner().invoke(app, ["ablate", str(tmp_path), "--out", str(tmp_path)], catch_exceptions=False)
    assert ran.exit_code == 1
    said = " ".join(ran.stderr.split())
    assert f"error: 4 runs failed, each with: {BLIND} (see {tmp_path / 'summary.md'})" in said, said


def test_the_logs_folder_is_named_where_a_failed_run_wrote_its_log(tmp_path: Path) -> None:
    log = log_path(tmp_path, "all", 1)
    log.parent.mkdir(parents=True)
    log.write_text("$ mvae train …\nerror: bad\n")
    alike = [_failed("all", 0, "error: bad"), _failed("all", 1, "error: bad")]
    assert (
        failed_runs_line(alike, tmp_path)
        == f"2 runs failed, each with: error: bad (see the summary and {tmp_path / 'logs'})"
    )
    differing = [_failed("all", 0, "error: bad"), _failed("none", 0, "error: worse")]
    assert failed_runs_line(differing, tmp_path) == f"2 runs failed (see the summary and {tmp_path / 'logs'})"
