"""``mvae ablate`` asks every enabled plugin's ``mvae_check_config`` about every configuration of its plan, with the
epochs its runs train for, before any run starts: a plugin that refuses one configuration refuses the ablation up
front (exit 2, naming the configuration, the plugin and the field; nothing read or written). Before, the run of that
configuration failed when its turn came, after the runs before it had trained."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.plugins import PluginInfo, available_plugins
from tests.test_plugins_check_config_refusal import Cycle

REFUSAL = (
    "configuration 'only-cycle': plugin 'cycle' refuses the config: train.epochs = 3: the learning-rate cycle of "
    "plugins.cycle.epochs = 2 ends before the run does; set train.epochs = 2, or lengthen the cycle"
)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = {**available_plugins(), "cycle": PluginInfo("cycle", "package mvae-cycle", "1.0", lambda: Cycle)}
    # importers first: a module first imported under the patch would keep the patched function for good
    for module in ("mvae_core.run_plugins", "mvae_core.host", "mvae_core.plugins"):
        monkeypatch.setattr(f"{module}.available_plugins", lambda: plugins, raising=False)
    # where it is defined and in each module that binds it by name, all imported first (one first imported under the
    # patch kept the patched function for good: test_cli's next training failed with "the data was read")
    binding = [importlib.import_module(m) for m in ("mvae_core.api", "mvae_core.run_data", "mvae_core.inspection")]
    for module in (importlib.import_module("mvae_core.data.load"), *binding):
        monkeypatch.setattr(module, "load_dataset", lambda *a, **k: pytest.fail("the data was read"))


def test_the_command_line_refuses_the_plan_before_any_run_starts(synth_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "a"
    args = ["ablate", str(synth_dir), "--plugins", "kl_anneal,cycle", "--mode", "add-one", "--epochs", "3"]
    result = CliRunner().invoke(app, [*args, "--seeds", "1", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == f"error: {REFUSAL}"
    assert not out.exists()


def test_python_callers_get_the_config_error(synth_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        mvae_core.ablate(synth_dir, plugins="kl_anneal,cycle", mode="add-one", epochs=3, seeds=1, out=tmp_path / "a")
    assert str(refused.value) == REFUSAL
    assert not (tmp_path / "a").exists()
