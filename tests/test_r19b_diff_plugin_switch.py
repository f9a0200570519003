"""[plugins.<name>] enabled = true (how other tools switch a plugin on) is told how to enable it in [plugins] enabled;
it was told 'to leave it out, list the others', the opposite of what was asked (a third-party plugin, which 'all'
does not enable, is where a user writes it)."""

from __future__ import annotations

import pytest

from mvae_core.config import ConfigError, build_config
from mvae_core.plugins import available_plugins, validated_sections


def _error(assignment: str) -> str:
    with pytest.raises(ConfigError) as error:
        validated_sections(build_config(None, ["plugins.enabled=none", assignment]).plugins, available_plugins())
    return str(error.value)


@pytest.mark.parametrize("assignment", ["plugins.kl_anneal.enabled=true", "plugins.kl_anneal.disable=false"])
def test_switching_a_plugin_on_in_its_section_is_told_how_to_enable_it(assignment):
    key = assignment.split("=")[0]
    assert _error(assignment) == (
        f"{key} = {assignment.endswith('true')}: a plugin is switched on and off by [plugins] enabled (--plugins), not "
        'in its own section; to enable it, add it there (enabled = ["all", "kl_anneal"], --plugins all,kl_anneal)'
    )


def test_the_advice_enables_it():
    config = build_config(None, ["plugins.enabled=none", 'plugins.enabled=["all", "kl_anneal"]'])
    assert "kl_anneal" in validated_sections(config.plugins, available_plugins())


def test_switching_it_off_is_told_to_leave_it_out():
    assert _error("plugins.kl_anneal.enabled=false").endswith(
        "to leave it out, list the others ('all' is every built-in)"
    )
