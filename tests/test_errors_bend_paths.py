"""``mvae bend``'s next command for a path a shell splits: ``--out "my bends/solo 1"`` printed ``mvae generate my
bends/solo 1 --out DIR``, which run as shown names three arguments."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from mvae_core.cli import app


def test_the_generate_command_bend_prints_quotes_a_path_with_spaces(tiny_run: Path, tmp_path: Path):
    out = tmp_path / "my bends" / "solo 1"
    result = CliRunner().invoke(app, ["bend", str(tiny_run), "--sigma", "0.5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = " ".join(result.stdout.split())  # the console wraps long lines
    said = f"mvae generate {shlex.quote(str(out))} --random 8 --out {shlex.quote(str(out / 'samples'))}"
    assert said in printed  # a command that runs as shown (it wrote one loop into a folder named DIR)
