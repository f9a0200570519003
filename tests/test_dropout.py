"""mvae's Dropout (mvae_core/models/dropout.py): torch.nn.Dropout's contract with cheaper masks."""

from __future__ import annotations

import pytest
import torch

from mvae_core.models.dropout import LEVELS, Dropout


def test_training_mode_drops_elements_at_the_rounded_rate_and_keeps_the_expectation():
    torch.manual_seed(0)
    dropout = Dropout(0.2).train()
    y = dropout(torch.ones(1000, 1000))
    kept = round(0.8 * LEVELS) / LEVELS
    assert y.unique().tolist() == [0.0, pytest.approx(1 / kept)]
    assert (y != 0).float().mean().item() == pytest.approx(kept, abs=0.003)  # ±7 standard deviations
    assert y.mean().item() == pytest.approx(1.0, abs=0.004)


def test_masks_are_independent_across_elements_and_calls():
    torch.manual_seed(1)
    dropout = Dropout(0.5).train()
    a, b = (dropout(torch.ones(400, 500)) != 0 for _ in range(2))
    assert not torch.equal(a, b)
    both = (a & b).float().mean().item()
    assert both == pytest.approx(0.25, abs=0.01)  # two calls' masks agree only by chance
    neighbours = (a[:, :-1] & a[:, 1:]).float().mean().item()
    assert neighbours == pytest.approx(0.25, abs=0.01)  # adjacent elements (same 64-bit draw) are independent


def test_masks_follow_torchs_global_seed():
    dropout = Dropout(0.3).train()
    torch.manual_seed(7)
    first = dropout(torch.ones(64, 512))
    torch.manual_seed(7)
    assert torch.equal(dropout(torch.ones(64, 512)), first)


def test_gradient_flows_through_kept_elements_only_scaled_like_the_output():
    torch.manual_seed(2)
    x = torch.randn(32, 16, requires_grad=True)
    y = Dropout(0.25).train()(x)
    y.sum().backward()
    scale = LEVELS / round(0.75 * LEVELS)
    assert torch.allclose(y, x * (y != 0) * scale)
    assert torch.allclose(x.grad, (y != 0) * scale)


def test_eval_mode_and_zero_probability_are_the_identity():
    x = torch.randn(8, 8)
    assert Dropout(0.5).eval()(x) is x
    assert Dropout(0.0).train()(x) is x


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_a_probability_outside_0_to_1_is_refused(p: float):
    with pytest.raises(ValueError, match="dropout probability"):
        Dropout(p)
