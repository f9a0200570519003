"""One latent point → one pattern's notes of a ``melody_rnn`` model, in numpy, for a live host.

The same notes as pattern ``index`` of :meth:`MelodyRNN.decode_notes` at that point (up to float32 rounding), at
batch size 1 without torch's per-operation overhead. A GRU step is ``gates_in + W_hh·h``: the input part of the gates
is the sum of a row of the token table (``W_ih`` applied to every token's embedding once, with the biases that can be
folded in) and a row of the step table (the position's share plus the latent point's, once per call), so each of the
32 steps costs one ``[3·hidden, hidden]`` matrix–vector product, the token layer and a few vector operations. The
note head runs once, for the steps that sound.

The weights are copied when the player is made: a player does not follow later changes to the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.generation import DecodeOptions, Note, make_notes, offsets_by_step, pattern_rng
from mvae_core.models.melody_rnn import REST, TokenChooser

if TYPE_CHECKING:
    from mvae_core.models.melody_rnn import MelodyRNN


def _array(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().float().numpy().copy()


class MelodyRNNPlayer:
    """A trained ``melody_rnn`` decoder as numpy arrays (see the module docstring)."""

    def __init__(self, model: MelodyRNN) -> None:
        self.check_options = model.check_options
        self.latent_dim = model.latent_dim
        self.start_token = model.start_token
        self.settings = model.settings
        gru = model.gru
        embedding = model.token_embedding.weight.shape[1]
        positions = model.position.weight.shape[1]
        w_ih, w_hh, b_hh = _array(gru.weight_ih_l0), _array(gru.weight_hh_l0), _array(gru.bias_hh_l0)
        hidden = self.hidden = w_hh.shape[1]
        self.tokens = _array(model.token_embedding.weight)
        self.token_gates = self.tokens @ w_ih[:, :embedding].T + _array(gru.bias_ih_l0)
        self.token_gates[:, : 2 * hidden] += b_hh[: 2 * hidden]  # the reset and update gates add both biases
        self.position_gates = _array(model.position.weight) @ w_ih[:, embedding : embedding + positions].T
        self.z_gates = w_ih[:, embedding + positions :]
        self.w_hh, self.b_hh_new = w_hh, b_hh[2 * hidden :]
        self.z_state = (_array(model.z_to_state.weight), _array(model.z_to_state.bias))
        self.to_token = (_array(model.to_token.weight), _array(model.to_token.bias))
        first, activation, last = model.note_head
        self.slope = activation.negative_slope
        self.note_first = (_array(first.weight), _array(first.bias))
        self.note_last = (_array(last.weight), _array(last.bias))

    def notes(
        self, z: Sequence[float] | np.ndarray, options: DecodeOptions | None = None, index: int = 0
    ) -> list[Note]:
        """The notes at latent point ``z`` (``latent_dim`` numbers), chosen with ``options`` and the random source of
        pattern ``index`` (:func:`~mvae_core.generation.pattern_rng`)."""
        options = options or DecodeOptions()
        self.check_options(options)
        point = np.asarray(z, dtype=np.float32).reshape(-1)
        if point.shape != (self.latent_dim,):
            raise ValueError(f"z needs {self.latent_dim} numbers (the model's latent_dim), got {point.size}")
        rng = pattern_rng(options, index)
        uniforms = rng.random((STEPS_PER_LOOP, 2)).tolist()
        choose = TokenChooser.with_settings(options, self.settings)
        step_gates = self.position_gates + self.z_gates @ point
        state = np.tanh(self.z_state[0] @ point + self.z_state[1])
        token, split = self.start_token, 2 * self.hidden
        chosen = np.zeros(STEPS_PER_LOOP, dtype=np.int64)
        states = np.empty((STEPS_PER_LOOP, self.hidden), dtype=np.float32)
        for step in range(STEPS_PER_LOOP):
            gates_in = self.token_gates[token] + step_gates[step]
            gates_h = self.w_hh @ state
            reset_update = _sigmoid(gates_in[:split] + gates_h[:split])
            reset, update = reset_update[: self.hidden], reset_update[self.hidden :]
            candidate = np.tanh(gates_in[split:] + reset * (gates_h[split:] + self.b_hh_new))
            state = candidate + update * (state - candidate)
            token = choose(self.to_token[0] @ state + self.to_token[1], uniforms[step])
            chosen[step], states[step] = token, state
        steps = np.flatnonzero(chosen != REST)
        features = np.concatenate([states[steps], self.tokens[chosen[steps]]], axis=1)
        inner = features @ self.note_first[0].T + self.note_first[1]
        out = np.maximum(inner, self.slope * inner) @ self.note_last[0].T + self.note_last[1]
        offsets = offsets_by_step(steps, lambda at: out[np.searchsorted(steps, at), 2:], options, rng)
        return make_notes(chosen[steps] - 1, steps, _sigmoid(out[:, 0]), _sigmoid(out[:, 1]), offsets)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
