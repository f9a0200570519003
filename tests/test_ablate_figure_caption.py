"""ablation.png read alone (pasted into a paper or a slide) did not say what its error bars are, over how many seeds,
or what the first panel subtracts: only docs/ablation.md did. A caption under the panels says it."""

from __future__ import annotations

from mvae_core.ablation.figure import caption


def test_the_caption_names_the_seeds_the_interval_and_the_pairing():
    rows = [{"config": c, "seed": s} for c in ("all", "none") for s in range(3)]
    said = caption(rows, paired_panel=True)
    assert said.startswith("3 seeds per configuration (failed runs left out).")
    assert "error bars its 95 % t-interval" in said
    assert said.endswith("the first panel pairs each run with none's run of the same seed.")


def test_without_a_none_configuration_no_pairing_is_claimed():
    said = caption([{"config": "all", "seed": 0}], paired_panel=False)
    assert said.startswith("1 seed per configuration") and "pairs" not in said
