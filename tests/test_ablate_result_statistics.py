"""A notebook that called ``mvae_core.ablate`` had the rows but not the statistics summary.md prints: the paired
differences, the numbers an ablation is read by, had to be parsed from summary.md or recomputed by hand. The result
now gives both, computed by the same functions as summary.md."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.session import AblationResult


def _row(config: str, seed: int, elbo: float, status: str = "ok") -> dict[str, object]:
    about = {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "model": "melody_rnn"}
    about |= {"status": status, "stopped_by": "max epochs"}
    return about | dict.fromkeys(METRICS) | {"best_val_elbo": elbo, "epochs_run": 3}


ARMS = [Configuration(n, (), ()) for n in ("all", "none", "no-a")]
ROWS = [
    *(_row("all", s, e) for s, e in enumerate([120.0, 130.0, 125.0])),
    *(_row("none", s, e) for s, e in enumerate([121.0, 132.0, 125.5])),
    _row("no-a", 0, 119.0),
    _row("no-a", 1, 0.0, status="failed"),
    _row("no-a", 2, 124.0),
]
RESULT = AblationResult(Path("abl"), ARMS, ROWS, [], [], None)


def test_paired_differences_are_summary_md_s():
    none, no_a = RESULT.paired("all")
    # none − all, seed by seed: 1, 2, 0.5
    d = none["best_val_elbo"]
    assert (none["config"], none["pairs"], d.n) == ("none", 3, 3)
    assert d.mean == pytest.approx(3.5 / 3) and d.std == pytest.approx(
        math.sqrt(((1 - 7 / 6) ** 2 + (2 - 7 / 6) ** 2 + (0.5 - 7 / 6) ** 2) / 2)
    )
    assert d.high - d.mean == pytest.approx(4.303 * d.std / math.sqrt(3))
    assert (no_a["pairs"], no_a["best_val_elbo"].mean) == (2, pytest.approx(-1.0))  # the failed seed 1 is no pair
    assert [d["config"] for d in RESULT.paired("none")] == ["all", "no-a"]


def test_per_configuration_counts_only_ok_runs():
    stats = {e["config"]: e for e in RESULT.per_configuration()}
    assert (stats["no-a"]["runs"], stats["no-a"]["ok"], stats["no-a"]["best_val_elbo"].n) == (3, 2, 2)
    assert stats["all"]["best_val_elbo"].mean == pytest.approx(125.0)
