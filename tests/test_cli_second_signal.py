"""An ablation worker under Ray got its SIGINT twice (from its Ray task, and again as that task's process died). When
the second came while the first one's stop unwound, the run's log ended in a bare `stopped: interrupted`: the line
that says where it stopped and that it is checkpointed was lost (a flaky failure of
tests/test_ablate_orphan_workers.py)."""

from __future__ import annotations

from typer.testing import CliRunner

import mvae_core.session
from mvae_core.cli import app
from mvae_core.errors import RunInterrupted

SAID = "SIGINT: stopped after epoch 3 and checkpointed. Continue with: mvae train --resume RUN"


class SecondSignal:
    """What a second SIGINT does while the first stop unwinds: a KeyboardInterrupt from a context's exit."""

    def __enter__(self) -> SecondSignal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        raise KeyboardInterrupt


def stopped_training(*args: object, **kwargs: object) -> None:
    with SecondSignal():
        raise RunInterrupted(SAID)


def test_a_second_signal_while_a_stop_unwinds_keeps_the_first_stop_s_line(synth_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(mvae_core.session, "train", stopped_training)
    result = CliRunner().invoke(app, ["train", str(synth_dir), "--out", str(tmp_path / "run")])
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == [f"stopped: {SAID}"]
