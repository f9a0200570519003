"""``mvae train`` says how many validation loops are a training example note for note (a variant of a tune under
another name, a phrase two files share): the split keeps copies of a whole file on one side, but not files that
share a loop, so validation scored such loops as held out without a word (corpus:essen: 10 % of them)."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from mvae_core.cli import app
from tests.synth import SynthNote, random_melody, write_midi
from tests.training import TINY

LOOP_TICKS = 32 * 240  # a loop of 16th steps at resolution 960
TINY_FLAGS = [flag for item in TINY for flag in ("--set", item)]


def _folder(path, shared: bool):
    """6 files of 3 random loops; with ``shared``, each file's first loop is one phrase, the same in all."""
    rng = np.random.default_rng(4)
    phrase = random_melody(rng, 1, offset_std=0)
    path.mkdir()
    for i in range(6):
        own = random_melody(rng, 3 if not shared else 2, offset_std=0)
        if shared:
            own = phrase + [SynthNote(n.pitch, n.start + LOOP_TICKS, n.end + LOOP_TICKS, n.velocity) for n in own]
        write_midi(path / f"tune_{i}.mid", own)
    return path


def test_validation_loops_that_training_holds_note_for_note_are_counted(tmp_path):
    args = ["train", "--epochs", "1", "--plugins", "none", *TINY_FLAGS]
    shared = CliRunner().invoke(app, [*args, str(_folder(tmp_path / "shared", True)), "--out", str(tmp_path / "a")])
    assert shared.exit_code == 0, shared.output
    said = " ".join(shared.stdout.split())
    assert "1 of the 3 validation loops (33.3%) are a training example note for note (a variant or an excerpt" in said
    apart = CliRunner().invoke(app, [*args, str(_folder(tmp_path / "apart", False)), "--out", str(tmp_path / "b")])
    assert apart.exit_code == 0 and "note for note" not in apart.stdout  # nothing shared: nothing said
