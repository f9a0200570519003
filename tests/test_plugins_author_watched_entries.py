"""A setting that watches a loss term (``plugins.early_stopping.monitor = "val.<term>"``) is checked before any data
is read, against the run's terms: the core's, ``total`` and those plugins declare in ``mvae_added_terms``.

Before, ``val.onzet`` passed the config and the run failed after its first epoch (with a large data set, minutes of
parsing and training later), because a third-party plugin may add ``val.`` entries. Now plugins declare the terms
they add and the settings that watch entries (``mvae_watched_entries``), and the core refuses a typo at set-up with
the closest term, while a declared third-party term is accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from typer.testing import CliRunner

from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.config import ConfigError, build_config
from mvae_core.plugins import PluginError
from mvae_core.run_plugins import checked_config


class MuPenalty:
    """Adds the term mu_l2 and declares it."""

    @hookimpl
    def mvae_added_terms(self) -> list[str]:
        return ["mu_l2"]

    @hookimpl
    def mvae_loss(self, output: Any) -> dict[str, torch.Tensor]:
        return {"mu_l2": output.mu.pow(2).sum(dim=1).mean()}


def config(monitor: str) -> Any:
    return build_config(None, ["plugins.enabled=['early_stopping','mu_penalty']",
                               f"plugins.early_stopping.monitor={monitor}"])  # fmt: skip


def test_hook_mvae_watched_entries(tmp_path: Path) -> None:
    """early_stopping watches its monitor: a misspelt core term is refused before any data is read."""
    empty = tmp_path  # no MIDI file: refused before the data is read
    args = ["train", str(empty), "--set", "plugins.early_stopping.monitor=val.onzet", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        "error: plugins.early_stopping.monitor = 'val.onzet': val has no term 'onzet'; did you mean 'onset'? Its "
        "terms in this run: onset, velocity, duration, timeshift, kl, total (a term a plugin adds is among them when "
        "that plugin declares it in mvae_added_terms, docs/hooks.md)"
    ), result.stderr
    assert not (tmp_path / "r").exists()


def test_hook_mvae_added_terms() -> None:
    """A term a plugin declares may be watched; its typo is refused with the closest term."""
    resolved, _ = checked_config(config("val.mu_l2"), {"mu_penalty": MuPenalty()})
    assert resolved.plugins.sections()["early_stopping"]["monitor"] == "val.mu_l2"
    checked_config(config("train.total"), {"mu_penalty": MuPenalty()})
    with pytest.raises(ConfigError, match=r"^plugins.early_stopping.monitor = 'val.mu_12': val has no term 'mu_12'; "
                                          r"did you mean 'mu_l2'\?"):  # fmt: skip
        checked_config(config("val.mu_12"), {"mu_penalty": MuPenalty()})
    with pytest.raises(ConfigError, match=r"weights has no term 'total'"):  # weights has no total
        checked_config(config("weights.total"), {"mu_penalty": MuPenalty()})


def test_a_malformed_declaration_names_the_plugin() -> None:
    class Sloppy:
        @hookimpl
        def mvae_added_terms(self) -> str:
            return "mu_l2"  # a string, not a list: read a character at a time it would declare 'm', 'u', …

    with pytest.raises(PluginError, match=r"^plugin 'mu_penalty': mvae_added_terms must return a list of term names"):
        checked_config(config("val.kl"), {"mu_penalty": Sloppy()})


def test_a_plugin_that_adds_terms_without_declaring_them_keeps_its_terms_watchable() -> None:
    """Written before mvae_added_terms: its term (far from every known one) is left to the first epoch's record, as
    before; a typo of a known term is still refused."""

    class Undeclared:
        @hookimpl
        def mvae_loss(self, output: Any) -> dict[str, torch.Tensor]:
            return {"mu_l2": output.mu.pow(2).sum(dim=1).mean()}

    checked_config(config("val.mu_l2"), {"mu_penalty": Undeclared()})
    with pytest.raises(ConfigError, match=r"val has no term 'onzet'; did you mean 'onset'\?"):
        checked_config(config("val.onzet"), {"mu_penalty": Undeclared()})
