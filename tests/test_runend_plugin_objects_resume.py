"""A run trained with a plugin object from Python is resumed by handing the object back: the Python calls that the
refusals of a rerun name carry ``plugins=[(name, <the plugin object>)]``, as a failed run's message does. They left
it out, so the call copied from a refused rerun was refused again (the plugin object is missing)."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import InputError, ResumeRefused, RunExists
from tests.training import TINY


class Probe:
    """A plugin of the caller's own (a Python object, not a registered plugin)."""

    def __init__(self) -> None:
        self.epochs: list[int] = []

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch):
        self.epochs.append(epoch)


def test_the_resume_a_refused_rerun_names_hands_the_plugin_object_back_and_resumes(synth_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[Probe()], progress=False)
    handed_back = "plugins=[('probe', <the plugin object>)]"
    with pytest.raises(RunExists) as rerun:
        mvae_core.train([synth_dir], run, overrides=TINY, epochs=2, plugins=[Probe()], progress=False)
    assert f"mvae_core.train(out={str(run)!r}, resume=True, epochs=2, {handed_back})" in str(rerun.value)
    assert "mvae train --resume" in rerun.value.command_line_message()  # the command line has no objects to name
    with pytest.raises(InputError) as as_data:  # the run given as DATA, as a newcomer continues a run
        mvae_core.train([run], tmp_path / "new", overrides=TINY, epochs=2, plugins=[Probe()], progress=False)
    assert f"mvae_core.train(out={str(run)!r}, resume=True, epochs=2, {handed_back})" in str(as_data.value)
    probe = Probe()
    result = mvae_core.train(out=str(run), resume=True, epochs=2, plugins=[("probe", probe)], progress=False)
    assert result.epochs_run == 2 and probe.epochs == [1]  # the call as named: the object trained epoch 2


def test_a_run_whose_config_cannot_be_read_still_gets_its_message_with_no_plugin_object(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "metrics.jsonl").write_text("", encoding="utf-8")
    (run / "config.toml").write_text("[provenance\n", encoding="utf-8")  # a hand edit gone wrong
    with pytest.raises(InputError) as as_data:
        mvae_core.train([run], tmp_path / "new", progress=False)
    assert f"to continue training it, mvae_core.train(out={str(run)!r}, resume=True); " in str(as_data.value)


class Watch(Probe):
    """Another plugin object of the caller's."""


def test_a_resume_missing_one_of_two_plugin_objects_names_the_call_with_both(synth_dir, tmp_path):
    run = tmp_path / "run"
    mvae_core.train([synth_dir], run, overrides=TINY, epochs=1, plugins=[Probe(), Watch()], progress=False)
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, plugins=[Probe()], progress=False)
    assert str(refused.value).endswith(
        f"mvae_core.train(out={str(run)!r}, resume=True, epochs=2, "
        "plugins=[('probe', <the plugin object>), ('watch', <the plugin object>)])"
    )  # the budget asked for: without it, the named call would resume only to the old one
    result = mvae_core.train(
        out=run, resume=True, epochs=2, plugins=[("probe", Probe()), ("watch", Watch())], progress=False
    )
    assert result.epochs_run == 2
