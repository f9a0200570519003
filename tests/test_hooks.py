"""The hook contract: call order, and one ``test_hook_<name>`` per hookspec (enforced by test_docs.py)."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.plugins import PluginError
from tests.training import make_trainer, tiny_config


class Recorder:
    """Implements every hook and records each call."""

    def __init__(self, stop_at: int | None = None, ramp: int | None = None) -> None:
        self.calls: list[tuple] = []
        self.ramp = ramp
        self.stop_at = stop_at
        self.restored = None

    @hookimpl
    def mvae_ramp_end(self, trainer):
        self.calls.append(("ramp_end", trainer.epoch))
        return self.ramp

    @hookimpl
    def mvae_train_start(self, trainer):
        self.calls.append(("train_start", trainer.epoch, trainer.ramps_end))

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        self.calls.append(("epoch_start", epoch))

    @hookimpl
    def mvae_loss_weights(self, trainer, epoch):
        self.calls.append(("loss_weights", epoch))

    @hookimpl
    def mvae_epoch_end(self, trainer, epoch, metrics):
        self.calls.append(("epoch_end", epoch))
        return "enough" if epoch == self.stop_at else None

    @hookimpl
    def mvae_state_dict(self, trainer):
        self.calls.append(("state_dict", trainer.epoch))
        return {"calls": len(self.calls)}

    @hookimpl
    def mvae_load_state_dict(self, state):
        self.restored = state

    @hookimpl
    def mvae_train_end(self, trainer, stop_reasons):
        self.calls.append(("train_end", tuple(stop_reasons)))


def test_hook_sequence_of_a_two_epoch_run(synth_dir, tmp_path):
    recorder = Recorder()
    make_trainer(synth_dir, tiny_config(epochs=2), {"rec": recorder}, tmp_path / "run").fit()
    assert recorder.calls == [
        ("ramp_end", 0),
        ("train_start", 0, 0),
        ("state_dict", 0),  # the start checkpoint, so that an interrupt in epoch 0 can resume
        ("epoch_start", 0),
        ("loss_weights", 0),
        ("epoch_end", 0),
        ("state_dict", 0),
        ("epoch_start", 1),
        ("loss_weights", 1),
        ("epoch_end", 1),
        ("state_dict", 1),
        ("train_end", ()),
    ]


def test_hook_mvae_ramp_end(synth_dir):
    """The latest ramp end over all plugins; plugins without a ramp (None) do not count."""
    plugins = {"short": Recorder(ramp=5), "long": Recorder(ramp=12), "none": Recorder()}
    make_trainer(synth_dir, tiny_config(epochs=1), plugins).fit()
    assert all(("train_start", 0, 12) in p.calls for p in plugins.values())
    plain = Recorder()
    make_trainer(synth_dir, tiny_config(epochs=1), {"plain": plain}).fit()
    assert ("train_start", 0, 0) in plain.calls


def test_hook_mvae_train_start(synth_dir):
    class Warns:
        @hookimpl
        def mvae_train_start(self, trainer):
            trainer.emit(f"run of {trainer.epochs} epochs, {trainer.steps_per_epoch} steps each")

    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"warns": Warns()})
    records = []
    trainer.fit(on_epoch_end=records.append)
    assert records[0]["events"] == [{"source": "warns", "level": "warning", "message": "run of 1 epochs, 3 steps each"}]


def test_hook_mvae_epoch_start(synth_dir):
    class SetsLr:
        @hookimpl
        def mvae_epoch_start(self, trainer, epoch):
            for group in trainer.optimizer.param_groups:
                group["lr"] = 1e-4 * (epoch + 1)

    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"lr": SetsLr()})
    records = []
    trainer.fit(on_epoch_end=records.append)
    assert [r["lr"] for r in records] == pytest.approx([1e-4, 2e-4])


class Weights:
    def __init__(self, weights):
        self.weights = weights

    @hookimpl
    def mvae_loss_weights(self, trainer, epoch):
        return self.weights


def test_hook_mvae_loss_weights(synth_dir):
    """Multipliers of several plugins for one term multiply; other terms stay at 1."""
    plugins = {"a": Weights({"kl": 0.5, "timeshift": 3.0}), "b": Weights({"kl": 0.5})}
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), plugins)
    records = []
    trainer.fit(on_epoch_end=records.append)
    weights = records[0]["weights"]
    assert weights == {"onset": 1.0, "velocity": 1.0, "duration": 1.0, "timeshift": 3.0, "kl": 0.25}
    val, coefficients = records[0]["val"], trainer.cfg.loss.coefficients
    expected = sum(coefficients[t] * weights[t] * val[t] for t in weights)
    assert val["total"] == pytest.approx(expected)
    assert records[0]["val_elbo"] == pytest.approx(
        sum(coefficients[t] * val[t] for t in weights if t != "kl") + val["kl"]
    )


def test_loss_weights_change_the_gradient(synth_dir):
    """A zero multiplier really removes a term from training (not only from the log)."""
    plain = make_trainer(synth_dir, tiny_config(epochs=1))
    plain.fit()
    muted = make_trainer(synth_dir, tiny_config(epochs=1), {"mute": Weights({"onset": 0.0})})
    muted.fit()
    head = "heads.0.1.weight"  # the onset head's output layer
    assert not plain.model.state_dict()[head].equal(muted.model.state_dict()[head])


def test_unknown_loss_term_names_the_plugin(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"typo_plugin": Weights({"kl_weight": 0.5})})
    with pytest.raises(PluginError, match=r"plugin 'typo_plugin'.*unknown term 'kl_weight'.*\['onset'"):
        trainer.fit()


def test_hook_mvae_epoch_end(synth_dir, tmp_path):
    """Every plugin's epoch_end runs before stop requests are collected; all reasons are recorded."""
    first, second = Recorder(stop_at=1), Recorder()
    trainer = make_trainer(synth_dir, tiny_config(epochs=5), {"first": first, "second": second}, tmp_path / "r")
    result = trainer.fit()
    assert result.epochs_run == 2
    assert result.stop_reasons == ["first: enough"]
    assert ("epoch_end", 1) in second.calls and ("train_end", ("first: enough",)) in second.calls
    last = trainer.run.read_metrics()[-1]
    assert {"source": "core", "level": "stop", "message": "first: enough"} in last["events"]


def test_hook_mvae_epoch_end_sees_the_metrics(synth_dir):
    seen = []

    class Reads:
        @hookimpl
        def mvae_epoch_end(self, epoch, metrics):
            seen.append((epoch, metrics["val_elbo"], metrics["onset_f1"]))

    make_trainer(synth_dir, tiny_config(epochs=2), {"reads": Reads()}).fit()
    assert [e for e, _, _ in seen] == [0, 1]
    assert all(elbo > 0 and 0 <= f1 <= 1 for _, elbo, f1 in seen)


def test_hook_mvae_train_end(synth_dir):
    recorder = Recorder()
    make_trainer(synth_dir, tiny_config(epochs=1), {"rec": recorder}).fit()
    assert recorder.calls[-1] == ("train_end", ())


def test_hook_mvae_state_dict(synth_dir, tmp_path):
    make_trainer(synth_dir, tiny_config(epochs=2), {"rec": Recorder()}, tmp_path / "r").fit()
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"rec": Recorder()}, tmp_path / "r")
    payload = trainer.run.load_checkpoint()
    assert payload["plugins"] == {"rec": {"calls": 11}}  # saved under the plugin's own name


def test_hook_mvae_load_state_dict(synth_dir, tmp_path):
    make_trainer(synth_dir, tiny_config(epochs=2), {"rec": Recorder()}, tmp_path / "r").fit()
    resumed = Recorder()
    trainer = make_trainer(synth_dir, tiny_config(epochs=3), {"rec": resumed, "other": Recorder()}, tmp_path / "r")
    trainer.restore(trainer.run.load_checkpoint())
    assert resumed.restored == {"calls": 11}
    trainer.fit()
    assert resumed.calls[:2] == [("ramp_end", 2), ("train_start", 2, 0)]


def test_a_failing_plugin_names_itself_and_the_hook(synth_dir):
    class Broken:
        @hookimpl
        def mvae_epoch_end(self, epoch):
            raise ZeroDivisionError("oops")

    with pytest.raises(PluginError, match=r"plugin 'broken' failed in mvae_epoch_end: ZeroDivisionError: oops"):
        make_trainer(synth_dir, tiny_config(epochs=1), {"broken": Broken()}).fit()


@pytest.mark.parametrize("value", [float("nan"), -1.0, float("inf"), "0.5"])
def test_loss_multipliers_must_be_finite_and_non_negative(synth_dir, value):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"bad": Weights({"kl": value})})
    with pytest.raises(PluginError, match=r"plugin 'bad': mvae_loss_weights returned 'kl' = .*finite number >= 0"):
        trainer.fit()


def test_epoch_end_must_return_a_reason_string_or_none(synth_dir):
    class ReturnsFalse:
        @hookimpl
        def mvae_epoch_end(self, epoch):
            return False

    with pytest.raises(PluginError, match=r"plugin 'falsy': mvae_epoch_end must return a stop reason \(str\) or None"):
        make_trainer(synth_dir, tiny_config(epochs=2), {"falsy": ReturnsFalse()}).fit()


def test_plugin_state_that_could_not_be_reloaded_is_refused_at_save(synth_dir, tmp_path):
    import numpy as np

    class NumpyState:
        @hookimpl
        def mvae_state_dict(self):
            return {"best": np.float64(1.5)}

    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"np_state": NumpyState()}, tmp_path / "r")
    with pytest.raises(PluginError, match=r"plugin 'np_state': mvae_state_dict returned a float64 .*\.item\(\)"):
        trainer.fit()


def test_events_emitted_at_train_end_are_returned(synth_dir):
    class Summary:
        @hookimpl
        def mvae_train_end(self, trainer, stop_reasons):
            trainer.emit(f"finished after {trainer.epoch + 1} epochs", level="info")

    result = make_trainer(synth_dir, tiny_config(epochs=2), {"summary": Summary()}).fit()
    assert result.final_events == [{"source": "summary", "level": "info", "message": "finished after 2 epochs"}]
