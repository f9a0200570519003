"""A ``[plugins.<name>]`` section whose plugin's package is not installed here (a run's config.toml after its
plugin was removed from ``enabled``, as the resume message advises, or a config file from another machine) says how
to go on: install the package, or remove the section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mvae_core
from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.plugins import available_plugins, validated_sections

ADVICE = (
    "A plugin from a package is configured only where the package is installed (mvae plugins lists them): install "
    "it, or remove the [plugins.latent_center] section"
)


def test_a_section_of_a_plugin_not_installed_says_to_install_it_or_remove_the_section():
    config = PluginsConfig(enabled=["kl_anneal"], latent_center={"tolerance": 0.0})
    with pytest.raises(ConfigError) as error:
        validated_sections(config, available_plugins())
    assert str(error.value).startswith("plugins.latent_center: there is no plugin named 'latent_center' to configure")
    assert str(error.value).endswith(ADVICE)  # before: only the closest name, here no help at all


def test_resuming_a_run_whose_plugin_was_taken_out_of_enabled_names_the_section_left(tiny_run: Path, tmp_path: Path):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    config = run / "config.toml"
    config.write_text(config.read_text() + "\n[plugins.latent_center]\ntolerance = 0.0\n")
    with pytest.raises(ConfigError, match=r"\[plugins\.latent_center\] section$"):
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
