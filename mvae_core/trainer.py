"""The trainer core: one readable loop; everything optional is a plugin behind the hook contract.

Per epoch: shuffled batches, one optimiser step each (:meth:`Trainer.train_step`: forward, per-term losses,
weighted total, backward, gradient reduction across processes, non-finite check, optional clipping, Adam step, stop
request?), then validation, the epoch's record (and the lines of its steps: numbers plugins recorded, the losses of
every ``train.step_records``-th step), best model and checkpoint, stop? Where each hook is called in this is
:data:`mvae_core.hookspecs.CALL_SEQUENCE`, the one written copy of the order.

Determinism: the model is initialised from ``train.seed``, each epoch's shuffle is a pure function of (seed, epoch), and
the torch RNG state (dropout, latent noise) is saved in every checkpoint, so a resumed run continues exactly where the
uninterrupted one would be. Plugin hooks draw from a stream of their own (:class:`PluginRandom`, saved beside it), so a
plugin that only watches leaves the training's draws as they are. A stop request (a signal, or ``mvae_core.train``'s
``stop`` event, polled through ``pause_requested`` after every optimiser step) saves a mid-epoch checkpoint, whose
``progress`` (step reached, partial train sums, multipliers, pending events and recorded numbers) lets
:meth:`Trainer.restore` continue at the next step.

Several processes (:mod:`mvae_core.distributed`): each trains on its slice of every global batch; only the trainer
of rank 0 has a run directory (``run``), so only it writes files and plugin state.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
import torch

from mvae_core.allocator import keep_freed_memory
from mvae_core.checkpoint import SETTINGS, UNUSABLE, CheckpointError, load_weights
from mvae_core.config import MvaeConfig
from mvae_core.data.batches import batch_source
from mvae_core.data.split import LoopSet
from mvae_core.determinism import deterministic_algorithms, deterministic_kernels
from mvae_core.distributed import Distributed
from mvae_core.errors import MvaeError
from mvae_core.files import reason
from mvae_core.host import Multipliers, PluginHost, PluginRandom, one_line
from mvae_core.losses import weighted_total
from mvae_core.models import build_model, check_terms, model_code
from mvae_core.models.base import Forward, MelodyModel
from mvae_core.optimizer_layout import relaid_optimizer_state
from mvae_core.out_of_memory import memory_ran_out
from mvae_core.run import RunDir
from mvae_core.run_weights import settings_record
from mvae_core.validation import check_weights_back, validate, weights_copy
from mvae_core.view import PluginOutbox, TrainerView, epoch_number
from mvae_core.wording import noun_for


class NonFiniteLoss(MvaeError, RuntimeError):
    """The loss became NaN or infinite; the message gives the epoch, step and terms (also as the attributes
    ``epoch``, ``step`` and ``terms``), for a term a plugin replaced or added, which plugin (``origins``:
    ``{term: "added by plugin 'x' in mvae_loss"}``), and the plugins that may have caused it otherwise
    (``suspects``: ``{plugin: "set the learning rate in mvae_epoch_start"}``, those that set a learning rate or may
    change the gradients, :func:`_suspects`)."""

    exit_code: int = 1
    epoch: int
    step: int
    terms: list[str]
    origins: dict[str, str]
    suspects: dict[str, str]

    def __init__(
        self, epoch: int, step: int, terms: list[str], origins: dict[str, str] | None = None,
        suspects: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        named = [f"{term} ({origins[term]})" if origins and term in origins else term for term in terms]
        cause = ", ".join(f"{plugin!r} ({what})" for plugin, what in (suspects or {}).items())
        super().__init__(
            f"non-finite loss in epoch {epoch_number(epoch)}, step {step + 1}, {noun_for(len(terms), 'term')} "
            f"{', '.join(named)}" + (f"; a plugin may have caused it: {cause}" if cause else "")
        )
        self.epoch, self.step, self.terms, self.origins = epoch, step, terms, dict(origins or {})
        self.suspects = dict(suspects or {})


class TrainingPaused(Exception):
    """A stop was requested (``pause_requested``: a signal, or a set ``stop`` event); a checkpoint to continue at
    ``epoch``, ``step`` (0-based) was saved."""

    epoch: int
    step: int

    def __init__(self, epoch: int, step: int) -> None:
        super().__init__(f"paused at epoch {epoch}, step {step}")
        self.epoch, self.step = epoch, step


class TrainingInProgress(MvaeError, RuntimeError):
    """A second training in this process while one seeds, restores or trains (see :func:`one_training`)."""

    def __init__(self) -> None:
        super().__init__(
            "another training is running in this process (mvae_core.train in another thread, or a plugin hook that "
            "trains); torch's random state is one per process, so two trainings at once would not be reproducible. "
            "Train one after the other, or each in a process of its own (mvae_core.ablate trains every configuration "
            "in its own)"
        )


_TRAINING = threading.Lock()


@contextmanager
def held_or_refused(lock: threading.Lock) -> Iterator[None]:
    """``lock`` held for the block; :class:`TrainingInProgress` at once, without waiting, when it is held already."""
    if not lock.acquire(blocking=False):
        raise TrainingInProgress()
    try:
        yield
    finally:
        lock.release()


def one_training() -> AbstractContextManager[None]:
    """Held while a trainer seeds and builds its model, restores a checkpoint, or trains: torch's random state and
    deterministic mode belong to the process, so a second training at the same time (another thread, or a hook that
    trains) raises :class:`TrainingInProgress` instead of silently changing both runs."""
    return held_or_refused(_TRAINING)


def refuse_while_training() -> None:
    """Raise :class:`TrainingInProgress` when a training in this process holds :func:`one_training` now: the cheap
    check a new training makes before it reads or writes anything. It can race (a training may start just after it),
    so :func:`one_training` stays the guard."""
    if _TRAINING.locked():
        raise TrainingInProgress()


@dataclass
class EpochProgress:
    """Where an epoch stands: its multipliers, the next step, the summed train losses so far, the multipliers and
    replaced terms of the latest step, its wall and CPU time (``seconds``, ``cpu_seconds``: what its clocks read when
    last read, :meth:`read_clocks`), and what plugins emitted or recorded that is not yet in a metrics line. The fields
    are what a mid-epoch checkpoint saves (``progress``)."""

    multipliers: dict[str, float]
    sources: dict[str, list[list[str]]] = field(default_factory=dict)
    step: int = 0
    sums: dict[str, float] = field(default_factory=dict)
    applied: dict[str, float] = field(default_factory=dict)
    replaced: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    events: list[dict[str, Any]] = field(default_factory=list)
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)

    def start_clocks(self) -> None:
        """Start the epoch's wall and CPU clocks at ``seconds`` and ``cpu_seconds``: the time earlier attempts spent
        in it (0 for an epoch that starts now). The clocks are no fields: a checkpoint saves what they read."""
        self._clocks_started = time.perf_counter() - self.seconds, time.process_time() - self.cpu_seconds

    def read_clocks(self) -> None:
        """``seconds`` and ``cpu_seconds``: the epoch's wall and CPU time so far, earlier attempts' included (after
        :meth:`start_clocks`)."""
        wall, cpu = self._clocks_started
        self.seconds, self.cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu

    def epoch_multipliers(self) -> Multipliers:
        return Multipliers(self.multipliers, self.sources)

    def add(self, values: dict[str, float], applied: dict[str, float], replaced: dict[str, str]) -> None:
        """Count one step: its loss sums (per term, ``total`` included) and what it applied."""
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + value
        self.step, self.applied, self.replaced = self.step + 1, applied, replaced


@dataclass
class TrainResult:
    """How :meth:`Trainer.fit` ended: ``epochs_run`` counts the run's epochs (earlier attempts' included),
    ``stop_reasons`` the plugins' (``[]``: all epochs ran), ``last`` is the last epoch's record."""

    epochs_run: int
    stop_reasons: list[str]
    best_val_elbo: float
    last: dict[str, Any]
    final_events: list[dict[str, Any]]  # emitted in mvae_train_end (after the last metrics line)


MODEL_TO_DEVICE, NOTES_TO_DEVICE = "the model", "the training notes"
"""What a trainer moves to its device as it is built (``Trainer(moving=...)`` is told each): the model, then the
training notes (where ``train.table_on_device`` keeps them there, :func:`~mvae_core.data.batches.batch_source`), where
a device's memory runs out first; and a smaller batch makes neither smaller."""


class Trainer:
    """One run's training: the model (seeded from ``train.seed``), Adam, the plugin host and the loop
    (:meth:`fit`); :meth:`restore` continues from a checkpoint. ``run`` is None where nothing is written (ranks > 0
    under torchrun, tests). ``initial_weights`` (a state dict that fits the model): the weights a new run starts from
    instead of its random ones (``--init-from``), loaded after ``init_from_data``; the random streams are seeded as
    for any run. ``moving`` is told :data:`MODEL_TO_DEVICE` and :data:`NOTES_TO_DEVICE` as each begins to move to the
    device, and None once it is there (what a caller says when the device's memory runs out meanwhile)."""

    cfg: MvaeConfig
    train_set: LoopSet
    val_set: LoopSet
    host: PluginHost
    run: RunDir | None
    dist: Distributed
    device: torch.device
    pause_requested: Callable[[], bool]
    autocast: torch.autocast
    model: MelodyModel
    batch: Callable[[np.ndarray], torch.Tensor]
    plugin_random: PluginRandom
    rng_start: dict[str, Any]
    optimizer: torch.optim.Adam
    outbox: PluginOutbox
    view: TrainerView
    wants_grad_norm: bool
    validation_plugins: list[str]
    start_epoch: int
    best_val_elbo: float

    def __init__(
        self, cfg: MvaeConfig, train: LoopSet, val: LoopSet, host: PluginHost, run: RunDir | None = None,
        device: torch.device | None = None, dist: Distributed | None = None,
        pause_requested: Callable[[], bool] | None = None, initial_weights: Mapping[str, torch.Tensor] | None = None,
        moving: Callable[[str | None], None] | None = None,
    ) -> None:  # fmt: skip
        self.cfg, self.train_set, self.val_set, self.host, self.run = cfg, train, val, host, run
        self.dist = dist or Distributed(device or torch.device("cpu"))
        self.device = self.dist.device
        self.pause_requested = pause_requested or (lambda: False)
        if cfg.train.keep_freed_memory:
            keep_freed_memory()  # process-wide: the steps reuse each other's pages (mvae_core/allocator.py)
        bf16 = cfg.train.precision == "bf16"
        self.autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=bf16)  # the forward pass only
        with one_training():
            torch.manual_seed(cfg.train.seed)
            self.model = build_model(cfg)
            with model_code(cfg.model.name, "init_from_data"), torch.no_grad():  # it sets parameters in place
                self.model.init_from_data(train)
            if initial_weights is not None:  # a run started from another's weights: they win over init_from_data
                load_weights(self.model, dict(initial_weights))
            moving = moving or (lambda part: None)
            moving(MODEL_TO_DEVICE)
            self.model.to(self.device)
            moving(NOTES_TO_DEVICE)
            self.batch = batch_source(train, cfg.data.pitch_classes, self.device, cfg.train.table_on_device)
            moving(None)
            self.dist.decorrelate_rng(cfg.train.seed)
            host.random = self.plugin_random = PluginRandom(cfg.train.seed, self.device)  # apart from the training's
            self.rng_start = self._rng_state()  # where fit() starts the random streams (restore() moves it)
        # fused: one kernel for all parameters (on CPU the default per-tensor Adam took ~30 % of a step)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.train.lr, fused=True)
        steps = sum(1 for _ in self.dist.batches(len(train), cfg.train.batch_size, rng=None))
        self.outbox = PluginOutbox(losses_every=cfg.train.step_records)  # plugins' output and per-step losses
        self.view = TrainerView(  # plugins get a copy of the config: changing it cannot change what the run records
            cfg.model_copy(deep=True),
            self.model,
            self.optimizer,
            run.path if run else None,
            cfg.train.epochs,
            steps,
            _outbox=self.outbox,
            rank=self.dist.rank,
            world_size=self.dist.world,
        )
        host.bind(self.outbox, self.optimizer)
        self.wants_grad_norm = host.wants("grad_norm", "mvae_before_optimizer_step", "mvae_step_end")
        # the plugins that may swap other weights in for validation: the trained ones are checked to come back
        self.validation_plugins = host.implementing("mvae_validation_start", "mvae_validation_end")
        self.start_epoch, self.best_val_elbo = 0, float("inf")
        self.progress: EpochProgress | None = None  # set by restore() from a mid-epoch checkpoint
        self.checkpointed: tuple[int, int] | None = None
        """Where the run's checkpoint continues, as ``(epoch, step)`` (both from 0: the epoch it is in, or the next
        one, and the steps of it done): ``(0, 0)`` for the one written before training; None while this trainer has
        written and restored none (what a stop then finds on disk is no checkpoint of this attempt's)."""
        self.start_events: list[dict[str, Any]] = []  # what plugins emitted before this attempt's first epoch

    def fit(
        self,
        on_epoch_end: Callable[[dict[str, Any]], None] | None = None,
        on_start: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> TrainResult:
        """Train from ``start_epoch`` to ``train.epochs`` (or a stop request); ``on_epoch_end`` gets each record.
        ``on_start`` gets the start-up events before the first epoch runs: what plugins emitted in ``mvae_ramp_end``
        and ``mvae_train_start``, in that order; the same dicts come first in that epoch's record, and a pause leaves
        them out of its checkpoint (the resume emits its own). On CUDA with ``train.deterministic``, under
        deterministic kernels (:mod:`mvae_core.determinism`)."""
        with one_training(), deterministic_algorithms(deterministic_kernels(self.cfg.train.deterministic, self.device)):
            self._set_rng_state(self.rng_start)
            try:
                return self._run_epochs(on_epoch_end, on_start)
            except (Exception, KeyboardInterrupt) as exc:  # the one place a training that began ends otherwise
                self._tell_interrupted(exc)
                raise

    def _tell_interrupted(self, exc: BaseException) -> None:
        """``mvae_train_interrupted`` with how ``exc`` ended the training (:func:`ending`); an error a plugin raises
        there is added to ``exc`` as a note: the run's own error stays the one it ends with."""
        try:
            self.host.hook.mvae_train_interrupted(trainer=self.view, reason=ending(exc))
        except (Exception, KeyboardInterrupt) as also:
            exc.add_note(f"then, in mvae_train_interrupted: {also}")

    def _run_epochs(
        self,
        on_epoch_end: Callable[[dict[str, Any]], None] | None,
        on_start: Callable[[list[dict[str, Any]]], None] | None,
    ) -> TrainResult:
        """:meth:`fit`'s loop over the epochs."""
        cfg, view, host, dist = self.cfg, self.view, self.host, self.dist
        self._start_training(on_start)
        record: dict[str, Any] = {}
        stop_reasons: list[str] = []
        for epoch in range(self.start_epoch, cfg.train.epochs):
            view._epoch = epoch
            # 1) mutators, then this epoch's loss-weight multipliers (already applied if resuming mid-epoch); clocks on
            progress = self._open_epoch(epoch)
            # 2) one pass over the shuffled train split; a stop request pauses it with a checkpoint
            self._train_epoch(epoch, progress)
            # 3) validation and the epoch's record, which plugins see (they may request a stop)
            record, stop_reasons = self._close_epoch(epoch, progress)
            # 4) persist: metrics line, best model, checkpoint (after plugins, so their state is current)
            self._persist(epoch, record)
            if on_epoch_end is not None:
                on_epoch_end(record)
            if stop_reasons:
                break
            if dist.any(self.pause_requested()) and epoch + 1 < cfg.train.epochs:
                raise TrainingPaused(epoch + 1, 0)  # the checkpoint of this epoch is on disk
        host.hook.mvae_train_end(trainer=view, stop_reasons=stop_reasons)
        epochs_run = view.epoch + 1 if record else self.start_epoch  # no record: no epoch was left to run
        final_events = self.outbox.drain_events() + self._stop_after_the_last_step(epochs_run)
        return TrainResult(epochs_run, stop_reasons, self.best_val_elbo, record, final_events)

    def _stop_after_the_last_step(self, epochs_run: int) -> list[dict[str, Any]]:
        """A stop requested after the run's last training step (in its last epoch's validation or saving, or in
        ``mvae_train_end``), which found no step left to pause at (one before it pauses the run: :meth:`pause`): the
        run is complete, and a warning after its last metrics line says so, since it did not stop as asked."""
        if not self.dist.any(self.pause_requested()):
            return []
        message = (
            f"a stop request (a signal, or the stop event) came after the last training step of epoch {epochs_run}, "
            "the run's last: there was nothing left to pause, and the run is complete"
        )
        return [{"source": "core", "level": "warning", "message": message}]

    def _start_training(self, on_start: Callable[[list[dict[str, Any]]], None] | None) -> None:
        """This attempt's start, before its first epoch: ``trainer`` at the first step it trains (a mid-epoch
        resume's step, else 0), the ramps' end (``mvae_ramp_end``), ``mvae_train_start`` (what plugins emitted in
        both: :attr:`start_events`, given to ``on_start``), the model the same on every process, and a new run's
        checkpoint before training."""
        view, host = self.view, self.host
        view._epoch, view._step = self.start_epoch, self.progress.step if self.progress else 0
        view._ramps_end = host.ramps_end(view)
        host.hook.mvae_train_start(trainer=view)
        self.start_events = self.outbox.pending_events()  # this attempt's, about the run as now planned
        if on_start is not None:
            on_start(list(self.start_events))
        self.dist.sync_model(self.model)
        if self.start_epoch == 0 and self.progress is None:  # an interrupt in epoch 0 can resume from here
            self.save_checkpoint(epoch=-1)

    def _open_epoch(self, epoch: int) -> EpochProgress:
        """Where ``epoch`` starts: the progress a mid-epoch resume restored, else ``mvae_epoch_start`` (the mutators)
        and then the epoch's loss-weight multipliers, both seeing the epoch's first step (``trainer.step`` 0); its
        clocks started (:meth:`EpochProgress.start_clocks`)."""
        progress, self.progress = self.progress, None
        if progress is None:
            self.view._step = 0
            self.host.hook.mvae_epoch_start(trainer=self.view, epoch=epoch)
            multipliers = self.host.epoch_multipliers(self.view, epoch)
            progress = EpochProgress(multipliers.values, multipliers.sources)
        progress.start_clocks()
        return progress

    def _train_epoch(self, epoch: int, progress: EpochProgress) -> None:
        """The training steps of ``epoch`` from ``progress.step`` on (:meth:`train_step`) over its shuffled batches,
        each process on its slice of every global batch; a stop request saves a checkpoint at the next step and
        raises :class:`TrainingPaused` (:meth:`pause`). Leaves ``trainer.step`` at the epoch's last step (also where a
        resume began past it), which the validation and epoch-end hooks see."""
        cfg = self.cfg
        self.model.train()
        rng = np.random.default_rng([cfg.train.seed, epoch])
        batches = self.dist.batches(len(self.train_set), cfg.train.batch_size, rng)
        for step, index in itertools.islice(enumerate(batches), progress.step, None):
            if self.train_step(progress, epoch, step, index):
                self.pause(epoch, progress)
        self.view._step = progress.step - 1

    def _close_epoch(self, epoch: int, progress: EpochProgress) -> tuple[dict[str, Any], list[str]]:
        """The record of ``epoch`` (its metrics line: train sums, validation on rank 0 shared with every process,
        clocks, events, plugins' numbers) and the stops plugins request on seeing it."""
        dist = self.dist
        lr = float(self.optimizer.param_groups[0]["lr"])  # a plugin may set a numpy float or a tensor
        record = {"epoch": epoch, "lr": lr, "weights": progress.applied}
        record["train"] = {name: total / len(self.train_set) for name, total in progress.sums.items()}
        record |= {"replaced": progress.replaced} if progress.replaced else {}
        self.view._multipliers = MappingProxyType(progress.applied)  # also after a resume at the epoch's end
        record |= self._validation(epoch, progress.applied)
        progress.read_clocks()
        record["seconds"] = round(progress.seconds, 4)  # CLOCK_KEYS
        record["cpu_seconds"] = round(progress.cpu_seconds, 4)
        stop_reasons = dist.main_value(self.host.stop_requests(self.view, epoch, record))
        start, later = self._drain_events()
        stops = [{"source": "core", "level": "stop", "message": r} for r in stop_reasons]
        record["events"] = start + progress.events + later + stops
        if recorded := _merged(progress.recorded, self.outbox.drain_metrics()):
            record["plugins"] = recorded
        return record, stop_reasons

    def _validation(self, epoch: int, multipliers: dict[str, float]) -> dict[str, Any]:
        """The validation part of ``epoch``'s record: every process calls ``mvae_validation_start``, rank 0 validates
        (:meth:`validate`) and shares the result, every process calls ``mvae_validation_end`` with it. When plugins
        implement these hooks, the trained weights must be back after them (:func:`check_weights_back`), and the
        weights validation scored are kept for ``mvae_epoch_end`` (``trainer.scored_weights()``) and the best
        model."""
        view, hook = self.view, self.host.hook
        self.dist.sync_model(self.model)
        trained = weights_copy(self.model) if self.validation_plugins else None
        hook.mvae_validation_start(trainer=view, epoch=epoch)
        metrics = self.dist.from_main(partial(self.validate, epoch, multipliers))
        if trained is not None:
            self.view._scored = weights_copy(self.model)
        self.host.validation_ended(view, epoch, metrics)
        if trained is not None:
            check_weights_back(self.model, trained, self.validation_plugins)
        return metrics

    def _persist(self, epoch: int, record: dict[str, Any]) -> None:
        """The end of ``epoch`` on disk: its steps' lines (:meth:`_write_steps`), its metrics line, the model when its
        ``val_elbo`` is the best yet (the weights validation scored), and the checkpoint (every process takes part;
        the trainer with a run directory writes)."""
        improved = record["val_elbo"] < self.best_val_elbo
        self.best_val_elbo = min(self.best_val_elbo, record["val_elbo"])
        self._write_steps()
        if self.run:
            self.run.append_metrics(record)
            if improved:
                self.run.save_best(self.view.scored_weights(), epoch, record["val_elbo"])
        self.view._scored = None  # the next epoch trains the model's own
        self.save_checkpoint(epoch)

    def train_step(self, progress: EpochProgress, epoch: int, step: int, index: np.ndarray) -> bool:
        """One optimiser step on the global batch ``index`` (this process's slice of it); counts it in ``progress``.
        Returns whether any process asked to stop (``pause_requested``)."""
        cfg, view, host, dist = self.cfg, self.view, self.host, self.dist
        view._step = step
        self.outbox.open_step()  # trainer.record_step records from here to the end of mvae_step_end
        multipliers = progress.epoch_multipliers().times(host.step_multipliers(view, epoch, step))
        view._multipliers = MappingProxyType(multipliers.values)  # what mvae_loss sees: the terms plugins set
        shard = dist.shard(index)
        x = self.batch(shard)
        with self.autocast:
            output = self.model(x)
        terms, replaced, added = self.loss_terms(x, output, "train")
        applied = multipliers.applied(terms)
        view._multipliers = MappingProxyType(applied)  # from here on: every term of the step
        loss = weighted_total(terms, cfg.loss.coefficients, applied)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        names = [*terms, "total"]
        values = torch.stack([*terms.values(), loss]).detach().cpu() * len(shard)
        values, pause = dist.reduce_step(self.model, values, len(shard) / len(index), self.pause_requested())
        if not torch.isfinite(values).all():
            bad = [t for t, v in zip(names, values, strict=True) if not v.isfinite()]
            raise NonFiniteLoss(epoch, step, bad, _plugin_terms(replaced, added), _suspects(host))
        grad_norm = self.grad_norm() if self.wants_grad_norm else None
        host.hook.mvae_before_optimizer_step(trainer=view, epoch=epoch, step=step, grad_norm=grad_norm)
        if cfg.train.clip_grad_norm:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.train.clip_grad_norm)
        self.optimizer.step()
        sums = dict(zip(names, values.tolist(), strict=True))
        progress.add(sums, applied, replaced)
        losses = {name: value / len(index) for name, value in sums.items()}
        host.hook.mvae_step_end(trainer=view, epoch=epoch, step=step, losses=dict(losses), grad_norm=grad_norm)
        self.outbox.close_step(epoch, step, view.global_step, losses)
        return pause

    def loss_terms(
        self, x: torch.Tensor, output: Forward, split: str
    ) -> tuple[dict[str, torch.Tensor], dict[str, str], dict[str, str]]:
        """The batch's loss terms: the core's (checked against the model contract), then plugins' replacements and
        additions (``mvae_loss``); and which plugin replaced and added which (:meth:`PluginHost.adjust_terms`)."""
        core = self.model.loss_terms(x, output, self.cfg.loss.mask)
        check_terms(self.cfg.model.name, core, self.model.added_terms())
        return self.host.adjust_terms(self.view, x, output, core, split)

    def validate(self, epoch: int, multipliers: dict[str, float]) -> dict[str, Any]:
        """The validation part of the epoch record; plugins see every batch (``mvae_loss``, then
        ``mvae_validation_batch``). A term of a plugin's that is not finite on the validation set is a warning event
        naming the plugin (training stops at a non-finite training loss, but validation alone only shows ``val
        non-finite``; ``val_elbo``, from the model's own terms, still chooses the best epoch)."""
        owners: dict[str, str] = {}  # the terms plugins replaced or added, by plugin

        def adjust(x: torch.Tensor, output: Forward) -> tuple[dict[str, torch.Tensor], dict[str, str], dict[str, str]]:
            terms, replaced, added = self.loss_terms(x, output, "val")
            owners.update(replaced | added)
            return terms, replaced, added

        def on_batch(x: torch.Tensor, output: Forward, terms: dict[str, torch.Tensor]) -> None:
            self.host.hook.mvae_validation_batch(trainer=self.view, epoch=epoch, batch=x, output=output, terms=terms)

        record = validate(self.model, self.val_set, self.cfg, multipliers, self.device, adjust, on_batch)
        for term, plugin in owners.items():
            if not math.isfinite(record["val"].get(term, 0.0)):
                self.outbox.events.append({"source": plugin, "level": "warning", "message": (
                    f"its loss term {term!r} is not finite on the validation set (val.{term} = null in metrics.jsonl; "
                    "val_elbo, from the model's own terms, still chooses the best epoch)")})  # fmt: skip
        return record

    def grad_norm(self) -> float:
        """The global L2 norm of the current gradient."""
        grads = [p.grad for p in self.model.parameters() if p.grad is not None]
        return float(torch.nn.utils.get_total_norm(grads)) if grads else 0.0

    def pause(self, epoch: int, progress: EpochProgress) -> None:
        """Save a checkpoint that continues at step ``progress.step`` of ``epoch``, with the epoch's clocks read
        (:meth:`EpochProgress.read_clocks`); raise :class:`TrainingPaused`."""
        progress.read_clocks()
        progress.events += self._drain_events()[1]  # emitted this epoch, not yet in a metrics line; the start-up
        # events are left out: the resume emits its own, for the run as it is then planned (--epochs may change)
        progress.recorded = _merged(progress.recorded, self.outbox.drain_metrics())
        self._write_steps()  # the resume writes the steps after it
        self.save_checkpoint(epoch - 1, progress)
        self.dist.barrier()  # no process exits before rank 0's checkpoint is on disk
        raise TrainingPaused(epoch, progress.step)

    def _write_steps(self) -> None:
        """The lines of the steps that recorded numbers since the last write, appended to ``steps.jsonl`` (by the
        trainer with a run directory; every process drains its own), before the checkpoint that continues after
        them."""
        steps = self.outbox.drain_steps()
        if self.run and steps:
            self.run.append_steps(steps)

    def _drain_events(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The pending events: this attempt's start-up events (:attr:`start_events`, until an epoch's record takes
        them), and the others."""
        events, start = self.outbox.drain_events(), {id(e) for e in self.start_events}
        return [e for e in events if id(e) in start], [e for e in events if id(e) not in start]

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
        self.checkpointed = (epoch + 1, progress.step if progress is not None else 0)

    def checkpoint_payload(self, epoch: int) -> dict[str, Any]:
        """Everything a resume needs, and the settings the run trains with (:data:`~mvae_core.checkpoint.SETTINGS`: a
        resume compares them with ``config.toml``); plain values and tensors only (loaded with ``weights_only``)."""
        return {
            "epoch": epoch,
            "model": self.model.state_dict(),
            "optimizer": _plain_numbers(self.optimizer.state_dict()),
            **self._rng_state(),
            "best_val_elbo": self.best_val_elbo,
            "plugins": self.host.state_dict(self.view),
            SETTINGS: settings_record(self.cfg),
        }

    def _rng_state(self) -> dict[str, Any]:
        """This process's random streams: the training's (CPU, and every CUDA device on a CUDA run) and the plugins'
        (:class:`~mvae_core.host.PluginRandom`)."""
        cuda = torch.cuda.get_rng_state_all() if self.device.type == "cuda" else []
        return {"torch_rng": torch.get_rng_state(), "cuda_rng": cuda, "plugin_rng": dict(self.plugin_random.state)}

    def _set_rng_state(self, state: dict[str, Any]) -> None:
        """The random streams of :meth:`_rng_state` (a CPU run ignores a checkpoint's CUDA streams; a checkpoint
        without ``plugin_rng``, from before it was saved, leaves the plugin stream as seeded)."""
        torch.set_rng_state(state["torch_rng"])
        if self.device.type == "cuda" and state.get("cuda_rng"):
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        if "plugin_rng" in state:
            self.plugin_random.load(state["plugin_rng"])

    def restore(self, payload: dict[str, Any]) -> None:
        """Continue after the checkpointed epoch, or at the saved step of a mid-epoch checkpoint.

        Each process takes its own random state when the checkpoint was written by as many processes; otherwise
        rank 0's, and ranks > 0 get fresh streams (then the run is not bit-identical to an uninterrupted one). The
        run's ``steps.jsonl`` loses the lines of the steps the continuation trains again.
        """
        with one_training():
            self._restore(payload)
            self.rng_start = self._rng_state()
        if self.run:  # lines past the checkpoint: written before a kill that came ahead of the checkpoint
            step = self.progress.step if self.progress else 0
            self.run.truncate_steps(self.start_epoch * self.view.steps_per_epoch + step)

    def _restore(self, payload: dict[str, Any]) -> None:
        load_weights(self.model, payload["model"])
        try:
            self.optimizer.load_state_dict(payload["optimizer"])
        except ValueError:  # torch: the saved parameter groups differ in number or size from this model's
            self._load_relaid_optimizer(payload)
        except (TypeError, KeyError, IndexError, RuntimeError) as exc:  # contents no optimizer wrote
            if memory_ran_out(exc):  # its state moved to a device without room: the machine's failure, not the file's
                raise
            raise CheckpointError(f"its optimizer state cannot be used ({reason(exc)}); {UNUSABLE}") from None
        ranks = payload.get("ranks", [])
        per_rank = len(ranks) == self.dist.world  # a state for each process of this job (none in one process)
        state = ranks[self.dist.rank] if per_rank else payload
        try:
            self._set_rng_state(state)
        except (TypeError, KeyError, IndexError, RuntimeError) as exc:  # e.g. a state of 3 bytes
            if memory_ran_out(exc):  # CUDA's own allocations may fail in any call to it
                raise
            raise CheckpointError(f"its random state cannot be used ({reason(exc)}); {UNUSABLE}") from None
        self.best_val_elbo = float(payload["best_val_elbo"])
        self.host.load_state_dict(payload.get("plugins", {}))
        self.start_epoch = int(payload["epoch"]) + 1
        saved = payload.get("progress")
        try:
            self.progress = None if saved is None else EpochProgress(**saved)
        except TypeError:
            raise CheckpointError(
                "the checkpoint was written in the middle of an epoch by an older mvae; resume it with that version, "
                "or start a new run"
            ) from None
        if not per_rank and self.dist.world > 1:
            self.dist.decorrelate_rng(self.cfg.train.seed, self.start_epoch)
        self.checkpointed = (self.start_epoch, self.progress.step if self.progress is not None else 0)

    def _load_relaid_optimizer(self, payload: dict[str, Any]) -> None:
        """The optimizer state of a checkpoint written with another layout of the model's layers, converted like the
        weights (:mod:`mvae_core.optimizer_layout`); a :class:`CheckpointError` saying what to do when it cannot be."""
        try:
            self.optimizer.load_state_dict(relaid_optimizer_state(self.model, payload["model"], payload["optimizer"]))
        except (CheckpointError, ValueError, RuntimeError, KeyError) as exc:
            if memory_ran_out(exc):  # the converted state moved to a device without room: as in _restore
                raise
            raise CheckpointError(
                f"the checkpoint's optimizer state does not fit this model's parameters ({exc}); its model still "
                "loads for generate, evaluate and export, but to continue training resume it with the mvae that "
                "wrote it, or start a new run"
            ) from None


def _plugin_terms(replaced: dict[str, str], added: dict[str, str]) -> dict[str, str]:
    """Which plugin replaced or added each loss term that is not the model's own (``mvae_loss``), for error
    messages."""
    return {term: f"added by plugin {plugin!r} in mvae_loss" for term, plugin in added.items()} | {
        term: f"replaced by plugin {plugin!r} in mvae_loss" for term, plugin in replaced.items()
    }


def ending(exc: BaseException) -> str:
    """How ``exc`` ended a training, as ``mvae_train_interrupted`` gets it: ``paused: …`` (a checkpoint continues
    it), ``interrupted: …`` (a ``KeyboardInterrupt`` raised in code) or ``failed: <the error's message>``."""
    if isinstance(exc, TrainingPaused):
        where = (
            f"after epoch {exc.epoch}" if exc.step == 0 else f"at step {exc.step} of epoch {epoch_number(exc.epoch)}"
        )
        return f"paused: stopped {where} and checkpointed"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted: KeyboardInterrupt raised in the middle of a step or hook; nothing checkpointed then"
    return (
        f"failed: {one_line(exc)}" if isinstance(exc, MvaeError) else f"failed: {type(exc).__name__}: {one_line(exc)}"
    )


def _suspects(host: PluginHost) -> dict[str, str]:
    """The plugins that may have made the loss non-finite besides its terms, for :class:`NonFiniteLoss`: those that
    set a learning rate in this run (checked to be a finite number >= 0, but it may be too high), and those that may
    change the gradients before the optimiser step (``mvae_before_optimizer_step``)."""
    said = {plugin: [f"set the learning rate in {hook}"] for plugin, hook in host.lr_setters.items()}
    for plugin in host.implementing("mvae_before_optimizer_step"):
        said.setdefault(plugin, []).append("may change the gradients in mvae_before_optimizer_step")
    return {plugin: " and ".join(said[plugin]) for plugin in host.names if plugin in said}  # in the plugins' order


def _plain_numbers(optimizer_state: dict[str, Any]) -> dict[str, Any]:
    """An optimizer's ``state_dict`` with the numpy numbers of its parameter groups (a learning rate a plugin set
    with numpy) as Python numbers of the same value: a ``weights_only`` load refuses numpy scalars, so the
    checkpoint could not be resumed. The groups are the state dict's copies; the optimizer keeps its own."""
    for group in optimizer_state["param_groups"]:
        group.update({key: value.item() for key, value in group.items() if isinstance(value, np.generic)})
    return optimizer_state


def _merged(first: dict[str, dict[str, Any]], then: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Numbers recorded per plugin: ``then``'s values win for keys recorded in both."""
    return {name: first.get(name, {}) | then.get(name, {}) for name in [*first, *then]}
