"""A plugin's or model's settings given at the top level (``[kl_anneal]`` in a config file, ``--set
kl_anneal.schedule=…``) point to their table: they were answered 'unknown section; valid here: data, model, loss,
train, plugins', which names no plugin and leaves the user to guess that it goes under ``plugins``."""

from __future__ import annotations

import pytest

from mvae_core.config import build_config
from mvae_core.errors import ConfigError


@pytest.mark.parametrize(
    ("override", "said"),
    [
        (
            "kl_anneal.per_step=true",
            "kl_anneal: unknown section; did you mean plugins.kl_anneal? (the plugin's settings: [plugins.kl_anneal] "
            "in a config file, --set plugins.kl_anneal.KEY=VALUE)",
        ),
        (
            "ts_ramp=3",
            "ts_ramp = 3: unknown setting; did you mean plugins.ts_ramp? (the plugin's settings: [plugins.ts_ramp] in "
            "a config file, --set plugins.ts_ramp.KEY=VALUE)",
        ),
        (
            "melody_rnn.rnn_hidden=8",
            "melody_rnn: unknown section; did you mean model.melody_rnn? (the model's settings: [model.melody_rnn] in "
            "a config file, --set model.melody_rnn.KEY=VALUE)",
        ),
    ],
)
def test_a_plugin_or_model_table_at_the_top_level_is_pointed_to_its_place(override, said):
    with pytest.raises(ConfigError) as error:
        build_config(None, [override])
    assert str(error.value) == said


def test_a_config_files_plugin_table_at_the_top_level_too():
    with pytest.raises(ConfigError, match=r"^kl_anneal: unknown section; did you mean plugins\.kl_anneal\? "):
        build_config({"kl_anneal": {"per_step": True}})


@pytest.mark.parametrize(
    ("override", "said"),
    [
        ("seed=3", "seed = 3: unknown setting; did you mean train.seed?"),  # a setting first, not the seed model
        ("trian.epochs=3", "trian: unknown section; did you mean train?"),
        ("nosuch.x=1", "nosuch: unknown section; valid here: data, model, loss, train, plugins"),
    ],
)
def test_other_top_level_keys_keep_their_hints(override, said):
    with pytest.raises(ConfigError) as error:
        build_config(None, [override])
    assert str(error.value) == said
