"""A plugin's loss term that is finite in training but not on the validation set: training goes on (it stops only at
a non-finite training loss) and the epoch line showed `val non-finite` without saying whose term it was."""

from __future__ import annotations

import json

import torch

import mvae_core
from mvae_core import hookimpl

TINY = {"model.hidden": 16, "train.batch_size": 16}


class NanOnValidation:
    """Adds a term that is 0 in training and NaN on the validation set."""

    @hookimpl
    def mvae_loss(self, split, terms):
        return {"penalty": torch.tensor(0.0 if split == "train" else float("nan"))}


def test_a_plugins_term_not_finite_on_validation_is_named_in_an_event(synth_dir, tmp_path):
    result = mvae_core.train(synth_dir, tmp_path / "run", overrides=TINY, plugins=[("penalty", NanOnValidation())],
                             epochs=2, progress=False)  # fmt: skip
    assert result.epochs_run == 2  # training went on
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    for record in records:
        assert record["val"]["penalty"] is None and record["val_elbo"] is not None
        warned = [e for e in record["events"] if e["level"] == "warning" and e["source"] == "penalty"]
        assert [e["message"] for e in warned] == [
            "its loss term 'penalty' is not finite on the validation set (val.penalty = null in metrics.jsonl; "
            "val_elbo, from the model's own terms, still chooses the best epoch)"
        ]
