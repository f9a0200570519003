"""The hook contract: call order, and one ``test_hook_<name>`` per hookspec (enforced by test_docs.py)."""

from __future__ import annotations

import re

import pytest
import torch

from mvae_core import hookimpl, hookspecs
from mvae_core.config import LOSS_TERMS
from mvae_core.data.batches import batch_indices
from mvae_core.losses import kl_per_dimension
from mvae_core.metrics_record import CLOCK_KEYS
from mvae_core.plugin_catalog import HOOKS as HOOK_NAMES
from mvae_core.plugins import PluginError
from mvae_core.run_plugins import check_watched_entries
from mvae_core.trainer import NonFiniteLoss, TrainingPaused
from tests.training import TINY, Ramp, event_messages, make_trainer, tiny_config


class Recorder:
    """Implements every hook and records each call (per-step hooks once per epoch, at the epoch's first step)."""

    def __init__(self, stop_at: int | None = None, ramp: int | None = None) -> None:
        self.calls: list[tuple] = []
        self.ramp = ramp
        self.stop_at = stop_at
        self.restored = None

    @hookimpl
    def mvae_check_config(self, config):
        self.calls.append(("check_config", config.train.epochs))

    @hookimpl
    def mvae_added_terms(self, config):
        self.calls.append(("added_terms", config.train.epochs))

    @hookimpl
    def mvae_watched_entries(self, config):
        self.calls.append(("watched_entries", config.train.epochs))

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
    def mvae_step_start(self, trainer, epoch, step):
        if step == 0:
            self.calls.append(("step_start", epoch))

    @hookimpl
    def mvae_loss(self, trainer, batch, output, terms, split):
        if trainer.step == 0 or split == "val":
            self.calls.append(("loss", split))

    @hookimpl
    def mvae_before_optimizer_step(self, trainer, epoch, step):
        if step == 0:
            self.calls.append(("before_optimizer_step", epoch))

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step, losses):
        if step == 0:
            self.calls.append(("step_end", epoch))

    @hookimpl
    def mvae_validation_start(self, trainer, epoch):
        self.calls.append(("validation_start", epoch))

    @hookimpl
    def mvae_validation_batch(self, trainer, epoch, batch, output, terms):
        self.calls.append(("validation_batch", epoch))

    @hookimpl
    def mvae_validation_end(self, trainer, epoch, metrics):
        self.calls.append(("validation_end", epoch))

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


EPOCH_CALLS = [
    "epoch_start", "loss_weights", "step_start", "loss", "before_optimizer_step", "step_end", "validation_start",
    "loss", "validation_batch", "validation_end", "epoch_end", "state_dict",
]  # fmt: skip


def test_hook_sequence_of_a_two_epoch_run(synth_dir, tmp_path):
    recorder = Recorder()
    make_trainer(synth_dir, tiny_config(epochs=2), {"rec": recorder}, tmp_path / "run").fit()
    assert [call[0] for call in recorder.calls] == [
        "ramp_end", "train_start", "state_dict",  # the start checkpoint, so that an interrupt in epoch 0 can resume
        *EPOCH_CALLS, *EPOCH_CALLS, "train_end",
    ]  # fmt: skip
    assert ("loss", "train") in recorder.calls and ("loss", "val") in recorder.calls


def sequence_hooks() -> list[str]:
    """The hooks of ``hookspecs.CALL_SEQUENCE`` in the order it names them (each hook once)."""
    return list(dict.fromkeys(re.findall(r"\b(mvae_\w+)\(", hookspecs.CALL_SEQUENCE)))


def test_a_run_calls_the_hooks_in_the_order_of_the_documented_sequence(synth_dir, tmp_path):
    """hookspecs.CALL_SEQUENCE (shown in docs/hooks.md) is what the trainer does: every hook, first calls in order."""
    recorder = Recorder()
    make_trainer(synth_dir, tiny_config(epochs=1), {"rec": recorder}, tmp_path / "run").fit()
    run_order = list(dict.fromkeys(f"mvae_{call[0]}" for call in recorder.calls))
    assert sorted(sequence_hooks()) == sorted(HOOK_NAMES)  # the sequence names every hook of the contract
    # mvae_check_config and the declarations after it: train() calls them before the data is read
    # (test_plugins_check_config_refusal.py, test_plugins_author_watched_entries.py), not the trainer;
    # mvae_load_state_dict: on resume only; mvae_train_interrupted: only when the training does not finish
    set_up = ("mvae_check_config", "mvae_added_terms", "mvae_watched_entries", "mvae_load_state_dict")
    set_up += ("mvae_train_interrupted",)
    documented = [hook for hook in sequence_hooks() if hook not in set_up]
    assert run_order == documented


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
    records, started = [], []
    trainer.fit(on_epoch_end=records.append, on_start=lambda events: started.append((events, list(records))))
    warning = {"source": "warns", "level": "warning", "message": "run of 1 epochs, 3 steps each"}
    assert started == [([warning], [])]  # shown before the first epoch ended
    assert records[0]["events"] == [warning]  # and recorded with it


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
    head = "to_token.weight"  # melody_rnn's note choice (the onset term)
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
    assert payload["plugins"] == {"rec": {"calls": 27}}  # saved under the plugin's own name (27 calls so far)


def test_hook_mvae_load_state_dict(synth_dir, tmp_path):
    make_trainer(synth_dir, tiny_config(epochs=2), {"rec": Recorder()}, tmp_path / "r").fit()
    resumed = Recorder()
    trainer = make_trainer(synth_dir, tiny_config(epochs=3), {"rec": resumed, "other": Recorder()}, tmp_path / "r")
    trainer.restore(trainer.run.load_checkpoint())
    assert resumed.restored == {"calls": 27}
    trainer.fit()
    assert resumed.calls[:2] == [("ramp_end", 2), ("train_start", 2, 0)]


def test_a_failing_plugin_names_itself_and_the_hook(synth_dir):
    class Broken:
        @hookimpl
        def mvae_epoch_end(self, epoch):
            raise ZeroDivisionError("oops")

    with pytest.raises(PluginError, match=r"plugin 'broken' failed in mvae_epoch_end: ZeroDivisionError: oops"):
        make_trainer(synth_dir, tiny_config(epochs=1), {"broken": Broken()}).fit()


@pytest.mark.parametrize("value", [float("nan"), -1.0, float("inf")])  # another type: test_hooks_result_checks
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


def test_a_plugin_that_changes_trainer_config_cannot_change_the_run(synth_dir):
    """A coefficient changed through ``trainer.config`` reached the loss, unseen in ``weights`` and ``config.toml``."""

    class Sneaky:
        @hookimpl
        def mvae_epoch_start(self, trainer):
            trainer.config.loss.coefficients["kl"] = 1000.0
            trainer.config.train.clip_grad_norm = 1e-6

    plain = make_trainer(synth_dir, tiny_config(epochs=1)).fit()
    sneaky = make_trainer(synth_dir, tiny_config(epochs=1), {"sneaky": Sneaky()})
    assert sneaky.fit().last["train"] == plain.last["train"]
    assert sneaky.cfg.loss.coefficients["kl"] == 1.0 and sneaky.view.config.loss.coefficients["kl"] == 1000.0


@pytest.mark.parametrize("level", ["stop", "error", 3])
def test_an_emit_level_other_than_warning_or_info_is_an_error_naming_the_plugin(synth_dir, level):
    """``stop`` marks the core's stop requests, which a resume reads back: a plugin writing it made a resume say
    the run had stopped, though it had not."""

    class FakeStop:
        @hookimpl
        def mvae_epoch_end(self, trainer):
            trainer.emit("enough", level=level)

    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"fake_stop": FakeStop()})
    message = rf"plugin 'fake_stop' failed in mvae_epoch_end: ValueError: emit\(\.\.\., level={level!r}\): the level "
    with pytest.raises(PluginError, match=message + r"is 'warning' or 'info'"):
        trainer.fit()


# -- per-step, loss-level and validation hooks ---------------------------------------------------------------------


def _batch_sizes(trainer) -> list[int]:
    return [len(b) for b in batch_indices(len(trainer.train_set), trainer.cfg.train.batch_size, rng=None)]


def _step_total(losses: dict[str, float], coefficients: dict[str, float], multipliers: dict[str, float]) -> float:
    return sum(coefficients.get(t, 1.0) * multipliers.get(t, 1.0) * v for t, v in losses.items() if t != "total")


class StepHalving:
    """Per-step KL multiplier 0.5 ** (step + 1); records what it saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int, int]] = []
        self.losses: list[dict[str, float]] = []

    @hookimpl
    def mvae_step_start(self, trainer, epoch, step):
        self.seen.append((epoch, step, trainer.global_step))
        return {"kl": 0.5 ** (step + 1)}

    @hookimpl
    def mvae_step_end(self, losses):
        self.losses.append(losses)


def test_hook_mvae_step_start(synth_dir):
    """Per-step multipliers multiply with the epoch's; each step's total uses its own; the last step's are logged."""
    halving = StepHalving()
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"epoch": Weights({"kl": 0.5}), "step": halving})
    records = []
    trainer.fit(on_epoch_end=records.append)
    steps = trainer.view.steps_per_epoch
    assert halving.seen == [(e, s, e * steps + s) for e in range(2) for s in range(steps)]
    coefficients = trainer.cfg.loss.coefficients
    for (_, step, _), losses in zip(halving.seen, halving.losses, strict=True):
        multipliers = {"kl": 0.5 * 0.5 ** (step + 1)}
        assert losses["total"] == pytest.approx(_step_total(losses, coefficients, multipliers), rel=1e-5)
    assert [r["weights"]["kl"] for r in records] == pytest.approx([0.5 * 0.5**steps] * 2)


def test_hook_mvae_step_end(synth_dir):
    """Every step's losses (terms and total, means over the batch) and gradient norm; they add up to the epoch's."""
    seen = []

    class Logger:
        @hookimpl
        def mvae_step_end(self, trainer, epoch, step, losses, grad_norm):
            seen.append((epoch, step, losses, grad_norm))

    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"logger": Logger()})
    records = []
    trainer.fit(on_epoch_end=records.append)
    sizes = _batch_sizes(trainer)
    assert [(e, s) for e, s, _, _ in seen] == [(e, s) for e in range(2) for s in range(len(sizes))]
    assert all(set(losses) == {*LOSS_TERMS, "total"} for _, _, losses, _ in seen)
    assert all(isinstance(norm, float) and norm > 0 for *_, norm in seen)
    for epoch, record in enumerate(records):
        steps = [losses for e, _, losses, _ in seen if e == epoch]
        weighted = sum(size * losses["total"] for size, losses in zip(sizes, steps, strict=True)) / sum(sizes)
        assert weighted == pytest.approx(record["train"]["total"], rel=1e-5)


def test_hook_mvae_before_optimizer_step(synth_dir):
    """The gradients are final there: zeroing them leaves every weight where it started (Adam's step is 0)."""
    norms = []

    class FreezeAll:
        @hookimpl
        def mvae_before_optimizer_step(self, trainer, grad_norm):
            norms.append(grad_norm)
            for parameter in trainer.model.parameters():
                parameter.grad.zero_()

    trainer = make_trainer(synth_dir, tiny_config("train.clip_grad_norm=1e-6", epochs=1), {"freeze": FreezeAll()})
    before = {k: v.clone() for k, v in trainer.model.named_parameters()}
    trainer.fit()
    assert all(torch.equal(before[k], v) for k, v in trainer.model.named_parameters())
    assert len(norms) == trainer.view.steps_per_epoch and min(norms) > 1e-6  # the norm before any clipping


class AddsL2:
    """Adds a term ``l2`` (tiny weight decay) and doubles ``onset`` (replaces it)."""

    @hookimpl
    def mvae_loss(self, trainer, output, terms, split):
        l2 = sum(p.pow(2).sum() for p in trainer.model.parameters()) * 1e-6
        return {"l2": l2, "onset": 2 * terms["onset"]}


def test_hook_mvae_loss(synth_dir, tmp_path):
    """Added terms are weighted like any (coefficient 1), logged under their names; a replaced term says by whom;
    val_elbo stays the core's."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"adds": AddsL2(), "w": Weights({"l2": 2.0})}, tmp_path)
    trainer.fit()
    [record] = trainer.run.read_metrics()
    assert record["replaced"] == {"onset": "adds"}
    assert set(record["train"]) == set(record["val"]) == {*LOSS_TERMS, "l2", "total"}
    assert record["weights"] == {**dict.fromkeys(LOSS_TERMS, 1.0), "l2": 2.0}
    val, coefficients = record["val"], trainer.cfg.loss.coefficients
    assert val["total"] == pytest.approx(_step_total(val, coefficients, {"l2": 2.0}), rel=1e-6)
    core_onset = val["onset"] / 2  # val_elbo: the core's own terms, KL coefficient 1
    core = {**val, "onset": core_onset}
    assert record["val_elbo"] == pytest.approx(_step_total(core, {**coefficients, "kl": 1.0}, {"l2": 0.0}), rel=1e-6)


def test_two_plugins_replacing_the_same_term_is_an_error_naming_both(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"first": AddsL2(), "second": AddsL2()})
    with pytest.raises(PluginError) as raised:
        trainer.fit()
    both = "plugins 'first' and 'second' both add the loss term 'l2' in mvae_loss; enable only one of them"
    assert str(raised.value) == (
        f"{both} (plugins= of a new run, or [plugins] enabled in the config.toml of the run to resume)"
    )
    assert raised.value.command_line_message() == (
        f"{both} (--plugins of a new run, or [plugins] enabled in the config.toml of the run to --resume)"
    )


def test_a_run_two_plugins_break_names_the_fix_to_each_caller(synth_dir, tmp_path):
    """The run's failure keeps the plugin error's two forms: plugins= to mvae_core.train's caller, --plugins on the
    command line (the command line read the Python form's words before)."""
    import mvae_core
    from mvae_core.errors import RunFailed

    with pytest.raises(RunFailed) as raised:
        mvae_core.train(data=[synth_dir], out=tmp_path / "run", overrides=TINY, epochs=1, progress=False,
                        plugins=[("first", AddsL2()), ("second", AddsL2())])  # fmt: skip
    assert "enable only one of them (plugins= of a new run" in str(raised.value)
    assert "enable only one of them (--plugins of a new run" in raised.value.command_line_message()


class NanTerms:
    """Returns a NaN for one term from the second training step on: an added one or a replaced core term."""

    def __init__(self, term: str) -> None:
        self.term, self.steps = term, 0

    @hookimpl
    def mvae_loss(self, split):
        self.steps += split == "train"
        return {self.term: torch.tensor(float("nan"))} if self.steps == 2 else None


class Watching:
    @hookimpl(wrapper=True)
    def mvae_loss(self):
        return (yield)  # a wrapper adds nothing: it is not named as a term's author


@pytest.mark.parametrize(
    ("term", "origin"),
    [("l2", "added by plugin 'nans' in mvae_loss"), ("kl", "replaced by plugin 'nans' in mvae_loss")],
)
def test_a_non_finite_term_of_a_plugin_names_the_plugin(synth_dir, term, origin):
    # before, the error said only "term(s) l2, total": the user could not tell which plugin made the NaN
    plugins = {"nans": NanTerms(term), "watching": Watching()}
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), plugins)
    with pytest.raises(NonFiniteLoss) as error:
        trainer.fit()
    assert str(error.value) == f"non-finite loss in epoch 1, step 2, terms {term} ({origin}), total"
    assert error.value.terms == [term, "total"]


class FiniteTerm:
    @hookimpl
    def mvae_loss(self):
        return {"fine": torch.tensor(0.0)}


def test_a_non_finite_term_names_the_plugin_that_added_it_among_several(synth_dir):
    # before: "l2 (added by one of plugins 'fine', 'nans' in mvae_loss)"
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"fine": FiniteTerm(), "nans": NanTerms("l2")})
    with pytest.raises(NonFiniteLoss) as error:
        trainer.fit()
    assert (
        str(error.value) == "non-finite loss in epoch 1, step 2, terms l2 (added by plugin 'nans' in mvae_loss), total"
    )


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ([1.0], r"plugin 'bad': mvae_loss must return a dict of \{term: scalar tensor\}, got list"),
        ({"total": torch.tensor(1.0)}, r"plugin 'bad': mvae_loss returned a term named 'total'"),
        ({"x": torch.ones(3)}, r"plugin 'bad': mvae_loss returned 'x' as a float32 tensor of shape \[3\]; a term must"),
        ({"x": 1.0}, r"plugin 'bad': mvae_loss returned 'x' as a float; a term must be a scalar"),
    ],
)
def test_a_bad_loss_term_names_the_plugin(synth_dir, result, message):
    class Bad:
        @hookimpl
        def mvae_loss(self):
            return result

    with pytest.raises(PluginError, match=message):
        make_trainer(synth_dir, tiny_config(epochs=1), {"bad": Bad()}).fit()


def test_a_multiplier_for_a_term_the_run_lacks_names_the_plugin_at_the_first_step(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"typo_plugin": Weights({"l2": 0.5})})
    with pytest.raises(PluginError, match=r"plugin 'typo_plugin': mvae_loss_weights returned unknown term 'l2'"):
        trainer.fit()
    assert trainer.progress is None and trainer.view.step == 0  # before any optimiser step


def test_hook_mvae_validation_batch(synth_dir, tmp_path):
    """Every validation loop is seen once, with the model's output in eval mode; numbers are recorded per epoch."""

    class KlPerDim:
        def __init__(self) -> None:
            self.loops, self.kl = 0, 0.0

        @hookimpl
        def mvae_validation_batch(self, trainer, epoch, batch, output, terms):
            assert not trainer.model.training and output.mu.shape == (batch.shape[0], 2)
            assert set(terms) == set(LOSS_TERMS)
            self.loops += batch.shape[0]
            self.kl += kl_per_dimension(output.mu, output.logvar).sum(0)

        @hookimpl
        def mvae_epoch_end(self, trainer):
            trainer.record("loops", self.loops)
            trainer.record("kl_per_dim", self.kl / self.loops)
            self.loops, self.kl = 0, 0.0

    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"kl_dims": KlPerDim()}, tmp_path)
    trainer.fit()
    records = trainer.run.read_metrics()
    for record in records:
        numbers = record["plugins"]["kl_dims"]
        assert numbers["loops"] == len(trainer.val_set)
        assert sum(numbers["kl_per_dim"]) == pytest.approx(record["val"]["kl"], rel=1e-4)  # KL summed over dims


# -- dispatch through pluggy ---------------------------------------------------------------------------------------


def test_wrappers_run_through_pluggy_and_may_change_results(synth_dir):
    calls = []

    class Wraps:
        @hookimpl(wrapper=True)
        def mvae_loss_weights(self, epoch):
            calls.append(("new-style before", epoch))
            results = yield
            calls.append(("new-style after", len(results)))
            return [*results, {"kl": 0.5}]  # a wrapper may add a result

        @hookimpl(hookwrapper=True)
        def mvae_epoch_end(self, epoch):
            outcome = yield
            calls.append(("old-style", outcome.get_result()))

    records = []
    make_trainer(synth_dir, tiny_config(epochs=1), {"w": Wraps(), "k": Weights({"kl": 0.2})}).fit(records.append)
    assert calls == [("new-style before", 0), ("new-style after", 1), ("old-style", [])]
    assert records[0]["weights"]["kl"] == pytest.approx(0.1)


def test_tryfirst_and_trylast_order_the_calls(synth_dir):
    order = []

    def plugin(name, **opts):
        class Ordered:
            @hookimpl(**opts)
            def mvae_epoch_start(self):
                order.append(name)

        return Ordered()

    plugins = {"last": plugin("last", trylast=True), "plain": plugin("plain"), "first": plugin("first", tryfirst=True)}
    make_trainer(synth_dir, tiny_config(epochs=1), plugins).fit()
    assert order == ["first", "plain", "last"]


def test_every_hook_call_goes_through_pluggy(synth_dir, tmp_path):
    """pluggy's own call monitoring (what its tracing uses) sees every hook the trainer calls, and the check of the
    config that train() makes before the data is read."""
    config = tiny_config(epochs=1)
    trainer = make_trainer(synth_dir, config, {"rec": Recorder()}, tmp_path)
    seen = []
    trainer.host.pm.add_hookcall_monitoring(lambda hook, impls, kwargs: seen.append(hook), lambda *args: None)
    trainer.host.check_config(config)
    check_watched_entries(trainer.host, config)
    trainer.fit()
    assert set(seen) == set(HOOK_NAMES) - {"mvae_load_state_dict", "mvae_train_interrupted"}


def test_trace_prints_each_call_with_its_plugin_and_result(synth_dir, monkeypatch, capfd):
    monkeypatch.setenv("MVAE_TRACE_PLUGINS", "1")
    make_trainer(synth_dir, tiny_config(epochs=1), {"weights": Weights({"kl": 0.5})}).fit()
    lines = capfd.readouterr().err.splitlines()
    assert "mvae trace: mvae_loss_weights weights(epoch=0) -> {'kl': 0.5}" in lines


@pytest.mark.parametrize(
    ("value", "message"),
    [("twenty", r"a whole number of epochs >= 0 \(or None\), got str 'twenty'"),
     (-1, "got int -1"), (True, "got bool True")],
)  # fmt: skip
def test_a_bad_ramp_end_names_the_plugin(synth_dir, value, message):
    with pytest.raises(PluginError, match=rf"plugin 'ramp': mvae_ramp_end must return .*{message}"):
        make_trainer(synth_dir, tiny_config(epochs=1), {"ramp": Ramp(value)}).fit()


def test_a_failing_wrapper_names_itself(synth_dir):
    class BrokenWrapper:
        @hookimpl(wrapper=True)
        def mvae_epoch_end(self):
            yield
            raise KeyError("missing")

    with pytest.raises(PluginError, match=r"plugin 'wrapper' failed in mvae_epoch_end: KeyError: 'missing'"):
        make_trainer(synth_dir, tiny_config(epochs=1), {"wrapper": BrokenWrapper()}).fit()


# -- numbers out -------------------------------------------------------------------------------------------------


def test_recorded_numbers_land_in_the_epoch_line_under_the_plugin(synth_dir, tmp_path):
    class Numbers:
        @hookimpl
        def mvae_step_end(self, trainer, step):
            trainer.record("last_step", step)  # recorded again every step: the last value wins

        @hookimpl
        def mvae_epoch_end(self, trainer, epoch):
            trainer.record("epoch_squared", epoch**2)
            trainer.record("undefined", float("nan"))

    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"numbers": Numbers()}, tmp_path)
    trainer.fit()
    steps = trainer.view.steps_per_epoch
    assert [r["plugins"] for r in trainer.run.read_metrics()] == [
        {"numbers": {"last_step": steps - 1, "epoch_squared": e, "undefined": None}} for e in (0, 1)
    ]


def test_recording_something_that_is_not_a_number_names_the_plugin(synth_dir):
    class Records:
        @hookimpl
        def mvae_epoch_end(self, trainer):
            trainer.record("label", "high")

    with pytest.raises(PluginError, match=r"plugin 'rec' failed in mvae_epoch_end: TypeError: record\('label'"):
        make_trainer(synth_dir, tiny_config(epochs=1), {"rec": Records()}).fit()


# -- bit-exact resume with per-step plugins that keep state ----------------------------------------------------------


class StepCounter:
    """A per-step multiplier that depends on state: the number of steps it has seen (saved in the checkpoint)."""

    def __init__(self) -> None:
        self.count = 0

    @hookimpl
    def mvae_step_start(self):
        self.count += 1
        return {"timeshift": 1.0 / (1.0 + 0.05 * self.count)}

    @hookimpl
    def mvae_state_dict(self):
        return {"count": self.count}

    @hookimpl
    def mvae_load_state_dict(self, state):
        self.count = state["count"]


def per_step_plugins() -> dict:
    from mvae_plugins.kl_anneal import KlAnneal
    from mvae_plugins.lr_step_decay import LrStepDecay

    kl = KlAnneal(KlAnneal.Config(schedule={"name": "linear", "epochs": 2.5}, per_step=True))
    lr = LrStepDecay(
        LrStepDecay.Config(schedule={"name": "cosine", "start": 1.0, "end": 0.1, "epochs": 3}, per_step=True)
    )
    return {"counter": StepCounter(), "kl_anneal": kl, "lr_step_decay": lr}


def test_a_run_paused_mid_epoch_with_per_step_plugins_resumes_bit_identically(synth_dir, tmp_path):
    full = make_trainer(synth_dir, tiny_config(epochs=3), per_step_plugins(), tmp_path / "full")
    full.fit()
    polls = []
    paused = make_trainer(
        synth_dir, tiny_config(epochs=3), per_step_plugins(), tmp_path / "split",
        pause_requested=lambda: polls.append(1) or len(polls) == full.view.steps_per_epoch + 2,
    )  # fmt: skip
    with pytest.raises(TrainingPaused) as stopped:
        paused.fit()
    assert (stopped.value.epoch, stopped.value.step) == (1, 1)  # in the middle of the second epoch
    resumed = make_trainer(synth_dir, tiny_config(epochs=3), per_step_plugins(), tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    for name, tensor in full.model.state_dict().items():
        assert torch.equal(tensor, resumed.model.state_dict()[name]), name
    full_records, resumed_records = full.run.read_metrics(), resumed.run.read_metrics()
    for records in (full_records, resumed_records):
        for record in records:
            for key in (*CLOCK_KEYS, "events"):  # a resumed run repeats its start-up warnings (mvae_train_start)
                record.pop(key)
    assert full_records == resumed_records
    assert 0 < full_records[1]["weights"]["kl"] < 1 and full_records[0]["lr"] != full_records[1]["lr"]


class Planner:
    """Warns at start-up about the run as planned, and notes one step of every epoch."""

    @hookimpl
    def mvae_train_start(self, trainer):
        trainer.emit(f"planned for {trainer.epochs} epochs")

    @hookimpl
    def mvae_step_end(self, trainer):
        if trainer.step == 1:
            trainer.emit(f"step 2 of epoch {trainer.epoch + 1}", level="info")


@pytest.mark.parametrize("epochs_on_resume", [2, 3])
def test_a_run_paused_in_its_first_epoch_records_only_the_resumes_start_up_warnings(
    synth_dir, tmp_path, epochs_on_resume
):
    """Ctrl-C in the first epoch, then a resume with a larger --epochs: the epoch's line held the first attempt's
    start-up warning ("planned for 2 epochs", now wrong) beside the resume's own; with the same plan, twice."""
    full = make_trainer(synth_dir, tiny_config(epochs=2), {"planner": Planner()}, tmp_path / "full")
    full.fit()
    polls = []
    paused = make_trainer(
        synth_dir, tiny_config(epochs=2), {"planner": Planner()}, tmp_path / "split",
        pause_requested=lambda: polls.append(1) or len(polls) == 2,
    )  # fmt: skip
    with pytest.raises(TrainingPaused) as stopped:
        paused.fit()
    assert (stopped.value.epoch, stopped.value.step) == (0, 2) and full.view.steps_per_epoch > 2  # after step 2's
    resumed = make_trainer(synth_dir, tiny_config(epochs=epochs_on_resume), {"planner": Planner()}, tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    resumed.fit()
    assert event_messages(full) == [["planned for 2 epochs", "step 2 of epoch 1"], ["step 2 of epoch 2"]]
    planned = f"planned for {epochs_on_resume} epochs"
    assert event_messages(resumed) == [
        [planned, "step 2 of epoch 1"],
        *event_messages(full)[1:],
        *[["step 2 of epoch 3"]][: epochs_on_resume - 2],
    ]


def test_a_step_multiplier_for_a_term_the_run_lacks_names_the_plugin_and_hook(synth_dir):
    class StepTypo:
        @hookimpl
        def mvae_step_start(self):
            return {"kld": 0.5}

    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"step_typo": StepTypo()})
    with pytest.raises(PluginError, match=r"plugin 'step_typo': mvae_step_start returned unknown term 'kld'"):
        trainer.fit()
