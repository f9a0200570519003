"""One step of the ``melody_rnn`` decoder as an ONNX graph (``mvae export --onnx``) and its part of the sidecar.

Format ``mvae-step-onnx/1``. The model writes a loop one 16th step at a time, each step reading the note chosen at
the previous one, and the choice is a draw (:class:`~mvae_core.models.melody_rnn.TokenChooser`), so the graph is one
step and the host runs the loop: 32 calls per pattern, choosing each step's token between them. Inputs (eval mode,
any batch size):

* ``z [batch, latent_dim]`` float32: the latent points;
* ``token [batch]`` int64: the token chosen at the previous step (``0`` = no note, ``1 + row`` = a note at that
  pitch row; the start token ``pitch_classes + 1`` at step 0);
* ``state [batch, rnn_hidden]`` float32: the ``next_state`` output of the previous call; at step 0 the graph starts
  the state from ``z`` and ignores this input (pass zeros);
* ``step []`` int64: the step, 0..31.

Outputs:

* ``token_probs [batch, 1 + pitch_classes]``: the probabilities of this step's token (no note first);
* ``next_state [batch, rnn_hidden]``: the ``state`` input of the next call (ONNX names are unique);
* ``velocity``, ``duration`` ``[batch, pitch_classes]`` (0..1), ``timing_probs [batch, pitch_classes, n_bins + 1]``
  and ``timing_mean [batch, pitch_classes]``: for each row, the note this step writes if the host chooses that row
  (the note head of the model reads the state and the chosen token; its first layer is split into the state's part,
  computed once, and the rows' part, so the rows cost a ``[rows, hidden/2] → [rows, 2 + classes]`` product).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import nn

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.models.melody_rnn import gru_weights
from mvae_core.models.onnx import (
    BATCH,
    LENGTH_RULE,
    PITCH_RULE,
    START_RULE,
    UNIFORMS_RULE,
    GraphInput,
    OnnxGraph,
    categorical_timing,
)

if TYPE_CHECKING:
    from mvae_core.models.melody_rnn import MelodyRNN

FORMAT = "mvae-step-onnx/1"


class StepGraph(nn.Module):
    """The exported function: ``(z, token, state, step)`` → the outputs of the module docstring, in
    ``OUTPUTS``'s order."""

    OUTPUTS = ("token_probs", "next_state", "velocity", "duration", "timing_probs", "timing_mean")

    model: MelodyRNN
    centers: torch.Tensor

    def __init__(self, model: MelodyRNN) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("centers", model.timing.centers.clone())

    def forward(
        self, z: torch.Tensor, token: torch.Tensor, state: torch.Tensor, step: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        model = self.model
        state = torch.where(step == 0, torch.tanh(model.z_to_state(z)), state)
        position = model.position.weight.index_select(0, step.reshape(1)).expand(z.shape[0], -1)
        inputs = torch.cat([model.token_embedding(token), position, z], dim=-1)
        state = torch.gru_cell(inputs, state, *gru_weights(model.gru))
        token_probs = torch.softmax(model.to_token(state), dim=-1)
        first, activation, last = model.note_layers()
        hidden = state.shape[-1]
        rows = model.token_embedding.weight[1 : model.pitch_classes + 1]
        per_state = F.linear(state, first.weight[:, :hidden], first.bias)  # [batch, hidden/2]
        per_row = rows @ first.weight[:, hidden:].T  # [rows, hidden/2]
        out = last(activation(per_state.unsqueeze(1) + per_row))  # [batch, rows, 2 + classes]
        timing_probs = torch.softmax(out[..., 2:], dim=-1)
        velocity, duration = torch.sigmoid(out[..., 0]), torch.sigmoid(out[..., 1])
        return token_probs, state, velocity, duration, timing_probs, timing_probs @ self.centers


def step_graph(model: MelodyRNN, cfg: MvaeConfig) -> OnnxGraph:
    """The export of a ``melody_rnn`` model: one decoder step and the sidecar's description of it, with the
    host's loop and the token choice of ``mvae generate`` (:class:`~mvae_core.models.melody_rnn.TokenChooser`)."""
    rows, latent, hidden = model.pitch_classes, model.latent_dim, model.settings.rnn_hidden
    classes = model.timing.n_classes
    start = model.start_token
    inputs = {
        "z": GraphInput(torch.zeros(2, latent), [BATCH, latent], "latent points"),
        "token": GraphInput(
            torch.full((2,), start, dtype=torch.long),
            [BATCH],
            f"the previous step's token: 0 = no note, 1 + row = a note at that row, {start} (tokens.start) at step 0",
        ),
        "state": GraphInput(
            torch.zeros(2, hidden), [BATCH, hidden], "the previous call's next_state output; ignored at step 0"
        ),
        "step": GraphInput(torch.tensor(0), [], f"the step, 0..{STEPS_PER_LOOP - 1}"),
    }
    per_row = "for each row, the note this step writes if that row is chosen"
    outputs: dict[str, Any] = {
        "token_probs": {"shape": [BATCH, 1 + rows], "meaning": "probabilities of this step's token, no note first"},
        "next_state": {"shape": [BATCH, hidden], "meaning": "the decoder's state: the next call's state input"},
        "velocity": {"shape": [BATCH, rows], "meaning": f"{per_row}: 0..1; MIDI velocity = clip(round(v*127), 1, 127)"},
        "duration": {"shape": [BATCH, rows], "meaning": f"{per_row}: 0..1 of max_duration_steps 16th steps"},
        "timing_probs": {"shape": [BATCH, rows, classes], "meaning": f"{per_row}: its offset classes' probabilities"},
        "timing_mean": {"shape": [BATCH, rows], "meaning": f"{per_row}: its expected offset, half-steps"},
    }  # fmt: skip
    settings = model.settings
    tokens = {
        "count": 1 + rows,
        "rest": 0,
        "start": start,
        "pitch_temperature": settings.pitch_temperature,
        "pitch_min_p": settings.pitch_min_p,
    }
    decode = [
        PITCH_RULE,
        f"per pattern: token = tokens.start, state = zeros [{hidden}]; for step = 0..{STEPS_PER_LOOP - 1}: run the "
        "graph on (z, token, state, step), choose the step's token from token_probs (next rule), and pass the "
        "chosen token and next_state to the next call (as token and state). A chosen token t > 0 is a note at row "
        "r = t - 1 with velocity[r], duration[r] and an offset drawn from timing_probs[r] (timing.sample) once the "
        "loop is done",
        "the choice (mvae generate's, with density d and temperature T; t = T * tokens.pitch_temperature), from two "
        "uniforms u0, u1 in [0, 1) per step, all 32 pairs drawn before step 0 (step 0's u0, u1 first, then step "
        "1's, ...), at any T: p_note = min(1, d * (1 - token_probs[0])); no note if u0 >= p_note; "
        "else w[r] = (token_probs[1 + r] / the largest of token_probs[1:])^(1/t) (the proportions of "
        "token_probs^(1/t), without powers that underflow to 0 at a low t), each w[r] < tokens.pitch_min_p * max(w) "
        "set to 0, and the row is the first r where w[0] + ... + w[r] > u1 * sum(w)",
        "T = 0 (the likeliest melody): the 32 pairs are still drawn, as generate draws them, and not used (so the "
        "offsets' uniforms come after them); keep E, the sum of p_note so far, and N, the notes written; the step "
        "writes a note at its most probable row (the lowest row among equals) when E - N >= 0.5 (then N = N + 1), "
        "else none",
        UNIFORMS_RULE,
        START_RULE,
        LENGTH_RULE,
    ]
    return OnnxGraph(
        module=StepGraph(model),
        format=FORMAT,
        inputs=inputs,
        outputs={name: outputs[name] | {"dtype": "float32"} for name in StepGraph.OUTPUTS},
        rules={"tokens": tokens, "timing": categorical_timing(model.timing, "timing_probs[r]"), "decode": decode},
    )
