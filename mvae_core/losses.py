"""Per-term VAE losses, returned separately so that plugins can weight each one.

Every term is summed over cells (or latent dimensions) and averaged over the batch:

* ``onset``: binary cross-entropy of the onset logits against the onset channel;
* ``velocity``, ``duration``, ``timeshift``: squared error, over true note cells only (``mask = "notes"``, the
  default) or over every cell (``mask = "all"``, the seed behaviour, which shrinks predictions towards 0 by the
  onset probability, bug D7); with the categorical timing head, ``timeshift`` is instead the negative
  log-likelihood (nats) of each cell's offset class under its step's distribution, over the same cells;
* ``kl``: KL(q(z|x) ‖ N(0, I)).

The weighted total is ``Σ coefficient[t] · multiplier[t] · term[t]`` (:func:`weighted_total`); terms that plugins add
(``mvae_loss``) have coefficient 1.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mvae_core.model import Decoded


def loss_terms(
    x: torch.Tensor, out: Decoded, mu: torch.Tensor, logvar: torch.Tensor, mask: str
) -> dict[str, torch.Tensor]:
    """``x [B, 4, P, 32]`` against the decoder output; each value is a scalar tensor."""
    batch = x.shape[0]
    onset = x[:, 0]
    weight = onset if mask == "notes" else torch.ones_like(onset)
    terms = {"onset": F.binary_cross_entropy_with_logits(out.onset_logits, onset, reduction="sum") / batch}
    for channel, name in ((1, "velocity"), (2, "duration"), (3, "timeshift")):
        if name == "timeshift" and out.timing is not None:
            terms[name] = out.timing.nll(out.timing_logits.unsqueeze(1), x[:, 3], weight) / batch
        else:
            terms[name] = (weight * (getattr(out, name) - x[:, channel]) ** 2).sum() / batch
    terms["kl"] = kl_per_dimension(mu, logvar).sum() / batch
    return terms


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``KL(N(mu, exp(logvar)) ‖ N(0, 1))`` of every loop and latent dimension, ``[batch, latent_dim]`` (nats)."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())


def weighted_total(
    terms: dict[str, torch.Tensor], coefficients: dict[str, float], multipliers: dict[str, float]
) -> torch.Tensor:
    """``Σ coefficients.get(t, 1) · multipliers.get(t, 1) · terms[t]``."""
    return sum(coefficients.get(t, 1.0) * multipliers.get(t, 1.0) * value for t, value in terms.items())
