"""``excludes_zero`` of a paired difference of one pair was ``False``: the same word as an interval that includes 0,
though one pair has no interval at all, so a script that counted the differences the seeds could not tell from noise
counted those of an ablation of one seed too. It is now ``None`` there (``null`` in summary.json), as for the
metrics that are never judged; ``False`` is kept for an interval that includes 0."""

from __future__ import annotations

from mvae_core.ablation.estimates import paired
from mvae_core.ablation.findings import NOT_JUDGED
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_json import statistics
from tests.ablation_rows import figure_row

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]


def rows(elbo: dict[tuple[str, int], float]) -> list[dict]:
    return [figure_row(config, seed, [value]) | {"best_val_elbo": value} for (config, seed), value in elbo.items()]


def test_one_pair_has_no_interval_to_judge():
    one_seed = rows({("all", 0): 130.0, ("none", 0): 131.0})
    (none,) = paired(one_seed, ARMS, "all")
    assert none["pairs"] == 1 and none["best_val_elbo"].low is None
    assert set(none["excludes_zero"].values()) == {None}
    (cell,) = [d["metrics"]["best_val_elbo"] for d in statistics(one_seed, ARMS, ("all",))["paired"]["all"]]
    assert cell["excludes_zero"] is None and cell["n"] == 1


def test_an_interval_that_includes_zero_is_false_and_one_that_excludes_it_true():
    two_seeds = rows({("all", 0): 130.0, ("all", 1): 131.0, ("none", 0): 131.0, ("none", 1): 130.5})
    (none,) = paired(two_seeds, ARMS, "all")  # differences +1 and -0.5: the interval includes 0
    assert none["excludes_zero"]["best_val_elbo"] is False
    assert {m for m, said in none["excludes_zero"].items() if said is None} == set(NOT_JUDGED)
    assert none["excludes_zero"]["epochs_run"] is False  # 1.0 in every run: +0 ± 0 [+0, +0] includes 0
    apart = rows({("all", 0): 130.0, ("all", 1): 131.0, ("none", 0): 132.0, ("none", 1): 133.1})
    assert paired(apart, ARMS, "all")[0]["excludes_zero"]["best_val_elbo"] is True
