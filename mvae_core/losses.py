"""Loss pieces every model shares; each model computes its own terms (:meth:`~mvae_core.models.base.MelodyModel.loss_terms`).

Every term is a scalar: summed over cells, steps or latent dimensions, averaged over the batch. The core terms are
``onset``, ``velocity``, ``duration``, ``timeshift`` and ``kl`` (KL(q(z|x) ‖ N(0, I)), :func:`kl_per_dimension`).
The weighted total is ``Σ coefficient[t] · multiplier[t] · term[t]`` (:func:`weighted_total`); terms that plugins add
(``mvae_loss``) have coefficient 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import torch

Term = TypeVar("Term", torch.Tensor, float)
"""A loss term: a scalar tensor (a training step's, with its gradient) or a float (validation's mean over the set)."""


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``KL(N(mu, exp(logvar)) ‖ N(0, 1))`` of every loop and latent dimension, ``[batch, latent_dim]`` (nats)."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())


def weighted_total(
    terms: Mapping[str, Term], coefficients: Mapping[str, float], multipliers: Mapping[str, float]
) -> Term:
    """``Σ coefficients.get(t, 1) · multipliers.get(t, 1) · terms[t]``, added in the order of ``terms``: a tensor of
    the terms' device and dtype (their gradient flows through it) for tensors, a float for floats. ``terms`` holds at
    least one term (a model's ``loss_terms`` gives the core terms, which plugins only replace or add to): no terms
    raise ValueError, since no total could say which device, dtype and gradient it belongs to."""
    if not terms:
        raise ValueError(
            "weighted_total needs at least one loss term; got none (a model's loss_terms gives the core terms)"
        )
    weighted = [coefficients.get(t, 1.0) * multipliers.get(t, 1.0) * value for t, value in terms.items()]
    return sum(weighted[1:], start=weighted[0])
