"""``mvae evaluate --temperature`` (and ``--against``) asks the model's ``check_options`` for the options its
generated loops decode with, as ``mvae generate`` does, before any data is read. Before, a model refusing the
temperature (its ``decode_notes`` need not check itself) was scored at it: a full table of numbers for a decoding the
model says it cannot honour."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import mvae_core
import mvae_core.api
from mvae_core.cli import app
from mvae_core.evaluation import generate_loops
from mvae_core.models.base import UnsupportedOption
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed
from tests.training import TINY

REFUSAL = "hot: temperature above 1.5 is refused"


class Hot(SeedModel):
    description = "The seed decoder, refusing hot temperatures."

    def check_options(self, options):
        if options.temperature > 1.5:
            raise UnsupportedOption(REFUSAL)


@pytest.fixture
def hot_runs(monkeypatch, synth_dir, tmp_path):
    _installed(monkeypatch, "hot", Hot)
    out = tmp_path / "run"
    mvae_core.train([synth_dir], out, overrides=[*TINY, 'model.name="hot"'], plugins=[], epochs=1, progress=False)
    shutil.copytree(out, tmp_path / "other")
    return out, tmp_path / "other"


def test_evaluate_and_compare_refuse_a_temperature_the_model_refuses_before_any_data(hot_runs, synth_dir, monkeypatch):
    run, other = hot_runs
    result = CliRunner().invoke(app, ["evaluate", str(run), str(synth_dir), "--samples", "8", "--temperature", "2"])
    assert result.exit_code == 2, result.output
    assert REFUSAL in result.stderr and "onset_f1" not in result.stdout

    def read(*args, **kwargs):
        raise AssertionError("the data was read before the model was asked")

    monkeypatch.setattr(mvae_core.api, "_evaluation_data", read)
    with pytest.raises(UnsupportedOption, match=REFUSAL):
        mvae_core.evaluate(run, synth_dir, samples=8, temperature=2)
    with pytest.raises(UnsupportedOption, match=REFUSAL):
        mvae_core.compare(run, other, synth_dir, samples=8, temperature=2)


def test_a_library_caller_of_the_generated_loops_is_refused_too(hot_runs):
    trained = mvae_core.load(hot_runs[0])
    with pytest.raises(UnsupportedOption, match=REFUSAL):
        generate_loops(trained.model, trained.config, 4, temperature=2)
    assert len(generate_loops(trained.model, trained.config, 4, temperature=1)) == 4
