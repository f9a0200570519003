"""The listings (`mvae plugins --json`, `models --json`, `schedules --json`) import packages; what a package prints
while it is imported must not end up in the JSON on stdout."""

from __future__ import annotations

import importlib.metadata
import json

import pytest
from typer.testing import CliRunner

from mvae_core import hookimpl
from mvae_core.cli import app
from mvae_core.models.seed import SeedModel
from schedules.builtin import Linear

runner = CliRunner()


class Chatty:
    """A plugin."""

    @hookimpl
    def mvae_epoch_end(self):
        return None


class ChattyModel(SeedModel):
    description = "A model."


class ChattySchedule(Linear):
    """A schedule."""


class _Dist:
    name, version = "mvae-chatty", "1.0"


class _EntryPoint:
    def __init__(self, name: str, target: object) -> None:
        self.name, self.target, self.dist = name, target, _Dist()

    def load(self) -> object:
        print(f"importing {self.name}: hello from the package")  # e.g. a debug print at the module's top
        return self.target


GROUPS = {"mvae.plugins": ("chatty", Chatty), "mvae.models": ("chatty", ChattyModel), "mvae.schedules": ("chatty", ChattySchedule)}  # fmt: skip


@pytest.mark.parametrize("command", ["plugins", "models", "schedules"])
def test_what_a_package_prints_on_import_goes_to_stderr_not_into_the_json(monkeypatch, command):
    # before, the print landed on stdout ahead of the JSON, and `mvae plugins --json | jq` failed to parse it
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [_EntryPoint(*GROUPS[group])] if group in GROUPS else []
    )
    result = runner.invoke(app, [command, "--json"])
    assert result.exit_code == 0, result.output
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert listed["chatty"]["error"] is None and listed["chatty"]["origin"] == "package mvae-chatty"
    assert "hello from the package" in result.stderr


def test_a_setting_whose_default_is_none_is_listed_as_unset_not_null():
    """`mvae models` and `mvae plugins` printed a None default as JSON's `null`, which no TOML config can write."""
    import io

    from rich.console import Console

    from mvae_core.cli_output import settings_listing

    fields = [
        {"name": "limit", "type": "int | None", "constraints": [], "default": None, "required": False,
         "description": "a cap"},
        {"name": "width", "type": "int", "constraints": [">= 1"], "default": 2, "required": False,
         "description": "times hidden"},
        {"name": "name", "type": "str", "constraints": [], "default": None, "required": True, "description": "its name"},
    ]  # fmt: skip
    console = Console(file=io.StringIO(), width=100)
    console.print(settings_listing("model.wide", fields))
    limit, width, name = (line.split("  ") for line in console.file.getvalue().splitlines()[2:5])
    cells = [[cell.strip() for cell in row if cell.strip()] for row in (limit, width, name)]
    assert cells == [["limit", "int | None", "(unset)", "a cap"], ["width", "int >= 1", "2", "times hidden"],
                     ["name", "str", "(required)", "its name"]]  # fmt: skip


def test_model_and_plugin_settings_are_listed_with_their_bounds():
    """`mvae models` and `mvae plugins` left a setting's bounds out (`mvae schedules` gave them): a user learnt that
    token_dropout takes [0, 1) only from the error of a run that tried 1."""
    models = {entry["name"]: entry for entry in json.loads(runner.invoke(app, ["models", "--json"]).stdout)}
    settings = {field["name"]: field for field in models["melody_rnn"]["settings"]}
    assert settings["token_dropout"]["constraints"] == [">= 0", "< 1"]
    assert settings["rnn_hidden"]["constraints"] == [">= 8", "<= 4096"]
    plugins = {entry["name"]: entry for entry in json.loads(runner.invoke(app, ["plugins", "--json"]).stdout)}
    patience = next(f for f in plugins["early_stopping"]["config"] if f["name"] == "patience")
    assert patience["constraints"] == [">= 1"]
    printed = runner.invoke(app, ["models"], env={"COLUMNS": "200"}).stdout
    assert any(line.split()[:4] == ["token_dropout", "float", ">=", "0,"] for line in printed.splitlines())
