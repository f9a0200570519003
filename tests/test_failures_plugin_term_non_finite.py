"""A NaN in a loss term a plugin added named the plugin but said nothing of what to do, where every other failure
of a run does (from the plugin author's review): a fixed plugin continues the run from its last checkpoint."""

from __future__ import annotations

import pytest
import torch

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import RunFailed
from tests.training import TINY


class NanFromEpoch2:
    @hookimpl
    def mvae_loss(self, trainer, split):
        return {"l2": torch.tensor(float("nan") if trainer.epoch == 1 and split == "train" else 0.0)}


def test_a_plugin_s_non_finite_term_says_to_fix_the_plugin_and_resume(synth_dir, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RunFailed) as failed:
        mvae_core.train(synth_dir, run, overrides=TINY, plugins=[("nan_l2", NanFromEpoch2())], epochs=3, progress=False)
    message = str(failed.value)
    assert message.startswith(
        "non-finite loss in epoch 2, step 1, terms l2 (added by plugin 'nan_l2' in mvae_loss), total"
    )
    assert message.endswith(
        f"after a fix of the plugin, mvae_core.train(out={str(run)!r}, resume=True, plugins=[('nan_l2', <the plugin "
        "object>)]) continues from its last checkpoint"
    )
    assert "mvae train --resume" in failed.value.command_line_message()
