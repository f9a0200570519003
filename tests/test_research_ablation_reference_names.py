"""``AblationResult.paired`` and ``paired_plugin_numbers`` of a name that is no configuration raise an
``OptionError`` naming it, the closest name and the configurations: they returned ``[]``, so a typo (``"None"``,
``"no_kl_anneal"`` for ``no-kl_anneal``) read as an ablation whose configurations have no differences."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.session import AblationResult
from mvae_core.errors import OptionError

ARMS = [Configuration(n, (), ()) for n in ("all", "none", "no-kl_anneal")]
ROWS = [
    {"config": c.name, "seed": 0, "run": f"runs/{c.name}/seed-0", "model": "melody_rnn", "status": "ok"}
    | {"stopped_by": "max epochs"}
    | dict.fromkeys(METRICS)
    | {"best_val_elbo": 120.0 + i, "epochs_run": 2}
    for i, c in enumerate(ARMS)
]
RESULT = AblationResult(Path("abl"), ARMS, ROWS, [], [], None)


@pytest.mark.parametrize("pairing", [RESULT.paired, RESULT.paired_plugin_numbers])
def test_a_name_that_is_no_configuration_is_refused_naming_the_closest_and_all(pairing):
    with pytest.raises(OptionError) as refused:
        pairing("no_kl_anneal")
    assert refused.value.option == "reference"
    assert str(refused.value) == (
        "reference 'no_kl_anneal' is not a configuration of this ablation (did you mean 'no-kl_anneal'?); its "
        "configurations: all, none, no-kl_anneal"
    )


def test_every_configuration_is_a_reference_and_a_lone_one_pairs_with_nothing():
    assert [d["config"] for d in RESULT.paired("no-kl_anneal")] == ["all", "none"]
    alone = AblationResult(Path("abl"), ARMS[:1], ROWS[:1], [], [], None)
    assert alone.paired("all") == [] and alone.paired_plugin_numbers("all") == []
