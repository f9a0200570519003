"""MelodyVAE: the seed architecture (RhythmVAE lineage) with four channels, in PyTorch.

Encoder: one branch per channel (Linear → BatchNorm → LeakyReLU → Dropout), concatenated, then
Linear → BN → LeakyReLU → Dropout, then μ and log σ² of the latent. Decoder: Linear → BN → LeakyReLU → Dropout to
2·hidden, then four heads, each Linear → BN → LeakyReLU → Dropout → Linear: onset (logits), velocity (sigmoid),
duration (sigmoid), timeshift (tanh).

Dropout and BatchNorm follow ``model.train()`` / ``model.eval()`` like any torch module: dropout is active and BN
uses and updates batch statistics only in training mode (the ancestor never ran either, bug D2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from mvae_core.config import ModelConfig
from mvae_core.data.batches import CHANNELS
from mvae_core.data.loops import STEPS_PER_LOOP


def _block(n_in: int, n_out: int, cfg: ModelConfig) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.LeakyReLU(cfg.leaky_slope), nn.Dropout(cfg.dropout)
    )


@dataclass
class Decoded:
    """Decoder output, each ``[batch, pitch_classes, 32]``: onset logits and the three value heads."""

    onset_logits: torch.Tensor
    velocity: torch.Tensor
    duration: torch.Tensor
    timeshift: torch.Tensor


class MelodyVAE(nn.Module):
    def __init__(self, cfg: ModelConfig, pitch_classes: int) -> None:
        super().__init__()
        self.pitch_classes = pitch_classes
        cells = pitch_classes * STEPS_PER_LOOP
        hidden = cfg.hidden
        self.branches = nn.ModuleList(_block(cells, hidden, cfg) for _ in CHANNELS)
        self.trunk = _block(len(CHANNELS) * hidden, hidden, cfg)
        self.to_mu = nn.Linear(hidden, cfg.latent_dim)
        self.to_logvar = nn.Linear(hidden, cfg.latent_dim)
        self.from_z = _block(cfg.latent_dim, 2 * hidden, cfg)
        self.heads = nn.ModuleList(
            nn.Sequential(_block(2 * hidden, hidden, cfg), nn.Linear(hidden, cells)) for _ in CHANNELS
        )

    @torch.no_grad()
    def init_onset_prior(self, rate: float) -> None:
        """Start the onset head at the data's onset rate (bias = logit(rate)) instead of p = 0.5 per cell.

        With hundreds of mostly empty cells, p = 0.5 everywhere costs the first epochs just learning silence.
        """
        rate = min(max(rate, 1e-6), 1 - 1e-6)
        self.heads[0][-1].bias.fill_(math.log(rate / (1 - rate)))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x [B, 4, P, 32]`` → ``(mu, logvar)``, each ``[B, latent_dim]``."""
        flat = x.flatten(2)  # [B, 4, P*32]
        h = torch.cat([branch(flat[:, i]) for i, branch in enumerate(self.branches)], dim=1)
        h = self.trunk(h)
        return self.to_mu(h), self.to_logvar(h)

    def decode(self, z: torch.Tensor) -> Decoded:
        h = self.from_z(z)
        shape = (z.shape[0], self.pitch_classes, STEPS_PER_LOOP)
        onset, velocity, duration, timeshift = (head(h).view(shape) for head in self.heads)
        return Decoded(onset, torch.sigmoid(velocity), torch.sigmoid(duration), torch.tanh(timeshift))

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[Decoded, torch.Tensor, torch.Tensor]:
        """Encode, sample ``z = mu + sigma * eps`` (``eps`` from ``generator`` if given), decode."""
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + torch.exp(0.5 * logvar) * eps
        return self.decode(z), mu, logvar
