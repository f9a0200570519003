"""What a plugin's hooks receive, as docs/hooks.md states it: the dtypes `mvae_loss` sees under bf16, the
`grad_norm` that `mvae_step_end` gets after a plugin clipped in `mvae_before_optimizer_step`, a term added in
one split only, a non-finite term in validation, and the list a hook wrapper returns."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from mvae_core import hookimpl
from tests.training import make_trainer, tiny_config


class Probe:
    """Clips the gradient to a tenth of its norm, adds a term in training only, and notes what the hooks got."""

    def __init__(self) -> None:
        self.dtypes: dict[str, set[torch.dtype]] = {"train": set(), "val": set()}
        self.norms: list[tuple[float, float, float]] = []  # (before_optimizer_step's, after clipping, step_end's)

    @hookimpl
    def mvae_loss(self, output, terms, split):
        self.dtypes[split] |= {output.mu.dtype, output.logvar.dtype, terms["kl"].dtype}
        if split == "train":
            return {"mu_l2": output.mu.float().pow(2).mean()}
        return {"nan_in_val": output.mu.float().sum() * float("nan")}

    @hookimpl(wrapper=True)
    def mvae_loss_weights(self):
        results = yield
        assert isinstance(results, list)
        return [*results, {"kl": 0.5}]

    @hookimpl
    def mvae_before_optimizer_step(self, trainer, grad_norm):
        torch.nn.utils.clip_grad_norm_(trainer.model.parameters(), grad_norm / 10)
        grads = [p.grad for p in trainer.model.parameters() if p.grad is not None]
        self.norms.append((grad_norm, float(torch.nn.utils.get_total_norm(grads)), float("nan")))

    @hookimpl
    def mvae_step_end(self, grad_norm):
        before, clipped, _ = self.norms[-1]
        self.norms[-1] = (before, clipped, grad_norm)


@pytest.fixture(scope="module")
def bf16_run(synth_dir: Path) -> tuple[Probe, list[dict]]:
    probe, records = Probe(), []
    cfg = tiny_config('train.precision="bf16"', epochs=1)
    make_trainer(synth_dir, cfg, {"probe": probe}).fit(on_epoch_end=records.append)
    return probe, records


def test_mvae_loss_sees_bfloat16_in_training_and_float32_in_validation_under_bf16(bf16_run):
    probe, _ = bf16_run
    assert probe.dtypes == {"train": {torch.bfloat16}, "val": {torch.float32}}


def test_step_end_grad_norm_is_the_norm_before_any_plugin_changed_the_gradient(bf16_run):
    probe, _ = bf16_run
    assert probe.norms
    for before, clipped, at_step_end in probe.norms:
        assert clipped == pytest.approx(before / 10, rel=1e-3)
        assert at_step_end == before


def test_a_term_added_in_training_only_is_missing_from_the_validation_record(bf16_run):
    _, records = bf16_run
    assert "mu_l2" in records[0]["train"] and "mu_l2" in records[0]["weights"]
    assert "mu_l2" not in records[0]["val"]


def test_a_wrapper_of_a_collecting_hook_returns_a_list_of_results(bf16_run):
    _, records = bf16_run
    assert records[0]["weights"]["kl"] == 0.5


def test_a_non_finite_term_in_validation_does_not_stop_the_run_and_leaves_val_elbo_alone(bf16_run):
    _, records = bf16_run
    val = records[0]["val"]
    assert math.isnan(val["nan_in_val"]) and math.isnan(val["total"])
    assert math.isfinite(records[0]["val_elbo"])
