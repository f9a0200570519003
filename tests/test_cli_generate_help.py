"""``mvae generate --help`` (and every command's whose section of docs/cli.md has a table of options) names each
option's value as that table does (``--z X,Y``, ``--tempo BPM``, map's ``--out FILE.png``), not by Python type
(``<float>``, ``<str>``, ``<path>``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def _documented(section: str) -> dict[str, str]:
    """``--option`` → its metavar in the options table of docs/cli.md's ``## <section>``."""
    text = DOCS.read_text(encoding="utf-8").split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(--[a-z-]+) ([^`]+)` \|", text, re.MULTILINE))


@pytest.mark.parametrize(
    "command",
    ["train", "generate", "serve", "evaluate", "data inspect", "schedules preview", "encode", "interpolate", "bend",
     "map", "plot", "export"],
)  # fmt: skip
def test_help_shows_the_docs_metavars(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    shown = dict(re.findall(r"^│ [* ]*(--[a-z-]+) +(\S+)", result.stdout, re.MULTILINE))
    documented = _documented("mvae " + command.removesuffix(" preview"))
    assert {option: shown.get(option) for option in documented} == documented


def test_the_tables_are_read() -> None:
    assert len(_documented("mvae generate")) > 10 and len(_documented("mvae map")) > 5


def _help_of(command: str, option: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    line = next(line for line in result.stdout.splitlines() if re.match(rf"^│ [* ]*{option} ", line))
    return " ".join(line.strip("│ ").split()[2:])


@pytest.mark.parametrize("option", ["--density", "--temperature", "--timing-temperature", "--grid-offset", "--tempo"])
def test_the_tools_explain_a_decoding_option_as_generate_does(option: str) -> None:
    """interpolate's --temperature read "0 most likely, 1 as learned", generate's "1 as learned, 0 most likely, >1
    wilder": one option, two texts to keep in step."""
    said = re.sub(r" \[default: [^]]*\]$", "", _help_of("generate", option))  # typer's, for generate's defaults
    assert _help_of("interpolate", option) == said + " (default: as mvae generate)"
