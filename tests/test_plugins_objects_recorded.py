"""A run trained with a plugin object records what the plugin ran with: an object with a settings model (``Config``)
gets its settings in ``config.toml``'s ``[plugins.<name>]`` and its class and package in ``[provenance.versions]``.
An object of a registered plugin's own class is then resumed from those settings without the object (``mvae train
--resume``); a notebook's class still needs its object back. Before, the section was missing, so the run did not say
what the plugin trained with, and the command line refused the resume."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.errors import ResumeRefused, RunExists
from mvae_core.version import VERSION
from mvae_plugins.kl_anneal import KlAnneal
from tests.training import TINY

SCHEDULE = {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 4.0, "delay": 0.0}
"""A kl_anneal schedule other than the default (its multiplier 0.25 in epoch 2)."""


def _config(run: Path) -> dict:
    return tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kl_object_run(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One epoch trained with the built-in kl_anneal handed over as an object with its own settings."""
    run = tmp_path_factory.mktemp("kl-object") / "run"
    kl = KlAnneal(KlAnneal.Config(schedule=SCHEDULE))
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[kl], progress=False)
    return run


def test_an_objects_settings_are_recorded_with_its_class_and_package(kl_object_run):
    config = _config(kl_object_run)
    assert config["plugins"]["kl_anneal"] == {"per_step": False, "schedule": SCHEDULE}
    version = config["provenance"]["versions"]["kl_anneal"]
    assert version == f"object mvae_plugins.kl_anneal:KlAnneal from mvae {VERSION}"


def test_an_object_of_a_registered_plugins_class_resumes_on_the_command_line(kl_object_run, tmp_path):
    run = shutil.copytree(kl_object_run, tmp_path / "run")
    resumed = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
    assert resumed.exit_code == 0, resumed.stderr
    metrics = mvae_core.load(run).metrics()
    assert [record["weights"]["kl"] for record in metrics] == [0.0, 0.25]  # the recorded schedule, not the default
    assert _config(run)["plugins"]["kl_anneal"]["schedule"] == SCHEDULE


def test_the_resume_that_messages_name_needs_no_such_object_back(kl_object_run, synth_dir):
    kl = KlAnneal(KlAnneal.Config(schedule=SCHEDULE))
    with pytest.raises(RunExists) as rerun:
        mvae_core.train([synth_dir], kl_object_run, overrides=TINY, epochs=2, plugins=[kl], progress=False)
    assert f"mvae_core.train(out={str(kl_object_run)!r}, resume=True, epochs=2)" in str(rerun.value)


def test_handing_the_object_back_with_other_settings_is_refused(kl_object_run, tmp_path):
    run = shutil.copytree(kl_object_run, tmp_path / "run")
    other = KlAnneal(KlAnneal.Config(schedule={**SCHEDULE, "epochs": 9.0}))
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, plugins=[other], progress=False)
    assert "plugins.kl_anneal: the plugin object 'kl_anneal' has other settings than this section " in str(
        refused.value
    )
    assert "schedule.epochs 4.0 here, 9.0 in the object" in str(refused.value)
    result = mvae_core.train(
        out=run, resume=True, epochs=2, plugins=[KlAnneal(KlAnneal.Config(schedule=SCHEDULE))], progress=False
    )
    assert result.epochs_run == 2


def test_a_new_run_from_the_runs_config_takes_the_object_that_has_its_settings(kl_object_run, synth_dir, tmp_path):
    kl = KlAnneal(KlAnneal.Config(schedule=SCHEDULE))
    config = kl_object_run / "config.toml"
    result = mvae_core.train([synth_dir], tmp_path / "new", config=config, epochs=1, plugins=[kl], progress=False)
    assert _config(result.path)["plugins"]["kl_anneal"]["schedule"] == SCHEDULE
    with pytest.raises(ConfigError, match=r"schedule\.epochs 4\.0 here, 9\.0 in the object"):
        other = KlAnneal(KlAnneal.Config(schedule={**SCHEDULE, "epochs": 9.0}))
        mvae_core.train([synth_dir], tmp_path / "other", config=config, epochs=1, plugins=[other], progress=False)


class Scaled:
    """A notebook's plugin with a settings model (no registered plugin has its class)."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        scale: float = 1.0

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or self.Config()

    @hookimpl
    def mvae_loss_weights(self, epoch):
        return {"onset": self.config.scale}


class KlAnnealVariant(KlAnneal):
    """A subclass of the built-in: it may run under its name, but it is not the registered plugin's class."""


@pytest.mark.parametrize(
    ("plugin", "name"),
    [(Scaled(Scaled.Config(scale=0.5)), "scaled"), (KlAnnealVariant(KlAnneal.Config(schedule=SCHEDULE)), "kl_anneal")],
)
def test_an_object_of_another_class_is_recorded_and_still_needs_its_object_back(synth_dir, tmp_path, plugin, name):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[(name, plugin)], progress=False)
    config = _config(run)
    assert config["plugins"][name] == plugin.config.model_dump(mode="json")
    assert (
        config["provenance"]["versions"][name] == f"object tests.test_plugins_objects_recorded:{type(plugin).__name__}"
    )
    resumed = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
    assert resumed.exit_code == 2
    assert f"was trained with plugin {name!r}, a Python object (" in resumed.stderr
    result = mvae_core.train(out=run, resume=True, epochs=2, plugins=[(name, plugin)], progress=False)
    assert result.epochs_run == 2


class Bare:
    """A plugin object without a settings model."""

    config = "not a settings model"

    @hookimpl
    def mvae_epoch_start(self, epoch):
        return None


class Opaque(Bare):
    """A plugin object whose settings model holds a value no config file can: recorded as one without."""

    class Config(BaseModel):
        model_config = ConfigDict(arbitrary_types_allowed=True)
        callback: object = None

    def __init__(self) -> None:
        self.config = self.Config(callback=object())


@pytest.mark.parametrize("plugin", [Bare(), Opaque()])
def test_an_object_without_a_settings_model_is_recorded_by_its_class_only(synth_dir, tmp_path, plugin):
    run, name = tmp_path / "run", type(plugin).__name__.lower()
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[plugin], progress=False)
    config = _config(run)
    assert name not in config["plugins"]
    assert (
        config["provenance"]["versions"][name] == f"object tests.test_plugins_objects_recorded:{type(plugin).__name__}"
    )
    with pytest.raises(ResumeRefused, match=rf"plugin '{name}', a Python object"):
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
