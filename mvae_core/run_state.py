"""Where a run stands (:class:`RunState`: training, failed, stopped, finished or unfinished) and ``failure.json``, why a
run stopped with an error.
"""

from __future__ import annotations

import json
from typing import Any, Literal, NamedTuple

from mvae_core.errors import MvaeError
from mvae_core.files import finite
from mvae_core.run_config import RunConfig
from mvae_core.run_files import FAILURE, read_run_json
from mvae_core.run_lock import RunLock
from mvae_core.run_metrics import RunMetrics

NON_FINITE = "non-finite loss"  # failure.json's error when the loss became NaN or infinite
REPEATS = (
    "resumed with the same settings and seed, training repeats the same steps (it is deterministic), so it fails "
    "there again unless mvae, torch or a plugin changed since; start a new run with other settings (a lower "
    "train.lr, or train.clip_grad_norm)"
)
"""Why a run that failed with a non-finite loss is not worth resuming, and what to do instead."""


class RunStatus(RunLock, RunMetrics, RunConfig):
    """The part of :class:`~mvae_core.run.RunDir` that tells where the run stands, and writes and reads
    ``failure.json``."""

    def state(self, check_lock: bool = True) -> RunState:
        """Where the run stands, from its files: trained by a process now (``check_lock``: not for a caller that
        holds the run's lock itself), failed (``failure.json``), stopped by a plugin (the stop events of its last
        metrics line), finished (as many metrics lines as ``train.epochs``), or else stopped without finishing (an
        interrupt, ``kill -9``, a power cut: nothing records those)."""
        done = len(self.read_metrics())
        try:
            epochs: int | None = self.read_config().train.epochs
        except MvaeError:  # a config that cannot be read: the state is told without the budget
            epochs = None
        if check_lock and self.is_training():
            return RunState("training", done, epochs)
        if (failure := self.read_failure()) is not None:
            why = str(failure.get("message", f"its {FAILURE} cannot be read"))
            return RunState("failed", done, epochs, why, str(failure.get("error", "")))
        if stops := self.stop_reasons():
            return RunState("stopped", done, epochs, "; ".join(stops))
        if epochs is not None and done >= epochs:
            return RunState("finished", done, epochs)
        return RunState("unfinished", done, epochs)

    def write_failure(self, failure: dict[str, Any]) -> None:
        """Record why the run stopped with an error (``error``, ``message`` and what is known: epoch, step, terms)."""
        text = json.dumps(finite(failure), indent=1)
        self._write_text(FAILURE, text)

    def read_failure(self) -> dict[str, Any] | None:
        """``failure.json`` (:meth:`write_failure`): why the run stopped with an error; None when it did not, ``{}``
        when the file cannot be read."""
        try:
            failure = read_run_json(self.path / FAILURE)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}
        return failure if isinstance(failure, dict) else {}

    def clear_failure(self) -> None:
        """A resumed run is no longer the failed one."""
        (self.path / FAILURE).unlink(missing_ok=True)


class RunState(NamedTuple):
    """Where a run stands (:meth:`RunDir.state`); ``str()`` says it in a message: ``stopped by a plugin after epoch
    46 of 200 (early_stopping: …)``."""

    kind: Literal["training", "failed", "stopped", "finished", "unfinished"]
    done: int  # finished epochs (lines of metrics.jsonl)
    epochs: int | None  # the run's epoch budget (train.epochs); None when its config cannot be read
    why: str = ""  # failed: failure.json's message; stopped: the plugins' stop reasons
    error: str = ""  # failed: failure.json's error (NON_FINITE, "plugin failed", "write failed", "out of memory", …)

    def __str__(self) -> str:
        of = "" if self.epochs is None else f" of {self.epochs}"
        epochs = f"{self.done}{of} epoch{'s' * ((self.epochs or self.done) != 1)}"
        return {
            "training": f"being trained by another process now ({epochs} done)",
            "failed": f"failed after {epochs} ({self.why}; {FAILURE})",
            "stopped": f"stopped by a plugin after epoch {self.done}{of} ({self.why})",
            "finished": f"finished: all its {self.done} epoch{'s' * (self.done != 1)} done",
            "unfinished": f"stopped after {epochs} without finishing (interrupted, killed or a crash)",
        }[self.kind]
