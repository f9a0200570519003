"""The console table of ``mvae ablate`` wrote each mean to 3 significant digits with ``g``, which drops trailing
zeros: a spread ratio of 1.0022 printed ``1`` beside another configuration's ``0.998``, as if it were exactly 1 and
less precise. Each column's means are now written to the same places, as many as its values need to read apart."""

from __future__ import annotations

from rich.console import Console

from mvae_core.ablation.cells import column_decimals
from mvae_core.ablation.console_summary import console_table
from mvae_core.ablation.plan import Configuration
from tests.ablation_rows import figure_row


def table_lines(spread: dict[str, float]) -> list[list[str]]:
    rows = [figure_row(config, seed, [130.0]) | {"timing_spread_ratio": ratio, "best_val_elbo": 133.9}
            for config, ratio in spread.items() for seed in range(2)]  # fmt: skip
    console = Console(width=80, record=True)
    console.print(console_table(rows, [Configuration(config, ()) for config in spread]))
    return [line.split() for line in console.export_text().splitlines()]


def test_a_spread_ratio_of_1_0022_reads_apart_from_0_998():
    lines = table_lines({"all": 1.0022, "none": 0.998})
    # epochs, val_elbo, spread ratio, gen. timing std, CPU s: a column whose means are equal keeps its few digits
    assert ["all", "1", "134", "1.002", "1", "1"] in lines
    assert ["none", "1", "134", "0.998", "1", "1"] in lines


def test_a_column_gets_the_places_its_values_need_to_read_apart():
    assert column_decimals([1.0022, 0.998], 3) == 3
    assert column_decimals([1.0022, 1.0031], 3) == 3  # 1.00 and 1.00 at 3 significant digits: one place more
    assert column_decimals([133.9, 133.9], 3) == 0  # 134, as before
    assert column_decimals([3.0, 2.5], 3) == 1  # 3.0 beside 2.5
    assert column_decimals([12345.6, 9.0, None], 3) == 0
