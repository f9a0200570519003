"""Every ``mvae`` command the plugin author's pages show parses as shown (required options and arguments given,
option values of the right type): inline in backticks and in ``sh`` blocks of docs/plugins.md, hooks.md,
schedules.md, builtin_plugins.md and the example packages' READMEs. Words in capitals (RUN, DATA) stand for paths;
a command with ``…``, ``<…>`` or ``[…]`` is a synopsis, not a command, and is left out."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from mvae_core.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "docs/plugins.md",
    "docs/hooks.md",
    "docs/schedules.md",
    "docs/builtin_plugins.md",
    "examples/mvae-free-bits/README.md",
    "examples/mvae-tensorboard/README.md",
]


def commands(page: str) -> list[str]:
    """The ``mvae …`` commands of ``page``: inline ones, and the lines of its ``sh`` blocks (comments cut off)."""
    text = (ROOT / page).read_text(encoding="utf-8")
    found = re.findall(r"`((?:\.venv/bin/)?mvae [^`\n]+)`", text)
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines = block.replace("\\\n", " ").splitlines()  # a command continued with a backslash is one line
        found += [line.split(" #")[0].strip() for line in lines if re.match(r"(\.venv/bin/)?mvae ", line)]
    return [
        c
        for c in found
        if not any(mark in c for mark in ("…", "...", "<", "[", "|"))
        and not re.fullmatch(r"mvae [a-z]+ --[a-z-]+", c)  # an option named in prose: "as in `mvae train --set`"
    ]


CASES = [(page, command) for page in PAGES for command in commands(page)]


def test_the_pages_show_commands():
    assert len(CASES) > 30


@pytest.mark.parametrize(("page", "command"), CASES, ids=[f"{p}: {c}" for p, c in CASES])
def test_a_command_of_the_plugin_docs_parses_as_shown(page, command):
    root = typer.main.get_command(app)
    args = shlex.split(command)[1:]
    try:
        ctx = root.make_context("mvae", list(args))
        group, rest = root, [*getattr(ctx, "_protected_args", []), *ctx.args]
        while hasattr(group, "resolve_command") and rest:
            name, group, rest = group.resolve_command(ctx, rest)
            ctx = group.make_context(name, rest, parent=ctx)
            rest = [*getattr(ctx, "_protected_args", []), *ctx.args] if hasattr(group, "resolve_command") else []
    except Exception as error:  # typer's own click: a UsageError, or the Exit of --help/--version
        if type(error).__name__ != "Exit":
            pytest.fail(f"{page}: `{command}` does not parse: {error.format_message()}")
