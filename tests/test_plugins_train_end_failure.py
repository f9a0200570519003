"""A plugin whose ``mvae_train_end`` raises fails the run after its last epoch was saved; the message said "after a
fix, mvae train --resume RUN continues", but the resume answers "already finished" and never calls
``mvae_train_end`` again. It now says the training was over and the run is usable (a plugin author's review)."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunFailed
from tests.training import TINY


class FailsAtTheEnd:
    @hookimpl
    def mvae_train_end(self, trainer, stop_reasons):
        raise RuntimeError("could not upload the report")


def test_a_failure_after_the_last_epoch_says_the_run_is_usable(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as failed:
        mvae_core.train([synth_dir], run, overrides=TINY, plugins=[FailsAtTheEnd()], epochs=1, progress=False)
    assert "could not upload the report" in str(failed.value)
    assert str(failed.value).endswith(
        f"training was over (1 epoch saved), so a resume has nothing left to do: the run is usable "
        f"(mvae_core.load({str(run)!r}).generate())"
    )
    assert "mvae generate" in failed.value.command_line_message()
