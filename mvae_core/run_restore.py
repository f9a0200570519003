"""A resume's restore of its run: :func:`restore` loads the checkpoint into the trainer, makes the run's files
consistent with it (``metrics.jsonl`` cut to it, ``failure.json`` removed, the versions that continue it recorded) and
says where the run continues, or that it has finished its epochs; :func:`processes_on`, how the start and resume lines
name the processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mvae_core.checkpoint import CheckpointError
from mvae_core.config import MvaeConfig
from mvae_core.distributed import Distributed
from mvae_core.progress import Advice
from mvae_core.run import RunDir
from mvae_core.run_files import CHECKPOINT, METRICS
from mvae_core.run_plugins import installed_versions
from mvae_core.run_state import NON_FINITE, REPEATS
from mvae_core.run_steps import Steps
from mvae_core.trainer import Trainer
from mvae_core.version import NUMERICS
from mvae_core.view import epoch_number
from mvae_core.wording import counted, listed

if TYPE_CHECKING:
    from mvae_core.session import Reporter

CHECKPOINT_TO_DEVICE = "the checkpoint"
"""What a resume moves to its device as its checkpoint is restored into the trainer (the optimizer's state above all),
as :data:`~mvae_core.trainer.MODEL_TO_DEVICE` names the model: a GPU's memory may run out there, where a smaller
batch does not help."""


def restore(
    run: RunDir, payload: dict[str, Any], cfg: MvaeConfig, trainer: Trainer, versions: dict[str, str],
    dist: Distributed, reporter: Reporter, steps: tuple[Steps, Steps], moving: Callable[[str | None], None],
) -> bool:  # fmt: skip
    """Load ``run``'s checkpoint (``payload``, as :meth:`RunDir.load_checkpoint` read it) into ``trainer`` and say
    where it resumes (the run's files made consistent with the checkpoint on rank 0); True when the run has finished
    its epochs instead (said, with the resume that trains it further). ``steps``: what to type next, for a Python
    caller and on the command line. ``moving`` is told :data:`CHECKPOINT_TO_DEVICE` as the checkpoint begins to
    move into the trainer, and None once it is there (as ``Trainer(moving=...)`` is told the model and the notes)."""
    writer = run if dist.is_main else None
    try:
        moving(CHECKPOINT_TO_DEVICE)
        trainer.restore(payload)
        moving(None)
    except CheckpointError as exc:  # e.g. a new version of the model's package changed its layout
        message = run.refused_weights(exc, installed_versions(cfg))
        raise CheckpointError(f"{run.path / CHECKPOINT}: {message}") from None
    if writer:
        if (failure := writer.read_failure()) and failure.get("error") == NON_FINITE:
            reporter.note(f"{run.path} failed with a {failure.get('message', NON_FINITE)}; {REPEATS}", "warning")
        if lost := writer.truncate_metrics(int(payload["epoch"])):
            reporter.note(_lost_lines(run, lost), "warning")
        writer.clear_failure()
    if trainer.start_epoch >= cfg.train.epochs:
        epochs = counted(cfg.train.epochs, "epoch")
        finished = f"{run.path} has finished its {epochs}; give a larger epoch budget to train"
        reporter.note(Advice(f"{finished} further ({steps[0].more_epochs})",
                             f"{finished} further ({steps[1].more_epochs})"))  # fmt: skip
        return True
    if (written_by := len(payload.get("ranks", [])) or 1) != dist.world:
        reporter.note(
            f"the checkpoint was written by {_processes(written_by)} and this resume runs {_processes(dist.world)}: "
            f"the continuation is not bit-identical to a run that kept {written_by} (docs/scaling.md)"
        )
    # a run written before the torch entries were recorded has none to compare with: they stay unrecorded
    recorded = writer.trained_versions() if writer else {}
    versions = {name: v for name, v in versions.items() if name not in NUMERICS or name in recorded}
    if writer and (changed := writer.record_versions(versions, epoch_number(trainer.start_epoch))):
        what = ", ".join(f"{name} {was} → {now}" for name, (was, now) in changed.items())
        reporter.note(
            f"{run.path} trained so far with other versions than this resume ({what}); from epoch "
            f"{epoch_number(trainer.start_epoch)} on it trains with these (config.toml keeps both: "
            "[provenance.versions] and [[provenance.resumed]])",
            "warning",
        )
    step = trainer.progress.step if trainer.progress else 0
    reporter.note(f"resumed {run.path} at epoch {epoch_number(trainer.start_epoch)}, step {step + 1} "
                  f"(of {cfg.train.epochs} epochs × {trainer.view.steps_per_epoch} steps; device "
                  f"{dist.device}{processes_on(dist)})")  # fmt: skip
    return False


def processes_on(dist: Distributed) -> str:
    """`` × 4 processes`` under torchrun, else nothing: how the start and resume lines name the processes."""
    return f" × {dist.world} processes" if dist.world > 1 else ""


def _processes(count: int) -> str:
    return f"{count} process{'es' * (count != 1)}"


def _lost_lines(run: RunDir, lost: list[int]) -> str:
    """The warning of a resume whose ``metrics.jsonl`` lacks the lines of checkpointed epochs (``lost``, from 0)."""
    shown = listed([str(epoch_number(e)) for e in lost], 5)
    return (
        f"{run.path / METRICS} has no line for epoch{'s' * (len(lost) > 1)} {shown} (the file was damaged or cut); "
        "the run continues from its checkpoint, but the numbers of those epochs are gone from its curves"
    )
