"""Every number of the ablation's summary says its unit where it is read: summary.md has a line of units under its
table, summary.json a ``units`` key, and the figure's bar panels a unit under each title. Before, nothing but
docs/ablation.md said that ``gen. timing std`` is in half-steps of the 16th grid, or what ``best val_elbo`` is per."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS, UNITS
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]


def _row(config: str, seed: int) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m"} | dict.fromkeys(METRICS, 1.0)  # fmt: skip


def test_every_metric_has_a_unit_said_in_summary_md_and_summary_json():
    assert list(UNITS) == list(METRICS)
    rows = [_row(c, s) for c in ("all", "none") for s in (0, 1)]
    text = markdown(rows, ARMS, ["about"])
    assert "Units: epochs: epochs; best val_elbo: a loss per validation loop, summed over its steps or cells;" in text
    assert "gen. timing std: half-steps of the 16th grid;" in text
    assert statistics(rows, ARMS, ("all",))["units"]["gen_timing_std"] == "half-steps of the 16th grid"


def test_a_paired_table_says_its_sign_and_unit_where_it_is_read():
    text = markdown([_row(c, s) for c in ("all", "none") for s in (0, 1)], ARMS, ["about"])
    section = text[text.index("## Paired differences against `all`") :]
    assert section.split("\n\n")[1].startswith(
        "Configuration − `all`, run by run with the same seed, in each column's unit (above): below 0, the "
        "configuration's value is the lower"
    )


def test_the_figures_bar_panels_name_their_unit():
    pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")
    from mvae_core.ablation.figure import bar_title

    assert bar_title("gen_timing_std") == "gen. timing std\n(half-steps of the 16th grid)"
    assert bar_title("epochs_run") == "epochs"  # the name says it
