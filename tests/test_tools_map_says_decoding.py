"""`mvae map` says what its cells show (helper-433 F4). By default they are the most likely notes at their mean timing,
not what `generate` plays: on a jazz run the map showed one repeated, white (unswung) note per cell while `generate`
wrote varied, swung lines, and neither the figure nor the printed line said why. Both now name the rule and, where it
is not generate's, the options that show what generate plays."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import cli

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae map needs matplotlib: the plot extra")

DEFAULT = "most likely notes, mean timing; --temperature 1 --timing-temperature 1 shows what generate plays"


def drawn_map(run: Path, out: Path, monkeypatch, *options: str) -> tuple[str, str]:
    """The printed output (lines joined) and the figure's title of ``mvae map RUN --out OUT *options``."""
    figures, close = [], plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: figures.append(fig))  # keep the figure to read its title
    result = CliRunner().invoke(cli.app, ["map", str(run), "--out", str(out), "--grid", "2", *options])
    assert result.exit_code == 0, result.output
    title = figures[0].axes[0].get_title()
    close(figures[0])
    return " ".join(result.output.split()), " ".join(title.split())


def test_the_map_says_it_shows_the_most_likely_notes_at_mean_timing_and_how_to_see_what_generate_plays(
    tiny_run: Path, tmp_path: Path, monkeypatch
):
    said, title = drawn_map(tiny_run, tmp_path / "map.png", monkeypatch)
    assert "(2×2 cells, " in said and f" notes: {DEFAULT})" in said
    assert title.endswith(DEFAULT) and "decoded loops over the latent plane" in title
    tools = (Path(__file__).resolve().parents[1] / "docs" / "tools.md").read_text(encoding="utf-8")
    assert f" notes: {DEFAULT})\n" in tools  # the line docs/tools.md shows


def test_the_map_names_only_the_options_left_apart_from_generate(tiny_run: Path, tmp_path: Path, monkeypatch):
    said, title = drawn_map(tiny_run, tmp_path / "a.png", monkeypatch, "--temperature", "1")
    rule = "notes drawn at temperature 1, mean timing; --timing-temperature 1 shows what generate plays"
    assert rule in said and title.endswith(rule)
    said, title = drawn_map(
        tiny_run, tmp_path / "b.png", monkeypatch, "--temperature", "1", "--timing-temperature", "1"
    )
    rule = "notes drawn at temperature 1, timing drawn at timing temperature 1; as generate plays"
    assert rule in said and title.endswith(rule)
