"""The built-in plugins' settings as a type checker reads them. ``KlAnneal.Config(schedule="cosine")``, which
docs/builtin_plugins.md allows, was a type error (``schedule`` was hinted ``dict``); pyright read ``KlAnneal.Config``
as a bare ``BaseModel`` (``ScheduledWeight.Config: ClassVar[type[BaseModel]]``), and mypy refused the hints of
``early_stopping``, ``lr_step_decay`` and ``ts_variance_monitor`` that name ``Config`` in their plugin class
(``Config = Config`` is a variable there, not a type). What users import stays the same."""

from __future__ import annotations

import importlib
import typing

import pytest

from mvae_plugins.scheduled import ScheduledWeight

PLUGINS = {  # module: plugin class
    "early_stopping": "EarlyStopping",
    "kl_anneal": "KlAnneal",
    "lr_step_decay": "LrStepDecay",
    "ts_ramp": "TsRamp",
    "ts_variance_monitor": "TsVarianceMonitor",
}
SCHEDULED = ["kl_anneal", "lr_step_decay", "ts_ramp"]


@pytest.mark.parametrize("module", sorted(PLUGINS))
def test_a_plugins_config_is_its_modules_config(module: str) -> None:
    found = importlib.import_module(f"mvae_plugins.{module}")
    assert getattr(found, PLUGINS[module]).Config is found.Config


@pytest.mark.parametrize("module", SCHEDULED)
def test_a_schedule_setting_is_hinted_and_stored_as_the_table(module: str) -> None:
    config = importlib.import_module(f"mvae_plugins.{module}").Config
    hint = typing.get_type_hints(config, include_extras=True)["schedule"]
    # the stored table; that Config(schedule="cosine") type-checks is test_typing_schedule_setting.py's
    assert typing.get_args(hint)[0] == dict[str, typing.Any]
    stored = config(schedule="cosine").schedule
    assert isinstance(stored, dict) and stored["name"] == "cosine"


@pytest.mark.parametrize("module", ["kl_anneal", "ts_ramp"])
def test_a_ramp_is_typed_with_its_own_config(module: str) -> None:
    found = importlib.import_module(f"mvae_plugins.{module}")
    (base,) = getattr(found, PLUGINS[module]).__orig_bases__
    assert typing.get_origin(base) is ScheduledWeight and typing.get_args(base) == (found.Config,)


@pytest.mark.parametrize("module", ["early_stopping", "lr_step_decay", "ts_variance_monitor"])
def test_a_plugin_class_names_its_config_as_a_type_alias(module: str) -> None:
    plugin = getattr(importlib.import_module(f"mvae_plugins.{module}"), PLUGINS[module])
    assert plugin.__annotations__["Config"] == "TypeAlias"


def test_a_plugin_is_told_the_optimizer_is_the_trainers_adam() -> None:
    import torch

    from mvae_core.models.base import MelodyModel
    from mvae_core.view import TrainerView

    hints = typing.get_type_hints(TrainerView, localns={"torch": torch, "MelodyModel": MelodyModel})
    assert hints["optimizer"] is torch.optim.Adam
