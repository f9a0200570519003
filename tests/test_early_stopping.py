"""early_stopping: the pure decision on scripted metric sequences, then real short runs (ramp gating, restoring the
best weights, resuming in the middle of the patience, warnings and errors)."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pytest
import torch

from mvae_core.checkpoint import load_model_file
from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError
from mvae_plugins.early_stopping import Config, Decision, EarlyStopping, Tracker, decide, monitored_value
from tests.training import SEED, Ramp, make_trainer, tiny_config

NAN = math.nan


def stop_epoch(values: list[float], ramps_end: int = 0, **config) -> int | None:
    """Feed ``values`` (one per epoch) to the decision; the epoch of the stop, or None."""
    cfg, tracker = Config(**config), Tracker()
    for epoch, value in enumerate(values):
        tracker, decision, _ = decide(tracker, epoch, value, ramps_end, cfg)
        if decision is Decision.STOP:
            return epoch
    return None


@pytest.mark.parametrize(
    "values,patience,ramps_end,min_delta,expected",
    [
        ([5, 4, 3, 2, 1], 2, 0, 0.0, None),  # improves every epoch
        ([6, 5, 5, 5, 5, 5], 3, 0, 0.0, 4),  # an equal value is no improvement
        ([6, 5, 4, 4, 3, 3], 1, 0, 0.0, 3),
        ([6, 5, 6, 5, 5, 5], 3, 0, 0.0, 4),
        ([1, 9, 9, 9, 8, 8, 8, 8], 2, 0, 0.0, 2),  # the warm-up value 1 would be "best" forever...
        ([1, 9, 9, 9, 8, 8, 8, 8], 2, 3, 0.0, 6),  # ...but epochs before the ramps end are ignored
        ([1, 9, 9, 9, 8, 8, 8, 8], 2, 8, 0.0, None),  # the ramps never end within the run
        ([10, 9.5, 9.2, 9.0, 8.9], 2, 0, 0.0, None),
        ([10, 9.5, 9.2, 9.0, 8.9], 2, 0, 0.6, 4),  # 9.5 is not better by > 0.6; 9.2 is; 9.0 and 8.9 are not
        ([3, NAN, NAN], 2, 0, 0.0, 2),  # NaN never improves
        ([NAN, 1.0, 2.0, 0.5], 2, 0, 0.0, None),  # the first finite value after a NaN is the best
    ],
)
def test_decision_on_scripted_sequences(values, patience, ramps_end, min_delta, expected):
    assert stop_epoch(values, ramps_end, patience=patience, min_delta=min_delta) == expected


def test_mode_max_and_the_stop_reason():
    assert stop_epoch([0.1, 0.5, 0.4, 0.5, 0.6], mode="max", patience=2) == 3
    cfg, tracker = Config(monitor="onset_f1", mode="max", patience=2, min_delta=0.01), Tracker()
    for epoch, value in enumerate([0.1, 0.5, 0.505, 0.4]):
        tracker, decision, reason = decide(tracker, epoch, value, 0, cfg)
    assert decision is Decision.STOP and tracker == Tracker(0.5, 1, 2, stopped=3)
    assert reason == "onset_f1 did not increase by more than 0.01 for 2 epochs since epoch 2 (best 0.5)"  # from 1


def test_monitor_is_a_numeric_path_of_the_record():
    record = {"epoch": 3, "val_elbo": 61.5, "val": {"total": 70.0, "kl": 2.0}, "weights": {"kl": 0.5}, "events": []}
    assert monitored_value(record, "val_elbo") == 61.5 and monitored_value(record, "val.total") == 70.0
    with pytest.raises(ValueError, match=r"monitor 'val' is not a numeric .*available: epoch, val_elbo, val.total"):
        monitored_value(record, "val")


@pytest.mark.parametrize(
    "section,message",
    [
        ({"mode": "avg"}, r"plugins\.early_stopping\.mode = 'avg': Input should be 'min' or 'max'"),
        ({"patience": 0}, r"plugins\.early_stopping\.patience = 0: Input should be greater than or equal to 1"),
        ({"min_delta": -1}, r"plugins\.early_stopping\.min_delta = -1"),
        (
            {"patients": 3},
            r"plugins\.early_stopping\.patients = 3: unknown setting; did you mean plugins\.early_stopping\.patience\?",
        ),
    ],
)
def test_config_is_validated_by_name(section, message):
    with pytest.raises(ConfigError, match=message):
        PluginHost.from_config(PluginsConfig(enabled=["early_stopping"], early_stopping=section))


def run(data, epochs, ramp=0, run_dir=None, **config):
    plugins = {"early_stopping": EarlyStopping(Config(**config)), "ramp": Ramp(ramp)}
    trainer = make_trainer(data, tiny_config(SEED, epochs=epochs), plugins, run_dir)
    records = []
    return trainer, trainer.fit(on_epoch_end=records.append), records


def expected_stop(values, ramps_end, patience):
    """Independent reference: the first epoch whose best-so-far (from ramps_end, first minimum) is patience old."""
    for epoch in range(ramps_end, len(values)):
        window = values[ramps_end : epoch + 1]
        if ramps_end + window.index(min(window)) == epoch - patience:
            return epoch
    return None


def test_a_constant_metric_stops_after_patience_counted_from_the_ramps_end(synth_dir, tmp_path):
    """lr never changes, so it never improves: the stop epoch is exactly ramps_end + patience."""
    _, result, _ = run(synth_dir, 20, ramp=0, monitor="lr", patience=2)
    assert result.epochs_run == 3
    _, result, _ = run(synth_dir, 20, ramp=4, monitor="lr", patience=2, run_dir=tmp_path / "r")
    assert result.epochs_run == 7
    assert result.stop_reasons == [
        "early_stopping: lr did not decrease by more than 0 for 2 epochs since epoch 5 (best 0.001)"  # index 4
    ]
    last = [json.loads(line) for line in (tmp_path / "r" / "metrics.jsonl").read_text().splitlines()][-1]
    assert last["epoch"] == 6
    assert {"source": "core", "level": "stop", "message": result.stop_reasons[0]} in last["events"]


def test_val_elbo_stop_waits_out_the_ramp(synth_dir):
    """Real val_elbo curves (this tiny set overfits the seed model from epoch 0): the stop follows the reference, later with a ramp."""
    stops = []
    for ramp in (0, 4):
        _, result, records = run(synth_dir, 20, ramp=ramp, patience=3)
        values = [r["val_elbo"] for r in records]
        assert result.stop_reasons, values
        assert result.epochs_run - 1 == expected_stop(values, ramp, 3), values
        stops.append(result.epochs_run - 1)
    assert stops[1] >= 4 + 3 > stops[0]


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("restore_best", [True, False])
def test_restores_the_best_weights_at_the_stop(synth_dir, tmp_path, restore_best):
    trainer, result, records = run(synth_dir, 20, patience=3, restore_best=restore_best, run_dir=tmp_path / "r")
    best_epoch = min(records, key=lambda r: r["val_elbo"])["epoch"]
    assert best_epoch < result.epochs_run - 1  # the last epoch is not the best, so restoring changes the model
    best = load_model_file(tmp_path / "r" / "model.safetensors")[0]  # the core's best val_elbo model
    last = trainer.run.load_checkpoint()["model"]
    expected, other = (best, last) if restore_best else (last, best)
    state = trainer.model.state_dict()
    assert all(torch.equal(state[k], expected[k]) for k in state)
    assert not all(torch.equal(state[k], other[k]) for k in state)
    restored = f"restored the weights of epoch {best_epoch + 1} (val_elbo {records[best_epoch]['val_elbo']:.6g})"
    assert [e["message"] for e in result.final_events] == ([restored] if restore_best else [])


def test_when_the_last_epoch_is_the_best_its_weights_are_kept_and_said_so(synth_dir):
    _, result, records = run(synth_dir, 3, patience=10, monitor="train.total")
    values = [r["train"]["total"] for r in records]
    assert values.index(min(values)) == 2, values  # the case under test: the last epoch is the best
    kept = f"kept the weights of the last epoch, 3, the best (train.total {values[2]:.6g})"
    assert [e["message"] for e in result.final_events] == [kept]


def test_resumed_in_the_middle_of_its_patience_it_stops_where_an_uninterrupted_run_does(synth_dir, tmp_path):
    full, full_result, full_records = run(synth_dir, 20, ramp=4, patience=3, run_dir=tmp_path / "full")
    values = [r["val_elbo"] for r in full_records]
    stop = expected_stop(values, 4, 3)
    assert stop is not None and full_result.epochs_run == stop + 1, values
    best_epoch, killed_after = stop - 3, stop - 2  # "killed" one epoch into the patience window
    run(synth_dir, killed_after + 1, ramp=4, patience=3, run_dir=tmp_path / "split")
    plugin = EarlyStopping(Config(patience=3))
    resumed = make_trainer(
        synth_dir, tiny_config(SEED, epochs=20), {"early_stopping": plugin, "ramp": Ramp(4)}, tmp_path / "split"
    )
    payload = resumed.run.load_checkpoint()
    state = payload["plugins"]["early_stopping"]
    assert (state["best_epoch"], state["wait"], state["stopped"]) == (best_epoch, 1, None)
    assert set(state["best_weights"]) == set(resumed.model.state_dict())
    resumed.restore(payload)
    result = resumed.fit()
    assert (result.epochs_run, result.stop_reasons) == (full_result.epochs_run, full_result.stop_reasons)
    assert result.final_events == full_result.final_events
    for name, tensor in full.model.state_dict().items():  # the restored best came from the checkpoint
        assert torch.equal(tensor, resumed.model.state_dict()[name]), name


def test_resuming_a_stopped_run_warns_and_stops_again_unless_it_improves(synth_dir, tmp_path):
    _, first, _ = run(synth_dir, 20, patience=3, run_dir=tmp_path / "r")
    plugin = EarlyStopping(Config(patience=3))
    trainer = make_trainer(synth_dir, tiny_config(SEED, epochs=20), {"early_stopping": plugin}, tmp_path / "r")
    trainer.restore(trainer.run.load_checkpoint())
    records = []
    result = trainer.fit(on_epoch_end=records.append)
    stopped = first.epochs_run - 1
    message = records[0]["events"][0]["message"]
    assert message.startswith(f"this run stopped early after epoch {stopped + 1}; resumed, it")  # counted from 1
    assert result.epochs_run == stopped + 2
    best = f"epoch {plugin.tracker.best_epoch + 1} (best {plugin.tracker.best:.6g})"
    reason = (
        f"val_elbo did not decrease by more than 0 for {stopped - plugin.tracker.best_epoch + 1} epochs since {best}"
    )
    assert result.stop_reasons == [f"early_stopping: {reason}"]


@pytest.mark.parametrize("epochs,warns", [(5, True), (6, False)])
def test_warns_when_ramp_plus_patience_leaves_no_epoch_to_stop(synth_dir, epochs, warns):
    _, _, records = run(synth_dir, epochs, ramp=3, monitor="lr", patience=2)
    expected = {
        "source": "early_stopping",
        "level": "warning",
        "message": "can never stop: patience counts from epoch 4 (the ramps end), so the earliest stop is after epoch "
        f"6, but the run ends with epoch {epochs}",  # epochs counted from 1: ramps end at index 3, stop at index 5
    }
    assert (expected in records[0]["events"]) is warns


def test_an_unknown_term_fails_naming_the_closest_and_the_available_metrics(synth_dir):
    message = (
        r"failed in mvae_epoch_end: .*monitor 'val.onzet' is not a numeric metric; did you mean 'val.onset'\? "
        r"available: epoch, lr, .*val_elbo"
    )  # a term's name depends on the model and plugins: checked once the epoch's record exists
    with pytest.raises(PluginError, match=rf"plugin 'early_stopping' {message}"):
        run(synth_dir, 2, monitor="val.onzet")


def test_one_epoch_of_patience_and_no_ramp_read_as_such():
    """'for 1 epochs' read wrong, and with nothing ramping the start-up warning said 'from epoch 1 (the ramps end)'."""
    cfg = Config(patience=1)
    tracker, _, _ = decide(Tracker(), 0, 10.0, 0, cfg)
    _, decision, reason = decide(tracker, 1, 11.0, 0, cfg)
    assert decision is Decision.STOP
    assert reason == "val_elbo did not decrease by more than 0 for 1 epoch since epoch 1 (best 10)"
    view = SimpleNamespace(ramps_end=0, epochs=1, emitted=[])
    view.emit = view.emitted.append
    EarlyStopping(Config(patience=3)).mvae_train_start(view)
    assert view.emitted == [
        "can never stop: patience counts from epoch 1, so the earliest stop is after epoch 4, but the run ends with epoch 1"
    ]
