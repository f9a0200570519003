"""A torchrun process lost while the data is read (a collective of ``main_first`` or the split check fails): the
survivor said ``continue with the same torchrun command and train --resume RUN``, a path it knew, and for a new run a
resume of nothing. It names the run's resume, or for a new run (nothing written yet) the same command again."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import session
from mvae_core.distributed import PeerLost
from tests.training import TINY


def _lost(*args, **kwargs):
    raise PeerLost("Read error [127.0.0.1]:29500: Connection reset by peer")


def test_a_new_run_says_to_start_it_again_and_a_resume_names_its_run(synth_dir, tmp_path, monkeypatch):
    run = tmp_path / "run"
    monkeypatch.setattr(session, "prepare_data", _lost)
    with pytest.raises(PeerLost) as new:
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    assert new.value.command_line_message().endswith(
        f"continue with the same mvae train command (--out {run}) under torchrun"
    )
    assert "Connection reset by peer" in str(new.value)
    monkeypatch.undo()
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=[], epochs=1, progress=False)
    monkeypatch.setattr(session, "prepare_data", _lost)
    with pytest.raises(PeerLost) as resumed:
        mvae_core.train(out=run, epochs=2, resume=True, progress=False)
    assert str(resumed.value).endswith(f"continue with mvae_core.train(out={str(run)!r}, resume=True)")
