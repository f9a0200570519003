"""A plugin that raises: failure.json keeps its whole traceback (the message names one line of it)."""

from __future__ import annotations

import json

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunFailed

TINY = {"model.hidden": 32, "train.batch_size": 16, "data.transpositions": [-5, 5]}


class Typo:
    @hookimpl
    def mvae_epoch_end(self, trainer):
        return {"totl": 1}["total"]


def test_failure_json_keeps_the_traceback_of_a_plugin_that_raised(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed, match=r"plugin 'typo' failed in mvae_epoch_end: KeyError: 'total'"):
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[Typo()], epochs=1, progress=False)
    trace = json.loads((run / "failure.json").read_text())["traceback"]
    assert f'File "{__file__}", line ' in trace and "in mvae_epoch_end" in trace
    assert trace.rstrip().endswith("KeyError: 'total'")
