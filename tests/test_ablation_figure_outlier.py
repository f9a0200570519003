"""ablation.png dashed a mean curve drawn on an earlier configuration's, and its caption named the two as coinciding,
when they were within 0.5 % of the panel's height at every epoch. One configuration far out (a loss that blew up, a
first epoch far above the rest) makes that height large, so configurations that differed (here by 1 val_elbo of
~100, a large effect) were called coinciding: a reader of the caption took them for runs that did not differ. The
height is now the panel's without the configuration farthest from the others (:func:`figure.panel_height`)."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import Configuration
from tests.ablation_rows import figure_row

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")


ARMS = [Configuration(name, ()) for name in ("all", "no-b", "no-c", "no-d")]


def _rows(blown_up: list[float]) -> list[dict]:
    return [
        row
        for s in range(2)
        for row in (
            figure_row("all", s, [110.0 + s, 105.0, 100.0]),
            figure_row("no-b", s, [111.0 + s, 106.0, 101.0]),  # 1 above all's at every epoch
            figure_row("no-c", s, blown_up),
            figure_row("no-d", s, [110.0 + s, 105.0, 100.0]),  # all's runs again
        )
    ]


@pytest.mark.parametrize("blown_up", [[1000.0, 900.0, 800.0], [5000.0, 101.0, 99.0]], ids=["loss", "first epoch"])
def test_a_configuration_far_out_does_not_make_curves_that_differ_coincide(blown_up):
    from mvae_core.ablation.figure import figure_of

    said = figure_of(_rows(blown_up), ARMS).get_supxlabel()
    assert "no-b on" not in said  # before: '(top, no-b on all, no-d on all)'
    assert "(top, no-d on all); that height leaves out the configuration farthest from the others." in said


def test_the_height_leaves_out_the_configuration_that_widens_it_most():
    from mvae_core.ablation.figure import panel_height

    runs = {"all": [[110.0, 100.0]], "no-b": [[111.0, 101.0]], "no-c": [[1000.0, 800.0]]}
    assert panel_height(runs) == 11.0  # all's and no-b's span, without no-c's
    assert panel_height({"all": [[1.0, -2.0]], "no-b": [[3.0, float("nan")]]}, also=(0.0,)) == 3.0  # no-b's and 0
    assert panel_height({"all": [[110.0, 100.0]]}) == 0.0  # nothing to coincide with
