"""The option sets the tests of the ONNX hosts (examples/onnx_host.py, examples/onnx_host_js/) compare against
``mvae generate``, so both hosts are held to the same rules."""

from __future__ import annotations

from mvae_core.generation import DecodeOptions

OPTION_SETS = [
    DecodeOptions(),
    DecodeOptions(temperature=0, timing_temperature=0),
    DecodeOptions(density=0.6, seed=3),
    DecodeOptions(temperature=0.8, timing_temperature=0.5),
    DecodeOptions(temperature=0.003, timing_temperature=0.001),
]
"""Every model's note rule: density, temperature (1, 0, a tempered draw, and one so low that p^(1/T) underflows: a
host must sharpen relative to the likeliest choice, as the sidecar says) and timing temperature."""

SEED_OPTION_SETS = [
    DecodeOptions(poly=True),
    DecodeOptions(poly=True, temperature=0, timing_temperature=0, density=1.5),
    DecodeOptions(threshold_min=0.02),
    DecodeOptions(threshold_min=0.02, threshold_max=0.5, poly=True, timing_temperature=0.5),
    DecodeOptions(temperature=0, density=1e308),  # the expected note count overflows to inf: every step
    DecodeOptions(poly=True, temperature=0, density=1e308),
]
"""The seed model's other note rules: ``--poly`` and the ancestor's thresholds (a one-epoch model's onset
probabilities lie around the data's onset rate, a few per cent)."""
