"""The variational encoder every built-in model shares: the seed architecture's (RhythmVAE lineage).

One branch per channel (onset, velocity, duration, timeshift: Linear → BatchNorm → LeakyReLU → Dropout over the
channel's ``pitch_classes × 32`` cells), concatenated, then Linear → BN → LeakyReLU → Dropout, then μ and log σ² of
the latent. Dropout and BatchNorm follow ``train()`` / ``eval()`` like any torch module (the ancestor never ran
either, bug D2).
"""

from __future__ import annotations

import torch
from torch import nn

from mvae_core.config import ModelConfig
from mvae_core.data.batches import CHANNELS
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.models.dropout import Dropout


def block(n_in: int, n_out: int, cfg: ModelConfig) -> nn.Sequential:
    """Linear → BatchNorm → LeakyReLU(``cfg.leaky_slope``) → Dropout(``cfg.dropout``; :mod:`mvae_core.models.dropout`)."""
    return nn.Sequential(
        nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.LeakyReLU(cfg.leaky_slope), Dropout(cfg.dropout)
    )


class Encoder(nn.Module):
    """``x [B, 4, pitch_classes, 32]`` → ``(mu, logvar)``, each ``[B, latent_dim]``; width ``cfg.hidden``."""

    def __init__(self, cfg: ModelConfig, pitch_classes: int) -> None:
        super().__init__()
        cells = pitch_classes * STEPS_PER_LOOP
        self.branches = nn.ModuleList(block(cells, cfg.hidden, cfg) for _ in CHANNELS)
        self.trunk = block(len(CHANNELS) * cfg.hidden, cfg.hidden, cfg)
        self.to_mu = nn.Linear(cfg.hidden, cfg.latent_dim)
        self.to_logvar = nn.Linear(cfg.hidden, cfg.latent_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        flat = x.flatten(2)  # [B, 4, P*32]
        h = torch.cat([branch(flat[:, i]) for i, branch in enumerate(self.branches)], dim=1)
        h = self.trunk(h)
        return self.to_mu(h), self.to_logvar(h)
