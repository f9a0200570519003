"""Dropout whose masks cost a fraction of ``torch.nn.Dropout``'s on the CPU: every model's hidden blocks use it.

``torch.nn.Dropout`` draws one Bernoulli number per element, and on the CPU that draw was 4–7 % of a default
training step (docs/benchmarks.md, "Where a training step's time goes"). :class:`Dropout` gives each element 16
random bits instead, four per 64-bit draw of the same torch generator: an element is kept when its bits fall below
``round(keep · 2¹⁶)``. So the drop probability is ``p`` rounded to a multiple of 2⁻¹⁶ (0.2 becomes 0.199997), kept
elements are scaled by the inverse of the rounded keep probability (the expectation is unchanged, as with
``torch.nn.Dropout``), and seeding, resume and the per-rank random streams of torchrun work as before because the
bits come from torch's global generator.
"""

from __future__ import annotations

import torch
from torch import nn

LEVELS = 1 << 16
"""Resolution of the keep probability: each element's draw is one of this many equally likely values."""


class Dropout(nn.Module):
    """Inverted dropout of probability ``p`` (rounded to a multiple of ``1 / LEVELS``) in training mode; the
    identity in eval mode."""

    p: float
    kept_levels: int

    def __init__(self, p: float) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p
        self.kept_levels = max(1, round((1.0 - p) * LEVELS))

    def extra_repr(self) -> str:
        return f"p={self.p}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.kept_levels == LEVELS:
            return x
        scaled_mask = keep_mask(x.shape, self.kept_levels, x.device).to(x.dtype).mul_(LEVELS / self.kept_levels)
        return x * scaled_mask


def keep_mask(shape: torch.Size, kept_levels: int, device: torch.device) -> torch.Tensor:
    """A bool tensor of ``shape``, each element ``True`` with probability ``kept_levels / LEVELS``, independently."""
    n = shape.numel()
    bits = torch.randint(-(1 << 63), (1 << 63) - 1, ((n + 3) // 4,), dtype=torch.int64, device=device)
    draws = bits.view(torch.int16)[:n].view(shape)  # uniform over [-2¹⁵, 2¹⁵)
    return draws < kept_levels - (1 << 15)
