"""builtin_plugins.md says what a resume of a run a plugin stopped does: nothing but say so (it said the run trains
one more epoch and stops again, which it has not done since a stopped run returns 'already stopped')."""

from __future__ import annotations

import re
from pathlib import Path

import mvae_core
from mvae_core import hookimpl
from tests.training import TINY

PAGE = Path(__file__).resolve().parents[1] / "docs" / "builtin_plugins.md"


class StopAtOnce:
    """Asks training to stop after its first epoch, as early_stopping does after its patience."""

    @hookimpl
    def mvae_epoch_end(self, trainer):
        return "enough"


def test_a_stopped_run_resumed_says_so_and_trains_nothing(synth_dir, tmp_path, capsys):
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    quoted = re.search(
        r"`mvae train --resume RUN` says `RUN stopped \((.*?)\); start a new run to train further, from its weights: "
        r"mvae train DATA --init-from RUN --out NEW_RUN`",
        text,
    )
    assert quoted, "builtin_plugins.md no longer quotes what a resume of a stopped run says"
    out = tmp_path / "run"
    stopper = StopAtOnce()
    mvae_core.train([synth_dir], out, overrides=TINY, epochs=3, plugins=[stopper], progress=False)
    result = mvae_core.train(out=out, resume=True, epochs=5, plugins=[stopper], progress=True)
    assert (result.outcome, result.epochs_run) == ("already stopped", 1)
    printed = capsys.readouterr()
    said = f"{out} stopped (stop_at_once: enough); start a new run to train further, from its weights: "
    assert f"{said}mvae_core.train(data=DATA, init_from={str(out)!r}, out=NEW_RUN)" in printed.out + printed.err
    assert '`outcome` is `"already stopped"`' in text
