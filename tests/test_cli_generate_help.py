"""``mvae generate --help`` names each option's value as docs/cli.md's table of generate's options does (``--z X,Y``,
``--tempo BPM``), not by Python type (``<float>``, ``<str>``, ``<path>``)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def _documented(section: str) -> dict[str, str]:
    """``--option`` → its metavar in the options table of docs/cli.md's ``## <section>``."""
    text = DOCS.read_text(encoding="utf-8").split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(--[a-z-]+) ([^`]+)` \|", text, re.MULTILINE))


def test_generate_help_shows_the_docs_metavars() -> None:
    result = CliRunner().invoke(app, ["generate", "--help"], env={"NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    shown = dict(re.findall(r"^│ [* ]*(--[a-z-]+) +(\S+)", result.stdout, re.MULTILINE))
    documented = _documented("mvae generate")
    assert len(documented) > 10, documented
    assert {option: shown.get(option) for option in documented} == documented
