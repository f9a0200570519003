"""kl_anneal on real short runs: the seed's KL schedule as logged and applied, any schedule selectable, warnings."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_plugins.kl_anneal import Config, KlAnneal
from tests.training import make_trainer, tiny_config

SMALL = ["--set", "model.hidden=16", "--set", "train.batch_size=16", "--set", "data.transpositions=[-5, 5]"]


def mvae(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def metrics(run):
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def trained(data, run, *args):
    result = mvae("train", data, *SMALL, "--out", run, *args)
    assert result.exit_code == 0, result.output
    return metrics(run)


def test_kl_weight_follows_the_seed_schedule(synth_dir, tmp_path):
    """Seed: β = min(1, epoch / 20), epoch from 0; logged in metrics.jsonl and applied to the loss."""
    records = trained(synth_dir, tmp_path / "run", "--plugins", "kl_anneal", "--epochs", 6)
    assert [r["weights"]["kl"] for r in records] == [0.0, 0.05, 0.1, 0.15, 0.2, 0.25]
    assert records[5]["weights"]["kl"] == 0.25
    assert all(r["weights"][t] == 1.0 for r in records for t in ("onset", "velocity", "duration", "timeshift"))
    # logged == applied (the ancestor logged epoch/60 while applying (epoch-30)/60): the weighted total uses it
    coefficients = tomllib.loads((tmp_path / "run" / "config.toml").read_text())["loss"]["coefficients"]
    val, weights = records[5]["val"], records[5]["weights"]
    assert val["total"] == pytest.approx(sum(coefficients[t] * weights[t] * val[t] for t in weights))
    assert val["total"] < sum(coefficients[t] * val[t] for t in weights)  # the KL term really is scaled down


def test_any_registered_schedule_is_selectable(synth_dir, tmp_path):
    spec = 'plugins.kl_anneal.schedule={name="cyclical", period=4, cycles=2, ratio=0.5}'
    records = trained(synth_dir, tmp_path / "run", "--plugins", "kl_anneal", "--epochs", 6, "--set", spec)
    assert [r["weights"]["kl"] for r in records] == [0.0, 0.5, 1.0, 1.0, 0.0, 0.5]
    config = tomllib.loads((tmp_path / "run" / "config.toml").read_text())
    assert config["plugins"]["kl_anneal"]["schedule"] == {
        "name": "cyclical",
        "low": 0.0,
        "high": 1.0,
        "period": 4.0,
        "cycles": 2,
        "ratio": 0.5,
    }  # the full spec that ran, defaults filled in


def test_a_bare_schedule_name_means_its_defaults():
    assert Config(schedule="cosine").schedule == {
        "name": "cosine",
        "start": 1.0,
        "end": 0.0,
        "epochs": 100.0,
        "delay": 0.0,
    }
    assert Config().schedule == {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 20.0, "delay": 0.0}


class Weights:
    def __init__(self, weights):
        self.weights = weights

    @hookimpl
    def mvae_loss_weights(self, epoch):
        return self.weights


def test_multipliers_of_several_plugins_for_kl_multiply(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=6), {"kl_anneal": KlAnneal(), "halve": Weights({"kl": 0.5})})
    records = []
    trainer.fit(on_epoch_end=records.append)
    assert [r["weights"]["kl"] for r in records] == [0.0, 0.025, 0.05, 0.075, 0.1, 0.125]


def run_records(synth_dir, plugin, epochs):
    trainer = make_trainer(synth_dir, tiny_config(epochs=epochs), {"kl_anneal": plugin})
    records = []
    trainer.fit(on_epoch_end=records.append)
    return trainer, records


def test_hook_ramp_end_and_the_too_long_warning_in_epoch_0(synth_dir):
    trainer, records = run_records(synth_dir, KlAnneal(), 2)
    assert trainer.view.ramps_end == 20
    [event] = records[0]["events"]
    assert event["source"] == "kl_anneal" and event["level"] == "warning"
    assert "final multiplier 1 in epoch 21" in event["message"] and "--epochs 21" in event["message"]  # index 20
    assert "this run ends with epoch 2" in event["message"]
    assert "plugins.kl_anneal.schedule" in event["message"]
    assert records[1]["events"] == []


@pytest.mark.parametrize("epochs,warns", [(2, True), (3, False)])
def test_warning_only_when_the_final_value_is_never_reached(synth_dir, epochs, warns):
    """A ramp over 2 epochs is final at epoch 2: a 2-epoch run (epochs 0, 1) never gets there, a 3-epoch run does."""
    plugin = KlAnneal(Config(schedule={"name": "linear", "epochs": 2}))
    trainer, records = run_records(synth_dir, plugin, epochs)
    assert trainer.view.ramps_end == 2
    assert bool(records[0]["events"]) is warns


def test_ramp_end_rounds_up_to_a_whole_epoch(synth_dir):
    trainer, _ = run_records(synth_dir, KlAnneal(Config(schedule={"name": "linear", "epochs": 2.5})), 4)
    assert trainer.view.ramps_end == 3


def test_a_schedule_that_never_settles_ramps_for_the_whole_run(synth_dir):
    plugin = KlAnneal(Config(schedule={"name": "exponential", "initial": 0.5, "rate": 1.1}))
    trainer, records = run_records(synth_dir, plugin, 2)
    assert trainer.view.ramps_end == 2  # the multiplier changes in every epoch of the run
    assert "never settles" in records[0]["events"][0]["message"]
    assert [r["weights"]["kl"] for r in records] == pytest.approx([0.5, 0.55])


@pytest.mark.parametrize(
    "assignment,expected",
    [
        ('plugins.kl_anneal.schedule={name="linaer"}', "did you mean 'linear'?"),
        ("plugins.kl_anneal.schedule=cosin", "did you mean 'cosine'?"),
        ('plugins.kl_anneal.schedule={name="linear", epochs=-1}', "epochs: Input should be greater than 0"),
        ('plugins.kl_anneal.schedule={name="cyclical", ratio=0.5, cycls=4}', "cycls"),
        ("plugins.kl_anneal.schedule=3", 'a schedule is a table with a "name"'),
    ],
)
def test_bad_schedule_exits_2_naming_the_setting(synth_dir, tmp_path, assignment, expected):
    result = mvae("train", synth_dir, *SMALL, "--plugins", "kl_anneal", "--set", assignment, "--out", tmp_path / "r")
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert "plugins.kl_anneal.schedule" in output and expected in output
    assert "Traceback" not in output and not (tmp_path / "r").exists()
