"""Two ``--set`` / config-file keys that were answered with the wrong hint: an empty part of a dotted key
(``train..epochs``: "train.: unknown section") and a model's settings table given as a value (``model.seed = 3``:
"did you mean train.seed?", a setting of another section)."""

from __future__ import annotations

import pytest

from mvae_core.config import build_config
from mvae_core.errors import ConfigError


@pytest.mark.parametrize("key", ["train..epochs", ".epochs", "train."])
def test_an_empty_part_of_a_dotted_key_is_named_as_such(key):
    with pytest.raises(ConfigError) as error:
        build_config(None, [f"{key}=3"])
    assert (
        str(error.value) == f"{key}: a dotted key with an empty name before, between or after a dot (e.g. train.epochs)"
    )


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_a_models_settings_given_as_a_value_say_they_are_a_table(model):
    with pytest.raises(ConfigError) as error:
        build_config({"model": {model: 3}})  # [model] seed = 3
    assert str(error.value) == (
        f"model.{model} = 3: the settings of the model {model!r} are a table ([model.{model}] in a config file, --set "
        f"model.{model}.KEY=VALUE)"
    )


def test_other_unknown_model_keys_keep_their_hints():
    with pytest.raises(ConfigError, match=r"^model\.hiden = 3: unknown setting; did you mean model\.hidden\?$"):
        build_config(None, ["model.hiden=3"])
    with pytest.raises(ConfigError, match=r"^model\.epochs = 3: unknown setting; did you mean train\.epochs\?$"):
        build_config(None, ["model.epochs=3"])
