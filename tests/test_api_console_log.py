"""mvae_core.train's console in a script whose output goes to a log or a pipe: the epoch lines are followed by the
closing line, not by an empty line (the progress bar, never drawn there, printed one when it stopped)."""

from __future__ import annotations

import io

from rich.console import Console

import mvae_core
from mvae_core.progress import EpochDisplay
from tests.training import TINY


def test_a_training_logged_to_a_file_has_no_empty_line_after_its_epochs(synth_dir, tmp_path, capsys):
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=2)
    lines = capsys.readouterr().out.splitlines()
    last_epoch = max(i for i, line in enumerate(lines) if line.startswith("epoch "))
    assert lines[last_epoch + 1].startswith("done after 2 epochs"), lines[last_epoch:]


def test_the_bar_is_still_drawn_on_a_terminal():
    out = io.StringIO()
    with EpochDisplay(Console(file=out, force_terminal=True, width=100), 2) as display:
        display.progress.refresh()
    assert "training" in out.getvalue()
