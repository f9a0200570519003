"""A configuration whose [data] settings read the files into other validation loops (data.min_onsets = 9 against the
default 6: fewer sparse loops) had its best val_elbo, onset_f1 and pitch gaps paired with the reference's runs as if
the fix changed them: onsets8 − all read +12.9 best val_elbo (+10.5 and +15.3 by seed) on 30 Essen tunes, a
difference of validation sets. Such pairs now read `other validation loops` for every number measured on the
validation loops; transpositions, which only augment the training side, stay paired."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS, OTHER_LOOPS, VALIDATED
from mvae_core.ablation.estimates import paired
from mvae_core.ablation.facts import generated_numbers
from mvae_core.ablation.figure import paired_curves
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_md import markdown
from mvae_core.evaluation import loops_digest
from mvae_core.run import RunDir
from mvae_core.run_data import validation_loops

ARMS = [Configuration("all", ("a",)), Configuration("onsets9", ("a",)), Configuration("noaug", ("a",))]


def _row(config: str, seed: int, loops: str | None, value: float) -> dict:
    values = dict.fromkeys(METRICS, value) | {"validation_loops": loops, "val_curve": [value + 1, value]}
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m"} | values  # fmt: skip


ROWS = [
    _row("all", 0, "a0", 10.0), _row("all", 1, "a1", 12.0),
    _row("onsets9", 0, "b0", 20.0), _row("onsets9", 1, "b1", 27.0),  # other loops in both seeds
    _row("noaug", 0, "a0", 11.0), _row("noaug", 1, None, 13.5),  # the same loops, and one unknown: paired
]  # fmt: skip


def test_runs_that_validated_on_other_loops_are_not_paired_on_validation_numbers():
    against_all = {d["config"]: d for d in paired(ROWS, ARMS, "all")}
    onsets = against_all["onsets9"]
    for metric in VALIDATED:
        assert onsets[metric].n == 0 and onsets["missing"][metric] == {OTHER_LOOPS: 2}, metric
    assert onsets["gen_timing_std"].n == 2 and onsets["gen_timing_std"].mean == 12.5  # from the prior: paired
    assert against_all["noaug"]["best_val_elbo"].n == 2 and against_all["noaug"]["best_val_elbo"].mean == 1.25
    text = markdown(ROWS, ARMS, ["about"], ("all",))
    assert "| onsets9 | 2 | +12.5 ± 3.5 [" in text and "| other validation loops | other validation loops |" in text
    assert "`other validation loops`: the two runs validated on other loops" in text
    assert list(paired_curves(ROWS, ARMS, "all")) == ["noaug"]  # the figure's panel of differences too


@pytest.mark.slow
def test_a_run_s_row_carries_a_digest_of_its_validation_loops(tiny_run):
    numbers = generated_numbers(tiny_run, 4)
    assert numbers["validation_loops"] == loops_digest(validation_loops(RunDir(tiny_run), jobs=1))


def test_the_figure_s_paired_bar_names_the_reason_it_has_no_value():
    from mvae_core.ablation.figure import _paired_word

    diffs = paired(ROWS, ARMS, "all")
    assert _paired_word(diffs, "best_val_elbo") == OTHER_LOOPS  # was '–': only other models had a word
