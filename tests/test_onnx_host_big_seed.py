"""``examples/onnx_host.py --seed N`` plays ``mvae generate --seed N``'s first loop for every seed generate takes.
Before, the host seeded with ``default_rng(N)`` and generate with ``default_rng([N, 0])``: the two agree only while
N fits in three 32-bit words (numpy pads the entropy to four with zeros), so from 2**96 up the Python host played
other notes than generate and the JavaScript host."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import DecodeOptions
from tests.bench import load_bench

pytest.importorskip("onnxruntime", reason="examples/onnx_host.py needs onnxruntime")

BIG_SEEDS = (2**96, 2**128 + 5)
"""Seeds of four and five 32-bit words, where ``default_rng(seed)`` and ``default_rng([seed, 0])`` part."""


@pytest.mark.parametrize("seed", BIG_SEEDS)
def test_the_python_host_plays_generates_first_loop_for_a_big_seed(tiny_run, tiny_export, seed):
    module = load_bench("onnx_host_check.py").load_host()  # examples/onnx_host.py as a module
    options = DecodeOptions(seed=seed, temperature=1.5, density=2.0)
    run = mvae_core.load(tiny_run)
    expected = run.timed(run.player().notes([0.5, -1.0], options), options)
    played = module.play([str(tiny_export), "--z", "0.5,-1", "--temperature", "1.5", "--density", "2", "--seed",
                          str(seed)])  # fmt: skip
    assert len(expected) > 3, "the comparison sees notes"
    assert [(n["pitch"], n["velocity"], n["step"]) for n in played] == [
        (n["pitch"], n["velocity"], n["step"]) for n in expected
    ]
