"""lr_step_decay on real short runs: the seed's ×0.98 every 8 epochs, in place (Adam's state survives), resumable."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.plugins import PluginError
from mvae_core.trainer import Trainer
from mvae_core.view import TrainerView
from mvae_plugins.lr_step_decay import Config, LrStepDecay
from tests.training import make_trainer, tiny_config

SMALL = ["--set", "model.hidden=16", "--set", "train.batch_size=16", "--set", "data.transpositions=[-5, 5]"]
PLUGINS = ["--plugins", "lr_step_decay"]


def mvae(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def metrics(run):
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def full_run(synth_dir, tmp_path_factory):
    """An uninterrupted 17-epoch run."""
    run = tmp_path_factory.mktemp("lr") / "run"
    result = mvae("train", synth_dir, *SMALL, *PLUGINS, "--epochs", 17, "--out", run)
    assert result.exit_code == 0, result.output
    return run


def test_lr_follows_the_seed_step_decay(full_run):
    records = metrics(full_run)
    assert [r["epoch"] for r in records] == list(range(17))
    assert [r["lr"] for r in records] == pytest.approx([1e-3 * 0.98 ** (e // 8) for e in range(17)])
    assert records[16]["lr"] == pytest.approx(1e-3 * 0.98**2)
    assert records[7]["lr"] == pytest.approx(1e-3) and records[8]["lr"] == pytest.approx(1e-3 * 0.98)
    assert all(set(r["weights"].values()) == {1.0} for r in records)  # no loss weight is touched


def test_a_killed_and_resumed_run_has_the_same_lr(synth_dir, full_run, tmp_path, monkeypatch):
    """Killed after epoch 9: on resume the base rate is the saved 1e-3, not the decayed rate in the optimiser."""
    original = Trainer.checkpoint_payload

    def killed_in_epoch_10(self, epoch):
        if epoch == 10:
            raise KeyboardInterrupt
        return original(self, epoch)

    monkeypatch.setattr(Trainer, "checkpoint_payload", killed_in_epoch_10)
    run = tmp_path / "run"
    assert mvae("train", synth_dir, *SMALL, *PLUGINS, "--epochs", 17, "--out", run).exit_code == 130
    monkeypatch.undo()
    saved = torch.load(run / "checkpoint.pt", weights_only=True)
    assert saved["epoch"] == 9 and saved["plugins"]["lr_step_decay"] == {"base_lrs": [1e-3]}
    assert saved["optimizer"]["param_groups"][0]["lr"] == pytest.approx(1e-3 * 0.98)  # what a naive resume re-reads
    result = mvae("train", "--resume", run)
    assert result.exit_code == 0, result.output
    resumed, uninterrupted = metrics(run), metrics(full_run)
    assert [r["epoch"] for r in resumed] == list(range(17))
    assert resumed[16]["lr"] == uninterrupted[16]["lr"] == pytest.approx(1e-3 * 0.98**2)
    assert [r["lr"] for r in resumed] == [r["lr"] for r in uninterrupted]


class AdamProbe:
    """Snapshots the optimiser after every plugin's epoch_start (in loss_weights) and at every epoch end."""

    def __init__(self):
        self.starts, self.ends = {}, {}

    @staticmethod
    def snapshot(optimizer):
        first = next(iter(optimizer.param_groups[0]["params"]))
        state = optimizer.state.get(first, {})
        moments = {k: state[k].clone() for k in ("exp_avg", "exp_avg_sq") if k in state}
        return optimizer, optimizer.param_groups[0]["lr"], float(state.get("step", 0)), moments

    @hookimpl
    def mvae_loss_weights(self, trainer, epoch):
        self.starts[epoch] = self.snapshot(trainer.optimizer)

    @hookimpl
    def mvae_epoch_end(self, trainer, epoch):
        self.ends[epoch] = self.snapshot(trainer.optimizer)


def test_adam_state_survives_a_decay(synth_dir):
    probe = AdamProbe()
    trainer = make_trainer(synth_dir, tiny_config(epochs=10), {"lr_step_decay": LrStepDecay(), "probe": probe})
    trainer.fit()
    steps = trainer.view.steps_per_epoch
    _, lr, step, moments = probe.starts[8]  # the decay epoch, after the decay was applied
    assert lr == pytest.approx(1e-3 * 0.98) and probe.ends[7][1] == pytest.approx(1e-3)
    assert all(snap[0] is trainer.optimizer for snap in [*probe.starts.values(), *probe.ends.values()])
    assert step == probe.ends[7][2] == 8 * steps  # Adam's step count was not reset
    assert probe.ends[8][2] == 9 * steps and probe.ends[9][2] == 10 * steps
    for key in ("exp_avg", "exp_avg_sq"):
        assert moments[key].abs().sum() > 0
        assert torch.equal(moments[key], probe.ends[7][3][key])  # the moment estimates carry over


def test_every_parameter_group_decays_from_its_own_base():
    """Hooks called in the documented order on a real Adam with two parameter groups."""
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    optimizer = torch.optim.Adam(
        [{"params": model[0].parameters(), "lr": 1e-3}, {"params": model[1].parameters(), "lr": 1e-2}]
    )
    view = TrainerView(tiny_config(), model, optimizer, None, epochs=20, steps_per_epoch=1)
    plugin = LrStepDecay(Config(schedule={"name": "step", "factor": 0.5, "every": 3}))
    plugin.mvae_train_start(view)
    for epoch in range(7):
        plugin.mvae_epoch_start(view, epoch)
        assert [g["lr"] for g in optimizer.param_groups] == pytest.approx(
            [b * 0.5 ** (epoch // 3) for b in (1e-3, 1e-2)]
        )
    assert plugin.mvae_state_dict() == {"base_lrs": [1e-3, 1e-2]}
    resumed = LrStepDecay(Config(schedule={"factor": 0.5, "every": 3}))  # the default step schedule, changed
    resumed.mvae_load_state_dict(plugin.mvae_state_dict())
    resumed.mvae_train_start(view)  # the optimiser's rates are decayed now; the saved bases win
    resumed.mvae_epoch_start(view, 7)
    assert [g["lr"] for g in optimizer.param_groups] == pytest.approx([2.5e-4, 2.5e-3])


def test_saved_rates_that_do_not_fit_the_optimiser_name_the_plugin(synth_dir):
    plugin = LrStepDecay()
    plugin.mvae_load_state_dict({"base_lrs": [1e-3, 1e-3]})
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"lr_step_decay": plugin})
    with pytest.raises(PluginError, match=r"'lr_step_decay' failed in mvae_epoch_start.*1 parameter group.*2 base"):
        trainer.fit()


def test_publishes_no_ramp(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"lr_step_decay": LrStepDecay()})
    trainer.fit()
    assert trainer.view.ramps_end == 0


@pytest.mark.parametrize(
    "assignment,expected",
    [
        ("plugins.lr_step_decay.schedule.factor=0", "plugins.lr_step_decay.schedule: schedule 'step': factor: Input"),
        ("plugins.lr_step_decay.schedule.every=0", "plugins.lr_step_decay.schedule: schedule 'step': every: Input"),
        ("plugins.lr_step_decay.factor=0.5", "plugins.lr_step_decay.factor = 0.5: unknown setting; valid here:"),
        ("plugins.lr_step_decay.per_stp=true", "did you mean plugins.lr_step_decay.per_step?"),
    ],
)
def test_bad_config_exits_2_naming_the_setting(synth_dir, tmp_path, assignment, expected):
    result = mvae("train", synth_dir, *SMALL, *PLUGINS, "--set", assignment, "--out", tmp_path / "r")
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert expected in output
