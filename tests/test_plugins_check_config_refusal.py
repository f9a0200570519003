"""``mvae_check_config``: a plugin refuses the whole config before any data is read, as a model's ``check_config``
does: a :class:`ConfigError` naming the field, with the plugin's name added, exit 2 (a Python caller gets that
error), nothing read or written; another exception is a :class:`PluginError` naming the plugin and the hook. Before,
a plugin could look at the whole config only in ``mvae_train_start``, after the data was read, and a refusal there
failed the run (exit 1) as a plugin failure."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
import torch
from click.testing import Result
from pydantic import BaseModel, ConfigDict
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.config import ConfigError, MvaeConfig, build_config
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError, PluginInfo, available_plugins
from tests.training import TINY

REFUSAL = "plugins.warmup.epochs = 20: longer than the run (train.epochs = 1); shorten it, or train for 20 epochs"


class Warmup:
    """Refuses a warm-up longer than the run (fine on its own, wrong with train.epochs)."""

    class Config(BaseModel):
        model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
        epochs: int = 20

    seen: ClassVar[list[MvaeConfig]] = []

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or self.Config()

    @hookimpl
    def mvae_check_config(self, config: MvaeConfig) -> None:
        Warmup.seen.append(config)
        if self.config.epochs > config.train.epochs:
            raise ConfigError(
                f"plugins.warmup.epochs = {self.config.epochs}: longer than the run (train.epochs = "
                f"{config.train.epochs}); shorten it, or train for {self.config.epochs} epochs"
            )


class Cycle:
    """Refuses a run longer than its learning-rate cycle (a setting of another section it depends on)."""

    class Config(BaseModel):
        model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
        epochs: int = 2

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or self.Config()

    @hookimpl
    def mvae_check_config(self, config: MvaeConfig) -> None:
        if config.train.epochs > self.config.epochs:
            raise ConfigError(
                f"train.epochs = {config.train.epochs}: the learning-rate cycle of plugins.cycle.epochs = "
                f"{self.config.epochs} ends before the run does; set train.epochs = {self.config.epochs}, or lengthen "
                "the cycle"
            )


class Buggy:
    @hookimpl
    def mvae_check_config(self, config: MvaeConfig) -> None:
        config.train.epoch  # noqa: B018 (a typo of epochs)


class Answers:
    @hookimpl
    def mvae_check_config(self, config: MvaeConfig) -> str:
        return "train.epochs is too small"  # a refusal returned, not raised


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = {
        **available_plugins(),
        "warmup": PluginInfo("warmup", "package mvae-warmup", "1.0", lambda: Warmup),
        "cycle": PluginInfo("cycle", "package mvae-cycle", "1.0", lambda: Cycle),
    }
    # importers first: a module first imported under the patch would keep the patched function for good
    for module in ("mvae_core.run_plugins", "mvae_core.host", "mvae_core.plugins"):
        monkeypatch.setattr(f"{module}.available_plugins", lambda: plugins, raising=False)
    Warmup.seen.clear()


@pytest.fixture
def unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the data fails the test: a refusal comes before it."""
    monkeypatch.setattr("mvae_core.run_data.load_dataset", lambda *a, **k: pytest.fail("the data was read"))


def _train(*args: str) -> Result:
    sets = [part for setting in TINY for part in ("--set", setting)]
    return CliRunner().invoke(app, ["train", *args, *sets])


def test_hook_mvae_check_config(synth_dir: Path, tmp_path: Path, unread: None) -> None:
    """The Python API raises the refusal, a ConfigError naming the plugin, then the field; nothing is written. The
    plugin saw the whole config as the run would train with it (the epochs given, every plugin's settings)."""
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(synth_dir, tmp_path / "r", overrides=TINY, plugins=["kl_anneal", "warmup"], epochs=1)
    assert str(refused.value) == f"plugin 'warmup' refuses the config: {REFUSAL}"
    assert not (tmp_path / "r").exists()
    (config,) = Warmup.seen
    assert config.train.epochs == 1 and config.plugins.enabled == ["kl_anneal", "warmup"]
    assert config.plugins.sections()["kl_anneal"]["schedule"]["name"] == "linear"  # defaults resolved


def test_the_command_line_exits_2_before_the_data_is_read(synth_dir: Path, tmp_path: Path, unread: None) -> None:
    result = _train(str(synth_dir), "--plugins", "warmup", "--epochs", "1", "--out", str(tmp_path / "r"))
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == f"error: plugin 'warmup' refuses the config: {REFUSAL}"
    assert not (tmp_path / "r").exists()


def test_a_resume_is_checked_with_its_new_epoch_budget(synth_dir: Path, tmp_path: Path, monkeypatch) -> None:
    run = tmp_path / "r"
    assert _train(str(synth_dir), "--plugins", "cycle", "--epochs", "1", "--out", str(run)).exit_code == 0
    metrics = (run / "metrics.jsonl").read_bytes()
    monkeypatch.setattr("mvae_core.run_data.load_dataset", lambda *a, **k: pytest.fail("the data was read"))
    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "3"])
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == (
        f"error: {run / 'config.toml'}: plugin 'cycle' refuses the config: train.epochs = 3: the learning-rate cycle "
        "of plugins.cycle.epochs = 2 ends before the run does; set train.epochs = 2, or lengthen the cycle"
    )
    assert (run / "metrics.jsonl").read_bytes() == metrics


def test_another_exception_is_the_plugins_failure_naming_it_and_the_hook(tmp_path: Path, unread: None) -> None:
    with pytest.raises(PluginError) as failed:
        mvae_core.train(tmp_path, tmp_path / "r", overrides=TINY, plugins=[("buggy", Buggy())], epochs=1)
    line = Buggy.mvae_check_config.__code__.co_firstlineno + 2
    assert str(failed.value) == (
        "plugin 'buggy' failed in mvae_check_config: AttributeError: 'TrainConfig' object has no attribute 'epoch' "
        f"(at {__file__}:{line})"
    )
    with pytest.raises(PluginError, match=r"^plugin 'answers': mvae_check_config returned str 'train\.epochs is "):
        mvae_core.train(tmp_path, tmp_path / "r", overrides=TINY, plugins=[Answers()], epochs=1)


def test_under_torchrun_rank_0_alone_says_it_and_no_process_waits_for_the_others(monkeypatch, tmp_path: Path):
    """Every process checks the same config and refuses it before they meet (no MASTER_ADDR is set: a process
    that went on to meet the others would say so)."""
    said = {}
    for rank in ("0", "1"):
        monkeypatch.setenv("RANK", rank)
        monkeypatch.setenv("WORLD_SIZE", "2")
        result = _train(str(tmp_path), "--plugins", "warmup", "--epochs", "1", "--out", str(tmp_path / "r"))
        assert result.exit_code == 2, result.output
        said[rank] = result.stdout + result.stderr
    assert "plugin 'warmup' refuses the config" in said["0"] and said["1"] == "", said


class Draws:
    @hookimpl
    def mvae_check_config(self, config: MvaeConfig) -> None:
        torch.rand(3)


def test_what_a_check_draws_moves_no_random_stream() -> None:
    """A notebook's own torch.manual_seed stream goes on as if the check had not drawn."""
    torch.manual_seed(7)
    expected = torch.rand(2)
    torch.manual_seed(7)
    PluginHost({"draws": Draws()}).check_config(build_config(None))
    assert torch.equal(torch.rand(2), expected)
