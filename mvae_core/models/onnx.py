"""What a model hands ``mvae export --onnx`` (:class:`OnnxGraph`), and the sidecar text every model shares.

The exporter (:mod:`mvae_core.tools.export`) traces ``OnnxGraph.module`` with the example inputs, makes every axis
named ``"batch"`` dynamic, and writes the sidecar from the description here plus the facts of the run (pitch
mapping, sizes, source). A host needs the two files and nothing of mvae: the sidecar's ``decode`` lines say how to
turn the outputs into notes the way ``mvae generate`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from mvae_core.timing import TimingBins

BATCH = "batch"
"""The name of a dynamic axis in ``GraphInput.shape`` and the outputs' shapes: any number of patterns per call."""

PITCH_RULE = "pitch = pitch_low + row; a loop is 2 bars of 4/4, 32 sixteenth steps; seconds_per_step = 60 / bpm / 4"
START_RULE = (
    "start = (step + clip(offset * grid_offset, -1, 1) / 2) * seconds_per_step, clamped at 0 (grid_offset 0 = "
    "quantized, 1 = learned timing, above 1 exaggerated up to the step's edge, so notes keep their order); offset "
    "from the timing outputs, see timing.sample; then, in order of start and then of step, a start less than "
    "min(0.02 s, seconds_per_step / 2) after the start before it (as moved by this rule) starts with it when both "
    "are of one step (a chord), else it is held back to exactly that gap after it (a note never starts with one of an "
    "earlier step), so that no note is cut into a click"
)
UNIFORMS_RULE = (
    "the uniforms: any source of uniform numbers in [0, 1), drawn in the order these lines give (the note choice's, "
    "then the offsets'); mvae generate --seed S draws pattern i's from numpy.random.default_rng([S, i]).random() "
    "(PCG64 seeded by SeedSequence([S, i]); each uniform one double, (next 64-bit output >> 11) / 2^53), so a host "
    "with that generator at [S, 0] plays the first loop of mvae generate --seed S"
)
LENGTH_RULE = (
    "length = max(duration * max_duration_steps * seconds_per_step, seconds_per_step / 8, min(0.02 s, "
    "seconds_per_step / 2)), cut at the next later start and at the loop's end (steps * seconds_per_step)"
)


@dataclass(frozen=True)
class GraphInput:
    """One input of the graph: the ``example`` tensor it is traced with (its dtype is the input's; the size of a
    ``batch`` axis must be at least 2, so that the tracer keeps it dynamic), its ``shape`` as the sidecar writes it
    (``"batch"`` for the dynamic axis) and what it means."""

    example: torch.Tensor
    shape: list[str | int]
    meaning: str

    def describe(self) -> dict[str, Any]:
        """The sidecar's entry: shape, dtype (numpy's name: ``float32``, ``int64``) and meaning."""
        dtype = str(self.example.dtype).removeprefix("torch.")
        return {"shape": self.shape, "dtype": dtype, "meaning": self.meaning}


@dataclass
class OnnxGraph:
    """A model's export. ``module.forward`` takes the ``inputs`` in their order and returns a tuple in the order of
    ``outputs`` (each ``{"shape", "dtype", "meaning"}``). ``format`` names the graph's contract for hosts (e.g.
    ``mvae-decoder-onnx/1``: ``z`` → one pattern's cells); ``rules`` is the rest of the model's part of the sidecar:
    ``timing``, ``decode`` (the lines a host follows) and any entry of its own."""

    module: nn.Module
    format: str
    inputs: dict[str, GraphInput]
    outputs: dict[str, dict[str, Any]]
    rules: dict[str, Any] = field(default_factory=dict)

    def dynamic_shapes(self, batch: Any) -> tuple[dict[int, Any] | None, ...]:
        """Per input in order, ``{axis: batch}`` for its ``"batch"`` axis (``None`` for an input without one)."""
        axes = [[axis for axis, size in enumerate(spec.shape) if size == BATCH] for spec in self.inputs.values()]
        return tuple({axis: batch for axis in found} or None for found in axes)


def categorical_timing(bins: TimingBins, where: str) -> dict[str, Any]:
    """The sidecar's ``timing`` entry for the categorical timing head; ``where`` names the output a note's offset
    distribution is read from (e.g. ``"timing_probs[step]"``)."""
    return {
        "head": "categorical",
        "n_bins": bins.n_bins,
        "n_classes": bins.n_classes,
        "bin_width": bins.width,
        "centers": bins.centers.tolist(),
        "classes": "class 0 = exactly on the grid (offset 0); class 1+k = offsets in [-1 + k*bin_width, "
        "-1 + (k+1)*bin_width) half-steps, centre centers[1+k]",
        "sample": f"at timing temperature T > 0, two uniforms (u_class, u) in [0, 1) per offset drawn, u_class "
        "first, the offsets in the order the decode lines give (after the note choice's draws), whatever class "
        f"comes out: from p = {where}, w = (p / max p)^(1/T) (dividing by max p keeps the proportions of p^(1/T) "
        "and no power underflows to 0 at a low T), and the class c is the number of running sums w[0], w[0] + "
        "w[1], ... below u_class * sum(w) (at most the last class); class 0 gives offset 0, class c > 0 gives "
        "centers[c] + (u - 0.5) * bin_width. At T = 0 nothing is drawn and the offset is the distribution's mean, "
        "timing_mean",
    }
