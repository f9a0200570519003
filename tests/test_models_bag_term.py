"""``melody_rnn``'s ``bag_weight``: an added loss term ``bag`` in which z alone predicts the loop's pitch rows. Off by
default (the terms and weights of earlier runs); on, it trains the encoder and its head, is recorded as
``train.bag``/``val.bag`` and stays out of ``val_elbo``; a model's undeclared extra term is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from mvae_core.config import LOSS_TERMS, ConfigError, build_config
from mvae_core.data.batches import densify
from mvae_core.losses import weighted_total
from mvae_core.models import ModelContractError, build_model, check_terms, resolve_model
from mvae_core.models.melody_rnn import top_tokens
from mvae_core.validation import validate
from tests.training import TINY, make_trainer, tiny_config

BAG = "model.melody_rnn.bag_weight=0.25"


@pytest.fixture(scope="module")
def bag_trainer(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """A one-epoch tiny ``melody_rnn`` training with the bag term on."""
    trainer = make_trainer(synth_dir, tiny_config(BAG, epochs=1), run_dir=tmp_path_factory.mktemp("bag") / "run")
    trainer.fit()
    return trainer


def test_off_by_default_the_model_has_the_core_terms_and_no_bag_head() -> None:
    model = build_model(build_config(None, TINY))
    assert model.added_terms() == ()
    assert model.bag is None
    assert not any(name.startswith("bag.") for name in model.state_dict())  # earlier runs' weights load as they were


def test_the_bag_term_is_the_weighted_likelihood_of_the_loops_rows_under_z_alone(bag_trainer) -> None:
    model = bag_trainer.model
    model.train()
    x = densify(bag_trainer.train_set, list(range(8)), model.pitch_classes)
    output = model(x, generator=torch.Generator().manual_seed(0))
    terms = model.loss_terms(x, output, "notes")
    assert set(terms) == {*LOSS_TERMS, "bag"} and model.added_terms() == ("bag",)
    check_terms("melody_rnn", terms, model.added_terms())
    tokens = top_tokens(x)
    log_p = F.log_softmax(output.decoded.bag_logits.detach(), dim=-1)
    expected = -sum(log_p[b, t - 1] for b in range(8) for t in tokens[b].tolist() if t > 0) * 0.25 / 8
    assert terms["bag"].detach().item() == pytest.approx(float(expected), rel=1e-5)
    model.zero_grad()
    terms["bag"].backward()
    assert model.encoder.parameters().__next__().grad is not None  # it trains z's encoder ...
    assert model.to_token.weight.grad is None  # ... and its head, never the decoder


def test_the_bag_term_is_recorded_and_left_out_of_val_elbo(bag_trainer) -> None:
    record = bag_trainer.run.read_metrics()[-1]
    assert record["train"]["bag"] > 0 and record["val"]["bag"] > 0
    scored = validate(bag_trainer.model, bag_trainer.val_set, bag_trainer.cfg, {}, torch.device("cpu"))
    coefficients = bag_trainer.cfg.loss.coefficients
    core = {term: scored["val"][term] for term in LOSS_TERMS}
    assert scored["val_elbo"] == pytest.approx(weighted_total(core, {**coefficients, "kl": 1.0}, {}))
    assert scored["val"]["total"] == pytest.approx(weighted_total(core, coefficients, {}) + scored["val"]["bag"])


def test_a_model_term_it_does_not_declare_is_still_refused(bag_trainer) -> None:
    x = densify(bag_trainer.train_set, list(range(4)), bag_trainer.model.pitch_classes)
    terms = bag_trainer.model.loss_terms(x, bag_trainer.model(x), "notes")
    with pytest.raises(ModelContractError, match=r"returned onset, velocity, duration, timeshift, kl, bag; it must"):
        check_terms("melody_rnn", terms)


def test_a_negative_weight_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"model.melody_rnn.bag_weight = -1: Input should be greater than or equal"):
        resolve_model(build_config(None, [*TINY, "model.melody_rnn.bag_weight=-1"]))
