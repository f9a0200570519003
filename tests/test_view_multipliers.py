"""``trainer.multipliers``: the latest training step's loss-weight multipliers per term, read-only, as
``TrainerView.multipliers`` documents them hook by hook (docs/hooks.md, What a plugin sees)."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.trainer import TrainingPaused
from mvae_plugins.kl_anneal import Config, KlAnneal
from mvae_plugins.scheduled import progress
from tests.training import make_trainer, tiny_config

CORE_TERMS = ("onset", "velocity", "duration", "timeshift", "kl")


def kl_per_step(epochs: float) -> KlAnneal:
    """kl_anneal moving every step, from 0 to 1 over ``epochs`` epochs."""
    return KlAnneal(Config(per_step=True, schedule={"name": "linear", "start": 0.0, "end": 1.0, "epochs": epochs}))


class Seen:
    """Keeps a copy of ``trainer.multipliers`` in each hook, as ``(hook, epoch, step, multipliers)``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int, dict[str, float]]] = []

    def keep(self, hook: str, trainer) -> None:
        self.seen.append((hook, trainer.epoch, trainer.step, dict(trainer.multipliers)))

    def at(self, hook: str) -> list[tuple[int, int, dict[str, float]]]:
        return [(epoch, step, multipliers) for name, epoch, step, multipliers in self.seen if name == hook]

    @hookimpl
    def mvae_train_start(self, trainer):
        self.keep("train_start", trainer)

    @hookimpl
    def mvae_loss(self, trainer, split):
        self.keep(f"loss_{split}", trainer)

    @hookimpl
    def mvae_step_end(self, trainer):
        self.keep("step_end", trainer)

    @hookimpl
    def mvae_epoch_end(self, trainer):
        self.keep("epoch_end", trainer)


def test_hook_contract_mvae_step_end_sees_the_multipliers_the_schedule_gave(synth_dir):
    seen, kl = Seen(), kl_per_step(epochs=1.5)
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"kl_anneal": kl, "seen": seen})
    records: list[dict] = []
    trainer.fit(on_epoch_end=records.append)
    steps = trainer.view.steps_per_epoch
    expected = {(e, s): kl.schedule(progress(e, s, steps)) for e in range(2) for s in range(steps)}
    assert len(set(expected.values())) == 2 * steps  # the multiplier really moves every step

    ends = seen.at("step_end")
    assert [(epoch, step) for epoch, step, _ in ends] == list(expected)
    for epoch, step, multipliers in ends:  # every term of the step, 1 where no plugin set one
        assert multipliers == {**dict.fromkeys(CORE_TERMS, 1.0), "kl": expected[epoch, step]}
    for epoch, step, multipliers in seen.at("loss_train"):  # before the weighted total: only the terms plugins set
        assert multipliers == {"kl": expected[epoch, step]}
    assert seen.at("train_start") == [(0, 0, {})]  # no step has run

    last = {epoch: multipliers for epoch, _, multipliers in ends}  # each epoch's last step's
    for epoch, record in enumerate(records):  # validation and epoch end: the epoch's weights, its last step's
        assert record["weights"] == last[epoch]
        validation = [m for e, _, m in seen.at("loss_val") if e == epoch]
        assert validation and all(m == last[epoch] for m in validation)
        assert [m for e, _, m in seen.at("epoch_end") if e == epoch] == [last[epoch]]


class Meddler:
    """Tries to change the multipliers through the view."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.kept: list[dict] = []

    @hookimpl
    def mvae_loss(self, trainer, split):
        if split != "train":
            return
        with pytest.raises(TypeError):
            trainer.multipliers["kl"] = 5.0
        with pytest.raises(AttributeError):
            trainer.multipliers = {"kl": 5.0}
        self.refused.append("loss")

    @hookimpl
    def mvae_step_end(self, trainer):
        with pytest.raises(TypeError):
            trainer.multipliers["kl"] = 5.0
        self.refused.append("step_end")
        self.kept.append(trainer.multipliers)  # kept as it was given, without a copy


def test_a_plugin_cannot_change_the_multipliers_the_step_uses(synth_dir):
    meddler = Meddler()
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"kl_anneal": kl_per_step(1.0), "meddler": meddler})
    records: list[dict] = []
    trainer.fit(on_epoch_end=records.append)
    steps = trainer.view.steps_per_epoch
    assert meddler.refused == ["loss", "step_end"] * steps
    assert records[0]["weights"]["kl"] == pytest.approx((steps - 1) / steps)  # the schedule's, not 5
    assert [m["kl"] for m in meddler.kept] == [step / steps for step in range(steps)]  # each stayed its step's


def test_validation_after_a_resume_at_the_end_of_an_epoch_sees_its_last_step_s_multipliers(synth_dir, tmp_path):
    """A run stopped after an epoch's last step resumes straight into that epoch's validation: the multipliers are
    the checkpoint's (its ``weights``), not empty."""
    steps = make_trainer(synth_dir, tiny_config(epochs=1)).view.steps_per_epoch
    polls: list[int] = []
    paused = make_trainer(
        synth_dir, tiny_config(epochs=1), {"kl_anneal": kl_per_step(1.0)}, tmp_path / "run",
        pause_requested=lambda: polls.append(1) or len(polls) == steps,
    )  # fmt: skip
    with pytest.raises(TrainingPaused) as stopped:
        paused.fit()
    assert (stopped.value.epoch, stopped.value.step) == (0, steps)
    seen = Seen()
    resumed = make_trainer(
        synth_dir, tiny_config(epochs=1), {"kl_anneal": kl_per_step(1.0), "seen": seen}, tmp_path / "run"
    )
    resumed.restore(resumed.run.load_checkpoint())
    records: list[dict] = []
    resumed.fit(on_epoch_end=records.append)
    assert not seen.at("step_end") and seen.at("loss_val")  # no step ran in this attempt, validation did
    weights = {**dict.fromkeys(CORE_TERMS, 1.0), "kl": pytest.approx((steps - 1) / steps)}
    assert records[0]["weights"] == weights
    assert all(m == weights for _, _, m in seen.at("loss_val") + seen.at("epoch_end"))
