"""States in the layouts of earlier mvae versions, for the tests that old runs still load and resume."""

from __future__ import annotations

from typing import Any

import torch

from mvae_core.data.batches import CHANNELS
from mvae_core.optimizer_layout import BUFFER_SUFFIXES

BRANCH_NORM = ("weight", "bias", "running_mean", "running_var")


def per_branch_encoder(state: dict[str, torch.Tensor], prefix: str = "encoder.") -> dict[str, torch.Tensor]:
    """``state`` with the encoder's input layer written as it was before it became one table: four branches, each
    ``branches.{c}.0`` (Linear ``[hidden, cells]``) and ``branches.{c}.1`` (BatchNorm over ``hidden``), in the order
    the old model listed them (where the table is now)."""
    old: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key == prefix + "branch_weight":
            old |= _branches(state, prefix)
        elif not key.startswith((prefix + "branch_bias", prefix + "branch_rest.")):
            old[key] = value
    return old


def _branches(state: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    channels = len(CHANNELS)
    weights = state[prefix + "branch_weight"].chunk(channels)
    biases = state[prefix + "branch_bias"].chunk(channels)
    norm = {name: state[f"{prefix}branch_rest.0.{name}"].chunk(channels) for name in BRANCH_NORM}
    batches = state[prefix + "branch_rest.0.num_batches_tracked"]
    old = {}
    for c in range(channels):
        old[f"{prefix}branches.{c}.0.weight"] = weights[c].t().contiguous()
        old[f"{prefix}branches.{c}.0.bias"] = biases[c].clone()
        for name in BRANCH_NORM:
            old[f"{prefix}branches.{c}.1.{name}"] = norm[name][c].clone()
        old[f"{prefix}branches.{c}.1.num_batches_tracked"] = batches.clone()
    return old


def per_branch_optimizer(saved: dict[str, Any], model_state: dict[str, torch.Tensor]) -> dict[str, Any]:
    """Adam's state ``saved`` over the parameters of ``model_state`` (today's layout, whose entries that are not
    BatchNorm buffers are the parameters, in order), as the per-branch layout had it: the moments rearranged like
    the weights, one entry per old parameter."""
    names = [key for key in model_state if not key.endswith(BUFFER_SUFFIXES)]
    group = saved["param_groups"][0]
    states = [saved["state"][index] for index in group["params"]]
    old_names = [key for key in per_branch_encoder(model_state) if not key.endswith(BUFFER_SUFFIXES)]
    moments = {}
    for key in ("exp_avg", "exp_avg_sq"):
        old = per_branch_encoder(model_state | {name: state[key] for name, state in zip(names, states, strict=True)})
        moments[key] = [old[name] for name in old_names]
    state = {
        index: {"step": states[0]["step"].clone(), **{key: values[index] for key, values in moments.items()}}
        for index in range(len(old_names))
    }
    return {"state": state, "param_groups": [{**group, "params": list(state)}]}
