"""summary.json: the statistics of summary.md as plain data, unrounded, so a paper's table can be scripted from the
command's output. Before, they were only in summary.md's Markdown cells, rounded to 4 significant digits
(`30.71 ± 1.2 [20.02, 41.39]`), and summary.csv held the runs but no statistics."""

from __future__ import annotations

import csv
import json
import math
import shutil
import statistics as st
from pathlib import Path

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_json import statistics


def _row(config: str, seed: int, **values: float | None) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m",
            "produced": "new"} | dict.fromkeys(METRICS) | values  # fmt: skip


def test_the_statistics_are_the_tables_numbers_unrounded():
    arms = [Configuration("all", ("a",)), Configuration("none", (), ("train.lr=0.1",))]
    rows = [_row("all", 0, best_val_elbo=10.0), _row("all", 1, best_val_elbo=12.0, timing_spread_ratio=0.9),
            _row("none", 0, best_val_elbo=11.0), _row("none", 1, best_val_elbo=13.1),
            _row("none", 2, best_val_elbo=99.0) | {"status": "failed", "error": "boom", "exit_code": 1,
                                                     "action": "new", "failure": "exited non-zero"}]  # fmt: skip
    rows[0]["warnings"] = rows[1]["warnings"] = ["kl_anneal: the run ends first"]
    numbers = statistics(rows, arms, ("all", "none"))
    first = numbers["configurations"][0]
    assert (first["config"], first["plugins"], first["runs"], first["ok"]) == ("all", ["a"], 2, 2)
    assert numbers["configurations"][1]["runs"] == 3 and numbers["configurations"][1]["ok"] == 2
    assert numbers["configurations"][1]["overrides"] == ["train.lr=0.1"]
    elbo = first["metrics"]["best_val_elbo"]
    assert (elbo["n"], elbo["mean"], elbo["std"]) == (2, 11.0, pytest.approx(math.sqrt(2)))
    assert elbo["high"] == pytest.approx(11.0 + 12.706 * math.sqrt(2) / math.sqrt(2))
    assert first["metrics"]["timing_spread_ratio"] | {"missing": None} == {
        "n": 1, "mean": 0.9, "std": None, "low": None, "high": None, "missing": None}  # fmt: skip
    assert first["metrics"]["timing_spread_ratio"]["missing"] == {"quantized": 1}
    (none,) = numbers["paired"]["all"]
    difference = none["metrics"]["best_val_elbo"]
    assert (none["config"], none["pairs"], difference["mean"]) == ("none", 2, pytest.approx(1.05))
    assert difference["excludes_zero"] is True and difference["low"] == pytest.approx(1.05 - 12.706 * 0.05)
    assert numbers["directions"]["best_val_elbo"] == "lower is better (a loss)"
    assert "seed-all" not in statistics(rows, arms, ("all", "seed-all"))["paired"]
    assert first["warnings"] == [{"warning": "kl_anneal: the run ends first", "seeds": [0, 1]}]
    assert numbers["failed"] == [
        {
            "config": "none",
            "seed": 2,
            "run": "runs/none/seed-2",
            "status": "failed",
            "action": "new",
            "produced": "new",
            "exit_code": 1,
            "failure": "exited non-zero",
            "error": "boom",
        }
    ]


@pytest.mark.slow
def test_the_command_writes_summary_json_with_the_runs_statistics(tiny_ablation):
    out, _, first = tiny_ablation
    assert first.exit_code == 0, first.output

    def refuse(constant: str) -> None:
        raise AssertionError(f"summary.json holds {constant}: not strict JSON")

    numbers = json.loads((out / "summary.json").read_text(encoding="utf-8"), parse_constant=refuse)
    assert str(out / "summary.json") in first.output
    with open(out / "summary.csv", encoding="utf-8") as handle:
        runs = list(csv.DictReader(handle))
    for entry in numbers["configurations"]:
        values = [float(r["best_val_elbo"]) for r in runs if r["config"] == entry["config"]]
        assert entry["metrics"]["best_val_elbo"]["mean"] == pytest.approx(st.mean(values), rel=1e-9)
        assert entry["metrics"]["best_val_elbo"]["std"] == pytest.approx(st.stdev(values), rel=1e-9)
    assert list(numbers["paired"]) == ["all", "none"] and numbers["seeds"] == 2 and numbers["samples"] == 32


def test_summary_json_holds_the_plugins_numbers_of_summary_md():
    """summary.md's table of the plugins' numbers (a loss term's last validation value, a recorded number) was
    missing from summary.json: a script could not tabulate, say, the KL multiplier each configuration ended with."""
    arms = [Configuration("all", ("a",)), Configuration("none", ())]
    rows = [_row("all", s) | {"plugin_numbers": {"plugins.a.weight": w}} for s, w in ((0, 0.5), (1, 0.7))]
    rows += [_row("none", 0), _row("all", 2) | {"status": "failed", "plugin_numbers": {"plugins.a.weight": 9.0}}]
    first, second = statistics(rows, arms, ("all",))["configurations"]
    weight = first["plugin_numbers"]["plugins.a.weight"]
    assert (weight["n"], weight["mean"], weight["std"]) == (2, pytest.approx(0.6), pytest.approx(math.sqrt(0.02)))
    assert weight["high"] == pytest.approx(0.6 + 12.706 * math.sqrt(0.02) / math.sqrt(2), rel=1e-4)
    assert second["plugin_numbers"] == {}  # the plugin is not in the configuration: no entry, as summary.md's –


@pytest.mark.slow
def test_summary_json_names_the_data_by_absolute_path(tiny_ablation, tmp_path, monkeypatch):
    """summary.json's ``data`` was DATA as typed (``["midi"]`` for ``mvae ablate midi …``), which a script gathering
    the summaries of several folders cannot find; it is now absolute, as ``mvae evaluate --json``'s ``data``."""
    from typer.testing import CliRunner

    from mvae_core.cli import app
    from tests.training import TINY

    finished, args, first = tiny_ablation  # finished runs: the re-run only summarises
    assert first.exit_code == 0, first.output
    out = shutil.copytree(finished, tmp_path / "abl")
    data = Path(args[1])
    monkeypatch.chdir(data.parent)
    again = [str(a) for a in [args[0], data.name, *args[2:], *(a for s in TINY for a in ("--set", s)), "--out", out]]
    result = CliRunner().invoke(app, again, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["data"] == [str(data.resolve())]
