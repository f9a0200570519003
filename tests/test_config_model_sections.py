"""``model.sections`` was an undocumented second spelling of the ``[model.<name>]`` tables (``[model] sections =
{seed = {...}}`` configured the seed model); it is now an error that says how to write a model's settings."""

from __future__ import annotations

import pytest

from mvae_core.config import build_config
from mvae_core.errors import ConfigError
from tests.training import TINY


@pytest.mark.parametrize(
    "overrides",
    [["model.sections={seed = {}}"], ["model.sections.melody_rnn.token_dropout=0.1"], ["model.sections=3"]],
)
def test_model_sections_is_refused_saying_how_to_give_a_models_settings(overrides):
    with pytest.raises(ConfigError) as error:
        build_config(None, overrides)
    assert str(error.value) == (
        "model: [model] has no setting 'sections'; each model's own settings are its table [model.<name>] (e.g. "
        "[model.melody_rnn] in a config file, --set model.melody_rnn.KEY=VALUE)"
    )


def test_the_model_tables_still_round_trip():
    cfg = build_config(None, [*TINY, "model.melody_rnn.token_dropout=0.25", "model.seed={}"])
    assert cfg.model.sections["melody_rnn"]["token_dropout"] == 0.25 and cfg.model.sections["seed"] == {}
    again = build_config(cfg)  # as a run's config.toml is read back
    assert again.model.sections == cfg.model.sections
