"""An optimizer's saved state, carried over to a model whose parameters were laid out differently when it was saved.

A model converts weights saved in an older layout as they load (its ``load_state_dict`` pre-hooks, e.g. the
encoder's ``legacy_branches``). Every such conversion mvae has is a rearrangement (a transpose, a concatenation),
and a rearrangement of a parameter rearranges its optimizer moments the same way, since Adam works element by
element. So the moments are converted by the model's own conversion: each moment tensor is loaded into a scratch
copy of the model in place of the weight it belongs to, and read back under the new layout. A model whose
conversion does more than rearrange must not rely on this.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from mvae_core.checkpoint import CheckpointError

BUFFER_SUFFIXES = ("running_mean", "running_var", "num_batches_tracked")
"""Names that end a BatchNorm buffer in any layout (buffers are in a state dict but have no optimizer state)."""


def relaid_optimizer_state(model: nn.Module, saved_model: Mapping[str, torch.Tensor], saved: dict[str, Any]) -> dict:
    """``saved``, the ``state_dict()`` of a one-group optimizer over the parameters of ``saved_model`` (a model
    state in an older layout, in its saved order), as the state of the same optimizer over ``model``'s parameters.

    The saved parameters are ``saved_model``'s entries that are not buffers, in order. A per-parameter tensor of the
    parameter's shape (Adam's moments) is converted like the weight; any other entry (Adam's ``step``) must be the
    same for every parameter, and is given to every parameter. Raises :class:`CheckpointError` when the saved state
    does not match ``saved_model`` that way.
    """
    groups = saved["param_groups"]
    buffers = {name for name, _ in model.named_buffers()}
    names = [key for key in saved_model if key not in buffers and not key.endswith(BUFFER_SUFFIXES)]
    if len(groups) != 1 or len(groups[0]["params"]) != len(names):
        raise CheckpointError(f"{len(names)} saved parameters, but the optimizer state lists another number")
    per_parameter = {
        name: saved["state"].get(index, {}) for name, index in zip(names, groups[0]["params"], strict=True)
    }
    shared: dict[str, Any] = {}
    moments: dict[str, dict[str, torch.Tensor]] = {}
    for name, state in per_parameter.items():
        if not state:
            raise CheckpointError(f"the optimizer state has nothing for {name}")
        for key, value in state.items():
            if isinstance(value, torch.Tensor) and value.shape == saved_model[name].shape and value.dim() > 0:
                moments.setdefault(key, {})[name] = value
            elif key not in shared:
                shared[key] = value
            elif not torch.equal(torch.as_tensor(shared[key]), torch.as_tensor(value)):
                raise CheckpointError(f"the optimizer's {key!r} differs between parameters")
    scratch = copy.deepcopy(model)
    converted: dict[str, list[torch.Tensor]] = {}
    for key, by_name in moments.items():
        if len(by_name) != len(names):
            raise CheckpointError(f"the optimizer's {key!r} is missing for some parameters")
        scratch.load_state_dict({**saved_model, **by_name})
        converted[key] = [parameter.detach().clone() for parameter in scratch.parameters()]
    state = {
        index: {**_copies(shared), **{key: values[index] for key, values in converted.items()}}
        for index in range(len(list(model.parameters())))
    }
    return {"state": state, "param_groups": [{**groups[0], "params": list(state)}]}


def _copies(entries: dict[str, Any]) -> dict[str, Any]:
    """Each parameter its own tensors: the optimizer updates them in place (fused Adam adds 1 to every ``step``)."""
    return {key: value.clone() if isinstance(value, torch.Tensor) else value for key, value in entries.items()}
