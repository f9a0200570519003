"""``mvae models``: every architecture of the model registry with its origin, description and settings; it prints
:func:`mvae_core.models.catalog.catalog`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from mvae_core.cli_output import catalog_table, errors_to_exit, print_json, settings_listing
from mvae_core.cli_output import out as stdout

models_app: typer.Typer = typer.Typer()


@models_app.command("models")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list (one object per model).")] = False,
) -> None:
    r"""Every available model (\[model] name): built-in or from an installed package, with its own settings."""
    from mvae_core.models.catalog import catalog

    with errors_to_exit():
        entries = catalog()
    if as_json:
        print_json(entries)
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
