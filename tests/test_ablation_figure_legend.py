"""ablation.png's curve panel: identical runs (a plugin that never acted, e.g. free bits that never bind) drew one
configuration's curves exactly over another's, hiding them with nothing to say so, and with many configurations the
legend, inside the panel, covered the curves. Now a configuration whose curves are an earlier one's is dashed over
them and labelled ``name (= earlier)``, the caption says what that means, and the legend is outside the axes."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary import METRICS

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")


def _row(config: str, seed: int, curve: list[float]) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "model": "m", "validation_loops": "v", "val_curve": curve} | dict.fromkeys(
            METRICS, 1.0)  # fmt: skip


ARMS = [Configuration(name, ()) for name in ("all", "none", "no-b", "no-c")]
ROWS = [
    row
    for s in range(2)
    for row in (
        _row("all", s, [10.0 + s, 9.0]),
        _row("none", s, [11.0 + s, 10.0]),
        _row("no-b", s, [10.0 + s, 9.0]),  # the same as all's, seed by seed
        _row("no-c", s, [10.0 + s, 9.0 + s]),  # differs from all's in seed 1
    )
]


def test_identical_runs_are_found_and_named_after_the_first_configuration():
    from mvae_core.ablation.figure import coinciding

    assert coinciding(ROWS, ARMS) == {"no-b": "all"}
    assert coinciding([*ROWS, *(_row("no-d", s, [10.0 + s, 9.0]) for s in range(2))],
                      [*ARMS, Configuration("no-d", ())]) == {"no-b": "all", "no-d": "all"}  # fmt: skip
    assert coinciding([r for r in ROWS if r["config"] != "no-b" or r["seed"] == 0], ARMS) == {}  # other seeds


def test_a_hidden_configuration_is_dashed_named_in_the_legend_and_explained_by_the_caption():
    from mvae_core.ablation.figure import figure_of

    figure = figure_of(ROWS, ARMS)
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == ["all", "none", "no-b (= all)", "no-c"]
    curves = figure.axes[0]
    assert not curves.get_legend()  # no legend inside a panel, over the curves
    styles = {
        line.get_label(): line.get_linestyle() for line in curves.get_lines() if not line.get_label().startswith("_")
    }
    assert styles["no-b (= all)"] == "--" and styles["all"] == styles["no-c"] == "-"
    assert "Dashed, (= name): the same curves as name's, drawn over them." in figure.get_supxlabel()
    assert "Dashed" not in figure_of([r for r in ROWS if r["config"] != "no-b"], ARMS[:2] + ARMS[3:]).get_supxlabel()


def test_the_legend_stays_right_of_the_panels_with_many_configurations():
    from mvae_core.ablation.figure import figure_of

    arms = [Configuration(f"only-{i}+a+b+c", ()) for i in range(16)]
    rows = [_row(arm.name, 0, [10.0 + i, 9.0 + i]) for i, arm in enumerate(arms)]
    figure = figure_of(rows, arms)
    figure.canvas.draw()
    (legend,) = [*figure.legends, *(axes.get_legend() for axes in figure.axes if axes.get_legend())]
    renderer = figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    for axes in figure.axes:  # a legend over a panel's area covers its curves
        assert not box.overlaps(axes.get_window_extent(renderer))
