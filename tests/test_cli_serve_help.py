"""``mvae serve --help`` and ``mvae plot --help`` show their options with docs/cli.md's metavars (a live user reads
``--allow-origin ORIGIN``, not a Python type)."""

from __future__ import annotations

import re

from tests.test_cli_help import help_text


def _shown(text: str, option: str) -> str:
    """The word ``--help`` shows after ``option``."""
    match = re.search(rf"{option}\s+(\S+)", text)
    assert match, option
    return match.group(1)


def test_serve_help_shows_the_synopsis_metavars():
    """It showed '--allow-origin <list[str]>', '--tempo <float>', '--midi-out <str>'."""
    text = help_text("serve")
    shown = {option: _shown(text, option) for option in ("--host", "--port", "--osc-port", "--osc-reply-port")}
    shown |= {option: _shown(text, option) for option in ("--midi-out", "--tempo", "--allow-origin")}
    assert shown == {
        "--host": "H",
        "--port": "N",
        "--osc-port": "N",
        "--osc-reply-port": "N",
        "--midi-out": "NAME",
        "--tempo": "BPM",
        "--allow-origin": "ORIGIN",
    }


def test_plot_help_shows_metric_path():
    assert _shown(help_text("plot"), "--metric") == "PATH"
