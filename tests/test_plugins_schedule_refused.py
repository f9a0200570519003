"""A scheduled plugin's schedule whose value in an epoch of the run is not a finite number >= 0 is refused before
any data is read (exit 2), naming the setting ``plugins.<name>.schedule``, the schedule, the value and its epoch:
``mvae_plugins.scheduled.ScheduledPlugin.mvae_check_config``, the one hook ``lr_step_decay``, ``kl_anneal``,
``ts_ramp`` and a third party's plugin on the public base inherit. Before, ``lr_step_decay`` with a constant -1
trained by gradient ascent (lr -1e-3) and exited 0, later a core check stopped it at its first epoch (exit 1, after
the data was read and the run folder made, naming the plugin and not the setting), and a negative ``kl_anneal``
multiplier was refused at the first step in the same way."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import ConfigError
from mvae_core.wording import counted
from mvae_plugins.scheduled import refused_value, scheduled
from mvae_plugins.ts_ramp import TsRamp
from schedules import from_spec
from tests.test_docs_commands import words
from tests.test_docs_run_examples import ROOT, shown
from tests.test_plugins_scheduled_weight import Config, MuPenalty
from tests.training import TINY

ADVICE = (
    "but a multiplier must be a finite number >= 0 in every epoch of the run (train.epochs = {epochs}); give the "
    "schedule parameters that keep every value through epoch {epochs} finite and >= 0{shorter} (mvae schedules preview "
    "shows a schedule's values)"
)


def advice(epochs: int, fine: int) -> str:
    """The refusal's advice in a run of ``epochs`` epochs whose first ``fine`` epochs are fine."""
    return ADVICE.format(epochs=epochs, shorter=f", or train for {counted(fine, 'epoch')} at most" if fine else "")


@pytest.fixture(autouse=True)
def unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the data fails the test: the refusal comes before it (train and ablate bind load_dataset by name)."""
    binding = [importlib.import_module(m) for m in ("mvae_core.api", "mvae_core.run_data", "mvae_core.cli")]
    for module in (importlib.import_module("mvae_core.data.load"), *binding):
        monkeypatch.setattr(module, "load_dataset", lambda *a, **k: pytest.fail("the data was read"), raising=False)


def _sets(*settings: str) -> list[str]:
    return [part for setting in [*TINY, *settings] for part in ("--set", setting)]


def test_mvae_train_refuses_a_negative_learning_rate_multiplier_and_writes_nothing(synth_dir: Path, tmp_path: Path):
    out = tmp_path / "run"
    schedule = 'plugins.lr_step_decay.schedule={name="constant",value=-1}'
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "3", "--out", str(out), *_sets(schedule)])
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == (
        "error: plugin 'lr_step_decay' refuses the config: plugins.lr_step_decay.schedule: constant(value=-1) gives -1 "
        f"in epoch 1 (e = 0), {advice(3, 0)}"
    )
    assert not out.exists()


def test_one_fine_epoch_is_said_in_the_singular(synth_dir: Path, tmp_path: Path):
    """``or train for 1 epochs at most`` (helper-453): the epochs before the refused one are counted as a noun."""
    schedule = 'plugins.kl_anneal.schedule={name="linear",start=1,end=-1,epochs=1}'
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--epochs", "3", "--out", str(out), *_sets(schedule)])
    assert result.exit_code == 2, result.output
    assert ", or train for 1 epoch at most (mvae schedules preview" in " ".join(result.stderr.split())


def test_mvae_ablate_refuses_the_configuration_up_front(synth_dir: Path, tmp_path: Path):
    out = tmp_path / "ablation"
    schedule = 'plugins.kl_anneal.schedule={name="cosine",start=1,end=-0.5,epochs=2}'
    args = ["ablate", str(synth_dir), "--plugins", "kl_anneal", "--mode", "add-one", "--epochs", "4", "--seeds", "1"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), *_sets(schedule)])
    assert result.exit_code == 2, result.output
    assert " ".join(result.stderr.split()) == (
        "error: configuration 'only-kl_anneal': plugin 'kl_anneal' refuses the config: plugins.kl_anneal.schedule: "
        f"cosine(start=1, end=-0.5, epochs=2, delay=0) gives -0.5 in epoch 3 (e = 2), {advice(4, 2)}"
    )
    assert not out.exists()


def test_a_per_step_ramp_that_falls_below_0_in_the_last_epochs_steps_is_refused(synth_dir: Path, tmp_path: Path):
    """Per epoch, linear 1 → -0.1 over 10 epochs gives 0.01 at e = 9, the last epoch's start, and runs; per step it
    goes on falling through that epoch's steps, below 0."""
    falling = from_spec({"name": "linear", "start": 1.0, "end": -0.1, "epochs": 10.0})
    assert refused_value(falling, 10, per_step=False) is None
    settings = [*TINY, "plugins.kl_anneal.schedule={name='linear', start=1, end=-0.1, epochs=10}"]
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(synth_dir, tmp_path / "r", overrides=[*settings, "plugins.kl_anneal.per_step=true"], epochs=10,
                        plugins=["kl_anneal"])  # fmt: skip
    assert str(refused.value) == (
        "plugin 'kl_anneal' refuses the config: plugins.kl_anneal.schedule: linear(start=1, end=-0.1, epochs=10, "
        f"delay=0) gives -0.1 in the last steps of epoch 10 (e → 10, per_step = true), {advice(10, 9)}"
    )
    assert not (tmp_path / "r").exists()


def test_a_value_too_large_for_a_float_is_refused_as_not_finite(synth_dir: Path, tmp_path: Path):
    """exponential's rate ** e overflows (OverflowError) in epoch 3: ts_ramp's multiplier would not be finite."""
    settings = [*TINY, "plugins.ts_ramp.schedule={name='exponential', rate=1e200}"]
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(synth_dir, tmp_path / "r", overrides=settings, epochs=3, plugins=["ts_ramp"])
    assert str(refused.value) == (
        "plugin 'ts_ramp' refuses the config: plugins.ts_ramp.schedule: exponential(initial=1, rate=1e+200) gives inf "
        f"in epoch 3 (e = 2), {advice(3, 2)}"
    )


def test_a_third_party_plugin_on_the_public_base_is_checked_under_the_name_it_runs_under(synth_dir, tmp_path):
    plugin = MuPenalty(Config(schedule={"name": "linear", "start": 1.0, "end": -1.0, "epochs": 4.0}))
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(synth_dir, tmp_path / "r", overrides=TINY, epochs=4, plugins=[("mu_penalty", plugin)])
    assert str(refused.value) == (
        "plugin 'mu_penalty' refuses the config: plugins.mu_penalty.schedule: linear(start=1, end=-1, epochs=4, "
        f"delay=0) gives -0.5 in epoch 4 (e = 3), {advice(4, 3)}"
    )


def test_only_the_runs_epochs_count_and_0_is_a_multiplier():
    """A cosine to -0.1 over 100 epochs stays above 0 through a 50-epoch run (a resume to more epochs is checked
    again, with its new budget); 0 switches a term off, a multiplier like any other."""
    cosine = from_spec({"name": "cosine", "start": 1.0, "end": -0.1, "epochs": 100.0})
    assert refused_value(cosine, 50, per_step=True) is None
    assert refused_value(cosine, 100, per_step=False) == (81.0, cosine(81.0))  # cos(0.81π) < -9/11: below 0
    assert cosine(80.0) > 0 > cosine(81.0)
    assert refused_value(from_spec({"name": "constant", "value": 0.0}), 3, per_step=True) is None


def test_the_default_schedules_pass():
    for plugin in (TsRamp(), MuPenalty()):
        assert refused_value(scheduled(plugin.config), 1000, per_step=True) is None


def test_schedules_md_shows_the_refusal_as_mvae_train_prints_it(synth_dir: Path, tmp_path: Path, monkeypatch):
    """docs/schedules.md's example, run as shown in a folder with data/: its error, word for word; nothing written."""
    line = shown("docs/schedules.md", "mvae train data/ --set 'plugins.lr_step_decay.schedule=")
    (tmp_path / "data").symlink_to(synth_dir)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, words(line)[1:])
    assert result.exit_code == 2, result.output
    page = " ".join((ROOT / "docs" / "schedules.md").read_text(encoding="utf-8").split())
    assert " ".join(result.stderr.split()) in page
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_two_plugins_with_the_same_refused_settings_are_named_together(synth_dir: Path, tmp_path: Path):
    """mvae_check_config is given no plugin name: the setting is found by the settings the run's config holds under
    each name, so two plugins holding the very same ones are both named (both are refused alike)."""
    same = "{name='constant', value=-2}"
    settings = [*TINY, f"plugins.kl_anneal.schedule={same}", f"plugins.ts_ramp.schedule={same}"]
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(synth_dir, tmp_path / "r", overrides=settings, epochs=2, plugins=["kl_anneal", "ts_ramp"])
    assert "refuses the config: plugins.kl_anneal.schedule and plugins.ts_ramp.schedule: constant(value=-2) gives " in (
        str(refused.value)
    )
