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


def test_a_model_named_as_a_built_in_says_to_uninstall_the_package_not_one_of_two(monkeypatch):
    """It said "uninstall one of the packages", where the other is mvae itself."""
    _installed(monkeypatch, "mvae.models", "seed", SeedModel)
    with pytest.raises(ModelError) as error:
        available_models()
    assert str(error.value) == (
        "model 'seed' from package mvae-odd has the name of a built-in model; uninstall the package (pip uninstall "
        "mvae-odd) or rename its entry point"
    )


@pytest.mark.parametrize("name", ["lite mlp", "lité", "a/b", "x+"])
def test_a_model_name_that_is_no_toml_bare_key_is_refused(monkeypatch, name):
    """``lite mlp`` was listed and trained from a config file, but ``--set model."lite mlp".width=16`` could not name
    its section, and ``mvae models`` told the user to type ``--set model.lite mlp.KEY=…``."""
    _installed(monkeypatch, "mvae.models", name, SeedModel)
    with pytest.raises(ModelError) as error:
        available_models()
    assert str(error.value) == (
        f"model {name!r} from package mvae-odd has a name mvae cannot use: a model's name is a key of the config "
        "([model.<name>], --set model.<name>.<setting>=…), so it has only letters, digits, _ and -; uninstall the "
        "package (pip uninstall mvae-odd) or rename its entry point"
    )


def factory():
    return SeedModel


@pytest.mark.parametrize(
    ("target", "named"),
    [
        (factory, f"{__name__}:factory, a function; it must name the model's class"),
        (pytest, "pytest, a module; it must name the model's class"),
        (int, "builtins:int, a class that does not subclass it"),
        (3, "a value of type int; it must name the model's class"),
    ],
)
def test_an_entry_point_naming_something_else_than_a_model_class_says_what_it_names(monkeypatch, target, named):
    """It said only "is not a mvae_core.models.base.MelodyModel subclass", not what it found nor what to name."""
    _installed(monkeypatch, "mvae.models", "lite", target)
    with pytest.raises(ModelError) as error:
        available_models()["lite"].model_class()
    assert str(error.value) == (
        f"model 'lite' (package mvae-odd) is not a mvae_core.models.base.MelodyModel subclass: the entry point names "
        f"{named}"
    )
