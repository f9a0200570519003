"""A setting may watch a loss term the model adds (``MelodyModel.added_terms``: ``melody_rnn``'s ``bag`` where
``model.melody_rnn.bag_weight`` > 0), as it may a term a plugin declares: early stopping's ``monitor = "val.bag"`` is
accepted before any data is read when the run's settings add the term, and refused, naming the rule, when they do
not. Before, only the core's terms, ``total`` and the plugins' were offered, so ``val.bag`` was refused even where
every epoch's record has it."""

from __future__ import annotations

import pytest

from mvae_core.config import ConfigError, MvaeConfig, build_config
from mvae_core.run_plugins import MODEL_TERMS_RULE, checked_config, model_added_terms
from tests.training import TINY


def watching(monitor: str, bag_weight: float) -> MvaeConfig:
    return build_config(None, [*TINY, "plugins.enabled=['early_stopping']", f"plugins.early_stopping.monitor={monitor}",
                               f"model.melody_rnn.bag_weight={bag_weight}"])  # fmt: skip


def test_the_models_added_terms_are_those_its_settings_build() -> None:
    assert model_added_terms(watching("val_elbo", 0.25)) == ("bag",)
    assert model_added_terms(watching("val_elbo", 0.0)) == ()


@pytest.mark.parametrize("monitor", ["val.bag", "train.bag", "weights.bag"])
def test_a_term_the_model_adds_may_be_watched(monitor: str) -> None:
    resolved, _ = checked_config(watching(monitor, 0.25))
    assert resolved.plugins.sections()["early_stopping"]["monitor"] == monitor


def test_a_term_the_model_does_not_add_with_these_settings_is_refused_naming_the_rule() -> None:
    with pytest.raises(ConfigError) as refused:
        checked_config(watching("val.bag", 0.0))
    assert str(refused.value) == (
        "plugins.early_stopping.monitor = 'val.bag': val has no term 'bag'. Its terms in this run: onset, velocity, "
        "duration, timeshift, kl, total (a term a plugin adds is among them when that plugin declares it in "
        f"mvae_added_terms, docs/hooks.md); {MODEL_TERMS_RULE.format(model='melody_rnn')}"
    )
    assert "[model.melody_rnn]" in str(refused.value)


def test_a_misspelt_term_of_the_model_is_refused_with_it_among_the_terms() -> None:
    with pytest.raises(ConfigError, match=r"^plugins.early_stopping.monitor = 'val.bga': val has no term 'bga'; did "
                                          r"you mean 'bag'\? Its terms in this run: onset, velocity, duration, "
                                          r"timeshift, kl, bag, total \("):  # fmt: skip
        checked_config(watching("val.bga", 0.25))
