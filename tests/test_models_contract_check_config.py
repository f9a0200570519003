"""A model's ``check_config`` is its own code run while the config is checked: an exception there that is not mvae's
(a bug of the package) is a ModelError naming the model, its package and the method, exit 2 before any data is
read, as an exception of its ``__init__`` is, with the line of the package's own code it passed through (the
command line shows no traceback). Before, it was a traceback (exit 1); ``__init__``'s error had no line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import ConfigError, build_config
from mvae_core.models import ModelError, build_model, resolve_model
from mvae_core.models.seed import SeedModel
from tests.test_models import _installed, tiny


class _Buggy(SeedModel):
    @classmethod
    def check_config(cls, cfg):
        return cfg.model.timinghead  # a typo of timing_head


class _Refusing(SeedModel):
    @classmethod
    def check_config(cls, cfg):
        raise ConfigError("model.hidden = 32: too narrow for this model")


def test_a_bug_in_check_config_is_named_with_the_model_its_package_and_the_method(monkeypatch, tmp_path):
    _installed(monkeypatch, "mine", _Buggy)
    with pytest.raises(ModelError) as error:
        resolve_model(build_config(None, tiny("mine")))
    line = _Buggy.check_config.__code__.co_firstlineno + 2  # the line with the typo, in this package's file
    assert str(error.value) == (
        "model 'mine' (package mvae-x): check_config raised AttributeError: 'ModelConfig' object has no attribute "
        f"'timinghead' (at {__file__}:{line})"
    )
    monkeypatch.setattr("mvae_core.run_data.load_dataset", lambda *a, **k: pytest.fail("data was read"))
    result = CliRunner().invoke(
        app, ["train", str(tmp_path), "--set", 'model.name="mine"', "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2 and "check_config raised AttributeError" in result.stderr, result.output


def test_a_refusal_of_check_config_is_passed_on_as_it_is(monkeypatch):
    _installed(monkeypatch, "mine", _Refusing)
    with pytest.raises(ConfigError, match=r"^model\.hidden = 32: too narrow for this model$"):
        resolve_model(build_config(None, tiny("mine")))


class _Crashing(SeedModel):
    def __init__(self, cfg, settings, pitch_classes):
        super().__init__(cfg, settings, pitch_classes)
        raise RuntimeError("needs a GPU")


def test_an_exception_of_init_names_the_line_of_the_package_it_came_from(monkeypatch):
    _installed(monkeypatch, "crashing", _Crashing)
    with pytest.raises(ModelError) as error:
        build_model(build_config(None, tiny("crashing")))
    line = _Crashing.__init__.__code__.co_firstlineno + 2
    assert str(error.value) == (
        f"model 'crashing' (package mvae-x) failed to start: RuntimeError: needs a GPU (at {__file__}:{line})"
    )
