"""Summary rows of an ablation's runs, built directly (no training) for the tests of its figure."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.columns import GENERATED, METRICS


def figure_row(config: str, seed: int, curve: list[float], status: str = "ok") -> dict[str, Any]:
    """The row of ``config``'s run of ``seed``, whose ``val_elbo`` per epoch is ``curve``: every metric 1.0 for an ok
    run, none for a failed one; the data's own value of each generated column (``data_own``, as an ablation's rows
    carry it) 1.0 too."""
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": status, "warnings": [],
            "stopped_by": "max epochs", "model": "m", "validation_loops": "v", "val_curve": curve,
            "data_own": dict.fromkeys(GENERATED, 1.0)} | dict.fromkeys(
            METRICS, 1.0 if status == "ok" else None)  # fmt: skip
