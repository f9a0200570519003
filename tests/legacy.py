"""States in the layouts of earlier mvae versions, for the tests that old runs still load."""

from __future__ import annotations

import torch

from mvae_core.data.batches import CHANNELS

BRANCH_NORM = ("weight", "bias", "running_mean", "running_var")


def per_branch_encoder(state: dict[str, torch.Tensor], prefix: str = "encoder.") -> dict[str, torch.Tensor]:
    """``state`` with the encoder's input layer written as it was before it became one table: four branches, each
    ``branches.{c}.0`` (Linear ``[hidden, cells]``) and ``branches.{c}.1`` (BatchNorm over ``hidden``)."""
    state = dict(state)
    weight = state.pop(prefix + "branch_weight")
    bias = state.pop(prefix + "branch_bias")
    norm = {name: state.pop(f"{prefix}branch_rest.0.{name}") for name in BRANCH_NORM}
    batches = state.pop(prefix + "branch_rest.0.num_batches_tracked")
    channels = len(CHANNELS)
    for c, rows in enumerate(weight.chunk(channels)):
        state[f"{prefix}branches.{c}.0.weight"] = rows.t().contiguous()
        state[f"{prefix}branches.{c}.0.bias"] = bias.chunk(channels)[c].clone()
        for name, values in norm.items():
            state[f"{prefix}branches.{c}.1.{name}"] = values.chunk(channels)[c].clone()
        state[f"{prefix}branches.{c}.1.num_batches_tracked"] = batches.clone()
    return state
