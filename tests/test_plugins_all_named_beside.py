"""``all`` has one reading, the same in ``plugins.enabled`` and in ``mvae ablate --plugins``
(:func:`mvae_core.plugins.expand_all`): every built-in, where it stands; a built-in named beside it would be named
twice and is refused in both, naming it and the fix. A training ran ``all,kl_anneal`` with kl_anneal once, in silence,
where ``mvae ablate --plugins all,kl_anneal`` refused the list (two expansions of ``all``, two rules)."""

from __future__ import annotations

import pytest

from mvae_core.ablation.arguments import configurations
from mvae_core.config import ConfigError, build_config
from mvae_core.errors import OptionError
from mvae_core.plugins import PluginInfo, available_plugins, expand_all
from mvae_core.run_plugins import checked_config
from mvae_plugins.kl_anneal import KlAnneal

FIX = r"'kl_anneal' is named beside 'all', .* drop 'kl_anneal' .*or name the built-ins to run instead of 'all'"


@pytest.mark.parametrize("enabled", ['["all", "kl_anneal"]', '["kl_anneal", "all"]'])
def test_a_training_refuses_a_built_in_named_beside_all(enabled):
    with pytest.raises(ConfigError, match=f"^plugins.enabled: {FIX}"):
        checked_config(build_config(None, [f"plugins.enabled={enabled}"]))


def test_a_plugin_object_of_a_built_in_beside_all_counts_as_its_name():
    with pytest.raises(ConfigError, match=FIX):
        checked_config(build_config(None, ['plugins.enabled=["all", "kl_anneal"]']), {"kl_anneal": KlAnneal()})


@pytest.mark.parametrize("plugins", ["all,kl_anneal", "kl_anneal,all"])
def test_an_ablation_refuses_it_with_the_same_words_naming_its_option(plugins):
    """It was a PlanError, "the plugins list names a plugin twice: …", naming neither ``plugins`` nor ``--plugins``."""
    with pytest.raises(OptionError, match=f"^plugins {FIX}") as refused:
        configurations(None, plugins, None)
    assert refused.value.command_line_message().startswith(f"--plugins {FIX[:20]}")


def test_all_is_every_built_in_where_it_stands_and_a_third_party_plugin_goes_beside_it():
    available = {**available_plugins(), "extra": PluginInfo("extra", "package mvae-extra", "1.0", lambda: object)}
    built_in = [name for name, info in available.items() if info.origin == "built-in"]
    assert expand_all(["extra", "all"], available) == ["extra", *built_in]
    plan, _ = configurations("add-one", "all", None)
    assert plan[-1].plugins == tuple(built_in)  # the ablation's 'all' configuration: the same built-ins
