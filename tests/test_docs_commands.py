"""Every `mvae ...`, `bench/*.py` and `examples/*.py` command line in README.md and docs/ names a command and options
that exist.

Running every documented command would take hours (many train for minutes on the dev data); what goes stale first is
a renamed or removed option, and that is what this checks, for every line of every shell block. The commands whose
output the docs show are run by other tests (test_docs.py, test_third_party.py, test_schedules.py).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from mvae_core.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OPTION = re.compile(r"^--[a-z][a-z0-9-]*")


def shell_blocks(text: str) -> list[str]:
    """The contents of the fenced blocks marked sh, bash or console, or not marked."""
    blocks, current, language = [], None, None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current, language = [], line[3:].strip()
            else:
                if language in ("", "sh", "bash", "console"):
                    blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def command_lines() -> list[tuple[str, str]]:
    """(where, line) for every `mvae`, `bench/` or `examples/` command in a shell block, continuation lines joined."""
    found = []
    for path in DOCS:
        for block in shell_blocks(path.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.strip().removeprefix("$ ")
                line = re.sub(r"^(\S+=\S+ )+", "", line)  # leading VAR=value assignments
                first = line.split(" ", 1)[0]
                if first in ("mvae", ".venv/bin/mvae") or re.match(r"(\.venv/bin/)?python3? (bench|examples)/", line):
                    found.append((f"{path.name}: {line[:60]}", line))
    return found


LINES = command_lines()


def words(line: str) -> list[str]:
    """The line's words up to a comment, a pipe or a redirection."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:  # an unbalanced quote in prose-like usage lines: fall back to whitespace
        tokens = line.split("#", 1)[0].split()
    cut = next((i for i, t in enumerate(tokens) if t in ("|", "&&", ";", ">", "2>", "&")), len(tokens))
    return tokens[:cut]


def options_of(tokens: list[str]) -> list[str]:
    return [m.group(0) for t in tokens if (m := OPTION.match(t.strip("[]")))]


def test_the_docs_have_command_lines():
    assert len(LINES) > 30


@pytest.mark.parametrize("where, line", LINES, ids=[w for w, _ in LINES])
def test_documented_command_uses_existing_options(where, line):
    tokens = words(line)
    if tokens[0].endswith("python") or tokens[0].endswith("python3"):
        script = ROOT / tokens[1]
        assert script.exists(), f"{where}: no {tokens[1]}"
        source = script.read_text(encoding="utf-8")
        for option in options_of(tokens[2:]):
            assert f'"{option}"' in source or option == "--help", f"{where}: {tokens[1]} has no {option}"
        return
    command = typer.main.get_command(app)
    rest = tokens[1:]
    while rest and hasattr(command, "commands") and rest[0].strip("[]") in command.commands:
        command, rest = command.commands[rest[0].strip("[]")], rest[1:]
    runnable = not hasattr(command, "commands") or command.invoke_without_command
    assert runnable, f"{where}: no such mvae command: {' '.join(tokens[:3])}"
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)} | {"--help"}
    for option in options_of(rest):
        assert option in known, f"{where}: `{' '.join(tokens[:2])}` has no {option} (it has {sorted(known)})"


def torchrun_lines() -> list[tuple[str, str]]:
    """(where, line) for every ``torchrun … -m mvae_core.cli …`` line in a shell block, continuation lines joined."""
    found = []
    for path in DOCS:
        for block in shell_blocks(path.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                if re.match(r"(\S*/)?torchrun ", line.strip()):
                    found.append((f"{path.name}: {line.strip()[:60]}", line.strip()))
    return found


TORCHRUN_LINES = torchrun_lines()


def test_the_scaling_docs_have_torchrun_lines():
    assert len(TORCHRUN_LINES) >= 3


@pytest.mark.parametrize("where, line", TORCHRUN_LINES, ids=[w for w, _ in TORCHRUN_LINES])
def test_documented_torchrun_command_parses_and_runs_mvae(where, line):
    """torchrun's own parser takes the line (NODE, the machine's index, as 0), and what it runs is an existing
    ``mvae`` command with existing options."""
    from torch.distributed.run import get_args_parser

    tokens = [token if token != "NODE" else "0" for token in words(line)[1:]]
    args = get_args_parser().parse_args(tokens)
    assert args.module and args.training_script == "mvae_core.cli", f"{where}: runs {args.training_script}"
    test_documented_command_uses_existing_options(where, shlex.join(["mvae", *args.training_script_args]))
