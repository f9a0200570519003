"""free_bits: the KL term of every minibatch becomes sum over latent dimensions of max(λ, KL_d) (free bits).

Kingma et al. (2016, "Improved variational inference with inverse autoregressive flow"): KL_d is the minibatch mean
of dimension d's KL(q(z_d | x) ‖ N(0, 1)), in nats per loop. Below λ = ``nats`` a dimension's term is the constant
λ, so no gradient pushes its KL lower: the encoder may spend up to λ nats in each dimension for free, which keeps a
powerful decoder from ignoring the latent point (posterior collapse). Above λ it is the usual KL.

The plugin replaces the core's ``kl`` term in ``mvae_loss``, for training and validation batches alike (so
``val.kl`` is the same objective; ``metrics.jsonl`` lists ``replaced: {"kl": "free_bits"}``), and multipliers of
other plugins (a KL warm-up) still apply to it. ``val_elbo`` keeps the plain KL, as for every plugin. From the
validation batches (``mvae_validation_batch``) it records per epoch ``plugins.free_bits.kl_per_dim`` (the plain KL
of each dimension, nats per loop) and ``plugins.free_bits.dims_below_floor``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from pydantic import BaseModel, ConfigDict, Field

from mvae_core import hookimpl
from mvae_core.losses import kl_per_dimension

if TYPE_CHECKING:  # for the type checker only: `mvae plugins` imports every plugin, so keep its import light
    from mvae_core.models.base import Forward
    from mvae_core.view import TrainerView


class FreeBits:
    """Free bits: the KL of each latent dimension counts only above a floor of `nats` per minibatch."""

    class Config(BaseModel):
        model_config = ConfigDict(extra="forbid")
        nats: float = Field(default=0.5, ge=0, description="KL floor per latent dimension (λ), in nats per loop.")

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or self.Config()
        self.kl_sum: torch.Tensor | None = None  # this epoch's validation KL per dimension, summed over loops
        self.loops = 0

    def floored_kl(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """sum_d max(λ, KL_d), KL_d the minibatch mean: no gradient reaches a dimension whose KL is below λ."""
        return kl_per_dimension(mu, logvar).mean(dim=0).clamp(min=self.config.nats).sum()

    @hookimpl
    def mvae_loss(self, output: Forward) -> dict[str, torch.Tensor]:
        return {"kl": self.floored_kl(output.mu, output.logvar)}

    @hookimpl
    def mvae_validation_batch(self, batch: torch.Tensor, output: Forward) -> None:
        kl = kl_per_dimension(output.mu, output.logvar).sum(dim=0)
        self.kl_sum = kl if self.kl_sum is None else self.kl_sum + kl
        self.loops += batch.shape[0]

    @hookimpl
    def mvae_epoch_end(self, trainer: TrainerView) -> None:
        if self.kl_sum is not None and self.loops:
            per_dim = (self.kl_sum / self.loops).tolist()
            trainer.record("kl_per_dim", per_dim)
            trainer.record("dims_below_floor", sum(kl < self.config.nats for kl in per_dim))
        self.kl_sum, self.loops = None, 0
