"""``bench/evaluation.py --train-seeds 0,1,2`` printed one row per run and no statistics over the seeds, though
docs/evaluation.md tells to compare models over several seeds: a reader averaged them by hand. It now ends with each
configuration's key numbers as mean ± sample std [95 % t-interval] over its train seeds, as ``mvae ablate`` computes
them."""

from __future__ import annotations

from tests.bench import load_bench


def _result(run: str, spread: float | None, gap: float | None) -> dict:
    return {
        "run": run,
        "timing": {"spread_ratio": spread, "wasserstein1": 0.01},
        "generated": {"density_ratio": 1.0},
        "reconstruction": {"onset_f1_vs_origin": 1.5},
        "pitch": {"in_key": {"gap_closed": gap}, "mean_interval": {"gap_closed": None}, "stepwise": {}},
    }


def test_each_configuration_of_several_train_seeds_is_summarised_over_them():
    results = [
        _result("categorical-z2-e8", 1.0, 0.5),
        _result("categorical-z2-e8-s1", 1.02, 0.7),
        _result("categorical-z2-e8-s2", None, 0.6),
        _result("mse-z2-e8", 0.3, 0.1),  # one seed: nothing to summarise
    ]
    (line,) = load_bench("evaluation.py").across_seeds(results)
    assert line.startswith("categorical-z2-e8 over 3 train seeds: spread ratio 1.01 ± 0.014 [0.883, 1.14] (2 of 3); ")
    assert "in-key gap 0.6 ± 0.1 [0.352, 0.848]; interval gap n/a; stepwise gap n/a" in line
    assert "density 1 ± 0 [1, 1]" in line


def test_a_spread_ratio_no_seed_has_is_quantized_as_the_rows_say():
    results = [_result("categorical-z2-e8", None, 0.5), _result("categorical-z2-e8-s1", None, 0.7)]
    (line,) = load_bench("evaluation.py").across_seeds(results)
    assert line.startswith("categorical-z2-e8 over 2 train seeds: spread ratio quantized; W1 0.01 ± 0 [0.01, 0.01]")
