"""``mvae evaluate`` holds a model's ``decode_notes`` to the contract, as validation and ``generate`` do.

It decoded notes four times (reconstructions, the origin, the latent plane, the generated loops) without
:func:`~mvae_core.models.check_notes`: a model whose notes broke the contract either ended in a traceback or, for a
NaN offset or a row beyond the run's pitch rows, gave numbers computed from them (``generated_std`` NaN).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import mvae_core
from mvae_core.generation import Note
from mvae_core.models import ModelContractError

GOOD = Note(3, 5, 0.5, 0.25, -0.1)


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        (GOOD._replace(timeshift=float("nan")), "its timeshift nan is not a number in -1..1"),
        (GOOD._replace(row=40), "its row 40 is beyond the run's 24 pitch rows (0..23)"),
        ((3, 5), "(a tuple)"),
    ],
)
def test_evaluating_a_model_whose_notes_break_the_contract_is_refused_naming_it(
    tiny_run: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch, broken: object, why: str
) -> None:
    run = mvae_core.load(tiny_run)
    decode = run.model.decode_notes

    def only_sampled_loops_break(z, options):  # every loop but those at temperature 1 (the generated ones) is fine
        loops = decode(z, options)
        return [[*loop, broken] for loop in loops] if options.temperature > 0 else loops

    monkeypatch.setattr(run.model, "decode_notes", only_sampled_loops_break)
    with warnings.catch_warnings(), pytest.raises(ModelContractError) as error:
        warnings.simplefilter("ignore")  # the run trained on these files: TrainedOnWarning
        mvae_core.evaluate(run, [synth_dir], samples=8)
    assert str(error.value).startswith("model 'melody_rnn' (built-in): decode_notes returned"), error.value
    assert why in str(error.value)


def test_a_model_that_keeps_the_contract_is_scored(tiny_run: Path, synth_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mvae_core.evaluate(mvae_core.load(tiny_run), [synth_dir], samples=8)
    assert np.isfinite(result["timing"]["generated_std"])
