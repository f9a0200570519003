"""A plugin that only watches does not move the training it watches (docs/hooks.md, "Random numbers"): its draws
from torch's global random state in any hook but the training's ``mvae_loss`` come from the plugin stream, so the
trained weights, the optimiser state, the training's random state and every metric are bit-identical to a run
without it. An ablation of such a plugin measures its effect, not its draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from tests.interrupt import assert_same_training
from tests.training import TINY


def draw() -> None:
    """What a plugin may draw without a generator of its own: normal and uniform numbers, and a dropout mask."""
    torch.randn(17)
    torch.rand(5)
    torch.nn.functional.dropout(torch.ones(9), 0.5, training=True)


class DrawsAtStepEnd:
    @hookimpl
    def mvae_step_end(self) -> None:
        draw()


class DrawsOnValidationBatches:
    @hookimpl
    def mvae_validation_batch(self) -> None:
        draw()


class DrawsAtEpochEnd:
    @hookimpl
    def mvae_epoch_end(self) -> None:
        draw()


class DrawsEverywhere:
    """Draws in every hook that is not the training's mvae_loss, a hook wrapper included (before and after its
    yield), and returns nothing that changes the run."""

    @hookimpl
    def mvae_ramp_end(self) -> None:
        draw()

    @hookimpl
    def mvae_train_start(self) -> None:
        draw()

    @hookimpl
    def mvae_epoch_start(self) -> None:
        draw()

    @hookimpl
    def mvae_loss_weights(self) -> None:
        draw()

    @hookimpl
    def mvae_step_start(self) -> None:
        draw()

    @hookimpl
    def mvae_loss(self, split: str) -> None:
        if split == "val":  # validation only watches; the training's terms are part of the step
            draw()

    @hookimpl
    def mvae_before_optimizer_step(self) -> None:
        draw()

    @hookimpl
    def mvae_step_end(self) -> None:
        draw()

    @hookimpl
    def mvae_validation_start(self) -> None:
        draw()

    @hookimpl(wrapper=True)
    def mvae_validation_batch(self) -> Any:
        draw()
        result = yield
        draw()
        return result

    @hookimpl
    def mvae_validation_end(self) -> None:
        draw()

    @hookimpl
    def mvae_epoch_end(self) -> None:
        draw()

    @hookimpl
    def mvae_state_dict(self) -> None:
        draw()

    @hookimpl
    def mvae_train_end(self) -> None:
        draw()


def trained(data: Path, out: Path, plugins: list) -> Path:
    mvae_core.train([data], out, overrides=TINY, plugins=plugins, epochs=2, progress=False)
    return out


@pytest.fixture(scope="module")
def bare(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return trained(synth_dir, tmp_path_factory.mktemp("bare") / "run", [])


@pytest.mark.parametrize("plugin", [DrawsAtStepEnd, DrawsOnValidationBatches, DrawsAtEpochEnd])
def test_a_plugin_drawing_in_a_watch_only_hook_leaves_the_training_bit_identical(plugin, synth_dir, tmp_path, bare):
    assert_same_training(bare, trained(synth_dir, tmp_path / "run", [("draws", plugin())]))


def test_a_plugin_drawing_in_every_hook_but_the_training_loss_leaves_the_training_bit_identical(
    synth_dir, tmp_path, bare
):
    assert_same_training(bare, trained(synth_dir, tmp_path / "run", [("draws", DrawsEverywhere())]))


def test_the_training_loss_hook_still_draws_from_the_training_stream(synth_dir, tmp_path, bare):
    """mvae_loss with split "train" computes part of the step, as the model does: its draws are the training's (a
    resume reproduces them), so they do move it."""

    class DrawsInTheTrainingLoss:
        @hookimpl
        def mvae_loss(self, split: str) -> None:
            if split == "train":
                draw()

    run = trained(synth_dir, tmp_path / "run", [("draws", DrawsInTheTrainingLoss())])
    with pytest.raises(AssertionError):
        assert_same_training(bare, run)
