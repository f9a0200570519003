"""ts_ramp on real short runs: the seed's timeshift ramp min(1, (epoch + 1) / 15) as logged and applied."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_plugins.ts_ramp import Config, TsRamp
from tests.training import make_trainer, tiny_config

SMALL = ["--set", "model.hidden=16", "--set", "train.batch_size=16", "--set", "data.transpositions=[-5, 5]"]


def mvae(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_timeshift_multiplier_follows_the_seed_ramp(synth_dir, tmp_path):
    run = tmp_path / "run"
    result = mvae("train", synth_dir, *SMALL, "--plugins", "ts_ramp", "--epochs", 5, "--out", run)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["weights"]["timeshift"] for r in records] == pytest.approx([1 / 15, 2 / 15, 3 / 15, 4 / 15, 5 / 15])
    assert records[4]["weights"]["timeshift"] == pytest.approx(5 / 15)
    assert all(r["weights"][t] == 1.0 for r in records for t in ("onset", "velocity", "duration", "kl"))
    # a multiplier of the base coefficient 2.0, and what is logged is what the loss used
    coefficients = tomllib.loads((run / "config.toml").read_text())["loss"]["coefficients"]
    assert coefficients["timeshift"] == 2.0
    val, weights = records[4]["val"], records[4]["weights"]
    assert val["total"] == pytest.approx(sum(coefficients[t] * weights[t] * val[t] for t in weights))


def test_default_schedule_is_the_seed_ramp_for_every_epoch():
    schedule = TsRamp().schedule
    assert [schedule(e) for e in range(40)] == pytest.approx([min(1.0, (e + 1) / 15) for e in range(40)])


def test_hook_ramp_end_is_14_and_a_shorter_run_is_warned_in_epoch_0(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"ts_ramp": TsRamp()})
    records = []
    trainer.fit(on_epoch_end=records.append)
    assert trainer.view.ramps_end == 14  # multiplier 1 from epoch 14 on
    [event] = records[0]["events"]
    assert event["source"] == "ts_ramp" and event["level"] == "warning"
    assert "timeshift schedule" in event["message"] and "in epoch 15" in event["message"]  # index 14, from 0
    assert "--epochs 15" in event["message"] and "plugins.ts_ramp.schedule" in event["message"]


def test_a_constant_schedule_ramps_nothing_and_warns_nothing(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"ts_ramp": TsRamp(Config(schedule="constant"))})
    records = []
    trainer.fit(on_epoch_end=records.append)
    assert trainer.view.ramps_end == 0
    assert [r["events"] for r in records] == [[], []]
    assert [r["weights"]["timeshift"] for r in records] == [1.0, 1.0]


@pytest.mark.parametrize(
    "assignment,expected",
    [
        ('plugins.ts_ramp.schedule={name="liner", epochs=14}', "did you mean 'linear'?"),
        ('plugins.ts_ramp.schedule={name="linear", start=0.1, epochs=0}', "epochs: Input should be greater than 0"),
    ],
)
def test_bad_schedule_exits_2_naming_the_setting(synth_dir, tmp_path, assignment, expected):
    result = mvae("train", synth_dir, *SMALL, "--plugins", "ts_ramp", "--set", assignment, "--out", tmp_path / "r")
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert "plugins.ts_ramp.schedule" in output and expected in output
