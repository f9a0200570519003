"""The trainer core on real (short) training runs over synthetic data."""

from __future__ import annotations

import json
import threading

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.metrics_record import CLOCK_KEYS
from mvae_core.models import build_model
from mvae_core.trainer import NonFiniteLoss, TrainingInProgress
from tests.training import Poison, make_trainer, tiny_config


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_short_training_lowers_val_elbo(pattern_dir, model):
    trainer = make_trainer(pattern_dir, tiny_config(f'model.name="{model}"', "train.lr=0.003", epochs=15))
    curve = []
    result = trainer.fit(on_epoch_end=lambda record: curve.append(record["val_elbo"]))
    assert result.epochs_run == 15 and result.stop_reasons == []
    assert curve[-1] < curve[0] * 0.85, curve
    assert result.best_val_elbo == min(curve)


def test_metrics_record_has_the_documented_fields(synth_dir, tmp_path):
    make_trainer(synth_dir, tiny_config(epochs=2), run_dir=tmp_path / "run").fit()
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    for key in ("epoch", "lr", "weights", "train", "val", "val_elbo", "onset_f1", "timing_spread_ratio"):
        assert key in record
    assert {"active_units", *CLOCK_KEYS, "events"} <= set(record)
    assert set(record["weights"]) == {"onset", "velocity", "duration", "timeshift", "kl"}
    assert set(record["train"]) == set(record["val"]) == {"onset", "velocity", "duration", "timeshift", "kl", "total"}
    assert 0 <= record["active_units"] <= 2


def _without_timings(path):
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        for key in CLOCK_KEYS:
            record.pop(key)
    return records


def test_same_seed_gives_identical_metrics(synth_dir, tmp_path):
    for name in ("a", "b"):
        make_trainer(synth_dir, tiny_config(epochs=3), run_dir=tmp_path / name).fit()
    assert _without_timings(tmp_path / "a" / "metrics.jsonl") == _without_timings(tmp_path / "b" / "metrics.jsonl")


def test_different_seed_gives_different_metrics(synth_dir, tmp_path):
    make_trainer(synth_dir, tiny_config(epochs=1), run_dir=tmp_path / "a").fit()
    make_trainer(synth_dir, tiny_config("train.seed=7", epochs=1), run_dir=tmp_path / "b").fit()
    assert _without_timings(tmp_path / "a" / "metrics.jsonl") != _without_timings(tmp_path / "b" / "metrics.jsonl")


def test_resume_continues_bit_identically(synth_dir, tmp_path):
    full = make_trainer(synth_dir, tiny_config(epochs=4), run_dir=tmp_path / "full")
    full.fit()
    first = make_trainer(synth_dir, tiny_config(epochs=2), run_dir=tmp_path / "split")
    first.fit()
    resumed = make_trainer(synth_dir, tiny_config(epochs=4), run_dir=tmp_path / "split")
    resumed.restore(resumed.run.load_checkpoint())
    assert resumed.start_epoch == 2
    resumed.fit()
    for name, tensor in full.model.state_dict().items():
        assert torch.equal(tensor, resumed.model.state_dict()[name]), name
    assert _without_timings(tmp_path / "full" / "metrics.jsonl") == _without_timings(
        tmp_path / "split" / "metrics.jsonl"
    )


def test_fit_of_a_finished_run_counts_its_epochs(synth_dir, tmp_path):
    """With no epoch left to run, fit() reported one epoch more than the run has."""
    make_trainer(synth_dir, tiny_config(epochs=2), run_dir=tmp_path / "run").fit()
    again = make_trainer(synth_dir, tiny_config(epochs=2), run_dir=tmp_path / "run")
    again.restore(again.run.load_checkpoint())
    assert again.fit().epochs_run == 2


def test_dropout_and_batchnorm_run_in_training_mode(synth_dir):
    """Ancestor bug D2: dropout never ran and BatchNorm never used batch statistics."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=1))
    modes = []
    trainer.model.register_forward_pre_hook(lambda module, args: modes.append(module.training))
    bn = next(m for m in trainer.model.modules() if isinstance(m, torch.nn.BatchNorm1d))
    before = bn.running_mean.clone()
    trainer.fit()
    assert True in modes and False in modes  # train batches, then validation in eval mode
    assert not torch.equal(before, bn.running_mean), "BatchNorm running statistics never updated"


def test_model_modes_behave(synth_dir):
    model = build_model(tiny_config())
    x = torch.rand(8, 4, 24, 32)
    model.train()
    a, b = model.encode(x)[0], model.encode(x)[0]
    assert not torch.equal(a, b), "dropout inactive in training mode"
    model.eval()
    c, d = model.encode(x)[0], model.encode(x)[0]
    assert torch.equal(c, d), "eval mode must be deterministic"


class _LrHalver:
    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        if epoch == 1:
            for group in trainer.optimizer.param_groups:
                group["lr"] *= 0.5


def test_lr_changed_in_place_keeps_adam_state(synth_dir):
    """Ancestor bug D3: LR decay re-created Adam and lost its moments."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), plugins={"halver": _LrHalver()})
    optimizer = trainer.optimizer
    steps = []
    trainer.fit(
        on_epoch_end=lambda record: steps.append(
            (record["lr"], max(s["step"].item() for s in optimizer.state.values()))
        )
    )
    assert trainer.optimizer is optimizer
    (lr0, step0), (lr1, step1) = steps
    assert lr1 == pytest.approx(lr0 / 2)
    assert step1 == 2 * step0  # the step count (bias correction) continued across the change


def test_non_finite_loss_stops_with_epoch_step_and_term(synth_dir, tmp_path):
    trainer = make_trainer(synth_dir, tiny_config(epochs=3), plugins={"poison": Poison()}, run_dir=tmp_path / "r")
    with pytest.raises(NonFiniteLoss, match=r"in epoch 2, step 1, terms timeshift, total"):  # counted from 1
        trainer.fit()
    assert (tmp_path / "r" / "model.safetensors").exists()  # the best model of epoch 0 is kept
    assert len((tmp_path / "r" / "metrics.jsonl").read_text().splitlines()) == 1


def test_gradient_clipping_is_applied(synth_dir, monkeypatch):
    calls = []
    original = torch.nn.utils.clip_grad_norm_
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", lambda p, n: calls.append(n) or original(p, n))
    make_trainer(synth_dir, tiny_config("train.clip_grad_norm=0.5", epochs=1)).fit()
    assert calls and set(calls) == {0.5}


def test_timing_spread_is_measured_at_note_cells_only(synth_dir):
    """Ancestor D6: its monitor took the variance over all cells, silent ones included (≈ density × variance)."""
    import numpy as np

    trainer = make_trainer(synth_dir, tiny_config(epochs=1))
    records = []
    trainer.fit(on_epoch_end=records.append)
    val = trainer.val_set
    rows, _ = val.table.note_index(val.loops)
    expected = np.std(val.table.timeshift[rows].astype(np.float64), ddof=1)
    assert records[0]["timing_std"]["data"] == pytest.approx(expected, rel=1e-6)
    assert expected > 0.1  # an all-cell std of these sparse loops would be several times smaller


def _val_elbos(trainer) -> list[float]:
    curve = []
    trainer.fit(on_epoch_end=lambda record: curve.append(record["val_elbo"]))
    return curve


def test_a_trainer_built_after_another_does_not_change_the_first_ones_run(synth_dir):
    # before, the second trainer's seeding moved the process-wide torch random state the first one trains from
    cfg = tiny_config(epochs=2)
    alone = _val_elbos(make_trainer(synth_dir, cfg))
    first = make_trainer(synth_dir, cfg)
    make_trainer(synth_dir, tiny_config("train.seed=7", epochs=1))  # e.g. another notebook cell
    assert _val_elbos(first) == alone


class Blocking:
    """Holds its run inside epoch 0's end until released, so that another thread can try to train meanwhile."""

    def __init__(self) -> None:
        self.inside, self.release = threading.Event(), threading.Event()

    @hookimpl
    def mvae_epoch_end(self, epoch):
        if epoch == 0:
            self.inside.set()
            assert self.release.wait(60)


def test_a_second_training_in_the_process_while_one_trains_is_refused_and_the_first_is_unchanged(synth_dir):
    # before, two trainings in threads of one process shared torch's random state: both ran, neither reproducibly
    cfg = tiny_config(epochs=2)
    unblocked = Blocking()
    unblocked.release.set()
    alone = _val_elbos(make_trainer(synth_dir, cfg, {"blocking": unblocked}))
    blocking = Blocking()
    first, curve = make_trainer(synth_dir, cfg, {"blocking": blocking}), []
    thread = threading.Thread(target=lambda: curve.extend(_val_elbos(first)))
    thread.start()
    try:
        assert blocking.inside.wait(60)
        with pytest.raises(TrainingInProgress, match=r"^another training is running in this process"):
            make_trainer(synth_dir, cfg)
    finally:
        blocking.release.set()
        thread.join(60)
    assert curve == alone
    second = make_trainer(synth_dir, cfg)  # once the first has finished, the next trains as usual
    assert second.fit().epochs_run == 2
