"""One pass over the validation set: per-term losses, the plugin-independent ``val_elbo`` and the metrics.

Plugins take part through two callables the trainer passes in: ``adjust`` turns the core's terms of a batch into the
run's terms (``mvae_loss``: replaced and added terms), ``on_batch`` shows each batch to ``mvae_validation_batch``.
``val`` holds the run's terms and their weighted ``total``; ``val_elbo`` is computed from the core's own terms (not
from a model's added terms, such as ``melody_rnn``'s ``bag``).

The model is in eval mode (dropout off, BatchNorm running statistics). Losses use one latent sample per loop
drawn from a generator seeded the same way every epoch, so epochs are compared on identical noise;
``onset_f1`` and ``rhythm_f1`` (the notes the model writes with deterministic decoding, :data:`RECONSTRUCTION`),
``timing_spread_ratio``, ``timing_std`` (true and reconstructed timeshift std at the validation note cells,
half-steps) and ``active_units`` use the posterior mean. The reconstructed timing is what generation would write:
a draw from the timing distribution at the true notes (seeded likewise), the output itself for ``mse``.

Plugins may swap other weights in for validation to score (``mvae_validation_start``) and put the trained ones back
(``mvae_validation_end``): :func:`weights_copy` and :func:`check_weights_back` are the trainer's tools around that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from mvae_core import metrics
from mvae_core.config import LOSS_TERMS, MvaeConfig
from mvae_core.data.batches import batch_indices, densify
from mvae_core.data.split import LoopSet
from mvae_core.generation import DecodeOptions, decode_loops
from mvae_core.losses import weighted_total
from mvae_core.metrics_record import TIMING_STD_KEYS
from mvae_core.models import check_cells
from mvae_core.models.base import Forward, MelodyModel
from mvae_core.plugins import PluginError

Terms = dict[str, torch.Tensor]

RECONSTRUCTION = DecodeOptions(temperature=0.0)
"""How validation and ``mvae evaluate`` decode a loop's posterior mean: deterministic, the most likely notes."""
SCORING_BATCH = 256
"""Loops validation and ``mvae evaluate`` score at a time (memory, not results: every loop is scored alone)."""


@torch.no_grad()
def validate(
    model: MelodyModel,
    data: LoopSet,
    cfg: MvaeConfig,
    multipliers: dict[str, float],
    device: torch.device,
    adjust: Callable[[torch.Tensor, Forward], tuple[Terms, dict[str, str], dict[str, str]]] | None = None,
    on_batch: Callable[[torch.Tensor, Forward, Terms], None] | None = None,
) -> dict[str, Any]:
    """The validation part of an epoch record. ``adjust(x, output)`` gives a batch's terms (default: the core's);
    ``on_batch(x, output, terms)`` is called after each batch."""
    model.eval()
    generator = torch.Generator(device=device).manual_seed(cfg.train.seed + 1)
    timing_rng = np.random.default_rng(cfg.train.seed + 2)
    sums: dict[str, float] = {}
    core_sums: dict[str, float] = dict.fromkeys(LOSS_TERMS, 0.0)
    matches = metrics.NoteMatches()
    # filled in place: per loop and per note (memory grows with notes, not cells; no heap fragments from small tensors)
    n_notes = int(data.table.notes_per_loop()[data.loops].sum())
    mus = torch.empty(len(data), cfg.model.latent_dim)
    true_ts, recon_ts = torch.empty(n_notes), torch.empty(n_notes)
    filled = 0
    for index in batch_indices(len(data), SCORING_BATCH, rng=None):
        x = densify(data, index, cfg.data.pitch_classes).to(device)
        output = model(x, generator=generator)
        mu = output.mu
        core = model.loss_terms(x, output, cfg.loss.mask)
        terms = core if adjust is None else adjust(x, output)[0]
        for term in LOSS_TERMS:  # the model's added terms are in terms, not in its bound
            core_sums[term] += core[term].item() * len(index)
        for term, value in terms.items():
            sums[term] = sums.get(term, 0.0) + value.item() * len(index)
        if on_batch is not None:
            on_batch(x, output, terms)
        mean_out = model.predict_cells(x, mu)
        check_cells(cfg.model.name, mean_out, x)
        at_notes = x[:, 0] > 0.5
        truth = x[:, 0].cpu().numpy()
        decoded = decode_loops(model, mu, RECONSTRUCTION)
        for j, notes in enumerate(decoded):
            matches.add(notes, truth[j])
        mus[index] = mu.cpu()
        count = int(at_notes.sum())
        recon_ts[filled : filled + count] = mean_out.sample_timeshift(1.0, timing_rng)[at_notes].cpu()
        true_ts[filled : filled + count] = x[:, 3][at_notes].cpu()
        filled += count
    terms = {term: total / len(data) for term, total in sums.items()}
    core = {term: total / len(data) for term, total in core_sums.items()}
    coefficients = cfg.loss.coefficients
    recon, true = recon_ts[:filled], true_ts[:filled]
    return {
        "val": terms | {"total": weighted_total(terms, coefficients, multipliers)},
        "val_elbo": weighted_total(core, {**coefficients, "kl": 1.0}, {}),
        "onset_f1": matches.onset_f1(),
        "rhythm_f1": matches.rhythm_f1(),
        "timing_spread_ratio": metrics.timing_spread_ratio(recon, true),
        "timing_std": dict(zip(TIMING_STD_KEYS, (metrics.timing_std(true), metrics.timing_std(recon)), strict=True)),
        "active_units": metrics.active_units(mus),
    }


def weights_copy(model: torch.nn.Module) -> Terms:
    """A copy of ``model``'s parameters and buffers (its ``state_dict``), on its device."""
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def check_weights_back(model: torch.nn.Module, trained: Terms, plugins: list[str]) -> None:
    """A :class:`PluginError` naming ``plugins`` (those implementing ``mvae_validation_start`` or
    ``mvae_validation_end``) unless ``model`` holds exactly the ``trained`` weights again: a plugin that swapped
    weights in for validation and did not put them back would go on training (and checkpointing) them silently."""
    differ = [name for name, value in model.state_dict().items() if not torch.equal(value, trained[name])]
    if not differ:
        return
    who = f"plugin {plugins[0]!r}" if len(plugins) == 1 else f"one of the plugins {', '.join(map(repr, plugins))}"
    more = f" (and {len(differ) - 1} more)" if len(differ) > 1 else ""
    nest = "; if two of them swap weights in, they cannot run together" if len(plugins) > 1 else ""
    raise PluginError(
        f"{who} left other weights in the model after validation: {differ[0]!r}{more} after mvae_validation_end "
        "differs from before mvae_validation_start; a plugin that swaps weights in for validation must put the "
        f"trained ones back in mvae_validation_end{nest} (docs/hooks.md)"
    )
