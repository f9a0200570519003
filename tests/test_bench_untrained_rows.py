"""The untrained model of bench/onnx_host_check.py and bench/generate_latency.py reads its pitch rows from a number,
as a trained run's config does: the sidecar it exports says ``pitch = pitch_low + row``, which ``"auto"`` (the
default, chosen only from data) cannot answer."""

from __future__ import annotations

from tests.bench import load_bench


def test_the_untrained_bench_model_has_numbered_rows():
    _, cfg = load_bench("onnx_host_check.py").bench_model(None, "seed")
    assert cfg.data.chosen_pitch_low() == 48  # the rows docs/benchmarks.md measured at; "auto" raises here
