"""A number recorded under a key with a dot (``trainer.record("a.b", 1)``) or a loss term named with one
(``"mu.center"``) was accepted, then could not be reached: ``mvae plot --metric plugins.rec.a.b`` said "no number
there; did you mean 'plugins.rec.a.b'?", and a term ``"onset "`` sat beside ``"onset"``. Both are refused, naming
the plugin and the hook (a plugin author's review)."""

from __future__ import annotations

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.config import MvaeConfig
from mvae_core.plugins import PluginError
from mvae_core.view import TrainerView
from tests.training import make_trainer, tiny_config


def _view() -> TrainerView:
    model = torch.nn.Linear(1, 1)
    return TrainerView(MvaeConfig(), model, torch.optim.SGD(model.parameters()), None, epochs=1, steps_per_epoch=1)


@pytest.mark.parametrize("key", ["a.b", " gap", "gap "])
def test_record_refuses_a_key_its_path_could_not_reach(key):
    with pytest.raises(ValueError, match=r"a key has no dot or surrounding spaces.*e\.g\. '(a_b|gap)'$"):
        _view().record(key, 1.0)


class DottedTerm:
    @hookimpl
    def mvae_loss(self, trainer, output, terms, split):
        return {"mu.center": output.mu.pow(2).mean()}


def test_a_term_with_a_dot_is_refused_naming_the_plugin(synth_dir, tmp_path):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"dotted": DottedTerm()}, tmp_path)
    with pytest.raises(PluginError, match=r"dotted.*mvae_loss.*'mu\.center'; a term's name has no dot.*'mu_center'"):
        trainer.fit()
