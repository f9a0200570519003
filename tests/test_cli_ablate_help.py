"""``mvae ablate --help`` names each option's value as docs/ablation.md's table and ``mvae train --help`` do
(``--seeds N``, ``--set KEY=VALUE``), not by typer's Python types (``<int>``, ``<list[str]>``)."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app


def test_ablate_help_shows_the_docs_metavars() -> None:
    result = CliRunner().invoke(app, ["ablate", "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    options = [line.split()[1:3] for line in result.stdout.splitlines() if line.startswith("│ --")]
    shown = {option: metavar for option, metavar in options if option != "--help"}
    assert shown == {
        "--plugins": "NAMES", "--mode": "MODE", "--configs": "FILE", "--config": "FILE", "--set": "KEY=VALUE",
        "--seeds": "N", "--epochs": "N", "--jobs": "N", "--samples": "N", "--out": "DIR", "--executor": "NAME",
        "--address": "ADDR", "--cpus-per-run": "N", "--gpus-per-run": "F", "--init-from": "RUN",
    }  # fmt: skip
