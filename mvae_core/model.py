"""MelodyVAE: the seed architecture (RhythmVAE lineage) with four channels, in PyTorch.

Encoder: one branch per channel (Linear → BatchNorm → LeakyReLU → Dropout), concatenated, then
Linear → BN → LeakyReLU → Dropout, then μ and log σ² of the latent. Decoder: Linear → BN → LeakyReLU → Dropout to
2·hidden, then four heads, each Linear → BN → LeakyReLU → Dropout → Linear: onset (logits), velocity (sigmoid),
duration (sigmoid) and timing. The timing head is ``model.timing_head``: ``mse`` (the seed) predicts one offset per
cell (tanh); ``categorical`` predicts, for each of the 32 steps, logits over the offset classes of
:class:`~mvae_core.timing.TimingBins` — the distribution of where a note starting at that step lands, shared by the
pitches of the step (melodies have one note per step; a per-cell distribution would multiply the head by the number
of pitch rows for nothing).

Dropout and BatchNorm follow ``model.train()`` / ``model.eval()`` like any torch module: dropout is active and BN
uses and updates batch statistics only in training mode (the ancestor never ran either, bug D2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from mvae_core.config import ModelConfig
from mvae_core.data.batches import CHANNELS
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.timing import TimingBins

TIMING_PRIOR_PSEUDOCOUNT = 0.01
"""Added to each offset class's count before the timing head's starting frequencies are taken (no class is
impossible at the start of training)."""


def _block(n_in: int, n_out: int, cfg: ModelConfig) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.LeakyReLU(cfg.leaky_slope), nn.Dropout(cfg.dropout)
    )


@dataclass
class Decoded:
    """Decoder output. ``onset_logits``, ``velocity``, ``duration`` and ``timeshift`` are ``[batch, pitch_classes,
    32]``; ``timeshift`` is the point estimate (the categorical head's mean offset, broadcast over pitches).
    ``timing_logits`` is ``[batch, 32, n_bins + 1]`` over the classes of ``timing`` for the categorical head; both
    are ``None`` for ``mse``."""

    onset_logits: torch.Tensor
    velocity: torch.Tensor
    duration: torch.Tensor
    timeshift: torch.Tensor
    timing_logits: torch.Tensor | None = None
    timing: TimingBins | None = None

    def sample_timeshift(self, temperature: float, rng: np.random.Generator) -> torch.Tensor:
        """Offsets ``[batch, pitch_classes, 32]`` drawn from the timing distribution (one draw per step, shared by
        its pitches; :meth:`TimingBins.sample`); the point estimate ``timeshift`` for the ``mse`` head."""
        if self.timing is None or self.timing_logits is None:
            return self.timeshift
        drawn = self.timing.sample(self.timing_logits.detach().cpu().numpy(), temperature, rng)
        return torch.from_numpy(drawn).to(self.timeshift.device).unsqueeze(1).expand_as(self.timeshift)


class Forward(NamedTuple):
    """What :meth:`MelodyVAE.forward` returns (and plugins' ``output``): the decoder output for the sampled latent
    point, and the posterior's mean ``mu`` and log-variance ``logvar``, each ``[batch, latent_dim]``."""

    decoded: Decoded
    mu: torch.Tensor
    logvar: torch.Tensor


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
        self.timing = TimingBins(cfg.timing_bins) if cfg.timing_head == "categorical" else None
        timing_outputs = STEPS_PER_LOOP * self.timing.n_classes if self.timing else cells
        self.heads = nn.ModuleList(
            nn.Sequential(_block(2 * hidden, hidden, cfg), nn.Linear(hidden, n_out))
            for n_out in (cells, cells, cells, timing_outputs)
        )

    @torch.no_grad()
    def init_output_priors(self, onset_rate: float, offsets: np.ndarray, weights: np.ndarray) -> None:
        """Start the onset head at the data's onset rate (bias = logit(rate)) instead of p = 0.5 per cell, and the
        categorical timing head at the data's offset-class frequencies (bias = log frequency, every step).

        With hundreds of mostly empty cells, p = 0.5 everywhere costs the first epochs just learning silence; a
        uniform timing distribution would make a model trained on quantized music write off-grid notes until it
        has learned otherwise. ``offsets`` are note offsets (half-steps) and ``weights`` how often each counts
        (:meth:`LoopSet.note_weights`).
        """
        rate = min(max(onset_rate, 1e-6), 1 - 1e-6)
        self.heads[0][-1].bias.fill_(math.log(rate / (1 - rate)))
        if self.timing is None:
            return
        counts = self.timing.class_counts(offsets, weights)
        if counts.sum() > 0:
            frequencies = (counts + TIMING_PRIOR_PSEUDOCOUNT) / (counts.sum() + TIMING_PRIOR_PSEUDOCOUNT * len(counts))
            self.heads[3][-1].bias.copy_(frequencies.log().float().repeat(STEPS_PER_LOOP))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x [B, 4, P, 32]`` → ``(mu, logvar)``, each ``[B, latent_dim]``."""
        flat = x.flatten(2)  # [B, 4, P*32]
        h = torch.cat([branch(flat[:, i]) for i, branch in enumerate(self.branches)], dim=1)
        h = self.trunk(h)
        return self.to_mu(h), self.to_logvar(h)

    def decode(self, z: torch.Tensor) -> Decoded:
        h = self.from_z(z)
        shape = (z.shape[0], self.pitch_classes, STEPS_PER_LOOP)
        onset, velocity, duration = (head(h).view(shape) for head in self.heads[:3])
        timing = self.heads[3](h)
        if self.timing is None:
            return Decoded(onset, torch.sigmoid(velocity), torch.sigmoid(duration), torch.tanh(timing.view(shape)))
        logits = timing.view(z.shape[0], STEPS_PER_LOOP, self.timing.n_classes)
        mean = self.timing.mean(logits).unsqueeze(1).expand(shape)
        return Decoded(onset, torch.sigmoid(velocity), torch.sigmoid(duration), mean, logits, self.timing)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None) -> Forward:
        """Encode, sample ``z = mu + sigma * eps`` (``eps`` from ``generator`` if given), decode."""
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + torch.exp(0.5 * logvar) * eps
        return Forward(self.decode(z), mu, logvar)
