"""One latent point → one pattern's notes, fast: the decoder of a trained ``seed`` model prepared for a live host.

A host that plays the XY pad asks for one loop at a time, and at batch size 1 the decoder is memory-bound: every
call reads its weights (15 MB at the default size). :class:`SeedPlayer` gives the same notes as
pattern ``index`` of ``model.decode_notes(z[None], options)`` while reading 70–80 % of those bytes, in a
fraction of the operations:

* eval-mode BatchNorm is folded into the preceding Linear (``W' = s·W``, ``b' = s·(b − μ) + β``,
  ``s = γ / √(σ² + ε)``): exact algebra, one operation fewer per layer;
* the four heads' hidden layers are one ``[4·hidden, 2·hidden]`` matrix, one matrix–vector product;
* only the onset head is computed at every cell. Notes are chosen from it first (:func:`choose_cells`), then
  velocity and duration are computed at the chosen cells and the timing logits at their steps only, from the
  rows of the output weights that belong to them;
* the products are numpy (BLAS) calls on float32 arrays, without torch's per-operation overhead.

The weights are copied when the player is made: a player does not follow later changes to the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.decode_options import given_options
from mvae_core.generation import DecodeOptions, Note, choose_cells, make_notes, offsets_by_step, pattern_rng
from mvae_core.models.base import player_point, sigmoid
from mvae_core.models.encoder import block_layers
from mvae_core.models.seed import DURATION, ONSET, TIMING, VELOCITY

if TYPE_CHECKING:
    from mvae_core.models.seed import SeedModel


class SeedPlayer:
    """A trained model's decoder as float32 numpy arrays (see the module docstring)."""

    latent_dim: int
    pitch_classes: int
    slope: float
    hidden: int
    categorical: bool
    from_z: tuple[np.ndarray, np.ndarray]
    head_hidden: tuple[np.ndarray, ...]
    outputs: list[tuple[np.ndarray, np.ndarray]]

    def __repr__(self) -> str:
        """What a notebook shows: the model, its sizes and how to play it."""
        timing = "categorical" if self.categorical else "mse"
        return f"<seed player: latent_dim {self.latent_dim}, hidden {self.hidden}, {timing} timing; .notes(z, options)>"

    def __init__(self, model: SeedModel) -> None:
        self.latent_dim = model.latent_dim
        self.pitch_classes = model.pitch_classes
        linear, norm, activation = block_layers(model.from_z)
        self.slope = activation.negative_slope
        heads = [model.head_layers(head) for head in range(len(model.heads))]  # onset, velocity, duration, timing
        self.hidden = heads[ONSET][1].in_features
        self.categorical = model.timing is not None
        self.from_z = _folded(linear, norm)
        hidden_layers = [_folded(*block_layers(block)[:2]) for block, _ in heads]
        self.head_hidden = tuple(
            np.ascontiguousarray(np.concatenate(parts)) for parts in zip(*hidden_layers, strict=True)
        )
        self.outputs = [_plain(output) for _, output in heads]  # (W, b) of each
        if model.timing is not None:  # categorical
            weight, bias = self.outputs[TIMING]
            classes = model.timing.n_classes
            self.outputs[TIMING] = (weight.reshape(STEPS_PER_LOOP, classes, -1), bias.reshape(STEPS_PER_LOOP, classes))

    def notes(
        self, z: Sequence[float] | np.ndarray, options: DecodeOptions | None = None, index: int = 0
    ) -> list[Note]:
        """The notes at latent point ``z`` (``latent_dim`` numbers), chosen with ``options`` and the random source of
        pattern ``index`` (:func:`~mvae_core.generation.pattern_rng`): equal to the ``index``-th pattern of a batch
        decoded by ``generate`` at the same points, up to float32 rounding."""
        options = given_options(options)
        point = player_point(z, self.latent_dim)
        trunk = self._leaky(self.from_z[0] @ point + self.from_z[1])
        hidden = self._leaky(self.head_hidden[0] @ trunk + self.head_hidden[1]).reshape(4, self.hidden)
        onset_weight, onset_bias = self.outputs[ONSET]
        onset = sigmoid(onset_weight @ hidden[ONSET] + onset_bias).reshape(self.pitch_classes, STEPS_PER_LOOP)
        rng = pattern_rng(options, index)
        rows, steps = choose_cells(onset, options, rng)
        cells = rows * STEPS_PER_LOOP + steps
        velocity = sigmoid(self._at_cells(VELOCITY, cells, hidden[VELOCITY]))
        duration = sigmoid(self._at_cells(DURATION, cells, hidden[DURATION]))
        if self.categorical:
            timeshift = offsets_by_step(steps, lambda at: self._timing_logits(at, hidden[TIMING]), options, rng)
        else:
            timeshift = np.tanh(self._at_cells(TIMING, cells, hidden[TIMING]))
        return make_notes(rows, steps, velocity, duration, timeshift)

    def _timing_logits(self, steps: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """``[len(steps), classes]``. Gathering a step's rows copies them, so beyond a third of the steps one
        product over all steps reads fewer bytes."""
        weight, bias = self.outputs[TIMING]
        if 3 * len(steps) > STEPS_PER_LOOP:
            return (weight.reshape(-1, self.hidden) @ hidden).reshape(bias.shape)[steps] + bias[steps]
        return weight[steps] @ hidden + bias[steps]

    def _at_cells(self, head: int, cells: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """Output ``head``'s pre-activation at the flat ``cells`` only (their weight rows)."""
        weight, bias = self.outputs[head]
        return weight[cells] @ hidden + bias[cells]

    def _leaky(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, self.slope * x)  # LeakyReLU for 0 <= slope < 1 (ModelConfig.leaky_slope)


def _folded(linear: nn.Linear, norm: nn.BatchNorm1d) -> tuple[np.ndarray, np.ndarray]:
    """``(W, b)`` of ``norm(linear(x))`` in eval mode as one affine map."""
    with torch.no_grad():
        scale = norm.weight.double() / torch.sqrt(norm.running_var.double() + norm.eps)
        weight = linear.weight.double() * scale[:, None]
        bias = (linear.bias.double() - norm.running_mean.double()) * scale + norm.bias.double()
    return weight.float().numpy().copy(), bias.float().numpy().copy()


def _plain(linear: nn.Linear) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        return linear.weight.float().numpy().copy(), linear.bias.float().numpy().copy()
