"""A bar of ablation.png's paired panel over fewer pairs than the configuration has (a pair whose runs validated on
other loops, say) is marked ``k of n``, as a per-configuration bar over fewer runs is. Before, the paired bars were
never marked, so a difference of one pair looked like one of every seed."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import Configuration

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

ARMS = [Configuration("none", ()), Configuration("no-a", ())]


def _row(config: str, seed: int, elbo: float, loops: str = "v") -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "model": "m", "validation_loops": loops} | dict.fromkeys(METRICS, 1.0) | {
            "best_val_elbo": elbo}  # fmt: skip


def test_a_paired_bar_over_fewer_values_than_pairs_is_marked():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mvae_core.ablation.figure import _bars, bar_panels

    rows = [_row("none", 0, 10.0), _row("none", 1, 11.0), _row("no-a", 0, 9.0), _row("no-a", 1, 12.0, loops="w")]
    title, bars, word = bar_panels(rows, ARMS)[0]
    ((name, difference, expected),) = bars
    assert (name, difference.n, difference.mean, expected) == ("no-a", 1, -1.0, 2)
    figure = Figure()
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _bars(axes, title, bars, {"no-a": "C1"}, word)
    assert [text.get_text() for text in axes.texts] == ["1 of 2"]
    assert title == "best val_elbo − none (paired)\n(below 0: better)"


def test_a_bar_of_a_configuration_with_a_failed_run_says_over_how_many_seeds():
    from mvae_core.ablation.figure import bar_panels, caption

    rows = [_row("none", 0, 10.0), _row("none", 1, 11.0), _row("no-a", 0, 9.0), _row("no-a", 1, 12.0)]
    rows[3]["status"] = "failed"
    paired_bars, *_, epochs = bar_panels(rows, ARMS)
    assert [(name, e.n, expected) for name, e, expected in paired_bars[1]] == [("no-a", 1, 2)]
    assert [(name, e.n, expected) for name, e, expected in epochs[1]] == [("none", 2, 2), ("no-a", 1, 2)]
    assert "(k of n: over k of the n seeds, the others failed or have no value)" in caption(rows, True)
