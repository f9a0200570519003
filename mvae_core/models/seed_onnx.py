"""The ``seed`` model's decoder as an ONNX graph (``mvae export --onnx``) and its part of the sidecar.

Format ``mvae-decoder-onnx/1``: the graph maps ``z [batch, latent_dim]`` (float32, any batch size) to the decoder's
heads in eval mode (BatchNorm running statistics, no dropout):

* ``onset`` ``[batch, pitch_classes, 32]``: onset probabilities (sigmoid of the logits);
* ``velocity``, ``duration`` ``[batch, pitch_classes, 32]``: 0..1 (``velocity × 127``; ``duration ×
  max_duration_steps`` 16th steps);
* categorical timing head: ``timing_probs`` ``[batch, 32, n_bins + 1]``, per step the probabilities of the offset
  classes (class 0 = exactly on the grid, class ``1 + k`` = the bin ``[-1 + k·width, -1 + (k+1)·width)``
  half-steps), and ``timing_mean`` ``[batch, 32]``, their expected offset (``timing_probs @ centers``);
* ``mse`` timing head: ``timeshift`` ``[batch, pitch_classes, 32]``, one offset per cell in half-steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
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
    from mvae_core.models.seed import SeedModel

FORMAT = "mvae-decoder-onnx/1"


class DecoderGraph(nn.Module):
    """The exported function: ``z`` → the outputs listed in the module docstring (a tuple, in ``output_names``)."""

    model: SeedModel
    categorical: bool
    centers: torch.Tensor  # a buffer, registered when categorical (the only case that reads it)

    def __init__(self, model: SeedModel) -> None:
        super().__init__()
        self.model = model
        self.categorical = model.timing is not None
        if model.timing is not None:
            self.register_buffer("centers", model.timing.centers.clone())

    @property
    def output_names(self) -> list[str]:
        timing = ["timing_probs", "timing_mean"] if self.categorical else ["timeshift"]
        return ["onset", "velocity", "duration", *timing]

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = self.model.decode(z)
        heads = (torch.sigmoid(out.onset_logits), out.velocity, out.duration)
        if out.timing_logits is None:
            return (*heads, out.timeshift)
        probs = torch.softmax(out.timing_logits, dim=-1)
        return (*heads, probs, probs @ self.centers)


def seed_graph(model: SeedModel, cfg: MvaeConfig) -> OnnxGraph:
    """The export of a ``seed`` model: its decoder graph and the sidecar's description of it."""
    graph = DecoderGraph(model)
    rows, steps = cfg.data.pitch_classes, STEPS_PER_LOOP
    cells = [BATCH, rows, steps]
    outputs: dict[str, Any] = {
        "onset": {"shape": cells, "meaning": "probability that a note starts in the cell (pitch row, 16th step)"},
        "velocity": {"shape": cells, "meaning": "0..1; MIDI velocity = clip(round(velocity * 127), 1, 127)"},
        "duration": {"shape": cells, "meaning": "0..1; length in 16th steps = duration * max_duration_steps"},
    }
    if model.timing is not None:
        outputs["timing_probs"] = {
            "shape": [BATCH, steps, model.timing.n_classes],
            "meaning": "per step, probabilities of the offset classes (shared by the step's pitch rows)",
        }
        outputs["timing_mean"] = {"shape": [BATCH, steps], "meaning": "expected offset per step, half-steps"}
        timing = categorical_timing(model.timing, "timing_probs[step]")
        offsets = (
            "after the note choice's draws, one offset per sounding step in step order (timing.sample), shared by "
            "the step's notes"
        )
    else:
        outputs["timeshift"] = {"shape": cells, "meaning": "offset of a note in the cell, half-steps (-1..1)"}
        timing = {"head": "mse", "sample": "the mse head has no distribution: the offset is timeshift[row, step]"}
        offsets = "each note's offset is its cell's timeshift (timing.sample)"
    decode = [
        PITCH_RULE,
        "which notes sound, by default (mvae generate's monophonic rule): e_step = min(1, sum over rows of "
        "onset[row, step]); at temperature T > 0 (generate's default is 1), one uniform u per step (all 32, in "
        "step order): the step sounds when u < min(1, density * e_step); then one uniform v per sounding step, in "
        "step order: "
        "w[row] = (onset[row, step] / the step's largest onset)^(1/T) (the proportions of onset^(1/T), without "
        "powers that underflow to 0 at a low T), and the row is the number of rows whose running sum of w is below "
        "v * sum(w) (at most the last row)",
        "T = 0 (the likeliest loop, no draws): the round(density * sum(e_step)) steps with the highest e_step "
        "sound (the earlier step first among equals), each at its most probable row",
        "poly (generate --poly: any number of notes per step): at T > 0 one uniform u per cell, all of row 0's "
        "32 steps first, then row 1's, and so on: the cell sounds when u < min(1, density * onset[row, step]); "
        "T = 0 (no draws): the round(density * sum of every onset) cells with the highest onset sound (the earlier "
        "cell in that row-by-row order first among equals)",
        "thresholds (generate --threshold-min/--threshold-max, the ancestor's rule; a missing bound is 0 or 1; "
        "density and temperature are not used, no draws): a cell is a candidate when threshold_min <= "
        "onset[row, step] <= threshold_max; each step sounds at its most probable candidate row (the lowest "
        "row among equals), or with poly at every candidate row",
        "the notes in step order, rows ascending within a step; " + offsets,
        UNIFORMS_RULE,
        START_RULE,
        LENGTH_RULE,
    ]
    return OnnxGraph(
        module=graph,
        format=FORMAT,
        inputs={"z": GraphInput(torch.zeros(2, cfg.model.latent_dim), [BATCH, cfg.model.latent_dim], "latent points")},
        outputs={name: outputs[name] | {"dtype": "float32"} for name in graph.output_names},
        rules={"timing": timing, "decode": decode},
    )
