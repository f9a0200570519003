"""How a started training ended, as :func:`~mvae_core.session.train` says it: a pause (a signal, or the caller's ``stop``
event) becomes :class:`~mvae_core.errors.RunInterrupted`, saying where it stopped and how to continue; a failure (a
non-finite loss, a write the disk refused, a plugin's error, the machine out of memory or disk space: :func:`ran_out`)
becomes :class:`~mvae_core.errors.RunFailed`, recorded in ``failure.json`` (or saying, after the first cause, that it
could not be), saying where the best model is and what to do next; a finished run's ``done`` line names its best model
(:func:`done_line`, :func:`best_line`), and a full disk under that last output says the run is complete
(:func:`finished`).
"""

from __future__ import annotations

import contextlib
import signal
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from mvae_core.config import MvaeConfig
from mvae_core.distributed import Distributed, PeerLost, PeerRanOut, RanOut
from mvae_core.errors import DISK_FULL, RunFailed, RunInterrupted
from mvae_core.files import WriteFailed, reason
from mvae_core.out_of_memory import free, memory_ran_out, memory_words
from mvae_core.plugins import PluginError
from mvae_core.run import RunDir
from mvae_core.run_files import BEST_MODEL, CONFIG, FAILURE
from mvae_core.run_state import NON_FINITE, REPEATS
from mvae_core.run_steps import Steps
from mvae_core.signals import Interrupts
from mvae_core.torchrun_env import world_size
from mvae_core.trainer import NOTES_TO_DEVICE, NonFiniteLoss, Trainer, TrainingPaused
from mvae_core.view import epoch_number

STOP_SET = "stop set"
"""Why a training paused that the caller's ``stop`` event stopped (:func:`pause_cause`)."""
ANOTHER_SIGNALLED = "another process of the job was signalled"
"""Why a process of a torchrun job paused that got no signal and had no ``stop`` event set (:func:`pause_cause`): the
pause another process asked for reached it through the step's all-reduce."""


def pause_cause(interrupts: Interrupts, stop_set: bool) -> str:
    """Why a training paused, as its ``stopped: …`` line begins: the signal this process got (``SIGTERM``), the
    caller's ``stop`` event (``stop_set``: set in this process, :data:`STOP_SET`), or, under torchrun, neither:
    another process of the job asked for it (:data:`ANOTHER_SIGNALLED`; signalled alone, as by ``kill`` of one
    process, or, rarely, its own ``stop`` event set)."""
    if interrupts.requested():
        return interrupts.name
    return STOP_SET if stop_set or world_size() == 1 else ANOTHER_SIGNALLED


def interrupted(
    exc: TrainingPaused | KeyboardInterrupt, interrupts: Interrupts, steps: tuple[Steps, Steps], trainer: Trainer,
    run: RunDir, stop_set: bool = False,
) -> RunInterrupted:  # fmt: skip
    """What a paused training (a signal, the caller's ``stop`` event, set in this process when ``stop_set``, or under
    torchrun another process's pause: :func:`pause_cause`) or a ``KeyboardInterrupt`` raised by code becomes: where
    it stopped, what its checkpoint holds, and how to continue."""
    if isinstance(exc, TrainingPaused):
        where = (
            f"after epoch {exc.epoch}" if exc.step == 0 else f"at step {exc.step} of epoch {epoch_number(exc.epoch)}"
        )
        cause = pause_cause(interrupts, stop_set)
        stopped, then, signum = f"{cause}: stopped {where} and checkpointed", "", interrupts.signum
    else:  # signals are deferred during training, so this one came from code, in the middle of whatever it did
        stopped, then = _interrupted_in(trainer, run)
        signum = None
    python, command_line = (f"{stopped}. Continue with: {how.resume}{then}" for how in steps)
    return RunInterrupted(python, signum or signal.SIGINT, command_line)


def _interrupted_in(trainer: Trainer, run: RunDir) -> tuple[str, str]:
    """Where a ``KeyboardInterrupt`` raised by code stopped ``trainer`` and what ``run``'s checkpoint holds (no
    checkpoint is written then: the step it broke off may be half done); and where the resume takes up."""
    epoch = epoch_number(trainer.view.epoch)
    if trainer.checkpointed is None and run.has_checkpoint():  # a resume's, while it was restored
        return "interrupted while the run was restored from its checkpoint, which is as it was", ""
    if trainer.checkpointed is None:  # in mvae_ramp_end or mvae_train_start of a new run
        return "interrupted before the run's first checkpoint; nothing was trained yet", " (it starts the run over)"
    done, step = trainer.checkpointed
    if (done, step) == (0, 0):
        saved = "nothing trained was saved (its checkpoint is the one written before the first step)"
        return f"interrupted in epoch {epoch}; {saved}", " (it starts epoch 1 over)"
    if step == 0 and done == trainer.view.epoch + 1:  # after the epoch's checkpoint: in mvae_train_end, say
        return f"interrupted after epoch {done}, which is checkpointed", ""
    if step == 0:
        saved = f"its checkpoint holds epoch {done} (the last finished), so the steps of epoch {epoch} are lost"
        return f"interrupted in epoch {epoch}; {saved}", f" (it starts epoch {done + 1} over)"
    held = f"step {step} of epoch {epoch_number(done)} (where an earlier stop left it)"
    return f"interrupted in epoch {epoch}; its checkpoint holds {held}, so the steps since are lost", (
        f" (it continues at step {step + 1} of epoch {epoch_number(done)})"
    )


def failed(
    exc: NonFiniteLoss | WriteFailed | PluginError, run: RunDir, cfg: MvaeConfig, trainer: Trainer,
    steps: tuple[Steps, Steps],
) -> RunFailed:  # fmt: skip
    """The :class:`RunFailed` a started run ends with: the cause, where the best model is, and what to do next (for
    a Python caller and on the command line); ``failure.json`` records it where it can be written, and where the disk
    (or the memory) refuses it, the message says so after the cause, which stays the cause."""
    writer = run if trainer.run else None
    python, command_line = steps
    if isinstance(exc, NonFiniteLoss):
        refused = _record_failure(writer, {"error": NON_FINITE, "message": str(exc), "epoch": exc.epoch,
                                           "step": exc.step, "terms": exc.terms})  # fmt: skip
        failed = f"{exc}; {_best_model(run)}" + (f"; {refused}" if refused else f" (reason in {FAILURE})")
        if not exc.origins:  # the model's own terms: the same steps fail again
            return RunFailed(f"{failed}; {REPEATS}", run.path)
        then = _what_a_resume_does(run)
        return RunFailed(f"{failed}; after a fix of the plugin, {python.resume} {then}", run.path,
                         f"{failed}; after a fix of the plugin, {command_line.resume} {then}")  # fmt: skip
    if isinstance(exc, WriteFailed):  # a full disk, a folder made read-only or removed under the run
        refused = _record_failure(writer, {"error": "write failed", "message": str(exc), "epoch": trainer.view.epoch})
        then = _what_a_resume_does(run)
        cause = f"{exc}; {_best_model(run)}{_also(refused)}; free space (or fix the folder), then"
        return RunFailed(f"{cause} {python.resume} {then}", run.path, f"{cause} {command_line.resume} {then}")
    failure = {"error": "plugin failed", "message": str(exc), "epoch": trainer.view.epoch}
    if exc.__cause__ is not None:  # the plugin's own exception, when it raised one: where in its code
        failure["traceback"] = "".join(traceback.format_exception(exc.__cause__))
    refused = _record_failure(writer, failure)
    checkpointed, untrained = run.has_checkpoint(), run.trained_nothing()
    done = len(run.read_metrics())
    over = done >= cfg.train.epochs or bool(run.stop_reasons())  # it failed in mvae_train_end, after the last epoch

    def after(how: Steps) -> str:
        if over:
            saved = f"{done} epoch{'s' * (done != 1)} saved"
            return (
                f"training was over ({saved}), so a resume has nothing left to do: the run is usable ({how.generate})"
            )
        if checkpointed:  # a resume keeps the run's settings: a fix of one of them needs a new run
            resume = f"after a fix of the plugin, {how.resume} continues from its last checkpoint"
            if untrained:  # only the checkpoint written before training: a new run may take its place
                return (
                    f"{resume}; if a setting of the run was the cause, start it again with that setting changed, "
                    f"in its place ({how.train}): nothing trained is lost"
                )
            another = f"in another output directory ({how.trainer_out})"
            return f"{resume}; if a setting of the run was the cause, start a new run with it changed, {another}"
        # it failed before training began (mvae_ramp_end, mvae_train_start): a new run may start there again
        return f"nothing was checkpointed, so after a fix start it again: {how.again}"

    best = f"{_best_model(run)}{_also(refused)}"
    cause, said = f"{exc}; {best}", f"{exc.command_line_message()}; {best}"
    return RunFailed(f"{cause}; {after(python)}", run.path, f"{said}; {after(command_line)}")


def ran_out(exc: BaseException) -> str | None:
    """What the machine ran out of when ``exc`` ended a training (``"memory"``, ``"GPU memory"``:
    :func:`~mvae_core.out_of_memory.memory_ran_out`; ``"disk space"``): a failure of its environment, which a message
    and ``failure.json`` explain; None for any other error, a bug to be shown with its traceback."""
    if isinstance(exc, OSError):
        return "disk space" if exc.errno in DISK_FULL else None
    return memory_ran_out(exc)


@contextlib.contextmanager
def machine_limits(
    run: RunDir, cfg: MvaeConfig, steps: tuple[Steps, Steps], dist: Distributed,
    reached: Callable[[], tuple[int, int] | None], moving: Callable[[], str | None],
) -> Iterator[None]:  # fmt: skip
    """Within the block (a training, from the building of its trainer to its end), the machine running out of memory,
    GPU memory or disk space (:func:`ran_out`) ends the run as :func:`lacked` says, at ``reached()`` and while
    ``moving()`` to the device; any other error, a bug, propagates as raised (with its traceback). Under torchrun
    (``dist``) the process that ran out tells the job before it says so
    (:meth:`~mvae_core.distributed.Distributed.tell_ran_out`): where the others' collective then fails
    (:class:`~mvae_core.distributed.PeerRanOut`), rank 0 records it in ``failure.json`` and says only that it ended
    the job, and the other ranks say nothing, instead of each saying that a process was lost. A process lost
    otherwise (:class:`~mvae_core.distributed.PeerLost`) is said naming the run's resume (``steps``)."""
    writer = run if dist.is_main else None  # only rank 0 writes run files
    try:
        yield
    except PeerLost as exc:
        raise exc.of_run((steps[0].resume, steps[1].resume)) from exc.__cause__
    except PeerRanOut as exc:
        if not dist.is_main:
            raise
        told = exc.told
        refused = _record_ran_out(writer, told.what, told.cause, told.reached, told.moving)
        when = ran_out_when(told.reached, told.moving)
        said = f"rank {told.rank} ran out of {told.what} {when} ({told.cause}), which ended the job: its own error "
        said += f"says what to do{_also(refused)}"
        raise RunFailed(said if refused else f"{said}; {run.path / FAILURE} records it", run.path) from exc
    except (MemoryError, RuntimeError, OSError) as exc:
        if (what := ran_out(exc)) is None:
            raise
        cause, where, moved = _what_failed(exc), reached(), moving()
        dist.tell_ran_out(RanOut(dist.rank, what, cause, where, moved))
        raise lacked(cause, what, run, cfg, steps, writer, where, moved) from exc


def lacked(
    cause: str, what: str, run: RunDir, cfg: MvaeConfig, steps: tuple[Steps, Steps], writer: RunDir | None,
    reached: tuple[int, int] | None, moving: str | None = None,
) -> RunFailed:  # fmt: skip
    """The :class:`RunFailed` of a training that ran out of ``what`` (:func:`ran_out`; ``cause``: the system's or
    torch's words, :func:`_what_failed`): one line naming it and when (``reached``: the epoch and step the trainer was at, from 0; None when it ran out
    while the training was set up, before its trainer was built; ``moving``: what was then moving to the device, :data:`~mvae_core.trainer.MODEL_TO_DEVICE`
    or :data:`~mvae_core.trainer.NOTES_TO_DEVICE` as the trainer was built, a resume's
    :data:`~mvae_core.run_restore.CHECKPOINT_TO_DEVICE`, else None; no epoch is recorded then), where the best model is,
    and what to do: free it and resume, or what needs less of it where it ran out (:func:`_needing_less`: a smaller
    batch in training, not as the trainer is built or something moves to the device); ``failure.json`` records it where
    ``writer`` (the run, in the process that writes it) can write it. Nothing is checkpointed now: the last
    checkpoint, if any, stays what the resume continues."""
    refused = _record_ran_out(writer, what, cause, reached, moving)
    said = f"training ran out of {what} {ran_out_when(reached, moving)} ({cause}); {_best_model(run)}{_also(refused)}"
    resumed = _what_a_resume_does(run)
    if what == "disk space":
        python, command_line = (f"{said}; free space, then {how.resume} {resumed}" for how in steps)
        return RunFailed(python, run.path, command_line)
    python, command_line = (
        f"{said}; {free(what)}, then {how.resume} {resumed}"
        + _needing_less(what, moving, reached is None, cfg, run, how, resumed)
        for how in steps
    )
    return RunFailed(python, run.path, command_line)


def _what_a_resume_does(run: RunDir) -> str:
    """What a resume of ``run`` does, as the end of a message that names it: ``continues from its last checkpoint``,
    or ``starts it over`` when the run has none yet."""
    return "continues from its last checkpoint" if run.has_checkpoint() else "starts it over"


def ran_out_when(reached: tuple[int, int] | None, moving: str | None) -> str:
    """When a training ran out (:func:`lacked`'s ``reached`` and ``moving``): ``in epoch 2``, ``as it was set up``,
    ``while moving the model to the device``."""
    if moving is not None:
        return f"while moving {moving} to the device"
    return "as it was set up" if reached is None else f"in epoch {epoch_number(reached[0])}"


def _record_ran_out(
    writer: RunDir | None, what: str, cause: str, reached: tuple[int, int] | None, moving: str | None
) -> str | None:  # fmt: skip
    """Record in ``failure.json`` (:func:`_record_failure`) that the training ran out of ``what`` (``cause``), with
    the epoch and step ``reached`` unless it was set up or moving something to the device then."""
    where = {} if reached is None or moving is not None else {"epoch": reached[0], "step": reached[1]}
    return _record_failure(writer, {"error": f"out of {what}", "message": cause, **where})


def _needing_less(
    what: str, moving: str | None, set_up: bool, cfg: MvaeConfig, run: RunDir, how: Steps, resumed: str
) -> str:  # fmt: skip
    """What makes ``run`` need less of ``what`` (``"memory"`` or ``"GPU memory"``) where it ran out, as a clause to
    follow the advice to free it (``; or …``), or ``""`` where nothing does. A smaller batch shrinks only a training
    step's memory: as the trainer is built (``set_up``) or something moves to the device (``moving``), what helps is
    what is allocated then:

    - the training notes (:data:`~mvae_core.trainer.NOTES_TO_DEVICE`): ``train.table_on_device = "off"`` keeps no copy
      of them (each batch built from the data as read); the copy is in the GPU's memory, or on the CPU in the host's;
    - the model, a checkpoint or the set-up in a GPU's memory: training on the CPU (``train.device``);
    - the model or a checkpoint in the host's memory: nothing (both are in memory already, and training on the CPU
      would need more of it);
    - the set-up in the host's memory: the model built then, whose size ``model.hidden`` sets (a resume keeps it: in a
      run that trained nothing, the same command with a smaller one takes its place);
    - a training step: a smaller batch.

    A setting a resume may change (:data:`~mvae_core.run_setup.RESUME_WARNED`) is named with where to set it (the
    run's ``config.toml``) and the resume that follows (``how``'s, which ``resumed``: continues from its last
    checkpoint, or starts it over)."""
    in_config = f"in {run.path / CONFIG} (a resume may change it), then {how.resume} {resumed}"
    if moving == NOTES_TO_DEVICE:
        kept = "build each batch on the host instead" if what == "GPU memory" else "keep no copy of the notes"
        return f'; or {kept}: set train.table_on_device = "off" {in_config}'
    if what == "GPU memory" and (set_up or moving is not None):
        return f'; or train on the CPU: set train.device = "cpu" {in_config}'
    untrained = run.trained_nothing()
    if moving is not None or (set_up and not untrained):
        return ""
    if set_up:  # nothing of it is saved: the same command with a smaller model takes its place
        return f"; or {_smaller_model(cfg, how)} starts it over in its place"
    batch, half = cfg.train.batch_size, max(2, cfg.train.batch_size // 2)
    if untrained:  # nothing of it is saved: the same command with a smaller batch takes its place
        return f"; or {how.again} with train.batch_size = {half} (now {batch}) starts it over in its place"
    return (
        f"; or a resume keeps train.batch_size ({batch}): to train with a smaller one ({half}), start a new run "
        f"from its weights ({how.init_from}) with it"
    )


def _smaller_model(cfg: MvaeConfig, how: Steps) -> str:
    """A smaller model, as advice where the memory ran out as the model was built (``how``'s same command with half
    of ``cfg``'s ``model.hidden``, the width of every model's hidden layers), for the caller to end with what that
    command does."""
    hidden, half = cfg.model.hidden, max(4, cfg.model.hidden // 2)
    return (
        f"a smaller model (a training step's batch takes no memory yet): {how.again} with model.hidden = {half} "
        f"(now {hidden})"
    )


@contextlib.contextmanager
def model_check_memory(run: RunDir, cfg: MvaeConfig, resumed: bool) -> Iterator[None]:
    """Within the block (the model built once to check its settings, before any data is read:
    :func:`~mvae_core.run_plugins.resolved_model_and_plugins`), the machine running out of memory
    (:func:`~mvae_core.out_of_memory.memory_ran_out`, a model's own code included) ends as a :class:`RunFailed` in one
    line that names it, with nothing written (``run``'s folder is not made for a new run, and a resumed run, when
    ``resumed``, stays as it was, without ``failure.json``) and what to do: free it and train again, or a smaller
    model (:func:`_smaller_model`) where the run may change its model (a new run, or one that trained nothing; a
    resume keeps it). Any other error propagates as raised."""
    try:
        yield
    except (MemoryError, RuntimeError) as exc:
        if (what := memory_ran_out(exc)) is None:
            raise
        kept = f"{run.path} is as it was" if resumed else "nothing was written"
        said = f"training ran out of {what} as its model was built, before any data was read ({_what_failed(exc)})"
        resumes = _what_a_resume_does(run)
        smaller = not resumed or run.trained_nothing()

        def advice(how: Steps) -> str:
            then = f"{how.resume} {resumes}" if resumed else f"{how.again} starts it"
            over = " over in its place" if resumed else ""
            return f"{said}; {kept}; {free(what)}, then {then}" + (
                f"; or {_smaller_model(cfg, how)} starts it{over}" if smaller else ""
            )

        world = world_size()  # the resume a message names runs under torchrun again
        python, command_line = (advice(run.steps(python=python, world=world)) for python in (True, False))
        raise RunFailed(python, run.path, command_line) from exc


def _what_failed(exc: BaseException) -> str:
    """The system's or torch's words for what :func:`ran_out`, without torch's long advice: ``CUDA out of memory.
    Tried to allocate 20.00 GiB``, ``DefaultCPUAllocator: can't allocate memory: you tried to allocate … bytes``
    (and where, for a plugin's hook or a model's method: :func:`~mvae_core.out_of_memory.memory_words`), the file a
    full disk refused and why."""
    if isinstance(exc, OSError):
        return f"{exc.filename}: {reason(exc)}" if exc.filename else reason(exc)
    return memory_words(exc)


def done_line(epochs_run: int, stop_reasons: list[str], run: RunDir) -> str:
    """The last line a finished training shows: its epochs, what stopped it (a plugin), and its best model."""
    stopped = f" (stopped: {'; '.join(stop_reasons)})" if stop_reasons else ""
    return f"done after {epochs_run} epoch{'s' * (epochs_run != 1)}{stopped}; {best_line(run)}"


@contextlib.contextmanager
def finished(run: RunDir, steps: tuple[Steps, Steps], done: str) -> Iterator[None]:
    """Within the block (what a finished training shows last: its final events and the ``done`` line, ``done``), a
    full disk under that output (``mvae train … > log`` on a full disk) ends as a :class:`RunFailed` saying that the
    training finished and its files are whole, so the run is complete and a resume has nothing left to do; it has
    no ``failure.json`` (the run did not fail). Any other error propagates as raised."""
    try:
        yield
    except OSError as exc:
        if ran_out(exc) != "disk space":
            raise
        said = (
            f"training finished, but the disk refused its last lines ({_what_failed(exc)}): {done}; its files were "
            "written whole before, so the run is complete and a resume has nothing left to do"
        )
        python, command_line = (f"{said}: the run is usable ({how.generate})" for how in steps)
        raise RunFailed(python, run.path, command_line) from exc


def best_line(run: RunDir) -> str:
    """The end of the ``done`` line: the best model's ``val_elbo`` and its epoch, the model ``generate`` reads (a
    plugin may have restored another epoch's weights in memory: not what the run keeps), or that there is none."""
    best = run.best_saved()
    if best is None:
        return f"no epoch had a finite val_elbo, so {run.path} holds no model"
    epoch, val_elbo = best
    return f"best val_elbo {val_elbo:.3f} in epoch {epoch} ({BEST_MODEL}, the model generate uses) → {run.path}"


def _best_model(run: RunDir) -> str:
    """Where a failed run's best model is, or that it has none (no epoch finished)."""
    if (run.path / BEST_MODEL).exists():
        return f"the best model so far is in {run.path}"
    return f"no epoch finished, so {run.path} holds no model"


def _record_failure(writer: RunDir | None, failure: dict[str, Any]) -> str | None:
    """Write ``failure`` to ``failure.json`` where ``writer`` (the run, in the process that writes it) is given; None
    when written (or not this process's to write), else why it was not, as a message says it after the cause the run
    ended with (the disk, or the memory, may refuse this write too: the first cause stays the one told)."""
    if writer is None:
        return None
    try:
        writer.write_failure(failure)
    except (OSError, MemoryError) as exc:  # WriteFailed too: a full disk, a folder made read-only
        return f"{FAILURE} could not be written ({_what_failed(exc)})"
    return None


def _also(refused: str | None) -> str:
    """``refused`` (:func:`_record_failure`) as a clause to add to a message: ``; failure.json could not …``."""
    return f"; {refused}" if refused else ""
