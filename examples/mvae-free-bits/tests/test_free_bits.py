"""Tests of the free_bits plugin: the gradient it leaves (unit), then real trainings through mvae's Python API."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest
import torch
from mvae_free_bits import FreeBits
from pydantic import ValidationError

import mvae_core
from mvae_core.losses import kl_per_dimension
from mvae_core.models.base import Forward


def test_config_defaults_and_validation():
    assert FreeBits.Config().nats == 0.5
    assert FreeBits.Config(nats=2.0).nats == 2.0
    with pytest.raises(ValidationError):
        FreeBits.Config(nats=-1)
    with pytest.raises(ValidationError):
        FreeBits.Config(nat=1)  # a typo in [plugins.free_bits] is an error, not an ignored setting


def posterior(kl_small: float = 0.05, kl_large: float = 3.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of 8 loops whose dimension 0 has a small KL and dimension 1 a large one."""
    generator = torch.Generator().manual_seed(0)
    mu = torch.randn(8, 2, generator=generator) * torch.tensor([kl_small, kl_large])
    logvar = torch.zeros(8, 2)
    return mu.requires_grad_(), logvar.requires_grad_()


def test_no_gradient_pushes_a_dimension_below_the_floor():
    mu, logvar = posterior()
    per_dim = kl_per_dimension(mu, logvar).mean(dim=0)
    assert per_dim[0] < 0.5 < per_dim[1]
    term = FreeBits(FreeBits.Config(nats=0.5)).mvae_loss(output=Forward(None, mu, logvar))["kl"]
    assert term.item() == pytest.approx(0.5 + per_dim[1].item())  # the floor for dim 0, the KL of dim 1
    term.backward()
    assert torch.count_nonzero(mu.grad[:, 0]) == 0 and torch.count_nonzero(logvar.grad[:, 0]) == 0
    assert torch.count_nonzero(mu.grad[:, 1]) > 0

    plain_mu, plain_logvar = posterior()
    kl_per_dimension(plain_mu, plain_logvar).mean(dim=0).sum().backward()  # the core's KL term presses both
    assert torch.count_nonzero(plain_mu.grad[:, 0]) > 0


def test_a_zero_floor_is_the_plain_kl():
    mu, logvar = posterior()
    term = FreeBits(FreeBits.Config(nats=0.0)).mvae_loss(output=Forward(None, mu, logvar))["kl"]
    assert term.item() == pytest.approx(kl_per_dimension(mu, logvar).sum(dim=1).mean().item())


def write_melodies(folder: Path, n_files: int = 8, loops: int = 6) -> Path:
    """Monophonic 2-bar loops at 120 bpm (a 16th = 0.125 s), each one of four melodies, slightly off the grid."""
    folder.mkdir(parents=True)
    shapes = [[60, 62, 64, 65, 67, 65, 64, 62], [72, 71, 69, 67, 65, 64, 62, 60], [60, 67, 60, 67, 64, 64, 72, 72]]
    shapes.append([65, 65, 69, 69, 72, 72, 69, 65])
    for f in range(n_files):
        midi = pretty_midi.PrettyMIDI(initial_tempo=120.0)
        piano = pretty_midi.Instrument(program=0)
        for loop in range(loops):
            melody = shapes[(f + loop) % len(shapes)]
            for i, pitch in enumerate(melody):
                start = (loop * 32 + i * 4) * 0.125 + 0.01 * ((i + f) % 3 - 1)
                piano.notes.append(pretty_midi.Note(90, pitch, max(0.0, start), start + 0.4))
        midi.instruments.append(piano)
        midi.write(str(folder / f"melody_{f}.mid"))
    return folder


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_melodies(tmp_path_factory.mktemp("free-bits") / "data")


def train(data: Path, out: Path, nats: float) -> list[dict]:
    """6 epochs of a small model whose KL term weighs 20 times the usual (a strong push towards posterior collapse),
    with free bits at ``nats`` (0 = the plain KL), the plugin passed to ``mvae_core.train`` as an object."""
    overrides = {"model.hidden": 32, "train.batch_size": 16, "train.lr": 3e-3, "loss.coefficients.kl": 20.0}
    result = mvae_core.train(
        data=[data], out=out, overrides=overrides | {"data.cache_dir": "none"},
        plugins=[FreeBits(FreeBits.Config(nats=nats))], epochs=6, progress=False,
    )  # fmt: skip
    return result.metrics()


def test_training_under_the_floor_uses_the_latent_space_where_plain_kl_collapses_it(data, tmp_path):
    plain = train(data, tmp_path / "plain", nats=0.0)
    floored = train(data, tmp_path / "floored", nats=2.0)
    assert all(r["replaced"] == {"kl": "free_bits"} for r in floored)
    plain_kl = [r["plugins"]["free_bits"]["kl_per_dim"] for r in plain]
    floored_kl = [r["plugins"]["free_bits"]["kl_per_dim"] for r in floored]
    assert len(plain_kl[-1]) == len(floored_kl[-1]) == 2  # model.latent_dim
    # the plain KL presses every dimension to ~0 nats (collapse) ...
    assert max(max(epoch) for epoch in plain_kl) < 0.05, plain_kl
    # ... while below the floor nothing presses: every dimension's KL grows over training, to several times more
    assert all(last > first for first, last in zip(floored_kl[0], floored_kl[-1], strict=True)), floored_kl
    assert min(floored_kl[-1]) > 3 * max(plain_kl[-1]) and sum(floored_kl[-1]) > 0.5, (plain_kl, floored_kl)
    assert floored[-1]["plugins"]["free_bits"]["dims_below_floor"] == 2  # still under λ = 2: all free
    # the objective's KL term is the floored one (2 dimensions × 2 nats); val_elbo keeps the plain KL
    assert floored[-1]["val"]["kl"] == pytest.approx(4.0)
    assert floored[-1]["val_elbo"] < floored[-1]["val"]["total"]
