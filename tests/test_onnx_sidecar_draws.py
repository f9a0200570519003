"""The export's sidecar says which uniform numbers ``mvae generate`` draws, so that a host written from the sidecar
alone plays ``--seed``'s loop: a ``melody_rnn`` pattern draws its 32 pairs at temperature 0 too (the sidecar said "no
draws", and a host that drew none wrote other offsets than generate's); an offset takes two uniforms whatever its
class, its class is the count of running sums below the first, and nothing is drawn at timing temperature 0; the
numbers of ``--seed S`` come from numpy's ``default_rng([S, i])``. The drawing itself is checked against generate
by tests/test_js_host.py and tests/test_coder_js_seed.py; here, that the sidecar says it, and that generate does
draw the 32 pairs at temperature 0."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mvae_core.config import build_config
from mvae_core.generation import DecodeOptions, pattern_rng
from mvae_core.models import build_model, melody_rnn
from mvae_core.tools.export import describe
from tests.training import TINY


def sidecar(name: str) -> dict:
    cfg = build_config(None, [*TINY, f'model.name="{name}"'], {})
    return describe(cfg, build_model(cfg).onnx_graph(cfg), "decoder.onnx", {"run": "RUN"})


def test_a_melody_rnn_sidecar_says_the_pairs_are_drawn_at_temperature_0_too():
    decode = sidecar("melody_rnn")["decode"]
    (zero,) = [line for line in decode if line.startswith("T = 0")]
    assert "no draws" not in zero
    assert "the 32 pairs are still drawn, as generate draws them, and not used" in zero
    assert any("all 32 pairs drawn before step 0 (step 0's u0, u1 first" in line for line in decode)


@pytest.mark.parametrize("name", ["melody_rnn", "seed"])
def test_the_sidecar_says_how_an_offset_is_drawn_and_where_seed_s_numbers_come_from(name):
    described = sidecar(name)
    sample = described["timing"]["sample"]
    assert "two uniforms (u_class, u) in [0, 1) per offset drawn, u_class first" in sample
    assert "whatever class comes out" in sample
    assert "the class c is the number of running sums w[0], w[0] + w[1], ... below u_class * sum(w)" in sample
    assert "At T = 0 nothing is drawn and the offset is the distribution's mean, timing_mean" in sample
    assert any("numpy.random.default_rng([S, i]).random()" in line for line in described["decode"])


class Counted:
    """A generator that counts the uniform numbers each call of ``random`` draws."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.drawn = rng, []

    def random(self, size=None):
        out = self.rng.random(size)
        self.drawn.append(int(np.size(out)))
        return out


@pytest.mark.parametrize(("timing_temperature", "per_step"), [(1.0, 2), (0.0, 0)])
def test_generate_draws_the_pairs_of_a_melody_rnn_pattern_at_temperature_0(monkeypatch, timing_temperature, per_step):
    """What the sidecar now says: at temperature 0 the 32 pairs are drawn first, then two uniforms per sounding
    step for the offsets (none at timing temperature 0)."""
    counted: list[Counted] = []

    def counting_rng(options: DecodeOptions, i: int) -> Counted:
        counted.append(Counted(pattern_rng(options, i)))
        return counted[-1]

    monkeypatch.setattr(melody_rnn, "pattern_rng", counting_rng)
    cfg = build_config(None, TINY, {})
    model = build_model(cfg).eval()
    z = torch.zeros(1, cfg.model.latent_dim)
    (notes,) = model.decode_notes(z, DecodeOptions(temperature=0.0, timing_temperature=timing_temperature, seed=5))
    steps = len({note.step for note in notes})
    assert steps > 0
    assert [n for n in counted[0].drawn if n] == [64] + ([per_step * steps] if per_step else [])
