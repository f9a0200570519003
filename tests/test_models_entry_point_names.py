"""A model's entry-point name is a part of config keys (``model.<name>.<setting>``), so a package whose model name
has a dot is refused when models are discovered, naming the package, as one named like a ``[model]`` setting is.
Before, ``wide.dot`` trained, but its settings could not be given (``--set model."wide.dot".width=2`` was read as
the model ``"wide``) and ``mvae models`` named its table ``[model.wide.dot]``, which TOML reads as nested tables."""

from __future__ import annotations

import pytest

from mvae_core.models import ModelError, available_models
from mvae_core.models.seed import SeedModel
from tests.test_registry_reserved_names import _installed


def test_a_model_whose_name_has_a_dot_is_refused_naming_its_package(monkeypatch):
    _installed(monkeypatch, "mvae.models", "wide.seed", SeedModel)
    with pytest.raises(ModelError) as error:
        available_models()
    assert str(error.value) == (
        "model 'wide.seed' from package mvae-odd has a name mvae cannot use: a dot separates the parts of a config "
        "key (model.<name>.<setting>), so a model's name has none; uninstall the package (pip uninstall mvae-odd) or "
        "rename its entry point"
    )
