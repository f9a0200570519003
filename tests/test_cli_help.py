"""``mvae train --help`` explains each option as docs/cli.md does: what it sets in the config and that key's default
(read from the config, so the two cannot drift apart), with the metavars of the docs' synopsis."""

from __future__ import annotations

from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import TrainConfig

runner = CliRunner()


def help_text(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_train_help_shows_each_flag_s_config_key_and_default():
    text = help_text("train")
    epochs = TrainConfig.model_fields["epochs"].default
    for shown in (
        f"Maximum epochs (train.epochs; default {epochs}).",
        "(train.batch_size; default 64).",
        "(train.seed; default 0).",
        "auto, cpu or cuda (train.device; default auto).",
        "'all' or 'none' (plugins.enabled; default all).",
        "(data.melody; default auto).",
        "train [OPTIONS] [DATA]...",  # docs/cli.md's synopsis
        "--set               KEY=VALUE",
        "--epochs            N ",
    ):
        assert shown in text, shown


def test_help_texts_show_no_source_markup():
    """Docstrings' ``literal`` marks and [section] brackets (rich markup, which swallows them) stay out of help."""
    for command in (["train"], ["plugins"], ["data", "inspect"]):
        assert "``" not in help_text(*command), command
    assert "TOML config file, checked as mvae train checks it (its data section is used)." in " ".join(
        help_text("data", "inspect").split()
    )


def test_plugin_descriptions_show_literals_as_the_schedules_listing_does():
    """``mvae plugins`` printed early_stopping's "for ``patience`` epochs"; ``mvae schedules`` prints `value`."""
    from mvae_core.plugin_catalog import describe
    from mvae_core.plugins import PluginInfo

    class Stopper:
        """Stops after ``patience`` epochs."""

    entry = describe(PluginInfo("stopper", "built-in", "1.0", lambda: Stopper))
    assert entry["description"] == "Stops after `patience` epochs."


def test_mvae_version_prints_the_installed_version():
    from mvae_core.version import VERSION

    result = runner.invoke(app, ["--version"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0 and result.stdout == f"mvae {VERSION}\n"


def test_schedules_preview_help_uses_the_synopsis_of_docs_schedules_md():
    """docs/schedules.md: ``mvae schedules preview NAME [--set PARAM=VALUE]... [--epochs N] [--steps-per-epoch K]
    [--plot FILE.png] [--json]``."""
    text = help_text("schedules", "preview")
    options = {line.split()[1]: line.split()[2] for line in text.splitlines() if line.startswith("│ --")}
    assert options["--set"] == "PARAM=VALUE" and options["--epochs"] == "N" and options["--steps-per-epoch"] == "K"
    assert options["--plot"] == "FILE.png" and "preview [OPTIONS] {NAME}" in text


def test_mvae_help_lists_the_commands_in_the_order_of_docs_cli_md():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    synopsis = docs.split("```")[1].strip().splitlines()
    documented = [line.split()[1] for line in synopsis]
    listed = [line.split()[1] for line in help_text().splitlines() if line.startswith("│ ") and line[2].isalpha()]
    assert listed == documented


def _command_paths(command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group below ``command``, as the words that call it (``("data", "inspect")``)."""
    paths = [path]
    for name, child in getattr(command, "commands", {}).items():
        paths += _command_paths(child, (*path, name))
    return paths


def test_no_help_shows_a_value_type_after_a_flag():
    """Typer 0.29 wrote ``<bool>`` after every flag (``--poly``, ``--json``, ``--help``), as if it took a value."""
    import typer.main

    paths = _command_paths(typer.main.get_command(app))
    assert ("generate",) in paths and ("data", "inspect") in paths
    for path in paths:
        text = help_text(*path)
        assert "--help" in text and "<bool>" not in text, path
    assert "--no-poly" in help_text("generate") and "--json" in help_text("plugins")
