"""``mvae_step_end`` hands plugins a copy of the step's ``losses``: a plugin that changes it changes neither the line
``train.step_records`` writes for that step nor anything else the core keeps (the outbox copied the dict only after
the hook, so the line recorded the plugin's edits)."""

from __future__ import annotations

from mvae_core import hookimpl
from tests.test_step_records_core import StepLosses  # it runs first here
from tests.training import make_trainer, tiny_config


class Meddler:
    """Changes, removes and adds entries of ``losses`` (runs second)."""

    @hookimpl
    def mvae_step_end(self, losses):
        losses["kl"] = 1e6
        del losses["total"]
        losses["mine"] = 1.0


def test_a_plugin_that_changes_losses_leaves_the_steps_line_as_the_step_computed_it(synth_dir, tmp_path):
    watcher = StepLosses()
    trainer = make_trainer(
        synth_dir, tiny_config("train.step_records=1", epochs=1), {"watch": watcher, "meddler": Meddler()},
        tmp_path / "run",
    )  # fmt: skip
    trainer.fit()

    lines = trainer.run.read_steps()
    assert [line["global_step"] for line in lines] == sorted(watcher.seen) == list(range(trainer.view.steps_per_epoch))
    for line in lines:
        assert line["train"] == watcher.seen[line["global_step"]]
        assert list(line["train"])[-1] == "total" and "mine" not in line["train"]
