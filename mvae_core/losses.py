"""Loss pieces every model shares; each model computes its own terms (:meth:`~mvae_core.models.base.MelodyModel.loss_terms`).

Every term is a scalar: summed over cells, steps or latent dimensions, averaged over the batch. The core terms are
``onset``, ``velocity``, ``duration``, ``timeshift`` and ``kl`` (KL(q(z|x) ‖ N(0, I)), :func:`kl_per_dimension`).
The weighted total is ``Σ coefficient[t] · multiplier[t] · term[t]`` (:func:`weighted_total`); terms that plugins add
(``mvae_loss``) have coefficient 1.
"""

from __future__ import annotations

import torch


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``KL(N(mu, exp(logvar)) ‖ N(0, 1))`` of every loop and latent dimension, ``[batch, latent_dim]`` (nats)."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())


def weighted_total(
    terms: dict[str, torch.Tensor], coefficients: dict[str, float], multipliers: dict[str, float]
) -> torch.Tensor:
    """``Σ coefficients.get(t, 1) · multipliers.get(t, 1) · terms[t]``."""
    return sum(coefficients.get(t, 1.0) * multipliers.get(t, 1.0) * value for t, value in terms.items())
