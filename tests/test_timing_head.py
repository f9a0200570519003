"""The timing heads: the categorical distribution's arithmetic, and what each head generates after training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mvae_core.evaluation import wasserstein1
from mvae_core.generation import DecodeOptions, latent_points
from mvae_core.loop_file import notes_to_midi
from mvae_core.timing import TimingBins
from tests.synth import melody_folder
from tests.training import SEED, make_trainer, tiny_config


def test_classes_put_exact_zero_on_the_atom_and_everything_else_in_uniform_bins():
    bins = TimingBins(4)  # bins [-1,-.5) [-.5,0) [0,.5) [.5,1)
    offsets = torch.tensor([0.0, -1.0, -0.75, -0.5, -1e-3, 1e-3, 0.49, 0.5, 0.999, 1.0])
    assert bins.classes(offsets).tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    assert bins.centers.tolist() == [0.0, -0.75, -0.25, 0.25, 0.75]


def test_nll_is_the_weighted_negative_log_probability_of_each_class():
    bins = TimingBins(4)
    logits = torch.log(torch.tensor([0.5, 0.1, 0.1, 0.2, 0.1]))
    offsets = torch.tensor([0.0, 0.3, 0.9])
    weight = torch.tensor([1.0, 2.0, 0.0])
    expected = -(np.log(0.5) + 2 * np.log(0.2))
    assert bins.nll(logits, offsets, weight).item() == pytest.approx(expected, rel=1e-6)


def test_nll_scores_each_offset_of_the_last_dimension_under_its_positions_distribution():
    bins = TimingBins(4)
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 2, 5, generator=generator, requires_grad=True)  # one distribution per (loop, step)
    offsets = torch.rand(3, 2, 4, generator=generator) * 2 - 1  # 4 pitch rows share each step's distribution
    weight = torch.rand(3, 2, 4, generator=generator)
    log_p = torch.log_softmax(logits, dim=-1)
    classes = bins.classes(offsets)
    expected = -sum(
        weight[b, s, k] * log_p[b, s, classes[b, s, k]] for b in range(3) for s in range(2) for k in range(4)
    )
    assert bins.nll(logits, offsets, weight).item() == pytest.approx(expected.item(), rel=1e-5)


def test_mean_and_temperature_zero_are_the_expected_offset():
    bins = TimingBins(4)
    logits = torch.log(torch.tensor([[0.5, 0.0, 0.0, 0.25, 0.25]]) + 1e-12)
    assert bins.mean(logits).item() == pytest.approx(0.25 * 0.25 + 0.25 * 0.75, abs=1e-6)
    mean = bins.sample(logits.numpy(), 0.0, np.random.default_rng(0))
    assert mean.item() == pytest.approx(bins.mean(logits).item(), abs=1e-6)


def test_samples_follow_the_class_probabilities_and_stay_inside_their_bins():
    bins = TimingBins(4)
    probs = np.array([0.4, 0.0, 0.1, 0.0, 0.5])
    logits = np.broadcast_to(np.log(probs + 1e-12), (20000, 5))
    drawn = bins.sample(logits, 1.0, np.random.default_rng(0))
    assert drawn.shape == (20000,)
    assert np.mean(drawn == 0) == pytest.approx(0.4, abs=0.02)  # the atom is exactly 0
    in_second = (drawn >= -0.5) & (drawn < 0) & (drawn != 0)
    in_last = (drawn >= 0.5) & (drawn < 1)
    assert np.mean(in_second) == pytest.approx(0.1, abs=0.01)
    assert np.mean(in_last) == pytest.approx(0.5, abs=0.02)
    assert (in_second | in_last | (drawn == 0)).all()
    assert drawn[in_last].std() == pytest.approx(0.5 / 12**0.5, rel=0.05)  # uniform within the bin


def test_low_temperature_sharpens_and_high_temperature_flattens():
    bins = TimingBins(8)
    logits = np.broadcast_to(np.log(np.array([0.05, 0.0, 0.0, 0.0, 0.1, 0.7, 0.1, 0.0, 0.05]) + 1e-6), (5000, 9))
    spread = {t: bins.sample(logits, t, np.random.default_rng(1)).std() for t in (0.3, 1.0, 3.0)}
    assert spread[0.3] < spread[1.0] < spread[3.0]


def _swing(rng: np.random.Generator) -> float:
    """Two clusters (early and late), the kind of offsets a conditional mean flattens to ~0."""
    return float(rng.choice([-0.5, 0.5]) + rng.normal(0, 0.05))


@pytest.fixture(scope="module")
def swing_dir(tmp_path_factory):
    return melody_folder(tmp_path_factory.mktemp("swing"), n_files=12, n_loops=8, seed=3, offset_sampler=_swing)


def _generated_offsets(trainer, samples=256):
    cfg = trainer.cfg
    points = latent_points(samples, None, 0.0, cfg.model.latent_dim, 0)
    loops = trainer.model.eval().decode_notes(points, DecodeOptions(seed=0))
    return np.array([n.timeshift for loop in loops for n in loop])


@pytest.mark.slow
def test_sampled_offsets_match_a_known_bimodal_distribution_where_the_mse_head_collapses(swing_dir):
    """Offsets are ±0.5 (σ 0.05) at random: the categorical head of either model, sampled, reproduces that
    distribution (Wasserstein-1 < 0.1 half-steps); the seed's mse head learns conditional means, pulled between the
    modes (> 0.2)."""
    reference = np.clip([_swing(r) for r in [np.random.default_rng(99)] * 20000], -0.9, 0.9)
    distances = {}
    for name, head in (("seed", "categorical"), ("seed", "mse"), ("melody_rnn", "categorical")):
        cfg = tiny_config(f'model.name="{name}"', f"model.timing_head={head}", "model.hidden=64", epochs=15)
        trainer = make_trainer(swing_dir, cfg)
        trainer.fit()
        distances[f"{name} {head}"] = wasserstein1(_generated_offsets(trainer), reference)
    assert distances["seed categorical"] < 0.1, distances
    assert distances["melody_rnn categorical"] < 0.1, distances
    assert distances["seed mse"] > 0.2, distances


@pytest.mark.parametrize("model", [SEED, 'model.name="melody_rnn"'])
def test_quantized_data_generates_exactly_quantized_offsets(tmp_path, model):
    """All training offsets are 0: the atom takes the mass, and sampled offsets are exactly 0, not merely small."""
    folder = melody_folder(tmp_path / "q", n_files=6, n_loops=4, seed=0, offset_std=0)
    trainer = make_trainer(folder, tiny_config(model, epochs=6))
    trainer.fit()
    offsets = _generated_offsets(trainer, samples=64)
    assert len(offsets) > 0 and np.mean(offsets == 0.0) >= 0.98


def test_grid_offset_zero_writes_exactly_quantized_midi_from_sampled_timing(synth_dir):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1))
    options = DecodeOptions(grid_offset=0.0, seed=0)
    loops = trainer.model.eval().decode_notes(latent_points(4, None, 0.0, 2, 0), options)
    assert any(n.timeshift != 0 for loop in loops for n in loop)  # the untrained head does sample offsets
    midi = notes_to_midi(loops, trainer.cfg, options)
    ticks = [midi.time_to_tick(n.start) for n in midi.instruments[0].notes]
    assert ticks and all(t % 240 == 0 for t in ticks)


def test_wasserstein1_matches_known_distances():
    assert wasserstein1(np.array([0.0, 1.0]), np.array([0.0, 1.0])) == 0.0
    assert wasserstein1(np.array([0.0]), np.array([0.5])) == pytest.approx(0.5)
    assert wasserstein1(np.array([0.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(0.5)
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, 50000)
    assert wasserstein1(a, a + 0.2) == pytest.approx(0.2, abs=1e-9)
