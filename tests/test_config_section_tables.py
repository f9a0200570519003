"""How a config's sections are written: a section given as a value, and ``model.sections``, are errors that say how
to write the table.

A section written as a value (``train = 3``, ``model = "seed"``, ``[[train]]``) is an error that names it and
says how to write the table, on its own and when a flag or ``--set`` then sets a key inside it. Before, the first
read "Input should be a valid dictionary or instance of TrainConfig" (a Python class name) and the second blamed a
``--set train.epochs`` the user never typed (``--epochs`` sets it).

``model.sections`` was an undocumented second spelling of the ``[model.<name>]`` tables (``[model] sections =
{seed = {...}}`` configured the seed model); it is now an error that says how to write a model's settings."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import build_config
from mvae_core.errors import ConfigError
from tests.training import TINY


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"train": 3}, "train = 3: must be a table of settings ([train] in a config file, --set train.KEY=VALUE)"),
        ({"model": "seed"}, "model = 'seed': must be a table of settings ([model] in a config file, --set "
                            "model.KEY=VALUE)"),
        ({"train": [{"epochs": 3}]}, "train = [{'epochs': 3}]: must be a table of settings ([train] in a config "
                                     "file, --set train.KEY=VALUE)"),
    ],
)  # fmt: skip
def test_a_section_given_as_a_value_says_how_to_write_the_table(tree, message):
    with pytest.raises(ConfigError) as error:
        build_config(tree)
    assert str(error.value) == message


def test_a_flag_that_sets_a_key_inside_a_section_given_as_a_value_names_the_section_not_a_set():
    with pytest.raises(ConfigError) as error:
        build_config({"train": 3}, flags={"train.epochs": 1})  # mvae train --config FILE --epochs 1
    assert str(error.value) == (
        "train = 3: must be a table to hold train.epochs ([train] in a config file, --set train.KEY=VALUE)"
    )
    with pytest.raises(ConfigError) as error:
        build_config(None, ["train.epochs=3", "train.epochs.x=1"])
    assert str(error.value) == "train.epochs = 3: is a value, so train.epochs.x cannot be set inside it"


def test_the_command_line_exits_2_with_the_line_on_stderr(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("train = 3\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["train", str(tmp_path), "--config", str(config), "--epochs", "1", "--out", str(tmp_path / "run")]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: train = 3: must be a table to hold train.epochs ([train] in a config file, --set train.KEY=VALUE)\n"
    )


@pytest.mark.parametrize(
    "overrides",
    [["model.sections={seed = {}}"], ["model.sections.melody_rnn.token_dropout=0.1"], ["model.sections=3"]],
)
def test_model_sections_is_refused_saying_how_to_give_a_models_settings(overrides):
    with pytest.raises(ConfigError) as error:
        build_config(None, overrides)
    assert str(error.value) == (
        "model: [model] has no setting 'sections'; each model's own settings are its table [model.<name>] (e.g. "
        "[model.melody_rnn] in a config file, --set model.melody_rnn.KEY=VALUE)"
    )


def test_the_model_tables_still_round_trip():
    cfg = build_config(None, [*TINY, "model.melody_rnn.token_dropout=0.25", "model.seed={}"])
    assert cfg.model.sections["melody_rnn"]["token_dropout"] == 0.25 and cfg.model.sections["seed"] == {}
    again = build_config(cfg)  # as a run's config.toml is read back
    assert again.model.sections == cfg.model.sections
