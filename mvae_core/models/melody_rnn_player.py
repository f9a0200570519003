"""One latent point → one pattern's notes of a ``melody_rnn`` model, in numpy, for a live host.

The same notes as pattern ``index`` of :meth:`MelodyRNN.decode_notes` at that point (up to float32 rounding), at
batch size 1 without torch's per-operation overhead. What is folded in when the player is made, so that each of the
32 steps costs one matrix–vector product and eleven vector operations, all writing into buffers made once per call:

* The input part of a GRU step's gates is the sum of a row of the token table (``W_ih`` applied to every token's
  embedding, with the biases that can be folded in) and a row of the step table (the position's share plus the
  latent point's, once per call).
* One product of the state gives both the recurrent part of the next step's gates (``W_hh·h``) and this step's token
  logits (``to_token``): their weights are stacked. The state vector carries a constant 1 as its last entry, so the
  rows for that entry add the biases that cannot be folded into the input part (the candidate gate's ``b_hh``, which
  the reset gate scales, and ``to_token``'s bias).
* The reset and update gates' weights and biases are halved, so that ``sigmoid(x) = 0.5 + 0.5·tanh(x / 2)`` costs
  one ``tanh`` and two in-place operations (halving is exact in floating point).

The note head runs once, for the steps that sound. The weights are copied when the player is made: a player does not
follow later changes to the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.decode_options import given_options
from mvae_core.generation import DecodeOptions, Note, make_notes, offsets_by_step, pattern_rng
from mvae_core.models.base import player_point, sigmoid
from mvae_core.models.melody_rnn import REST, TokenChooser, gru_weights

if TYPE_CHECKING:
    from mvae_core.models.melody_rnn import MelodyRNN, MelodyRNNSettings


def _array(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().float().numpy().copy()


class MelodyRNNPlayer:
    """A trained ``melody_rnn`` decoder as numpy arrays (see the module docstring)."""

    check_options: Callable[[DecodeOptions], None]
    latent_dim: int
    start_token: int
    settings: MelodyRNNSettings
    hidden: int
    slope: float
    tokens: np.ndarray
    token_gates: np.ndarray
    position_gates: np.ndarray
    z_gates: np.ndarray
    recurrent: np.ndarray
    z_state: tuple[np.ndarray, np.ndarray]
    note_first: tuple[np.ndarray, np.ndarray]
    note_last: tuple[np.ndarray, np.ndarray]

    def __repr__(self) -> str:
        """What a notebook shows: the model, its sizes and how to play it."""
        return f"<melody_rnn player: latent_dim {self.latent_dim}, GRU {self.hidden}; .notes(z, options)>"

    def __init__(self, model: MelodyRNN) -> None:
        self.check_options = model.check_options
        self.latent_dim = model.latent_dim
        self.start_token = model.start_token
        self.settings = model.settings
        embedding = model.token_embedding.weight.shape[1]
        positions = model.position.weight.shape[1]
        w_ih, w_hh, b_ih, b_hh = (_array(weight) for weight in gru_weights(model.gru))
        hidden = self.hidden = w_hh.shape[1]
        halve = np.ones(3 * hidden, dtype=np.float32)  # the reset and update gates go through sigmoid
        halve[: 2 * hidden] = 0.5
        self.tokens = _array(model.token_embedding.weight)
        folded_bias = b_ih + np.concatenate([b_hh[: 2 * hidden], np.zeros(hidden, np.float32)])
        self.token_gates = (self.tokens @ w_ih[:, :embedding].T + folded_bias) * halve
        self.position_gates = (_array(model.position.weight) @ w_ih[:, embedding : embedding + positions].T) * halve
        self.z_gates = w_ih[:, embedding + positions :] * halve[:, None]
        to_token_weight, to_token_bias = _array(model.to_token.weight), _array(model.to_token.bias)
        recurrent = np.concatenate([w_hh * halve[:, None], to_token_weight]).T  # [hidden, 3·hidden + tokens]
        constant_row = np.concatenate([np.zeros(2 * hidden, np.float32), b_hh[2 * hidden :], to_token_bias])
        self.recurrent = np.ascontiguousarray(np.vstack([recurrent, constant_row]))  # the state's constant 1 last
        self.z_state = (_array(model.z_to_state.weight), _array(model.z_to_state.bias))
        first, activation, last = model.note_layers()
        self.slope = activation.negative_slope
        self.note_first = (_array(first.weight), _array(first.bias))
        self.note_last = (_array(last.weight), _array(last.bias))

    def notes(
        self, z: Sequence[float] | np.ndarray, options: DecodeOptions | None = None, index: int = 0
    ) -> list[Note]:
        """The notes at latent point ``z`` (``latent_dim`` numbers), chosen with ``options`` and the random source of
        pattern ``index`` (:func:`~mvae_core.generation.pattern_rng`)."""
        options = given_options(options)
        self.check_options(options)
        point = player_point(z, self.latent_dim)
        rng = pattern_rng(options, index)
        uniforms = rng.random((STEPS_PER_LOOP, 2)).tolist()
        choose = TokenChooser.with_settings(options, self.settings)
        hidden, gated = self.hidden, 2 * self.hidden
        step_gates = self.position_gates + self.z_gates @ point
        # Buffers written in place each step, and their parts as views made once (each slice costs ~0.2 µs).
        state = np.ones(hidden + 1, dtype=np.float32)  # the hidden state, then the constant 1
        hidden_state = state[:hidden]
        hidden_state[:] = np.tanh(self.z_state[0] @ point + self.z_state[1])
        projected = state @ self.recurrent  # the recurrent part of step 0's gates (its logits part is unused)
        recurrent_gated, recurrent_candidate = projected[:gated], projected[gated : gated + hidden]
        logits = projected[gated + hidden :]
        gates_in = np.empty(3 * hidden, dtype=np.float32)
        input_gated, input_candidate = gates_in[:gated], gates_in[gated:]
        reset_update = np.empty(gated, dtype=np.float32)
        reset, update = reset_update[:hidden], reset_update[hidden:]
        candidate = np.empty(hidden, dtype=np.float32)
        token = self.start_token
        chosen = np.zeros(STEPS_PER_LOOP, dtype=np.int64)
        states = np.empty((STEPS_PER_LOOP, hidden), dtype=np.float32)
        for step in range(STEPS_PER_LOOP):
            np.add(self.token_gates[token], step_gates[step], out=gates_in)
            np.add(input_gated, recurrent_gated, out=reset_update)
            np.tanh(reset_update, out=reset_update)
            reset_update *= 0.5
            reset_update += 0.5
            np.multiply(reset, recurrent_candidate, out=candidate)
            candidate += input_candidate
            np.tanh(candidate, out=candidate)
            hidden_state -= candidate  # the new state: candidate + update · (state − candidate)
            hidden_state *= update
            hidden_state += candidate
            np.matmul(state, self.recurrent, out=projected)
            token = choose(logits, uniforms[step])
            chosen[step], states[step] = token, hidden_state
        steps = np.flatnonzero(chosen != REST)
        features = np.concatenate([states[steps], self.tokens[chosen[steps]]], axis=1)
        inner = features @ self.note_first[0].T + self.note_first[1]
        out = np.maximum(inner, self.slope * inner) @ self.note_last[0].T + self.note_last[1]
        offsets = offsets_by_step(steps, lambda at: out[np.searchsorted(steps, at), 2:], options, rng)
        return make_notes(chosen[steps] - 1, steps, sigmoid(out[:, 0]), sigmoid(out[:, 1]), offsets)
