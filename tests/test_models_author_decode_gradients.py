"""``generate``, ``interpolate`` and ``mvae map`` called a model's ``decode_notes`` with gradients on (validation and
``mvae evaluate`` without): a package model that forgot ``@torch.inference_mode()`` trained, then ``mvae generate``
stopped with torch's "Can't call numpy() on Tensor that requires grad". ``decode_loops`` now decodes without them."""

from __future__ import annotations

import numpy as np
import torch

from mvae_core.config import build_config
from mvae_core.generation import DecodeOptions, decode_loops, make_notes
from mvae_core.models import build_model
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _NumpyWithGradients(SeedModel):
    def decode_notes(self, z, options):  # no @torch.inference_mode(), as an author may leave it out
        rows = torch.sigmoid(self.decode(z).onset_logits).numpy().argmax(axis=1)  # the likeliest row of each step
        steps, half = np.arange(32), np.full(32, 0.5)
        return [make_notes(rows[i], steps, half, half, np.zeros(32)) for i in range(len(z))]


def test_a_decode_notes_without_inference_mode_decodes_for_generate(monkeypatch):
    _installed(monkeypatch, "numpy_with_gradients", _NumpyWithGradients)
    model = build_model(build_config(None, tiny("numpy_with_gradients")))
    loops = decode_loops(model, torch.zeros(2, 2), DecodeOptions())  # generate's call: gradients on around it
    assert [len(loop) for loop in loops] == [32, 32]
