"""Summary rows of an ablation's runs, built directly (no training) for the tests of its figure."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.columns import METRICS


def figure_row(config: str, seed: int, curve: list[float], status: str = "ok") -> dict[str, Any]:
    """The row of ``config``'s run of ``seed``, whose ``val_elbo`` per epoch is ``curve``: every metric 1.0 for an ok
    run, none for a failed one."""
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": status, "warnings": [],
            "stopped_by": "max epochs", "model": "m", "validation_loops": "v", "val_curve": curve} | dict.fromkeys(
            METRICS, 1.0 if status == "ok" else None)  # fmt: skip
