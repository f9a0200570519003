"""The plugin contract: every hook a plugin may implement, one documented function each.

Hooks are called with keyword arguments only; an implementation may accept any subset of a hook's
arguments (pluggy checks the names at start-up, so a misspelt argument or hook name is an error naming the
plugin). Implement a hook by decorating a method with :data:`mvae_core.hookimpl` and naming it as below.

Call sequence of one run (written once here, asserted by ``tests/test_hooks.py``)::

    mvae_load_state_dict(state)                 # only on --resume, per plugin, with that plugin's saved state
    mvae_ramp_end(trainer)                      # collected: trainer.ramps_end = the latest epoch any ramp ends
    mvae_train_start(trainer)
    for each epoch:
        mvae_epoch_start(trainer, epoch)        # mutate the optimiser (learning rate) here
        mvae_loss_weights(trainer, epoch)       # collected; multipliers per term are multiplied together
        ... train one epoch, then validate ...
        mvae_epoch_end(trainer, epoch, metrics) # every plugin runs; then stop requests are collected
        mvae_state_dict(trainer)                # per plugin, saved under the plugin's name in the checkpoint
        (stop if any plugin requested it)
    mvae_train_end(trainer, stop_reasons)

SIGINT/SIGTERM stop training after the current step with a mid-epoch checkpoint (``mvae_state_dict`` runs then
too); resuming it continues that epoch at its next step *without* calling that epoch's ``mvae_epoch_start`` and
``mvae_loss_weights`` again (the multipliers are in the checkpoint). Under ``torchrun`` every hook runs in every
process on the same metrics; ``mvae_state_dict`` only in rank 0.

``trainer`` is a :class:`mvae_core.view.TrainerView`: the documented, public face of the running trainer
(epoch, epochs, optimiser, model, config, run directory, ``ramps_end``, ``emit``). Plugins never touch anything
else, and talk to each other only through hooks (e.g. a warm-up publishes where it ends through ``mvae_ramp_end``,
and early stopping reads ``trainer.ramps_end``), never by name.
Within one hook, plugins are called in pluggy's order (last registered first, ``tryfirst``/``trylast``
respected); correctness must never depend on that order: results are combined order-independently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from mvae_core.view import TrainerView

hookspec = pluggy.HookspecMarker("mvae")
hookimpl = pluggy.HookimplMarker("mvae")
"""Marks a plugin method (or module function) as the implementation of the hook of the same name."""


@hookspec
def mvae_ramp_end(trainer: TrainerView) -> int | None:
    """Called once per run, before ``mvae_train_start``: the first epoch at which this plugin's ramp is over.

    :param trainer: the public view of the trainer (``trainer.epochs`` is the run's length).

    Return value: the first epoch (from 0) from which this plugin's loss-weight multipliers no longer change, or
    ``None`` for a plugin without a ramp. The core takes the latest over all plugins as ``trainer.ramps_end``
    (0 when nobody ramps), so that plugins comparing losses over epochs (early stopping, monitors) can wait until
    the objective is stationary without knowing which plugins ramp.

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

    Return value: ``{term: multiplier}`` or ``None``. Terms are ``onset``, ``velocity``, ``duration``,
    ``timeshift`` and ``kl``; an unknown term is an error naming the plugin. The core multiplies **every**
    returned multiplier for a term onto that term's base coefficient (``loss.coefficients``): two plugins
    returning ``{"kl": 0.5}`` give ``kl`` weight ``0.25 × coefficient``. Terms nobody returns keep multiplier 1.
    The applied weights are logged per epoch in ``metrics.jsonl`` under ``weights``.

    Example::

        @hookimpl
        def mvae_loss_weights(self, trainer, epoch):
            return {"kl": min(1.0, epoch / 20)}
    """


@hookspec
def mvae_epoch_end(trainer: TrainerView, epoch: int, metrics: dict[str, Any]) -> str | None:
    """Called after validation of every epoch, with that epoch's metrics.

    :param trainer: the public view of the trainer.
    :param epoch: the epoch that just finished, counted from 0.
    :param metrics: the epoch's record as it will be written to ``metrics.jsonl`` (``epoch``, ``lr``,
        ``weights``, ``train``, ``val``, ``val_elbo``, ``onset_f1``, ``timing_spread_ratio``, ``active_units``,
        ``seconds``). Treat it as read-only.

    Return value: a non-empty string to request that training stop (the string is the reason), else
    ``None``. Every plugin's ``mvae_epoch_end`` runs before requests are collected, so a stop request never
    hides another plugin's work; any request stops the run after this epoch is checkpointed, and every
    reason is recorded in the epoch's ``events``.

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
    :param stop_reasons: the reasons of the stop requests, or ``[]`` when the run used all its epochs.

    Return value: ignored. Not called when the run is interrupted (Ctrl-C) or fails.

    Example::

        @hookimpl
        def mvae_train_end(self, trainer, stop_reasons):
            trainer.emit(f"finished after {trainer.epoch + 1} epochs")
    """


@hookspec
def mvae_state_dict(trainer: TrainerView) -> dict[str, Any] | None:
    """Called after every epoch when the checkpoint is written; returns this plugin's state to save.

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
    """Called on ``--resume``, before ``mvae_train_start``, with the state this plugin saved.

    :param state: the dict this plugin returned from ``mvae_state_dict`` at the checkpointed epoch. Plugins
        without saved state are not called.

    Return value: ignored.

    Example::

        @hookimpl
        def mvae_load_state_dict(self, state):
            self.best, self.wait = state["best"], state["wait"]
    """
