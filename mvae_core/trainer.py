"""The trainer core: one readable loop; everything optional is a plugin behind the hook contract.

Per epoch: hooks ``mvae_epoch_start`` → ``mvae_loss_weights`` → train (shuffled batches: forward, per-term
loss, backward, optional clipping, Adam step) → validate → ``mvae_epoch_end`` (stop requests collected) →
metrics line, best model, checkpoint → stop? Determinism: the model is initialised from ``train.seed``, each
epoch's shuffle is a pure function of (seed, epoch), and the torch RNG state (dropout, latent noise) is saved
in every checkpoint, so a resumed run continues exactly where the uninterrupted one would be.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from mvae_core.config import LOSS_TERMS, MvaeConfig
from mvae_core.data.batches import batch_indices, densify
from mvae_core.data.split import LoopSet
from mvae_core.losses import loss_terms, weighted_total
from mvae_core.model import MelodyVAE
from mvae_core.plugins import PluginHost
from mvae_core.run import RunDir
from mvae_core.validation import validate
from mvae_core.view import TrainerView


class NonFiniteLoss(RuntimeError):
    """The loss became NaN or infinite; the message gives the epoch, step and term."""


@dataclass
class TrainResult:
    epochs_run: int
    stop_reasons: list[str]
    best_val_elbo: float
    last: dict[str, Any]
    final_events: list[dict[str, Any]]  # emitted in mvae_train_end (after the last metrics line)


class Trainer:
    def __init__(
        self, cfg: MvaeConfig, train: LoopSet, val: LoopSet, host: PluginHost, run: RunDir | None = None,
        device: torch.device | None = None, on_epoch_end: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:  # fmt: skip
        self.cfg, self.train_set, self.val_set, self.host, self.run = cfg, train, val, host, run
        self.device = device or torch.device("cpu")
        self.on_epoch_end = on_epoch_end or (lambda record: None)
        torch.manual_seed(cfg.train.seed)
        self.model = MelodyVAE(cfg.model, cfg.data.pitch_classes)
        self.model.init_onset_prior(train.onset_rate(cfg.data.pitch_classes))
        self.model.to(self.device)
        # fused: one kernel for all parameters (on CPU the default per-tensor Adam took ~30 % of a step)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.train.lr, fused=True)
        steps = len(list(batch_indices(len(train), cfg.train.batch_size, rng=None)))
        self.view = TrainerView(cfg, self.model, self.optimizer, run.path if run else None, cfg.train.epochs, steps)
        self.start_epoch, self.best_val_elbo = 0, float("inf")

    def fit(self) -> TrainResult:
        cfg, view, host = self.cfg, self.view, self.host
        view.epoch = self.start_epoch
        view.ramps_end = max((int(end) for _, end in host.call("mvae_ramp_end", view)), default=0)
        host.call("mvae_train_start", view)
        record: dict[str, Any] = {}
        stop_reasons: list[str] = []
        if self.run and self.start_epoch == 0:  # an interrupt in epoch 0 can resume from here
            self.run.save_checkpoint(self.checkpoint_payload(epoch=-1))
        for epoch in range(self.start_epoch, cfg.train.epochs):
            started = time.perf_counter()
            view.epoch = epoch
            # 1) mutators, then this epoch's loss-weight multipliers
            host.call("mvae_epoch_start", view, epoch=epoch)
            multipliers = host.loss_multipliers(view, epoch)
            # 2) one pass over the shuffled train split
            self.model.train()
            sums = torch.zeros(len(LOSS_TERMS) + 1)
            rng = np.random.default_rng([cfg.train.seed, epoch])
            for step, index in enumerate(batch_indices(len(self.train_set), cfg.train.batch_size, rng)):
                x = densify(self.train_set, index, cfg.data.pitch_classes).to(self.device)
                out, mu, logvar = self.model(x)
                terms = loss_terms(x, out, mu, logvar, cfg.loss.mask)
                loss = weighted_total(terms, cfg.loss.coefficients, multipliers)
                values = torch.stack([*terms.values(), loss]).detach().cpu()
                if not torch.isfinite(values).all():
                    bad = [t for t, v in zip([*terms, "total"], values.tolist(), strict=True) if not np.isfinite(v)]
                    raise NonFiniteLoss(f"non-finite loss at epoch {epoch}, step {step}, term(s) {', '.join(bad)}")
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if cfg.train.clip_grad_norm:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.train.clip_grad_norm)
                self.optimizer.step()
                sums += values * len(index)
            train = dict(zip([*LOSS_TERMS, "total"], (sums / len(self.train_set)).tolist(), strict=True))
            # 3) validation and this epoch's record; plugins see it and may request a stop
            record = {
                "epoch": epoch,
                "lr": self.optimizer.param_groups[0]["lr"],
                "weights": multipliers,
                "train": train,
            }
            record |= validate(self.model, self.val_set, cfg, multipliers, self.device)
            record["seconds"] = round(time.perf_counter() - started, 4)
            stop_reasons = host.stop_requests(view, epoch, record)
            record["events"] = view.drain_events() + [
                {"source": "core", "level": "stop", "message": r} for r in stop_reasons
            ]
            # 4) persist: metrics line, best model, checkpoint (after plugins, so their state is current)
            improved = record["val_elbo"] < self.best_val_elbo
            self.best_val_elbo = min(self.best_val_elbo, record["val_elbo"])
            if self.run:
                self.run.append_metrics(record)
                if improved:
                    self.run.save_best(self.model, epoch, record["val_elbo"])
                self.run.save_checkpoint(self.checkpoint_payload(epoch))
            self.on_epoch_end(record)
            if stop_reasons:
                break
        host.call("mvae_train_end", view, stop_reasons=stop_reasons)
        return TrainResult(view.epoch + 1, stop_reasons, self.best_val_elbo, record, view.drain_events())

    def checkpoint_payload(self, epoch: int) -> dict[str, Any]:
        """Everything a resume needs; plain values and tensors only (loaded with ``weights_only``)."""
        return {
            "epoch": epoch,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if self.device.type == "cuda" else [],
            "best_val_elbo": self.best_val_elbo,
            "plugins": self.host.state_dict(self.view),
        }

    def restore(self, payload: dict[str, Any]) -> None:
        """Continue after the checkpointed epoch (see :meth:`checkpoint_payload`)."""
        self.model.load_state_dict(payload["model"])
        self.optimizer.load_state_dict(payload["optimizer"])
        torch.set_rng_state(payload["torch_rng"])
        if self.device.type == "cuda" and payload.get("cuda_rng"):
            torch.cuda.set_rng_state_all(payload["cuda_rng"])
        self.best_val_elbo = float(payload["best_val_elbo"])
        self.host.load_state_dict(payload.get("plugins", {}))
        self.start_epoch = int(payload["epoch"]) + 1
