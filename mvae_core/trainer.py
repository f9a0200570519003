"""The trainer core: one readable loop; everything optional is a plugin behind the hook contract.

Per epoch: hooks ``mvae_epoch_start`` → ``mvae_loss_weights`` → train (shuffled batches: forward, per-term
loss, backward, gradient reduction across processes, non-finite check, optional clipping, Adam step, stop
request?) → validate → ``mvae_epoch_end`` (stop requests collected) → metrics line, best model, checkpoint → stop?

Determinism: the model is initialised from ``train.seed``, each epoch's shuffle is a pure function of (seed,
epoch), and the torch RNG state (dropout, latent noise) is saved in every checkpoint, so a resumed run continues
exactly where the uninterrupted one would be. A stop request (SIGINT/SIGTERM, polled through ``pause_requested``
after every optimiser step) saves a mid-epoch checkpoint, whose ``progress`` (step reached, partial train sums,
multipliers, pending events) lets :meth:`Trainer.restore` continue at the next step of that epoch.

Several processes (:mod:`mvae_core.distributed`): each trains on its slice of every global batch; only the trainer
of rank 0 has a run directory (``run``), so only it writes files and plugin state.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import numpy as np
import torch

from mvae_core.config import LOSS_TERMS, MvaeConfig
from mvae_core.data.batches import densify
from mvae_core.data.split import LoopSet
from mvae_core.distributed import Distributed
from mvae_core.losses import loss_terms, weighted_total
from mvae_core.model import MelodyVAE
from mvae_core.plugins import PluginHost
from mvae_core.run import RunDir
from mvae_core.validation import validate
from mvae_core.view import TrainerView

TERMS_AND_TOTAL = [*LOSS_TERMS, "total"]


class NonFiniteLoss(RuntimeError):
    """The loss became NaN or infinite; the message gives the epoch, step and term(s) (also as attributes)."""

    def __init__(self, epoch: int, step: int, terms: list[str]) -> None:
        super().__init__(f"non-finite loss at epoch {epoch}, step {step}, term(s) {', '.join(terms)}")
        self.epoch, self.step, self.terms = epoch, step, terms


class TrainingPaused(Exception):
    """A stop was requested (SIGINT/SIGTERM); a checkpoint to continue at ``epoch``, ``step`` was saved."""

    def __init__(self, epoch: int, step: int) -> None:
        super().__init__(f"paused at epoch {epoch}, step {step}")
        self.epoch, self.step = epoch, step


@dataclass
class EpochProgress:
    """Where an epoch stands: the next step, the summed train losses so far, its multipliers and pending events."""

    multipliers: dict[str, float]
    step: int = 0
    sums: torch.Tensor = field(default_factory=lambda: torch.zeros(len(TERMS_AND_TOTAL)))
    seconds: float = 0.0
    events: list[dict[str, Any]] = field(default_factory=list)


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
        dist: Distributed | None = None, pause_requested: Callable[[], bool] | None = None,
    ) -> None:  # fmt: skip
        self.cfg, self.train_set, self.val_set, self.host, self.run = cfg, train, val, host, run
        self.dist = dist or Distributed(device or torch.device("cpu"))
        self.device = self.dist.device
        self.on_epoch_end = on_epoch_end or (lambda record: None)
        self.pause_requested = pause_requested or (lambda: False)
        torch.manual_seed(cfg.train.seed)
        self.model = MelodyVAE(cfg.model, cfg.data.pitch_classes)
        rate = train.onset_rate(cfg.data.pitch_classes)
        self.model.init_output_priors(rate, train.table.timeshift, train.note_weights())
        self.model.to(self.device)
        self.dist.decorrelate_rng(cfg.train.seed)
        # fused: one kernel for all parameters (on CPU the default per-tensor Adam took ~30 % of a step)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.train.lr, fused=True)
        steps = sum(1 for _ in self.dist.batches(len(train), cfg.train.batch_size, rng=None))
        self.view = TrainerView(cfg, self.model, self.optimizer, run.path if run else None, cfg.train.epochs, steps)
        self.start_epoch, self.best_val_elbo = 0, float("inf")
        self.progress: EpochProgress | None = None  # set by restore() from a mid-epoch checkpoint

    def fit(self) -> TrainResult:
        cfg, view, host, dist = self.cfg, self.view, self.host, self.dist
        view.epoch = self.start_epoch
        view.ramps_end = max((int(end) for _, end in host.call("mvae_ramp_end", view)), default=0)
        host.call("mvae_train_start", view)
        dist.sync_model(self.model)
        record: dict[str, Any] = {}
        stop_reasons: list[str] = []
        if self.start_epoch == 0 and self.progress is None:  # an interrupt in epoch 0 can resume from here
            self.save_checkpoint(epoch=-1)
        for epoch in range(self.start_epoch, cfg.train.epochs):
            view.epoch = epoch
            # 1) mutators, then this epoch's loss-weight multipliers (already applied if resuming mid-epoch)
            progress, self.progress = self.progress, None
            if progress is None:
                host.call("mvae_epoch_start", view, epoch=epoch)
                progress = EpochProgress(host.loss_multipliers(view, epoch))
            multipliers = progress.multipliers
            started = time.perf_counter() - progress.seconds
            # 2) one pass over the shuffled train split, each process on its slice of every global batch
            self.model.train()
            sums = progress.sums
            batches = dist.batches(
                len(self.train_set), cfg.train.batch_size, np.random.default_rng([cfg.train.seed, epoch])
            )
            for step, index in itertools.islice(enumerate(batches), progress.step, None):
                shard = dist.shard(index)
                x = densify(self.train_set, shard, cfg.data.pitch_classes).to(self.device)
                out, mu, logvar = self.model(x)
                terms = loss_terms(x, out, mu, logvar, cfg.loss.mask)
                loss = weighted_total(terms, cfg.loss.coefficients, multipliers)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                values = torch.stack([*terms.values(), loss]).detach().cpu() * len(shard)
                values, pause = dist.reduce_step(self.model, values, len(shard) / len(index), self.pause_requested())
                if not torch.isfinite(values).all():
                    raise NonFiniteLoss(
                        epoch, step, [t for t, v in zip(TERMS_AND_TOTAL, values, strict=True) if not v.isfinite()]
                    )
                if cfg.train.clip_grad_norm:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.train.clip_grad_norm)
                self.optimizer.step()
                sums += values
                if pause:
                    self.pause(epoch, EpochProgress(multipliers, step + 1, sums, time.perf_counter() - started))
            train = dict(zip(TERMS_AND_TOTAL, (sums / len(self.train_set)).tolist(), strict=True))
            # 3) validation (on rank 0, shared) and this epoch's record; plugins see it and may request a stop
            record = {
                "epoch": epoch,
                "lr": self.optimizer.param_groups[0]["lr"],
                "weights": multipliers,
                "train": train,
            }
            dist.sync_model(self.model)
            record |= dist.from_main(partial(validate, self.model, self.val_set, cfg, multipliers, self.device))
            record["seconds"] = round(time.perf_counter() - started, 4)
            stop_reasons = dist.main_value(host.stop_requests(view, epoch, record))
            record["events"] = (
                progress.events
                + view.drain_events()
                + [{"source": "core", "level": "stop", "message": r} for r in stop_reasons]
            )
            # 4) persist: metrics line, best model, checkpoint (after plugins, so their state is current)
            improved = record["val_elbo"] < self.best_val_elbo
            self.best_val_elbo = min(self.best_val_elbo, record["val_elbo"])
            if self.run:
                self.run.append_metrics(record)
                if improved:
                    self.run.save_best(self.model, epoch, record["val_elbo"])
            self.save_checkpoint(epoch)
            self.on_epoch_end(record)
            if stop_reasons:
                break
            if dist.any(self.pause_requested()) and epoch + 1 < cfg.train.epochs:
                raise TrainingPaused(epoch + 1, 0)  # the checkpoint of this epoch is on disk
        host.call("mvae_train_end", view, stop_reasons=stop_reasons)
        return TrainResult(view.epoch + 1, stop_reasons, self.best_val_elbo, record, view.drain_events())

    def pause(self, epoch: int, progress: EpochProgress) -> None:
        """Save a checkpoint that continues at step ``progress.step`` of ``epoch``; raise :class:`TrainingPaused`."""
        progress.events = self.view.drain_events()  # emitted this epoch, not yet in a metrics line
        self.save_checkpoint(epoch - 1, progress)
        self.dist.barrier()  # no process exits before rank 0's checkpoint is on disk
        raise TrainingPaused(epoch, progress.step)

    def save_checkpoint(self, epoch: int, progress: EpochProgress | None = None) -> None:
        """``checkpoint.pt`` after ``epoch`` (-1: before training), or inside epoch ``epoch + 1`` with ``progress``.

        Every rank takes part (their random states are gathered); only the trainer with a run directory writes.
        """
        ranks = self.dist.gather(self._rng_state()) if self.dist.world > 1 else None
        if self.run:
            payload = self.checkpoint_payload(epoch)
            if ranks is not None:
                payload["ranks"] = ranks
            if progress is not None:
                payload["progress"] = asdict(progress)
            self.run.save_checkpoint(payload)

    def checkpoint_payload(self, epoch: int) -> dict[str, Any]:
        """Everything a resume needs; plain values and tensors only (loaded with ``weights_only``)."""
        return {
            "epoch": epoch,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            **self._rng_state(),
            "best_val_elbo": self.best_val_elbo,
            "plugins": self.host.state_dict(self.view),
        }

    def _rng_state(self) -> dict[str, Any]:
        cuda = torch.cuda.get_rng_state_all() if self.device.type == "cuda" else []
        return {"torch_rng": torch.get_rng_state(), "cuda_rng": cuda}

    def restore(self, payload: dict[str, Any]) -> None:
        """Continue after the checkpointed epoch, or at the saved step of a mid-epoch checkpoint.

        Each process takes its own random state when the checkpoint was written by as many processes; otherwise
        rank 0's, and ranks > 0 get fresh streams (then the run is not bit-identical to an uninterrupted one).
        """
        self.model.load_state_dict(payload["model"])
        self.optimizer.load_state_dict(payload["optimizer"])
        ranks = payload.get("ranks", [])
        same_layout = len(ranks) == self.dist.world
        state = ranks[self.dist.rank] if same_layout else payload
        torch.set_rng_state(state["torch_rng"])
        if self.device.type == "cuda" and state.get("cuda_rng"):
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        self.best_val_elbo = float(payload["best_val_elbo"])
        self.host.load_state_dict(payload.get("plugins", {}))
        self.start_epoch = int(payload["epoch"]) + 1
        saved = payload.get("progress")
        self.progress = None if saved is None else EpochProgress(**saved)
        if not same_layout and self.dist.world > 1:
            self.dist.decorrelate_rng(self.cfg.train.seed, self.start_epoch)
