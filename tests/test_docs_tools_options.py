"""docs/tools.md's section on each file tool names every option of its command (``mvae plot --metric`` was missing
from it, though hooks.md and plugins.md send plugin authors there to draw what their plugin records)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from mvae_core.cli import app

TOOLS_MD = Path(__file__).resolve().parents[1] / "docs" / "tools.md"


def section(command: str) -> str:
    text = TOOLS_MD.read_text(encoding="utf-8")
    (found,) = [part for part in re.split(r"^## ", text, flags=re.M) if part.startswith(f"mvae {command}\n")]
    return found


@pytest.mark.parametrize("command", ["encode", "interpolate", "bend", "map", "plot", "export"])
def test_the_section_of_a_tool_names_each_of_its_options(command):
    options = {o for p in typer.main.get_command(app).commands[command].params for o in p.opts if o.startswith("--")}
    text = section(command)
    missing = sorted(option for option in options - {"--help"} if option not in text)
    assert not missing, f"docs/tools.md, mvae {command}: no word on {missing}"
