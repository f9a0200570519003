"""A model must decode at ``temperature = 0``: validation's ``f1`` and ``mvae evaluate``'s reconstructions decode with
it (``mvae_core.validation.RECONSTRUCTION``). A package model whose ``check_options`` refused it trained its first
epoch and then stopped at validation with its own refusal (``error: … give --temperature above 0``), naming an
option the user never gave. It is now refused as the model is built, before any data is read, saying why."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import mvae_core.session
from mvae_core.cli import app
from mvae_core.config import build_config
from mvae_core.models import ModelContractError, build_model
from mvae_core.models.base import UnsupportedOption
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _SamplesOnly(SeedModel):
    def check_options(self, options):
        if options.temperature == 0:
            raise UnsupportedOption("samples_only only samples: give --temperature above 0")


class _RefusesPoly(SeedModel):
    def check_options(self, options):
        if options.poly:
            raise UnsupportedOption("refuses_poly writes melodies: leave out --poly")


def test_a_model_that_refuses_temperature_0_is_refused_as_it_is_built_saying_why(monkeypatch):
    _installed(monkeypatch, "samples_only", _SamplesOnly)
    with pytest.raises(ModelContractError) as error:
        build_model(build_config(None, tiny("samples_only")))
    assert str(error.value) == (
        "model 'samples_only' (package mvae-x): check_options refuses temperature = 0 (samples_only only samples: give "
        "--temperature above 0); validation (its f1) and mvae evaluate decode every loop's latent point at "
        "temperature 0, the model's most likely notes, so decode_notes must take it (docs/models.md, Writing a model)"
    )


def test_mvae_train_says_so_before_reading_the_data(monkeypatch, tmp_path):
    _installed(monkeypatch, "samples_only", _SamplesOnly)

    def read(*args, **kwargs):
        raise AssertionError("the data was read before the model was checked")

    monkeypatch.setattr(mvae_core.session, "prepare_data", read)
    sets = [arg for setting in tiny("samples_only") for arg in ("--set", setting)]
    result = CliRunner().invoke(app, ["train", str(tmp_path), *sets, "--out", str(tmp_path / "run")])
    assert result.exit_code == 2, result.output
    assert "check_options refuses temperature = 0" in result.output and not (tmp_path / "run").exists()


def test_a_model_refusing_other_options_is_built(monkeypatch):
    _installed(monkeypatch, "refuses_poly", _RefusesPoly)
    assert isinstance(build_model(build_config(None, tiny("refuses_poly"))), _RefusesPoly)
