"""``mvae plot`` of runs of different models says so (helper-489 F4): ``mvae plot rnn seed`` overlaid the two runs'
``val_elbo`` and loss terms on shared axes, named only ``rnn`` and ``seed``, though the onset term is another
quantity in each model (docs/ablation.md: compare models on onset_f1 and timing, not val_elbo). Now each legend names
the run's model (``a (melody_rnn)``) and the loss panels' titles say they are not comparable across models; runs of
one model are drawn as before. The model is the ablation's ``model`` cell (``elbo_model``: a timing head of another
kind counts too), one rule for both."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mvae_core.tools.curves import ACROSS_MODELS, NOT_ACROSS_MODELS, PANEL_TITLES, plot_runs

plt = pytest.importorskip("matplotlib.pyplot", reason="mvae plot needs matplotlib: the plot extra")


def copied(run: Path, to: Path, *changes: tuple[str, str]) -> Path:
    """A copy of ``run`` whose config.toml has ``changes`` made (old, new)."""
    shutil.copytree(run, to)
    text = (to / "config.toml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    (to / "config.toml").write_text(text, encoding="utf-8")
    return to


def drawn(runs: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The figure ``plot_runs`` draws of ``runs``: each panel's title → its legend's texts."""
    figures: list[Any] = []
    monkeypatch.setattr(plt, "close", figures.append)
    plot_runs(runs, out)
    (figure,) = figures
    panels = {ax.get_title(): ax.get_legend() for ax in figure.axes if ax.get_title()}
    monkeypatch.undo()
    plt.close(figure)
    return {title: [t.get_text() for t in legend.get_texts()] if legend else [] for title, legend in panels.items()}


def test_runs_of_two_models_are_named_with_them_and_the_loss_panels_say_they_differ(tiny_run, tmp_path, monkeypatch):
    seed = copied(tiny_run, tmp_path / "b", ('name = "melody_rnn"', 'name = "seed"'))
    panels = drawn([copied(tiny_run, tmp_path / "a"), seed], tmp_path / "c.png", monkeypatch)
    for key, title in PANEL_TITLES.items():
        shown = next(t for t in panels if t.startswith(title))
        assert (f"\n({NOT_ACROSS_MODELS})" in shown) == (key in ACROSS_MODELS), shown
        assert panels[shown][:2] == ["a (melody_rnn)", "b (seed)"], shown


def test_another_timing_head_is_another_model_and_one_model_is_drawn_as_before(tiny_run, tmp_path, monkeypatch):
    mse = copied(tiny_run, tmp_path / "mse", ('name = "melody_rnn"', 'name = "seed"'),
                 ('timing_head = "categorical"', 'timing_head = "mse"'))  # fmt: skip
    seed = copied(tiny_run, tmp_path / "seed", ('name = "melody_rnn"', 'name = "seed"'))
    panels = drawn([seed, mse], tmp_path / "h.png", monkeypatch)
    assert panels[f"{PANEL_TITLES['val']}\n({NOT_ACROSS_MODELS})"][:2] == ["seed (seed)", "mse (seed, mse timing head)"]
    alike = drawn([tiny_run, copied(tiny_run, tmp_path / "twin")], tmp_path / "s.png", monkeypatch)
    assert alike[PANEL_TITLES["val"]][:2] == ["run", "twin"]
    assert not any(NOT_ACROSS_MODELS in title for title in alike)
