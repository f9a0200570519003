"""What drawing ablation.png costs: each constrained layout of the figure measures every panel's labels (about 0.2 s
of CPU for leave-one-out's seven configurations), and saving a figure that still has its layout engine lays it out
once more and draws it twice (once without rendering, for the layout). The figure is laid out when ``figure_of``
returns it, so saving it draws it once and lays out nothing; where the names fit under the bars, once is all it is
laid out (the caption is placed before the layout that measures the names, and the panels' one grid needs no second
layout to set its rows' heights)."""

from __future__ import annotations

from collections import Counter

import pytest

from mvae_core.ablation.plan import expand
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")

PLUGINS = ["kl_anneal", "ts_ramp", "lr_step_decay", "early_stopping", "ts_variance_monitor"]


@pytest.fixture(scope="module")
def counted(tmp_path_factory) -> dict[str, Counter]:
    """The layouts and figure draws of building (``figure_of``) and of saving (``savefig``) a leave-one-out figure,
    counted by wrapping matplotlib's own methods (each still runs)."""
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from mvae_core.ablation.figure import figure_of

    arms = expand("leave-one-out", PLUGINS)
    rows = [figure_row(arm.name, seed, [300.0, 150.0 + i + seed]) for i, arm in enumerate(arms) for seed in range(2)]
    counts: dict[str, Counter] = {"build": Counter(), "save": Counter()}
    phase = "build"

    def counting(name, method):
        def wrapper(*args, **kwargs):
            counts[phase][name] += 1
            return method(*args, **kwargs)

        return wrapper

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ConstrainedLayoutEngine, "execute", counting("layouts", ConstrainedLayoutEngine.execute))
        patch.setattr(Figure, "draw", counting("draws", Figure.draw))
        figure = figure_of(rows, arms)
        phase = "save"
        figure.savefig(tmp_path_factory.mktemp("figure") / "ablation.png")
    return counts


def test_saving_the_figure_draws_it_once_and_lays_nothing_out(counted):
    assert counted["save"] == Counter(draws=1), counted  # before: one layout and two draws


def test_a_figure_whose_names_fit_is_laid_out_once(counted):
    assert counted["build"] == Counter(layouts=1), counted  # before: three, and no draw
