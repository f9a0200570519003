"""``mvae_validation_start`` and ``mvae_validation_end``: where they run in an epoch (after its last step, around the
validation batches, before ``mvae_epoch_end``, the metrics line, the best model and the checkpoint), and that the
core's validation scores the weights a plugin swaps in between them (a plugin author's request: the core's val_elbo,
early stopping and best model on a weight average)."""

from __future__ import annotations

import math

import pytest
import torch
from safetensors.torch import load_file

from mvae_core import hookimpl
from mvae_core.plugins import PluginError
from mvae_core.validation import SCORING_BATCH, weights_copy
from tests.training import make_trainer, tiny_config

VALIDATION_KEYS = {"val", "val_elbo", "onset_f1", "rhythm_f1", "timing_spread_ratio", "timing_std", "active_units"}


class Watcher:
    """Records the validation hooks, and what the run directory holds when each runs."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.metrics: list[dict] = []

    def on_disk(self, trainer) -> tuple[int, int]:
        """(metrics lines written, epoch of the checkpoint)."""
        run = trainer.run_dir
        lines = (run / "metrics.jsonl").read_text().count("\n") if (run / "metrics.jsonl").exists() else 0
        return lines, torch.load(run / "checkpoint.pt", weights_only=True)["epoch"]

    @hookimpl
    def mvae_step_end(self, trainer, epoch, step):
        if step == trainer.steps_per_epoch - 1:
            self.calls.append(("last_step", epoch))

    @hookimpl
    def mvae_validation_start(self, trainer, epoch):
        self.calls.append(("validation_start", epoch, self.on_disk(trainer)))

    @hookimpl
    def mvae_loss(self, split):
        if split == "val":
            self.calls.append(("loss", split))

    @hookimpl
    def mvae_validation_batch(self, epoch):
        self.calls.append(("validation_batch", epoch))

    @hookimpl
    def mvae_validation_end(self, trainer, epoch, metrics):
        self.calls.append(("validation_end", epoch, self.on_disk(trainer)))
        self.metrics.append(metrics)
        trainer.record("seen_val_elbo", metrics["val_elbo"])

    @hookimpl
    def mvae_epoch_end(self, epoch):
        self.calls.append(("epoch_end", epoch))

    @hookimpl
    def mvae_state_dict(self, trainer):
        self.calls.append(("state_dict", trainer.epoch))


def test_hook_mvae_validation_end(synth_dir, tmp_path):
    """After the last validation batch, before mvae_epoch_end and before anything of the epoch is written, with the
    validation part of the epoch's record; a number recorded there is in the epoch's line."""
    watcher = Watcher()
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"watcher": watcher}, tmp_path / "run")
    trainer.fit()
    batches = math.ceil(len(trainer.val_set) / SCORING_BATCH)
    assert watcher.calls == [
        ("state_dict", 0),  # the checkpoint before training
        *[
            call
            for epoch in (0, 1)
            for call in [
                ("last_step", epoch),
                ("validation_start", epoch, (epoch, epoch - 1)),  # the previous epoch's line and checkpoint only
                *[("loss", "val"), ("validation_batch", epoch)] * batches,
                ("validation_end", epoch, (epoch, epoch - 1)),  # nothing of this epoch written yet
                ("epoch_end", epoch),
                ("state_dict", epoch),
            ]
        ],
    ]
    records = trainer.run.read_metrics()
    for seen, record in zip(watcher.metrics, records, strict=True):
        assert set(seen) == VALIDATION_KEYS
        assert {key: record[key] for key in VALIDATION_KEYS} == seen
        assert record["plugins"]["watcher"]["seen_val_elbo"] == seen["val_elbo"]


class ScoresTheStart:
    """Swaps the weights the run started with in for validation: every epoch scores the untrained model."""

    def __init__(self) -> None:
        self.start = self.trained = None

    @hookimpl
    def mvae_train_start(self, trainer):
        self.start = weights_copy(trainer.model)

    @hookimpl
    def mvae_validation_start(self, trainer):
        self.trained = weights_copy(trainer.model)
        trainer.model.load_state_dict(self.start)

    @hookimpl
    def mvae_validation_end(self, trainer):
        trainer.model.load_state_dict(self.trained)


def test_hook_mvae_validation_start(synth_dir, tmp_path):
    """The core's validation scores the weights swapped in (the same untrained weights every epoch: the same
    val_elbo, and the best model is them), while training goes on with the trained ones, as without the plugin."""
    plain = make_trainer(synth_dir, tiny_config(epochs=3), {}, tmp_path / "plain")
    plain.fit()
    swapping = ScoresTheStart()
    trainer = make_trainer(synth_dir, tiny_config(epochs=3), {"start": swapping}, tmp_path / "swapped")
    trainer.fit()
    plain_records, records = plain.run.read_metrics(), trainer.run.read_metrics()
    assert [r["train"] for r in records] == [r["train"] for r in plain_records]  # training is the same
    for name, tensor in plain.model.state_dict().items():
        assert torch.equal(tensor, trainer.model.state_dict()[name]), name
    scores = [r["val_elbo"] for r in records]
    assert scores == [scores[0]] * 3  # the untrained weights, every epoch
    assert scores != [r["val_elbo"] for r in plain_records]
    best = load_file(str(trainer.run.path / "model.safetensors"))
    assert all(torch.equal(best[name], tensor) for name, tensor in swapping.start.items())  # the weights scored
    assert trainer.run.best_saved() == (1, scores[0])
    checkpoint = torch.load(trainer.run.path / "checkpoint.pt", weights_only=True)["model"]
    assert all(torch.equal(checkpoint[name], tensor) for name, tensor in plain.model.state_dict().items())


class Forgets:
    """Swaps the untrained weights in and never puts the trained ones back."""

    def __init__(self) -> None:
        self.start = None

    @hookimpl
    def mvae_train_start(self, trainer):
        self.start = weights_copy(trainer.model)

    @hookimpl
    def mvae_validation_start(self, trainer):
        trainer.model.load_state_dict(self.start)


class Watches:
    @hookimpl
    def mvae_validation_end(self, metrics):
        pass


def test_weights_left_swapped_after_validation_end_fail_the_run_naming_the_plugin(synth_dir, tmp_path):
    """Before, nothing would have noticed: the run trained on (and checkpointed) the weights swapped in."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=2), {"forgets": Forgets()}, tmp_path / "run")
    with pytest.raises(PluginError) as failed:
        trainer.fit()
    assert str(failed.value).startswith("plugin 'forgets' left other weights in the model after validation: '"), (
        failed.value
    )
    assert str(failed.value).endswith(
        "after mvae_validation_end differs from before mvae_validation_start; a plugin that swaps weights in for "
        "validation must put the trained ones back in mvae_validation_end (docs/hooks.md)"
    )
    assert trainer.run.read_metrics() == [] and torch.load(trainer.run.path / "checkpoint.pt")["epoch"] == -1
    both = make_trainer(synth_dir, tiny_config(epochs=1), {"watches": Watches(), "forgets": Forgets()})
    with pytest.raises(PluginError, match=r"^one of the plugins 'watches', 'forgets' left other weights .*; if two "
                       r"of them swap weights in, they cannot run together \(docs/hooks.md\)$"):  # fmt: skip
        both.fit()


class RaisesAtStart:
    @hookimpl
    def mvae_validation_start(self, epoch):
        return 1 / (epoch - epoch)


def test_a_plugin_raising_in_validation_start_is_named_with_the_hook_and_nothing_of_the_epoch_is_written(
    synth_dir, tmp_path
):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"raises": RaisesAtStart()}, tmp_path / "run")
    with pytest.raises(PluginError, match=r"^plugin 'raises' failed in mvae_validation_start: ZeroDivisionError: "):
        trainer.fit()
    assert trainer.run.read_metrics() == [] and not (trainer.run.path / "model.safetensors").exists()
