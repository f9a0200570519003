"""A researcher comparing runs from a notebook had no plot call: ``mvae plot`` only, or the internal
``mvae_core.tools.curves.plot_runs``. ``mvae_core.plot`` draws what the command draws, from folders, ``RunResult``s
or ``Run``s."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mvae_core
from mvae_core.tools import ToolError
from mvae_core.tools.curves import plot_runs

pytest.importorskip("matplotlib")


def test_one_run_draws_what_mvae_plot_draws(tiny_run: Path, tmp_path: Path) -> None:
    written = mvae_core.plot(mvae_core.load(tiny_run), tmp_path / "one")
    assert written == tmp_path / "one.png"
    assert written.read_bytes() == plot_runs([tiny_run], tmp_path / "cli.png").read_bytes()


def test_several_runs_of_any_form_share_one_figure(tiny_run: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(tiny_run, twin)
    written = mvae_core.plot([str(tiny_run), mvae_core.load(twin)], tmp_path / "two.png", metrics="val.kl")
    assert written.read_bytes() == plot_runs([tiny_run, twin], tmp_path / "cli.png", ["val.kl"]).read_bytes()


def test_a_run_given_twice_is_the_commands_error(tiny_run: Path, tmp_path: Path) -> None:
    with pytest.raises(ToolError):
        mvae_core.plot([tiny_run, tiny_run], tmp_path / "twice.png")
