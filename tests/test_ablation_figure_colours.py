"""ablation.png gives every configuration a colour of its own. Before, colours cycled through matplotlib's ten
(``C{i % 10}``), so a factorial plan of five plugins (32 configurations) drew three or four configurations in one
colour, and its legend could not tell them apart."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import expand

pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")


def test_every_configuration_of_a_factorial_plan_has_its_own_colour():
    from matplotlib.colors import to_hex

    from mvae_core.ablation.figure import colours_of

    configs = expand("factorial", ["a", "b", "c", "d", "e"])
    assert len(configs) == 32
    assert len({to_hex(colour) for colour in colours_of(configs).values()}) == 32
    assert list(colours_of(configs[:7]).values()) == [f"C{i}" for i in range(7)]  # the usual colours up to ten
