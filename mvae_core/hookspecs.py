"""The plugin contract: every hook a plugin may implement, one documented function each.

Hooks are called through pluggy (``pm.hook.<name>(...)``) with keyword arguments only; an implementation may accept
any subset of a hook's arguments, by name. :func:`mvae_core.plugins.check_hooks` checks every plugin at start-up, so
a misspelt hook or argument name (with a default or not), ``*args``/``**kwargs`` or a keyword-only argument (never
passed), a hook marked by another project's marker, and a plugin with no hook are errors naming the plugin.
Implement a hook by decorating a method with :data:`mvae_core.hookimpl` and naming it as below. pluggy's options
work as in pytest: ``tryfirst``/``trylast`` order implementations, ``wrapper=True`` (and the old-style
``hookwrapper=True``) wraps every other implementation of a hook, and pluggy's tracing sees every call.

The order in which the trainer calls the hooks is :data:`CALL_SEQUENCE`, the one written copy of it: docs/hooks.md
shows the same text (``tests/test_docs.py`` compares them) and ``tests/test_hooks.py`` checks a real run against it.

``trainer`` is a :class:`mvae_core.view.TrainerView`: the documented, public face of the running trainer (epoch,
step, epochs, optimiser, model, config, run directory, ``ramps_end``, ``multipliers``, ``emit``, ``record``). Plugins
never touch anything else, and talk to each other only through hooks (e.g. a warm-up publishes where it ends through
``mvae_ramp_end``, and early stopping reads ``trainer.ramps_end``), never by name. Within one hook, plugins are
called in the order ``plugins.enabled`` names them (:class:`mvae_core.host.PluginHost` registers them so;
``tryfirst``/``trylast`` respected); correctness must never depend on that order: results are combined
order-independently (multipliers multiply, a term replaced twice is an error).

Every returned value is checked, and an error names the plugin and the hook. Hooks whose result is "ignored" may
return anything.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import torch

    from mvae_core.config import MvaeConfig
    from mvae_core.models.base import Forward
    from mvae_core.view import TrainerView

hookspec: pluggy.HookspecMarker = pluggy.HookspecMarker("mvae")
hookimpl: pluggy.HookimplMarker = pluggy.HookimplMarker("mvae")
"""Marks a plugin method (or module function) as the implementation of the hook of the same name."""

CALL_SEQUENCE = """\
mvae_check_config(config)                       # before any data is read (mvae ablate: every configuration first)
mvae_added_terms(config)                        # with it: the loss terms each plugin's mvae_loss adds
mvae_watched_entries(config)                    # with it: the record entries settings watch, checked
mvae_load_state_dict(state)                     # only on resume, per plugin, with the state that plugin saved
mvae_ramp_end(trainer)                          # collected: trainer.ramps_end = the latest epoch any ramp ends
mvae_train_start(trainer)
mvae_state_dict(trainer)                        # only when starting at epoch 0: the checkpoint before training
for each epoch:
    mvae_epoch_start(trainer, epoch)            # mutators, e.g. the learning rate
    mvae_loss_weights(trainer, epoch)           # collected: this epoch's multipliers per term (they multiply)
    for each step (one shuffled batch):
        mvae_step_start(trainer, epoch, step)   # collected: this step's multipliers, times the epoch's
        ... forward pass, the core's loss terms ...
        mvae_loss(trainer, batch, output, terms, split)   # split "train"; collected: added and replaced terms
        ... weighted total, backward, gradients reduced across processes, non-finite check ...
        mvae_before_optimizer_step(trainer, epoch, step, grad_norm)   # gradients final: clip, inspect
        ... train.clip_grad_norm, optimiser step ...
        mvae_step_end(trainer, epoch, step, losses, grad_norm)
    mvae_validation_start(trainer, epoch)       # may swap the weights to score in (e.g. an average)
    for each validation batch:
        mvae_loss(trainer, batch, output, terms, split)   # split "val"
        mvae_validation_batch(trainer, epoch, batch, output, terms)
    mvae_validation_end(trainer, epoch, metrics)   # the trained weights back (checked)
    mvae_epoch_end(trainer, epoch, metrics)     # every plugin runs; then stop requests are collected
    ... metrics.jsonl line (events and recorded numbers included), best model (the weights validation scored) ...
    mvae_state_dict(trainer)                    # per plugin, saved under the plugin's name in checkpoint.pt
    (stop here if any plugin requested it)
mvae_train_end(trainer, stop_reasons)
mvae_train_interrupted(trainer, reason)         # instead of the rest, once training began: paused, interrupted, failed
"""
"""The order of hook calls in one run. The three config-time hooks (``mvae_check_config``, ``mvae_added_terms``,
``mvae_watched_entries``) are called by :func:`mvae_core.train` before any data is read (and by ``mvae ablate`` for
every configuration, and ``mvae data inspect`` as a dry run of its config), the others by the trainer. SIGINT/SIGTERM
stop training after the current step (after the next one when they arrive during the step's hooks, once its processes
agreed on it) with a mid-epoch checkpoint (``mvae_state_dict`` runs then too); resuming it continues that epoch at its
next step *without* calling that epoch's ``mvae_epoch_start`` and ``mvae_loss_weights`` again (the multipliers are in
the checkpoint). Under ``torchrun`` every hook runs in every process on the same metrics (``mvae_check_config`` on the
same config), except validation (``split="val"`` and ``mvae_validation_batch``) and ``mvae_state_dict``, which run in
rank 0 only; ``mvae_validation_start`` and ``mvae_validation_end`` run in every process. A training that began
(``mvae_ramp_end`` on) and ends any other way than through ``mvae_train_end`` (a pause, Ctrl-C, a failure, in
``mvae_train_end`` too) calls ``mvae_train_interrupted`` instead of the hooks left."""


@hookspec
def mvae_check_config(config: MvaeConfig) -> None:
    """Called once per run before any data is read (a new run, a resume and every configuration of ``mvae ablate``
    before its first run starts; and ``mvae data inspect``, a dry run of its config), with the whole config the run
    would train with: a plugin may refuse it.

    :param config: the validated :class:`~mvae_core.config.MvaeConfig`, every setting resolved (defaults included,
        this plugin's own section and the model's too; on resume the run's ``config.toml`` with its new epoch budget).
        Read it; never change it.

    Return value: ``None``. A plugin refuses the config by raising :class:`mvae_core.ConfigError` with a message that
    names the field (``train.epochs = 10: ...``), as a model's ``check_config`` does; mvae adds the plugin's name
    (``plugin 'x' refuses the config: <message>``), and the run ends before anything is read or written (``mvae``
    exits 2; a Python caller gets that :class:`~mvae_core.ConfigError`). Any other exception, or a returned value, is a
    :class:`PluginError` naming the plugin and this hook. Under torchrun it runs in every process, before they
    meet: decide on ``config`` alone, so that every process decides alike. For settings that are fine on their own
    but wrong with the rest of the config (a ramp longer than ``train.epochs``, a setting of another section it
    needs); a doubt that should not stop the run is a warning in ``mvae_train_start``.

    Example::

        @hookimpl
        def mvae_check_config(self, config):
            if self.config.epochs > config.train.epochs:
                raise ConfigError(
                    f"plugins.warmup.epochs = {self.config.epochs}: longer than the run (train.epochs = "
                    f"{config.train.epochs}); shorten it or train longer"
                )
    """


@hookspec
def mvae_added_terms(config: MvaeConfig) -> list[str] | None:
    """Called once per run before any data is read, right after ``mvae_check_config``: the loss terms this plugin's
    ``mvae_loss`` adds, declared before the run starts (they become ``train.<term>``, ``val.<term>`` and
    ``weights.<term>`` of every epoch's record).

    :param config: the run's config, as ``mvae_check_config`` gets it (a term whose name follows a setting reads it
        here).

    Return value: a list of term names (no dot, no surrounding spaces, not a core term's name: a replaced term is no
    added term) or ``None``. mvae checks the entries that plugins' settings watch against them
    (``mvae_watched_entries``), so a setting naming an added term is accepted before training, and a misspelt one is
    refused with the closest name. Declaring a term that ``mvae_loss`` then never adds makes a watched entry fail at
    the first epoch instead. A plugin that adds terms without declaring them (written before this hook) still
    trains, and while it runs a watched name far from every known term is left to the first epoch's record.

    Example::

        @hookimpl
        def mvae_added_terms(self):
            return ["mu_l2"]
    """


@hookspec
def mvae_watched_entries(config: MvaeConfig) -> dict[str, str] | None:
    """Called once per run before any data is read, after ``mvae_added_terms``: the entries of the epoch's record
    (``metrics`` of ``mvae_epoch_end``) that this plugin's settings name, so that a misspelt one is refused before
    the run starts instead of after its first epoch.

    :param config: the run's config, as ``mvae_check_config`` gets it.

    Return value: ``{setting: entry}`` (``{"monitor": "val.kll"}``: a setting of the plugin's own section, dotted
    below it, and the dotted entry it names) or ``None``; the error names ``plugins.<name>.<setting>``, with the name
    the plugin runs under. An entry of ``train``, ``val`` or ``weights`` must name a term of the run:
    a core term, one the model adds with the run's settings (``MelodyModel.added_terms``), ``total`` (not in
    ``weights``), or a term a plugin declared in ``mvae_added_terms``. One that does
    not is a :class:`mvae_core.ConfigError` naming the setting, with the closest term (``mvae`` exits 2, nothing
    read or written); so is an entry of ``timing_std`` other than ``data`` and ``recon``, the same in every run.
    Other entries are the plugin's to check (in its ``Config``).

    Example::

        @hookimpl
        def mvae_watched_entries(self):
            return {"monitor": self.config.monitor}
    """


@hookspec
def mvae_ramp_end(trainer: TrainerView) -> int | None:
    """Called once per run, before ``mvae_train_start`` (on resume: again, after ``mvae_load_state_dict``): the
    first epoch at which this plugin's ramp is over.

    :param trainer: the public view of the trainer (``trainer.epochs`` is the run's length).

    Return value: the first epoch (a whole number >= 0, counted from 0) from which this plugin's loss-weight
    multipliers no longer change, or ``None`` for a plugin without a ramp. The core takes the latest over all plugins
    as ``trainer.ramps_end`` (0 when nobody ramps), so that plugins comparing losses over epochs (early stopping,
    monitors) can wait until the objective is stationary without knowing which plugins ramp.

    Example::

        @hookimpl
        def mvae_ramp_end(self, trainer):
            return 20  # multiplier min(1, epoch / 20) is final from epoch 20
    """


@hookspec
def mvae_train_start(trainer: TrainerView) -> None:
    """Called once before the first epoch of a run (on resume: after state was restored, before the next epoch).

    :param trainer: the public view of the trainer; ``trainer.epoch`` is the first epoch about to run.

    Return value: ignored.

    Use it to validate settings against the run (``trainer.epochs``) and ``trainer.emit`` a warning.

    Example::

        @hookimpl
        def mvae_train_start(self, trainer):
            if self.config.epochs > trainer.epochs:
                trainer.emit("ramp longer than the run")
    """


@hookspec
def mvae_epoch_start(trainer: TrainerView, epoch: int) -> None:
    """Called at the start of every epoch, before loss weights are collected and before any batch.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch about to run, counted from 0.

    Return value: ignored.

    This is the place for mutators, e.g. a learning-rate schedule that sets ``group["lr"]`` on each of
    ``trainer.optimizer.param_groups`` **in place** (never re-create the optimiser: Adam's moments would be lost).

    Example::

        @hookimpl
        def mvae_epoch_start(self, trainer, epoch):
            for group in trainer.optimizer.param_groups:
                group["lr"] = self.base_lr * 0.5 ** (epoch // 10)
    """


@hookspec
def mvae_loss_weights(trainer: TrainerView, epoch: int) -> dict[str, float] | None:
    """Called once per epoch, after ``mvae_epoch_start``; returns loss-weight multipliers for this epoch.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch about to run, counted from 0.

    Return value: ``{term: multiplier}`` or ``None``. Terms are the core's ``onset``, ``velocity``, ``duration``,
    ``timeshift`` and ``kl``, plus any term a plugin's ``mvae_loss`` returns in that training step; a term the step
    does not have (an added term counts only in the steps whose ``mvae_loss`` returned it) is an error naming the
    plugin. Each multiplier must be a finite number >= 0. The core multiplies
    **every** returned multiplier for a term (and every ``mvae_step_start`` multiplier) onto that term's base
    coefficient (``loss.coefficients``; 1 for added terms): two plugins returning ``{"kl": 0.5}`` give ``kl`` weight
    ``0.25 × coefficient``. Terms nobody returns keep multiplier 1. The multipliers of the epoch's last step are
    logged in ``metrics.jsonl`` under ``weights``.

    Example::

        @hookimpl
        def mvae_loss_weights(self, trainer, epoch):
            return {"kl": min(1.0, epoch / 20)}
    """


@hookspec
def mvae_step_start(trainer: TrainerView, epoch: int, step: int) -> dict[str, float] | None:
    """Called before every optimiser step (before its forward pass); may return multipliers for this step only.

    :param trainer: the public view of the trainer; ``trainer.global_step`` counts steps over the run.
    :param epoch: the current epoch, counted from 0.
    :param step: the step within the epoch, counted from 0 (``trainer.steps_per_epoch`` steps per epoch).

    Return value: ``{term: multiplier}`` or ``None``, checked and combined as for ``mvae_loss_weights``: every
    multiplier of a term, from this hook and from the epoch's ``mvae_loss_weights``, is multiplied together. Use it for
    schedules that move within an epoch, at ``epoch + step / trainer.steps_per_epoch``. Mutators that must act per
    step (a per-step learning rate) set ``trainer.optimizer.param_groups`` here. A plugin that keeps per-step state
    must save it in ``mvae_state_dict``: a run stopped mid-epoch resumes at the next step.

    Example::

        @hookimpl
        def mvae_step_start(self, trainer, epoch, step):
            return {"kl": min(1.0, (epoch + step / trainer.steps_per_epoch) / 20)}
    """


@hookspec
def mvae_loss(
    trainer: TrainerView, batch: torch.Tensor, output: Forward, terms: dict[str, torch.Tensor], split: str
) -> dict[str, torch.Tensor] | None:
    """Called for every batch, training and validation, after the core computed its loss terms; may add terms or
    replace one.

    :param trainer: the public view of the trainer.
    :param batch: the dense batch ``[B, 4, pitch_classes, 32]`` (onset, velocity, duration, timeshift).
    :param output: the model's :class:`~mvae_core.models.base.Forward`: ``decoded`` (the decoder's training output;
        its type depends on ``[model] name``: ``melody_rnn``'s ``TokenOutput``, ``seed``'s ``Decoded``, whose fields
        docs/hooks.md lists), ``mu`` and ``logvar`` (``[B, latent_dim]``).
    :param terms: the core's per-term losses, scalar tensors averaged over the batch, with their autograd graph in
        training (``split == "train"``; validation runs without gradients). Read it; return changes.
    :param split: ``"train"`` or ``"val"``.

    Under torchrun a training batch is this process's share of the global batch. Under ``train.precision = "bf16"``
    the training ``output`` and ``terms`` are bfloat16 (validation's float32): compute precise terms in float32.
    In training, ``trainer.multipliers`` holds this step's multipliers of the terms plugins set (1 for a term not in
    it): a term at 0 need not be computed, but is still returned (a zero tensor) while a multiplier names it.

    Return value: ``{name: scalar tensor}`` or ``None``. A core term's name **replaces** that term (e.g. free bits
    replaces ``kl``); any other name **adds** a term, with base coefficient 1, weighted by multipliers like any other.
    Added terms appear in ``metrics.jsonl`` under their names in ``train`` and ``val``; a replaced term is listed
    under ``replaced`` with the plugin that replaced it. Two plugins replacing (or adding) the same term is an error
    naming both, at the first step. A term returned for one split only appears only in that split. ``val_elbo`` is
    always computed from the core's own terms, so runs stay comparable. ``"total"`` is not a term name.

    Example::

        @hookimpl
        def mvae_loss(self, output):
            kl_per_dim = (-0.5 * (1 + output.logvar - output.mu**2 - output.logvar.exp())).mean(0)
            return {"kl": kl_per_dim.clamp(min=self.config.nats).sum()}  # free bits
    """


@hookspec
def mvae_before_optimizer_step(trainer: TrainerView, epoch: int, step: int, grad_norm: float) -> None:
    """Called after backward (and, under torchrun, after gradients are reduced across processes), before the
    optimiser step: the gradients in ``trainer.model.parameters()`` are final here.

    :param trainer: the public view of the trainer.
    :param epoch: the current epoch, counted from 0.
    :param step: the step within the epoch, counted from 0.
    :param grad_norm: the global L2 norm of the gradient before any clipping (computed only when an implementation
        asks for this argument, once per step before this hook: ``mvae_step_end`` gets the same number, whatever
        plugins change here).

    Return value: ignored.

    Change gradients in place (clipping, noise, masking) or collect statistics. ``train.clip_grad_norm``, when set,
    clips after this hook. Under torchrun every process holds the same reduced gradient, so a deterministic change
    keeps the processes identical.

    Example::

        @hookimpl
        def mvae_before_optimizer_step(self, trainer):
            torch.nn.utils.clip_grad_value_(trainer.model.parameters(), 0.5)
    """


@hookspec
def mvae_step_end(trainer: TrainerView, epoch: int, step: int, losses: dict[str, float], grad_norm: float) -> None:
    """Called after every optimiser step.

    :param trainer: the public view of the trainer; ``trainer.global_step`` counts steps over the run and
        ``trainer.multipliers`` holds this step's multiplier of every term (1 where no plugin set one).
    :param epoch: the current epoch, counted from 0.
    :param step: the step within the epoch, counted from 0.
    :param losses: this step's losses per term (added terms included) and ``total``, each the mean over the global
        batch (all processes).
    :param grad_norm: the global L2 norm of the step's gradient before any clipping, by the core or by plugins in
        ``mvae_before_optimizer_step`` (computed only when an implementation asks for this argument).

    Return value: ignored.

    For per-step logging (experiment trackers) and statistics. ``trainer.record`` keeps one value per key and epoch
    (the last one recorded), so aggregate per-step numbers yourself.

    Example::

        @hookimpl
        def mvae_step_end(self, trainer, losses, grad_norm):
            self.writer.add_scalar("loss/total", losses["total"], trainer.global_step)
    """


@hookspec
def mvae_validation_start(trainer: TrainerView, epoch: int) -> None:
    """Called once per epoch after its last optimiser step, before the first validation batch: the core's validation
    (``val``, ``val_elbo``, the metrics, and so early stopping and the best model) is about to score the weights in
    ``trainer.model``.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch about to be validated, counted from 0.

    Return value: ignored.

    A plugin may load other weights to be scored (a moving average, a snapshot) into ``trainer.model`` here, in
    place (``trainer.model.load_state_dict(...)``), and must put the trained weights back in
    ``mvae_validation_end``: when a plugin implements either hook, the core compares the weights after
    ``mvae_validation_end`` with those before this hook, and a difference fails the run (a :class:`PluginError`
    naming the plugin). Under torchrun it runs in every process.
    If validation fails in between, ``mvae_validation_end`` is not called and the run fails: nothing was written
    since this hook, so the checkpoint holds the trained weights of the last finished epoch.

    Example::

        @hookimpl
        def mvae_validation_start(self, trainer):
            self.trained = {k: v.clone() for k, v in trainer.model.state_dict().items()}
            trainer.model.load_state_dict(self.average)
    """


@hookspec
def mvae_validation_batch(
    trainer: TrainerView, epoch: int, batch: torch.Tensor, output: Forward, terms: dict[str, torch.Tensor]
) -> None:
    """Called for every validation batch, after ``mvae_loss``, so plugins can compute statistics on the validation
    split without running the model themselves.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch being validated, counted from 0.
    :param batch: the dense validation batch ``[B, 4, pitch_classes, 32]``.
    :param output: the model's :class:`~mvae_core.models.base.Forward` in eval mode (one latent sample per loop).
    :param terms: this batch's loss terms (after plugins' replacements and additions), scalar tensors.

    Return value: ignored.

    Accumulate here and publish in ``mvae_epoch_end`` with ``trainer.record``. Under torchrun validation runs in
    rank 0 only, so this hook does too: base decisions that every process must share on ``metrics``, not on what
    this hook saw.

    Example::

        @hookimpl
        def mvae_validation_batch(self, batch, output):
            kl = -0.5 * (1 + output.logvar - output.mu**2 - output.logvar.exp())
            self.kl_sum += kl.sum(0)
            self.loops += batch.shape[0]
    """


@hookspec
def mvae_validation_end(trainer: TrainerView, epoch: int, metrics: dict[str, Any]) -> None:
    """Called once per epoch after the last validation batch, before ``mvae_epoch_end``, with what validation
    measured.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch that was validated, counted from 0.
    :param metrics: the validation part of the epoch's record (``val``, ``val_elbo``, ``onset_f1``, ``rhythm_f1``,
        ``timing_spread_ratio``, ``timing_std``, ``active_units``), the same in every process. A copy: changing it
        changes nothing the core keeps. Treat it as read-only.

    Return value: ignored.

    Put back here the trained weights that ``mvae_validation_start`` swapped out: after this hook the model must
    hold exactly the weights it held before ``mvae_validation_start`` (the core checks when a plugin implements
    either hook). The best model (``model.safetensors``) is the weights validation scored, copied before this hook
    (``trainer.scored_weights()`` gives them to ``mvae_epoch_end``); the checkpoint, written after
    ``mvae_epoch_end``, the trained ones. Numbers recorded here with
    ``trainer.record`` land in this epoch's line.

    Example::

        @hookimpl
        def mvae_validation_end(self, trainer, metrics):
            trainer.model.load_state_dict(self.trained)
            self.trained = None
    """


@hookspec
def mvae_epoch_end(trainer: TrainerView, epoch: int, metrics: dict[str, Any]) -> str | None:
    """Called after validation of every epoch, with that epoch's metrics.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch that just finished, counted from 0.
    :param metrics: the epoch's record as it will be written to ``metrics.jsonl`` (its fields: docs/cli.md,
        "metrics.jsonl"; ``events`` and the numbers plugins ``record`` are added after this hook). A copy, which the
        plugins share in their order: changing it changes nothing the core keeps. Treat it as read-only.

    Return value: a string (a non-empty one requests that training stop, the string is the reason) or ``None``.
    Every plugin's ``mvae_epoch_end`` runs before requests are collected, so a stop request never hides another
    plugin's work; any request stops the run after this epoch is checkpointed, and every reason is recorded in the
    epoch's ``events``. Numbers recorded here with ``trainer.record`` land in this epoch's line.

    Example::

        @hookimpl
        def mvae_epoch_end(self, trainer, epoch, metrics):
            if metrics["val_elbo"] < self.target:
                return f"val_elbo {metrics['val_elbo']:.2f} reached the target {self.target}"
    """


@hookspec
def mvae_train_end(trainer: TrainerView, stop_reasons: list[str]) -> None:
    """Called once after the last epoch (also after a stop request), before the run returns.

    :param trainer: the public view of the trainer; ``trainer.epoch`` is the last finished epoch.
    :param stop_reasons: the stop requests of the last epoch, each ``"<plugin>: <reason>"`` (the plugin's name, then
        the string its ``mvae_epoch_end`` returned), or ``[]`` when the run used all its epochs.

    Return value: ignored. Not called when the run is interrupted (Ctrl-C) or fails: ``mvae_train_interrupted`` is.

    Example::

        @hookimpl
        def mvae_train_end(self, trainer, stop_reasons):
            trainer.emit(f"finished after {trainer.epoch + 1} epochs")
    """


@hookspec
def mvae_train_interrupted(trainer: TrainerView, reason: str) -> None:
    """Called once when a training that began ends without ``mvae_train_end`` having completed: paused by a signal
    (SIGINT, SIGTERM) or a set ``stop`` event, after its checkpoint was written; interrupted by a
    ``KeyboardInterrupt`` raised in code; or failed (a non-finite loss, a plugin's error, ``mvae_train_end``'s
    included, a write the disk refused, the machine out of memory, a bug). The place to close what
    ``mvae_train_start`` opened (an experiment tracker's run), marking it paused or failed.

    :param trainer: the public view of the trainer, where training was (``trainer.epoch``, ``trainer.step``); this
        may come before this plugin's ``mvae_train_start`` ran (a failure in ``mvae_ramp_end``, or in another
        plugin's ``mvae_train_start``).
    :param reason: how it ended, one line: ``"paused: …"`` (a checkpoint to resume from was written), ``"interrupted:
        …"`` (nothing is checkpointed at this point) or ``"failed: …"`` (the error's message), so
        ``reason.partition(":")[0]`` is ``paused``, ``interrupted`` or ``failed``.

    Return value: ignored. What is emitted or recorded here is not kept (no epoch line follows), and an exception
    raised here does not replace the run's own error: it is added to that error as a note.

    Example::

        @hookimpl
        def mvae_train_interrupted(self, trainer, reason):
            if self.tracker is not None:
                self.tracker.finish(status="paused" if reason.startswith("paused") else "failed")
    """


@hookspec
def mvae_state_dict(trainer: TrainerView) -> dict[str, Any] | None:
    """Called whenever the checkpoint is written; returns this plugin's state to save. Called per plugin.

    :param trainer: the public view of the trainer.

    Return value: a dict of plain values (numbers, strings, lists, dicts, tensors) or ``None``. It is stored
    in the checkpoint under the plugin's name and handed back to ``mvae_load_state_dict`` on resume. The
    checkpoint loads with ``weights_only``: arbitrary objects cannot be saved (and are never unpickled).

    Example::

        @hookimpl
        def mvae_state_dict(self, trainer):
            return {"best": self.best, "wait": self.wait}
    """


@hookspec
def mvae_load_state_dict(state: dict[str, Any]) -> None:
    """Called on resume, before ``mvae_train_start``, with the state this plugin saved. Called per plugin.

    :param state: the dict this plugin returned from ``mvae_state_dict`` at the checkpointed epoch (or step).
        Plugins without saved state are not called.

    Return value: ignored.

    Example::

        @hookimpl
        def mvae_load_state_dict(self, state):
            self.best, self.wait = state["best"], state["wait"]
    """


HOOKS: dict[str, inspect.Signature] = {
    name: inspect.signature(spec) for name, spec in list(globals().items()) if hasattr(spec, "mvae_spec")
}
"""Every hook of the contract and its arguments, in the order of this file."""
