"""``losses.weighted_total``'s contract, from its callers: a training step's tensors (the total carries their
gradient, on their device and dtype), validation's floats (a float), and never no terms: a model's ``loss_terms``
gives the core terms, so none is a caller's bug, refused with a ValueError instead of the int 0 (typed a Tensor) that
failed later as ``'int' object has no attribute 'backward'``."""

from __future__ import annotations

import pytest
import torch

from mvae_core.losses import weighted_total


def test_no_terms_are_refused_not_totalled_as_the_int_zero() -> None:
    with pytest.raises(ValueError, match="at least one loss term"):
        weighted_total({}, {"onset": 2.0}, {"kl": 0.5})


def test_tensor_terms_give_a_tensor_of_their_dtype_that_carries_their_gradient() -> None:
    onset = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    kl = torch.tensor(4.0, dtype=torch.float64, requires_grad=True)
    total = weighted_total({"onset": onset, "kl": kl, "added": torch.tensor(0.25, dtype=torch.float64)},
                           {"onset": 2.0}, {"kl": 0.5})  # fmt: skip
    assert isinstance(total, torch.Tensor) and total.dtype == torch.float64 and total.dim() == 0
    assert total.item() == 2.0 * 1.5 + 0.5 * 4.0 + 0.25  # coefficient and multiplier 1 where none is given
    total.backward()
    assert (onset.grad, kl.grad) == (2.0, 0.5)


def test_float_terms_give_a_float() -> None:
    total = weighted_total({"onset": 1.5, "kl": 4.0}, {"onset": 2.0, "kl": 1.0}, {})
    assert type(total) is float and total == 2.0 * 1.5 + 4.0
