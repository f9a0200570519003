"""Encode a melody, then generate at it or move from it (docs/python_api.md): a coder passes what ``encode`` returned,
a ``LoopCode``, where a latent point goes, and was told only ``z needs numbers, got LoopCode(...)``; the error now
names the point to give, the code's ``mu``."""

from __future__ import annotations

import pytest

import mvae_core


@pytest.fixture(scope="module")
def code(tiny_run, synth_dir):
    return mvae_core.encode(tiny_run, sorted(synth_dir.glob("*.mid"))[0])[0]


def test_generate_at_a_loop_code_names_its_mu(tiny_run, code):
    with pytest.raises(mvae_core.OptionError, match=r"^z needs numbers, got LoopCode\(.*: z=code\.mu$"):
        mvae_core.generate(tiny_run, code)
    assert mvae_core.generate(tiny_run, code.mu).paths[0, 0].tolist() == pytest.approx(code.mu)


@pytest.mark.parametrize("end", ["start", "end"])
def test_interpolate_from_a_loop_code_names_its_mu(tiny_run, code, end):
    ends = {"start": code, "end": [0.0, 0.0]} if end == "start" else {"start": [0.0, 0.0], "end": code}
    with pytest.raises(mvae_core.OptionError, match=rf"^{end} is a latent point .*: {end}=code\.mu$"):
        mvae_core.interpolate(tiny_run, **ends, steps=3)
