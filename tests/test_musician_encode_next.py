"""``mvae encode`` printed a table of ``mu`` and ``std`` and stopped: a musician who encoded a loop of their own did
not know that ``mu`` is the point to give ``mvae generate --z``. The table now ends with that command, for loop 0,
and it runs as printed."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app


def test_encode_ends_with_a_generate_command_that_runs_as_printed(
    tiny_run: Path, synth_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    take = sorted(synth_dir.glob("*.mid"))[0]
    encoded = runner.invoke(app, ["encode", str(tiny_run), str(take)], env={"COLUMNS": "250"})
    assert encoded.exit_code == 0, encoded.output
    [line] = [line for line in encoded.stdout.splitlines() if line.startswith("next: ")]
    command = line.split("loop 0 as a MIDI file: mvae ", 1)[1].removesuffix(" (docs/tools.md)")
    monkeypatch.chdir(tmp_path)
    generated = runner.invoke(app, shlex.split(command))
    assert generated.exit_code == 0, generated.output
    assert (tmp_path / "loop0.mid").stat().st_size > 0
