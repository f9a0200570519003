"""A Python resume given the run's own plugin list again (``plugins=["kl_anneal", probe]``, the call that started
it with ``resume=True`` added) was refused with "plugins (by name) cannot change it"; it now continues. Some of the
list takes the others out, as an edit of its ``config.toml`` may (with a warning); another list is still refused,
naming the plugins the run trains with."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import ResumeRefused
from tests.training import TINY


class Probe:
    @hookimpl
    def mvae_epoch_end(self, trainer, metrics):
        trainer.record("seen", 1.0)


def test_the_runs_own_plugin_list_resumes_and_another_is_refused(synth_dir, tmp_path):
    run, probe = tmp_path / "run", Probe()
    mvae_core.train([synth_dir], run, overrides=TINY, plugins=["kl_anneal", probe], epochs=1, progress=False)
    again = mvae_core.train(out=run, resume=True, plugins=["kl_anneal", probe], epochs=2, progress=False)
    assert again.epochs_run == 2
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=run, resume=True, plugins=["ts_ramp", probe], epochs=3, progress=False)
    assert str(refused.value) == (
        f"a resume continues {run} with its saved config; plugins (by name) cannot change it but to take some out: "
        "it trains with kl_anneal; give those, some of them, or only the plugin objects it was started with, if any"
    )
