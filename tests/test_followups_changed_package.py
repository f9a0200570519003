"""A run whose config the installed version of a plugin or model no longer accepts names RUN/config.toml and the
versions: the one that trained the run and the one installed here."""

from __future__ import annotations

import re
import tomllib

import pytest
import tomli_w
from pydantic import BaseModel

import mvae_core
import mvae_plugins
from mvae_core import hookimpl
from mvae_core.errors import ConfigError
from mvae_core.run import RunDir
from mvae_core.version import VERSION

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


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
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "r", "tests.test_followups_changed_package:Old")
    mvae_core.train([synth_dir], run, overrides={**TINY, "plugins.r.weight": 0.01}, plugins=["r"], epochs=1,
                    progress=False)  # fmt: skip
    _edit_config(run, lambda tree: tree["provenance"]["versions"].update(r="0.3.0"))  # as its package recorded it
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "r", "tests.test_followups_changed_package:New")
    expected = (
        f"{run / 'config.toml'}: plugins.r.weight = 0.01: unknown setting; valid here: scale; {run} was trained with "
        f"plugin 'r' 0.3.0 (installed: {VERSION})"
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(expected)}$"):
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)


def test_a_run_whose_model_package_is_gone_names_the_version_it_needs(tiny_run, tmp_path):
    import shutil

    run = shutil.copytree(tiny_run, tmp_path / "run")

    def gone(tree):
        tree["model"]["name"] = "gone"
        tree["provenance"]["versions"]["model.gone"] = "1.2"

    _edit_config(run, gone)
    with pytest.raises(ConfigError) as error:
        RunDir(run).load_model()
    message = str(error.value)
    assert message.startswith(f"{run / 'config.toml'}: model.name: unknown model 'gone'")
    assert message.endswith(f"; {run} was trained with model 'gone' 1.2 (not installed)")
