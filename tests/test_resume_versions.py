"""A resume under other circumstances than the run's last part: other versions of mvae or of a model's or plugin's
package (kept in config.toml; a version that refuses the run's config names both), another number of processes
(not bit-identical, said once)."""

from __future__ import annotations

import re
import shutil
import tomllib

import pytest
import tomli_w
import torch
from pydantic import BaseModel

import mvae_core
import mvae_core.run_versions
import mvae_plugins
from mvae_core import hookimpl
from mvae_core.checkpoint import CheckpointError, save_checkpoint
from mvae_core.errors import ConfigError
from mvae_core.models import ModelInfo, available_models
from mvae_core.models.seed import SeedModel
from mvae_core.run import RunDir
from mvae_core.version import VERSION
from tests.training import TINY


def test_a_resume_with_another_version_keeps_the_first_and_records_the_new_one(
    synth_dir, tmp_path, monkeypatch, capsys
):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    first = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]["versions"]["mvae"]
    monkeypatch.setattr(mvae_core.run_versions, "VERSION", "9.9.9")
    mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    provenance = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]
    assert provenance["versions"]["mvae"] == first  # epoch 1 was trained by it
    assert provenance["resumed"] == [{"from_epoch": 2, "versions": {"mvae": "9.9.9"}}]
    err = capsys.readouterr().err  # a warning: on stderr, as the command line's
    assert err.count(f"mvae {first} → 9.9.9") == 1 and "from epoch 2" in err
    mvae_core.train(out=run, resume=True, epochs=3, progress=False)  # the same version again: nothing more recorded
    assert (
        tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]["resumed"]
        == provenance["resumed"]
    )


def test_a_resume_with_another_number_of_processes_says_so_once(synth_dir, tmp_path, capsys):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    payload = RunDir(run).load_checkpoint()
    state = {"torch_rng": payload["torch_rng"], "cuda_rng": []}
    save_checkpoint(run / "checkpoint.pt", payload | {"ranks": [state, state]})  # as torchrun with 2 processes writes
    mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    out = " ".join(capsys.readouterr().out.split())
    assert out.count("the checkpoint was written by 2 processes and this resume runs 1 process: the continuation") == 1
    assert "is not bit-identical to a run that kept 2 (docs/scaling.md)" in out
    mvae_core.train(out=run, resume=True, epochs=3, progress=True)  # written by this one process: no note
    assert "bit-identical" not in capsys.readouterr().out


class Old:
    class Config(BaseModel):
        weight: float = 1.0

    def __init__(self, config: Config) -> None:
        self.config = config

    @hookimpl
    def mvae_step_end(self):
        pass


class New(Old):
    class Config(BaseModel):
        scale: float = 1.0


def _edit_config(run, edit) -> None:
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    edit(tree)
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")


def test_a_resume_the_new_plugin_version_refuses_names_the_file_and_both_versions(monkeypatch, synth_dir, tmp_path):
    run = tmp_path / "run"
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "r", "tests.test_resume_versions:Old")
    mvae_core.train([synth_dir], run, overrides=[*TINY, "plugins.r.weight=0.01"], plugins=["r"], epochs=1,
                    progress=False)  # fmt: skip
    _edit_config(run, lambda tree: tree["provenance"]["versions"].update(r="0.3.0"))  # as its package recorded it
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "r", "tests.test_resume_versions:New")
    expected = (
        f"{run / 'config.toml'}: plugins.r.weight = 0.01: unknown setting; valid here: scale; {run} was trained with "
        f"plugin 'r' 0.3.0 (installed: {VERSION})"
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(expected)}$"):
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)


def test_a_run_whose_model_package_is_gone_names_the_version_it_needs(tiny_run, tmp_path):
    run = shutil.copytree(tiny_run, tmp_path / "run")

    def gone(tree):
        tree["model"]["name"] = "gone"
        tree["provenance"]["versions"]["model.gone"] = "1.2"

    _edit_config(run, gone)
    with pytest.raises(ConfigError) as error:
        RunDir(run).load_model()
    message = str(error.value)
    assert message.startswith(f"{run / 'config.toml'}: model.name: unknown model 'gone'")
    assert message.endswith(f"(mvae models); {run} was trained with model 'gone' 1.2 (not installed).")  # no '.;'


def test_a_run_whose_model_package_is_gone_says_what_to_install(tiny_run, tmp_path):
    """The run named the model and its version, not the package that provides it: someone given the run could not
    tell what to pip install."""
    run = shutil.copytree(tiny_run, tmp_path / "run")

    def gone(tree):
        tree["model"]["name"] = "gone"
        tree["provenance"]["versions"]["model.gone"] = "1.2"
        tree["provenance"]["packages"] = {"model.gone": "mvae-gone"}

    _edit_config(run, gone)
    with pytest.raises(
        ConfigError, match=r"was trained with model 'gone' 1\.2 \(not installed: pip install mvae-gone\)\.$"
    ):
        RunDir(run).load_model()


def test_a_run_whose_model_a_newer_package_no_longer_has_names_the_version_to_install(tiny_run, tmp_path):
    """The package is installed but its version has no such model (renamed or removed since): 'pip install PKG'
    was answered by pip with 'already installed'; the hint now names the version that trained the run."""
    import importlib.metadata

    run = shutil.copytree(tiny_run, tmp_path / "run")
    installed = importlib.metadata.version("pluggy")  # a package that is surely installed, standing in for one

    def renamed(tree):
        tree["model"]["name"] = "gone"
        tree["provenance"]["versions"]["model.gone"] = "0.9"
        tree["provenance"]["packages"] = {"model.gone": "pluggy"}

    _edit_config(run, renamed)
    with pytest.raises(ConfigError) as error:
        RunDir(run).load_model()
    assert str(error.value).endswith(
        f"was trained with model 'gone' 0.9 (pluggy {installed} has none: pip install 'pluggy==0.9')."
    )


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda p: p["versions"].update(mvae=1), "[provenance.versions] must map each part to its version string"),
        (lambda p: p.update(resumed=[{"from_epoch": 2, "versions": "9.9.9"}]), "[[provenance.resumed]] entry 1 must"),
        (lambda p: p.update(packages={"model.x": 3}), "[provenance.packages] must map each part to the package"),
        (lambda p: p.update(resumed={"from_epoch": 2}), "[provenance] resumed must be a list"),
        (lambda p: p.update(data_fingerprint=7), "[provenance] data_fingerprint = 7: must be the string"),
    ],
)
def test_a_hand_edited_provenance_is_refused_naming_the_field(synth_dir, tmp_path, edit, named):
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    edit(tree["provenance"])
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(named)) as caught:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(run / "config.toml") in str(caught.value) and "restore it" in str(caught.value)


def test_a_run_whose_provenance_was_deleted_names_the_data_line_and_resumes_once_it_is_back(synth_dir, tmp_path):
    """It used to resume on the bundled corpus:essen (the default of runs from before the data was kept), another
    data set than the run's, without a word."""
    run = tmp_path / "run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=False)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    data = tree.pop("provenance")["data"]
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("[provenance] has no data: list the paths the run trained on")):
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    (run / "config.toml").write_text(tomli_w.dumps(tree | {"provenance": {"data": data}}), encoding="utf-8")
    mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    resumed = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))["provenance"]["resumed"]
    assert resumed[0]["from_epoch"] == 2 and resumed[0]["versions"]["mvae"] == VERSION


class _Narrow(SeedModel):
    """Version 0.1 of a package's model."""


class _Renamed(SeedModel):
    """Version 0.2: a module renamed, so the weights of 0.1 no longer fit."""

    def __init__(self, cfg, settings, pitch_classes):
        super().__init__(cfg, settings, pitch_classes)
        self.renamed = torch.nn.Linear(2, 2)


def _model_package(monkeypatch, cls: type, version: str) -> None:
    registry = {**available_models(), "mine": ModelInfo("mine", "package mvae-mine", version, lambda: cls)}
    monkeypatch.setattr("mvae_core.models.available_models", lambda: registry)


def test_weights_a_new_version_of_the_model_cannot_load_name_both_versions(monkeypatch, synth_dir, tmp_path):
    """It blamed 'another run's file, or an edited config.toml' and told to restore a backup, after an upgrade of
    the model's package; the upgrade now leads, with the command that installs the version that trained the run."""
    run = tmp_path / "run"
    _model_package(monkeypatch, _Narrow, "0.1")
    mvae_core.train([synth_dir], run, overrides=[*TINY, 'model.name="mine"'], plugins=[], epochs=1, progress=False)
    _model_package(monkeypatch, _Renamed, "0.2")
    upgraded = (
        "its weights do not fit model 'mine' 0.2 installed here (tensors: 2 missing (renamed.weight, renamed.bias)): "
        f"{run} was trained with 0.1, whose weights are laid out otherwise; install that version (pip install "
        "'mvae-mine==0.1'), or a version of the package that converts the earlier weights as it loads them "
        "(docs/models.md, Writing a model)"
    )
    with pytest.raises(CheckpointError) as loaded:
        mvae_core.load(run)
    assert str(loaded.value) == f"{run / 'model.safetensors'}: {upgraded}"
    with pytest.raises(CheckpointError) as resumed:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(resumed.value) == f"{run / 'checkpoint.pt'}: {upgraded}"
