"""The shared encoder (mvae_core/models/encoder.py): its gathered input layer is the dense product of the four
branches, and a state saved with one layer per branch (before the gather) loads into it and encodes the same."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mvae_core.config import ModelConfig
from mvae_core.data.batches import CHANNELS
from mvae_core.models.encoder import Encoder
from tests.legacy import BRANCH_NORM, per_branch_encoder

PITCH_CLASSES = 6
CELLS = PITCH_CLASSES * 32


def melodies(loops: int, seed: int = 0) -> torch.Tensor:
    """``[loops, 4, PITCH_CLASSES, 32]`` with a few notes per loop (every channel non-zero at a note, as in data)
    and one empty loop."""
    generator = torch.Generator().manual_seed(seed)
    notes = torch.rand(loops, 1, PITCH_CLASSES, 32, generator=generator) < 0.05
    values = torch.rand(loops, 4, PITCH_CLASSES, 32, generator=generator) * 2 - 1
    x = torch.where(notes, values, torch.zeros(()))
    x[:, 0] = notes[:, 0].float()
    x[-1] = 0.0
    return x


def dense_branches(x: torch.Tensor, state: dict[str, torch.Tensor]) -> torch.Tensor:
    """The four branches' linear layers as the encoder computed them before the gather: one ``F.linear`` over
    every cell of each channel, from a per-branch state."""
    flat = x.flatten(2)
    return torch.cat(
        [
            F.linear(flat[:, c], state[f"branches.{c}.0.weight"], state[f"branches.{c}.0.bias"])
            for c in range(len(CHANNELS))
        ],
        1,
    )


def test_the_gathered_input_layer_is_the_dense_product_forward_and_backward():
    torch.manual_seed(0)
    encoder = Encoder(ModelConfig(hidden=16), PITCH_CLASSES)
    x = melodies(12)
    gathered = encoder.branches(x)
    legacy = per_branch_encoder(encoder.state_dict(), prefix="")
    weights = {k: v.clone().requires_grad_() for k, v in legacy.items() if k.endswith(("0.weight", "0.bias"))}
    dense = dense_branches(x, weights)
    torch.testing.assert_close(gathered, dense, rtol=1e-5, atol=1e-6)
    assert torch.equal(gathered[-1], encoder.branch_bias)  # an empty loop: the biases alone

    upstream = torch.randn_like(dense)
    (gathered * upstream).sum().backward()
    (dense * upstream).sum().backward()
    as_rows = torch.cat([weights[f"branches.{c}.0.weight"].grad.t() for c in range(len(CHANNELS))])
    torch.testing.assert_close(encoder.branch_weight.grad, as_rows, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(
        encoder.branch_bias.grad, torch.cat([weights[f"branches.{c}.0.bias"].grad for c in range(len(CHANNELS))])
    )


def test_the_gathered_input_layer_repeats_bit_for_bit():
    x = melodies(32, seed=1)
    results = []
    for _ in range(2):
        torch.manual_seed(3)
        encoder = Encoder(ModelConfig(hidden=16, dropout=0.0), PITCH_CLASSES)
        encoder(x)[0].sum().backward()
        results.append((encoder.branch_weight.grad, encoder(x)[1]))
    assert torch.equal(results[0][0], results[1][0]) and torch.equal(results[0][1], results[1][1])


def test_a_state_saved_with_one_layer_per_branch_loads_and_encodes_the_same():
    """Random per-branch tensors (the layout of runs saved before the gather), against the encoder they describe
    computed densely: Linear, then BatchNorm with its running statistics (eval mode), LeakyReLU, per branch."""
    cfg = ModelConfig(hidden=16)
    generator = torch.Generator().manual_seed(5)
    state = per_branch_encoder(Encoder(cfg, PITCH_CLASSES).state_dict(), prefix="")
    legacy = {k: torch.randn(v.shape, generator=generator) if v.is_floating_point() else v for k, v in state.items()}
    for key in [k for k in legacy if k.endswith("running_var")]:
        legacy[key] = legacy[key].abs() + 0.5
    loaded = Encoder(cfg, PITCH_CLASSES)
    loaded.load_state_dict(legacy)
    loaded.eval()

    x = melodies(8, seed=2)
    linear = dense_branches(x, legacy)
    per_branch = []
    for c, h in enumerate(linear.chunk(len(CHANNELS), dim=1)):
        norm = [legacy[f"branches.{c}.1.{name}"] for name in BRANCH_NORM]
        h = F.batch_norm(h, norm[2], norm[3], norm[0], norm[1], training=False)
        per_branch.append(F.leaky_relu(h, cfg.leaky_slope))
    h = loaded.trunk(torch.cat(per_branch, 1))
    mu, logvar = loaded(x)
    torch.testing.assert_close(mu, loaded.to_mu(h), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(logvar, loaded.to_logvar(h), rtol=1e-5, atol=1e-5)
    assert loaded.branch_rest[0].num_batches_tracked == legacy["branches.0.1.num_batches_tracked"]


def test_the_gathered_input_layer_runs_under_bf16_autocast():
    encoder = Encoder(ModelConfig(hidden=16), PITCH_CLASSES)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        mu, _ = encoder(melodies(4))
    mu.float().sum().backward()
    assert encoder.branch_weight.grad is not None and torch.isfinite(encoder.branch_weight.grad).all()


def test_an_empty_batch_encodes_to_no_points():
    mu, logvar = Encoder(ModelConfig(hidden=16), PITCH_CLASSES).eval()(torch.zeros(0, 4, PITCH_CLASSES, 32))
    assert mu.shape == logvar.shape == (0, 2)
