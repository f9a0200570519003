"""The variational encoder every built-in model shares: the seed architecture's (RhythmVAE lineage).

One branch per channel (onset, velocity, duration, timeshift: Linear → BatchNorm → LeakyReLU → Dropout over the
channel's ``pitch_classes × 32`` cells), concatenated, then Linear → BN → LeakyReLU → Dropout, then μ and log σ² of
the latent. Dropout and BatchNorm follow ``train()`` / ``eval()`` like any torch module (the ancestor never ran
either, bug D2).

The four branches' linear layers are computed together and only over a loop's non-zero cells: a melody fills about
9 of a channel's 768 cells, so a dense product spent most of the layer's time multiplying zeros (docs/benchmarks.md,
"The encoder's input layer gathers its non-zero cells"). The weights are one table with a row per input cell
(``branch_weight [4 · cells, hidden]``); a loop's branch outputs are the sums of the rows of its non-zero cells,
each scaled by the cell's value (``F.embedding_bag``), which is the dense product up to float rounding. The
BatchNorm, activation and dropout of the four branches are one layer over the concatenated ``4 · hidden`` features
(BatchNorm is per feature, so this is the same computation). Runs saved with four separate branch layers still
load: :func:`legacy_branches` converts their tensors.
"""

from __future__ import annotations

import math
from typing import Any, cast

import torch
import torch.nn.functional as F
from torch import nn

from mvae_core.config import ModelConfig
from mvae_core.data.batches import CHANNELS
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.models.dropout import Dropout


def block(n_in: int, n_out: int, cfg: ModelConfig) -> nn.Sequential:
    """Linear → BatchNorm → LeakyReLU(``cfg.leaky_slope``) → Dropout(``cfg.dropout``; :mod:`mvae_core.models.dropout`)."""
    return nn.Sequential(nn.Linear(n_in, n_out), *after_linear(n_out, cfg))


def block_layers(layers: nn.Module) -> tuple[nn.Linear, nn.BatchNorm1d, nn.LeakyReLU]:
    """The Linear, BatchNorm and LeakyReLU of a :func:`block` as what they are (``nn.Sequential`` hands out Modules;
    the Dropout after them is left out)."""
    sequence = cast(nn.Sequential, layers)
    return cast(nn.Linear, sequence[0]), cast(nn.BatchNorm1d, sequence[1]), cast(nn.LeakyReLU, sequence[2])


def after_linear(n_out: int, cfg: ModelConfig) -> tuple[nn.Module, ...]:
    """What follows a hidden linear layer: BatchNorm → LeakyReLU → Dropout, over ``n_out`` features."""
    return nn.BatchNorm1d(n_out), nn.LeakyReLU(cfg.leaky_slope), Dropout(cfg.dropout)


class Encoder(nn.Module):
    """``x [B, 4, pitch_classes, 32]`` → ``(mu, logvar)``, each ``[B, latent_dim]``; width ``cfg.hidden``."""

    cells: int
    branch_weight: nn.Parameter
    branch_bias: nn.Parameter
    branch_rest: nn.Sequential
    trunk: nn.Sequential
    to_mu: nn.Linear
    to_logvar: nn.Linear

    def __init__(self, cfg: ModelConfig, pitch_classes: int) -> None:
        super().__init__()
        self.cells = pitch_classes * STEPS_PER_LOOP
        branches_out = len(CHANNELS) * cfg.hidden
        # nn.Linear's default initialisation, per branch: uniform in ±1/√fan_in for weights and biases
        bound = 1 / math.sqrt(self.cells)
        self.branch_weight = nn.Parameter(torch.empty(len(CHANNELS) * self.cells, cfg.hidden).uniform_(-bound, bound))
        self.branch_bias = nn.Parameter(torch.empty(branches_out).uniform_(-bound, bound))
        self.branch_rest = nn.Sequential(*after_linear(branches_out, cfg))
        self.trunk = block(branches_out, cfg.hidden, cfg)
        self.to_mu = nn.Linear(cfg.hidden, cfg.latent_dim)
        self.to_logvar = nn.Linear(cfg.hidden, cfg.latent_dim)
        self._register_load_state_dict_pre_hook(legacy_branches)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.branch_rest(self.branches(x))
        h = self.trunk(h)
        return self.to_mu(h), self.to_logvar(h)

    def branches(self, x: torch.Tensor) -> torch.Tensor:
        """The four branches' linear layers, concatenated: ``[B, 4 · hidden]``, from the non-zero cells of ``x``.

        ``x.flatten(1)`` numbers a loop's cells channel by channel, as the rows of ``branch_weight``; one bag per
        (loop, channel), in that order, since ``nonzero`` lists a loop's cells in ascending order.
        """
        flat = x.flatten(1)
        loop, cell = flat.nonzero(as_tuple=True)
        bag = loop * len(CHANNELS) + torch.div(cell, self.cells, rounding_mode="floor")
        sizes = torch.bincount(bag, minlength=len(x) * len(CHANNELS))
        starts = sizes.cumsum(0) - sizes
        sums = F.embedding_bag(cell, self.branch_weight, starts, mode="sum", per_sample_weights=flat[loop, cell])
        return sums.view(len(x), len(self.branch_bias)) + self.branch_bias


def legacy_branches(state_dict: dict[str, Any], prefix: str, *_: Any) -> None:
    """Load a state saved with one layer per branch (``branches.{c}.0`` Linear, ``branches.{c}.1`` BatchNorm):
    the linear weights become the rows of ``branch_weight`` (transposed, channel after channel), everything else is
    concatenated in channel order."""
    old = prefix + "branches."
    if old + "0.0.weight" not in state_dict:
        return

    def per_channel(key: str) -> list[torch.Tensor]:
        return [state_dict.pop(f"{old}{c}.{key}") for c in range(len(CHANNELS))]

    state_dict[prefix + "branch_weight"] = torch.cat([weight.t() for weight in per_channel("0.weight")])
    state_dict[prefix + "branch_bias"] = torch.cat(per_channel("0.bias"))
    for name in ("weight", "bias", "running_mean", "running_var"):
        state_dict[f"{prefix}branch_rest.0.{name}"] = torch.cat(per_channel(f"1.{name}"))
    state_dict[prefix + "branch_rest.0.num_batches_tracked"] = per_channel("1.num_batches_tracked")[0]
