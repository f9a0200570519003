"""Under torchrun every process runs the same model code, so a model that breaks the contract (its class, what its
methods return) is said by rank 0 alone, as a config mistake is; the other ranks exit with the same code without a
word. Before, the job printed it twice ("rank 1: model …" and then rank 0's). An exception raised by the model's own
code may be one rank's (its device), so every rank still says that one, naming itself."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.models import ModelContractError, check_terms
from mvae_core.models.base import MelodyModel
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed


class _Abstract(MelodyModel):
    description = "implements nothing"
    decoder_modules = ()


class _Crashing(SeedModel):
    @classmethod
    def check_config(cls, cfg):
        raise RuntimeError("no GPU on this machine")


def said_by_each_rank(monkeypatch, tmp_path, model: str) -> dict[str, str]:
    said = {}
    for rank in ("0", "1"):
        monkeypatch.setenv("RANK", rank)
        monkeypatch.setenv("WORLD_SIZE", "2")
        result = CliRunner().invoke(
            app, ["train", str(tmp_path), "--set", f'model.name="{model}"', "--out", str(tmp_path / "r")]
        )
        assert result.exit_code == 2, result.output
        said[rank] = result.stdout + result.stderr
    return said


def test_a_model_class_that_breaks_the_contract_is_said_by_rank_0_alone(monkeypatch, tmp_path):
    _installed(monkeypatch, "broken", _Abstract)
    said = said_by_each_rank(monkeypatch, tmp_path, "broken")
    assert "model 'broken' (package mvae-x) does not implement" in said["0"] and said["1"] == "", said


def test_an_exception_of_the_models_code_is_said_by_every_rank(monkeypatch, tmp_path):
    _installed(monkeypatch, "crashing", _Crashing)
    said = said_by_each_rank(monkeypatch, tmp_path, "crashing")
    assert "rank 1: model 'crashing' (package mvae-x): check_config raised RuntimeError" in said["1"], said


def test_what_the_model_returns_breaks_the_contract_alike_on_every_rank():
    with pytest.raises(ModelContractError):
        check_terms("seed", {"onset": 0.0})
