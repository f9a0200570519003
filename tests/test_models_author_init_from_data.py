"""A package model's ``init_from_data`` that sets a bias in place without ``@torch.no_grad()`` stopped the training
(torch refuses an in-place change of a parameter with gradients on); the trainer now calls it without gradients,
as it calls nothing there that needs them."""

from __future__ import annotations

import math

import mvae_core
from mvae_core.models.seed import ONSET, SeedModel
from tests.test_models import _installed, tiny


class _BiasInPlace(SeedModel):
    def init_from_data(self, train):  # no @torch.no_grad(), as an author may leave it out
        rate = train.onset_rate(self.pitch_classes)
        self.head_layers(ONSET)[1].bias.fill_(math.log(rate / (1 - rate)))


def test_an_init_from_data_without_no_grad_starts_the_training(monkeypatch, synth_dir, tmp_path):
    _installed(monkeypatch, "bias_in_place", _BiasInPlace)
    result = mvae_core.train(
        [synth_dir], tmp_path / "run", overrides=tiny("bias_in_place"), plugins=[], epochs=1, progress=False
    )
    assert result.outcome == "trained"
