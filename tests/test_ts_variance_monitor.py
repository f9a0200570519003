"""ts_variance_monitor: the pure decision on scripted (data std, decoded std) sequences, then real short runs: a model
whose timeshift head is forced constant, a model that learned the timing, and quantized data."""

from __future__ import annotations

import math

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.host import PluginHost
from mvae_plugins.ts_variance_monitor import Config, TsVarianceMonitor, decide
from tests.synth import melody_folder
from tests.training import SEED, Ramp, make_trainer, tiny_config

NAN = math.nan


def events(stds: list[tuple[float, float]], ramps_end: int = 0, **config) -> list[tuple[int, str, str]]:
    """Feed ``(data std, decoded std)`` per epoch to the decision; ``(epoch, status, level)`` of every event."""
    cfg, status, last_warning, emitted = Config(**config), "unchecked", None, []
    for epoch, (data, recon) in enumerate(stds):
        status, event = decide(status, last_warning, epoch, ramps_end, data, recon, cfg)
        if event:
            emitted.append((epoch, status, event[0]))
            last_warning = epoch if event[0] == "warning" else last_warning
    return emitted


GOOD, COLLAPSED = (0.3, 0.2), (0.3, 0.05)  # variance ratios 0.44 and 0.028


@pytest.mark.parametrize(
    "stds,ramps_end,config,expected",
    [
        ([GOOD] * 5, 0, {}, []),
        ([COLLAPSED] * 5, 0, {}, [(0, "collapsed", "warning")]),  # once per collapse, not every epoch...
        (
            [COLLAPSED] * 7,
            0,
            {"repeat_every": 3},
            [(0, "collapsed", "warning"), (3, "collapsed", "warning"), (6, "collapsed", "warning")],
        ),  # ...unless asked to repeat
        ([COLLAPSED] * 5, 3, {}, [(3, "collapsed", "warning")]),  # silent until the ramps end
        (
            [GOOD, COLLAPSED, COLLAPSED, GOOD, COLLAPSED],
            0,
            {},
            [(1, "collapsed", "warning"), (3, "ok", "info"), (4, "collapsed", "warning")],
        ),  # recovery is noted
        ([COLLAPSED] * 3, 0, {"threshold": 0.02}, []),
        ([(0.0, 0.1)] * 4, 0, {}, [(0, "quantized", "info")]),  # said once, never "collapse"
        ([(0.01, 0.0)] * 2, 0, {}, [(0, "quantized", "info")]),  # below quantized_std = 0.02
        ([(0.01, 0.0)] * 2, 0, {"quantized_std": 0.005}, [(0, "collapsed", "warning")]),
        ([(NAN, NAN)] * 2, 0, {}, [(0, "quantized", "info")]),  # fewer than two notes: no spread to judge
    ],
)
def test_decision_on_scripted_sequences(stds, ramps_end, config, expected):
    assert events(stds, ramps_end, **config) == expected


def test_messages_give_the_numbers():
    _, (level, message) = decide("ok", None, 5, 0, 0.3, 0.05, Config())
    assert level == "warning"
    assert message == (
        "timeshift collapse: decoded timing at the validation notes has variance ratio 0.0278 "
        "(decoded std 0.05, data std 0.3 half-steps), below 0.1"
    )
    _, (level, message) = decide("unchecked", None, 0, 0, 0.0, 0.1, Config())
    assert level == "info" and message.startswith("the validation data is quantized (timeshift std 0 < 0.02 half-steps")
    assert message.endswith("so timeshift collapse cannot be judged")


@pytest.mark.parametrize(
    "section,message",
    [
        ({"threshold": 0}, r"plugins\.ts_variance_monitor\.threshold = 0: Input should be greater than 0"),
        ({"repeat_every": -1}, r"plugins\.ts_variance_monitor\.repeat_every = -1"),
        (
            {"treshold": 0.2},
            r"plugins\.ts_variance_monitor\.treshold = 0.2: unknown setting; did you mean plugins\.ts_variance_monitor\.threshold\?",
        ),
    ],
)
def test_config_is_validated_by_name(section, message):
    with pytest.raises(ConfigError, match=message):
        PluginHost.from_config(PluginsConfig(enabled=["ts_variance_monitor"], ts_variance_monitor=section))


class ConstantTimeshift:
    """Forces the seed model's timing head to offset 0: its output layer frozen with zero weights and a bias that is 0 for the
    mse head (tanh(0) = 0) and puts all the categorical head's mass on the on-grid class."""

    @hookimpl
    def mvae_train_start(self, trainer):
        last = trainer.model.heads[3][-1]
        with torch.no_grad():
            last.weight.zero_()
            last.bias.zero_()
            if trainer.model.timing is not None:
                last.bias.view(-1, trainer.model.timing.n_classes)[:, 0] = 50.0
        last.weight.requires_grad_(False)
        last.bias.requires_grad_(False)


def run(data, epochs, extra=None, run_dir=None, **config):
    plugins = {"ts_variance_monitor": TsVarianceMonitor(Config(**config)), **(extra or {})}
    trainer = make_trainer(data, tiny_config(SEED, epochs=epochs), plugins, run_dir)
    records = []
    result = trainer.fit(on_epoch_end=records.append)
    return result, records, [[e for e in r["events"] if e["source"] == "ts_variance_monitor"] for r in records]


def test_warns_on_a_constant_timeshift_head_and_never_stops(synth_dir):
    result, records, emitted = run(synth_dir, 4, {"constant": ConstantTimeshift()}, repeat_every=2)
    assert result.epochs_run == 4 and result.stop_reasons == []
    assert all(r["timing_std"]["recon"] == 0 and r["timing_std"]["data"] > 0.2 for r in records)
    assert [[e["level"] for e in epoch] for epoch in emitted] == [["warning"], [], ["warning"], []]
    start = "timeshift collapse: decoded timing at the validation notes has variance ratio 0 (decoded std 0,"
    assert emitted[0][0]["message"].startswith(start)


def test_silent_on_a_model_that_learned_the_timing(pattern_dir):
    """Per-pattern offsets are learnable; checked from the (published) ramp end on, the ratio stays healthy."""
    _, records, emitted = run(pattern_dir, 10, {"ramp": Ramp(5)})
    ratios = [(r["timing_std"]["recon"] / r["timing_std"]["data"]) ** 2 for r in records[5:]]
    assert min(ratios) > 0.1 and ratios[-1] > 0.3, ratios
    assert emitted == [[]] * 10


@pytest.fixture(scope="module")
def quantized_dir(tmp_path_factory):
    return melody_folder(tmp_path_factory.mktemp("quantized"), n_files=6, n_loops=4, seed=0, offset_std=0)


def test_says_quantized_once_on_quantized_data_and_keeps_quiet_after_a_resume(quantized_dir, tmp_path):
    _, records, emitted = run(quantized_dir, 2, run_dir=tmp_path / "r")
    # the categorical head starts at the data's offset frequencies: quantized data is reproduced exactly on the grid
    assert records[0]["timing_std"] == {"data": 0, "recon": 0}
    assert [len(epoch) for epoch in emitted] == [1, 0]
    assert emitted[0][0]["level"] == "info" and "quantized" in emitted[0][0]["message"]
    assert "collapse cannot be judged" in emitted[0][0]["message"]
    monitor = TsVarianceMonitor()
    trainer = make_trainer(quantized_dir, tiny_config(SEED, epochs=3), {"ts_variance_monitor": monitor}, tmp_path / "r")
    trainer.restore(trainer.run.load_checkpoint())
    assert monitor.status == "quantized"  # restored from the checkpoint
    records = []
    trainer.fit(on_epoch_end=records.append)
    assert records[0]["epoch"] == 2 and records[0]["events"] == []


def test_warns_when_the_ramps_outlast_the_run(synth_dir):
    _, _, emitted = run(synth_dir, 2, {"ramp": Ramp(2)})
    message = "never checks: the ramps end in epoch 3, after the run's last epoch (2)"  # ramps_end 2, from 0
    assert emitted[0] == [{"source": "ts_variance_monitor", "level": "warning", "message": message}]
