"""quickstart.md's real training output ends with the ``done`` line: it must read as ``mvae train`` prints it now
(the line gained the best model's epoch and 'the model generate uses'; the page still showed the old one)."""

from __future__ import annotations

import re
from pathlib import Path

import mvae_core
from tests.training import TINY

QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"


def shape(line: str, run: str) -> str:
    """The line with its run folder and numbers replaced, so two trainings' lines compare by their words."""
    return re.sub(r"\d+(\.\d+)?", "N", line.replace(run, "RUN"))


def test_the_done_line_quickstart_shows_is_the_one_train_prints(synth_dir, tmp_path, capsys):
    shown = next(line for line in QUICKSTART.read_text(encoding="utf-8").splitlines() if line.startswith("done after"))
    out = tmp_path / "run"
    mvae_core.train([synth_dir], out, overrides=TINY, epochs=2, plugins=[], progress=True)
    printed = capsys.readouterr()
    done = next(line for line in (printed.out + printed.err).splitlines() if line.startswith("done after"))
    assert shape(shown, "/tmp/docrun") == shape(done, str(out)), (shown, done)
