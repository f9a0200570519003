"""``mvae models``: every architecture of the model registry with its origin, description and settings."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from mvae_core.cli_output import catalog_table, errors_to_exit, settings_listing
from mvae_core.cli_output import out as stdout

models_app: typer.Typer = typer.Typer()


def catalog() -> list[dict[str, Any]]:
    """One entry per registered model: ``name``, ``version``, ``origin``, ``default`` (whether ``[model] name``
    defaults to it), ``description``, ``settings`` (its ``[model.<name>]`` fields) and ``error`` (or None)."""
    from mvae_core.config import ModelConfig
    from mvae_core.models import ModelError, available_models
    from mvae_core.plugin_catalog import config_fields, printing_to_stderr

    default = ModelConfig().name
    entries = []
    for info in available_models().values():
        entry: dict[str, Any] = {"name": info.name, "version": info.version, "origin": info.origin,
                                 "default": info.name == default, "description": "", "settings": [], "error": None}  # fmt: skip
        try:
            with printing_to_stderr():
                cls = info.model_class()
            entry |= {"description": cls.description, "settings": config_fields(cls.Settings)}
        except ModelError as exc:
            entry["error"] = str(exc)
        entries.append(entry)
    return entries


@models_app.command("models")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list (one object per model).")] = False,
) -> None:
    r"""Every available model (\[model] name): built-in or from an installed package, with its own settings."""
    with errors_to_exit():
        entries = catalog()
    if as_json:
        sys.stdout.write(json.dumps(entries, indent=1) + "\n")
        return
    rows = [(e["name"] + (" (default)" if e["default"] else ""), e) for e in entries]
    stdout.print(catalog_table("models ([model] name)", "model", rows))
    for e in entries:
        if e["error"]:
            stdout.print(f"\n[bold]{escape(e['name'])}[/]\n  [red]error:[/] {escape(e['error'])}")
        elif e["settings"]:
            stdout.print(
                f"\n[bold]{escape(e['name'])}[/]", settings_listing(f"model.{e['name']}", e["settings"]), sep="\n"
            )
