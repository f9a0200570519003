"""ablation.png: the bars of a configuration whose every run failed say ``failed``; they said the word of a metric's
undefined value, ``quantized`` under the timing spread ratio (as if its runs had trained on quantized music) and
``n/a`` elsewhere, and ``–`` in the paired panel."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import Configuration

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

ARMS = [Configuration("all", ("a",)), Configuration("none", ()), Configuration("hot", ())]


def _row(config: str, seed: int, status: str = "ok") -> dict:
    values = dict.fromkeys(METRICS, None) if status == "failed" else dict.fromkeys(METRICS, 1.0)
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": status, "warnings": [],
            "stopped_by": "max epochs", "model": "m", "validation_loops": "v"} | values  # fmt: skip


def test_every_bar_of_a_configuration_whose_runs_all_failed_says_failed():
    from mvae_core.ablation.figure import bar_panels

    rows = [_row(c.name, s, "failed" if c.name == "hot" else "ok") for c in ARMS for s in (0, 1)]
    panels = bar_panels(rows, ARMS)
    assert [title.split("\n")[0] for title, _, _ in panels] == [
        "best val_elbo − none (paired)", "gen. timing std", "timing_spread_ratio", "epochs"
    ]  # fmt: skip
    for _, bars, words in panels:
        assert [name for name, e, _ in bars if e.mean is None] == ["hot"]
        assert words["hot"] == "failed"
    assert panels[2][2]["all"] == "quantized"  # the word of an ok run's undefined spread ratio stays


def test_the_bars_of_a_configuration_whose_runs_never_started_say_so():
    """A Ray node that cannot see the data: nothing trained, nothing failed; the bars said ``failed``."""
    from mvae_core.ablation.figure import bar_panels

    rows = [_row(c.name, s, "failed" if c.name == "hot" else "ok") for c in ARMS for s in (0, 1)]
    rows = [r | {"status": "not started"} if r["config"] == "hot" else r for r in rows]
    for _, _, words in bar_panels(rows, ARMS):
        assert words["hot"] == "not started"
    rows[-1]["status"] = "failed"  # one of hot's runs started and failed
    assert all(words["hot"] == "failed" for _, _, words in bar_panels(rows, ARMS))


def test_the_paired_bars_say_failed_when_the_references_runs_all_failed():
    from mvae_core.ablation.figure import bar_panels

    rows = [_row(c.name, s, "failed" if c.name == "none" else "ok") for c in ARMS for s in (0, 1)]
    (title, bars, words), *_ = bar_panels(rows, ARMS)
    assert title.startswith("best val_elbo − none") and [(name, e.n) for name, e, _ in bars] == [("all", 0), ("hot", 0)]
    assert (words["all"], words["hot"]) == ("failed", "failed")


def test_the_figure_writes_the_word_in_the_failed_configurations_place(tmp_path):
    from matplotlib.figure import Figure

    from mvae_core.ablation.figure import _bars, bar_panels

    rows = [_row(c.name, s, "failed" if c.name == "hot" else "ok") for c in ARMS for s in (0, 1)]
    title, bars, words = bar_panels(rows, ARMS)[2]
    axes = Figure().add_subplot()
    _bars(axes, title, bars, {"all": "C0", "none": "C1", "hot": "C2"}, words)
    assert [text.get_text() for text in axes.texts] == ["failed"]


def test_the_last_configuration_without_a_bar_keeps_its_whole_slot_inside_the_panel():
    """Its word was drawn on the panel's right edge, over the next panel's axis: no bar widened the view to its
    slot, only its tick."""
    from matplotlib.figure import Figure

    from mvae_core.ablation.figure import _bars, bar_panels

    rows = [_row(c.name, s, "failed" if c.name == "hot" else "ok") for c in ARMS for s in (0, 1)]
    title, bars, words = bar_panels(rows, ARMS)[2]
    axes = Figure().add_subplot()
    _bars(axes, title, bars, {"all": "C0", "none": "C1", "hot": "C2"}, words)
    low, high = axes.get_xlim()
    assert low <= -0.4 and high >= len(bars) - 1 + 0.4  # half a bar's width (0.8) on either side of every slot
