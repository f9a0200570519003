"""``mvae encode`` printed a table of ``mu`` and ``std`` and stopped: a musician who encoded a loop of their own did
not know that ``mu`` is the point to give ``mvae generate --z``. The table now ends with that command, for loop 0,
and it runs as printed."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import mido
import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from tests.synth import random_melody, write_midi


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


def test_encode_gives_each_loops_tempo_and_the_command_plays_loop_0_at_it(
    tiny_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A take at 93 bpm that speeds up to 140 at its second loop: each loop's row and JSON give its tempo, and the
    printed command writes loop 0 at 93 bpm (it once wrote every loop at generate's default 120)."""
    loop_ticks = 32 * 240  # 2 bars of 16ths at 960 ticks per beat
    take = write_midi(
        tmp_path / "take.mid",
        random_melody(np.random.default_rng(3), n_loops=2, offset_std=0.0),
        tempos=[(0, 93.0), (loop_ticks, 140.0)],
    )
    runner = CliRunner()
    listed = runner.invoke(app, ["encode", str(tiny_run), str(take), "--json"])
    assert listed.exit_code == 0, listed.output
    assert [loop["bpm"] for loop in json.loads(listed.stdout)["loops"]] == [93.0, 140.0]
    encoded = runner.invoke(app, ["encode", str(tiny_run), str(take)], env={"COLUMNS": "250"})
    [line] = [line for line in encoded.stdout.splitlines() if line.startswith("next: ")]
    monkeypatch.chdir(tmp_path)
    generated = runner.invoke(
        app, shlex.split(line.split("as a MIDI file: mvae ", 1)[1].removesuffix(" (docs/tools.md)"))
    )
    assert generated.exit_code == 0, generated.output
    [tempo] = [m.tempo for m in mido.MidiFile(tmp_path / "loop0.mid").merged_track if m.type == "set_tempo"]
    assert mido.tempo2bpm(tempo) == pytest.approx(93.0, abs=0.01)
