"""The console's table kept a part of a configuration's name between two ``+`` whole, so a ``--configs`` file's
descriptive name (``timeshift-ramp-only-with-early-stopping-and-variance-monitor-on``, 63 characters, no ``+``) took
the width of an 80-column terminal and every number of the table was cut to ``…``. A name is now broken after a
``-`` too, and inside a part only where that part alone is longer than the column."""

from __future__ import annotations

from rich.console import Console

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import console_table
from mvae_core.ablation.plan import Configuration

NAMES = ["all", "timeshift-ramp-only-with-early-stopping-and-variance-monitor-on", "x" * 40]


def _row(config: str, seed: int) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m"} | dict.fromkeys(METRICS, 1.0) | {
            "best_val_elbo": 133.4 + seed, "cpu_seconds": 2.5 + seed}  # fmt: skip


def test_long_names_leave_every_number_of_the_console_table_whole_in_80_columns():
    arms = [Configuration(name, ()) for name in NAMES]
    console = Console(width=80, record=True)
    console.print(console_table([_row(name, seed) for name in NAMES for seed in range(2)], arms))
    text = console.export_text()
    assert "…" not in text and max(map(len, text.splitlines())) <= 80
    lines = [line.split() for line in text.splitlines()]
    assert ["timeshift-ramp-only-", "1", "134", "1", "1", "3"] in lines  # the name's first line, with the means
    assert ["with-early-stopping-and-", "±", "0", "±", "0.71", "±", "0", "±", "0", "±", "0.71"] in lines
    assert ["variance-monitor-on"] in lines
    assert ["x" * 24, "1", "134", "1", "1", "3"] in lines and [
        "x" * 16,
        "±",
        "0",
        "±",
        "0.71",
        "±",
        "0",
        "±",
        "0",
        "±",
        "0.71",
    ] in lines
