"""What a folder given as a run holds when it is no run, or no run a resume can continue, and what to do: the
messages of those refusals.
"""

from __future__ import annotations

from pathlib import Path

from mvae_core.data.sources import is_midi_name
from mvae_core.errors import InputError, ResumeRefused
from mvae_core.files import reason
from mvae_core.run_files import BEST_MODEL, CHECKPOINT, CONFIG, DATA_REPORT, LOCK, METRICS, SPLIT
from mvae_core.run_steps import RunSteps, Steps
from mvae_core.suggest import closest


class RunRefusals(RunSteps):
    """The part of :class:`~mvae_core.run.RunDir` that refuses a folder that is no (resumable) run, naming what is
    there instead and the next step."""

    def require_folder(self) -> None:
        """:class:`InputError` unless the run's path is a folder: for a file (``RUN/config.toml``, a model file)
        the message names the folder to give instead; for a path where nothing is, the run beside it with the
        closest name, if any (``runs/dmeo`` for ``runs/demo``)."""
        if self.path.is_dir():
            return
        if self.path.exists():
            raise InputError(f"{self.path} is a file, not a run directory; give its folder: {self.path.parent}")
        raise InputError(f"{self.path}: no run directory there{self._closest_run()}")

    def _closest_run(self) -> str:
        """``; did you mean runs/demo?`` when a run directory beside the path has a close name, else ``""``."""
        match = self._closest_run_path()
        return f"; did you mean {match}?" if match else ""

    def _closest_run_path(self) -> Path | None:
        """The run directory beside the path with the closest name to it (``runs/demo`` for ``runs/dmeo``), if any."""
        try:
            runs = [path.name for path in self.path.parent.iterdir() if (path / CONFIG).is_file()]
        except OSError:  # the parent is missing or unreadable too
            return None
        match = closest(self.path.name, runs)
        return self.path.parent / match if match else None

    def refuse_resume_without_checkpoint(self) -> ResumeRefused:
        """The refusal of a resume of a folder without ``checkpoint.pt``: why, by what is there, and what to do. A
        file given as the run (``RUN/checkpoint.pt``) is named so, with the resume of its folder."""
        if self.path.exists() and not self.path.is_dir():
            folder = type(self)(self.path.parent)
            return folder.said_both_ways(
                ResumeRefused,
                lambda steps: f"{self.path} is a file, not a run directory; give its folder: {steps.resume}",
            )
        return self.said_both_ways(
            ResumeRefused,
            lambda steps: f"{self.path}: nothing to resume there (no checkpoint.pt); {self._no_checkpoint_hint(steps)}",
        )

    def _no_checkpoint_hint(self, steps: Steps) -> str:
        if not self.path.is_dir():
            stopped = "a run stopped while it read its data leaves nothing behind"
            if match := self._closest_run_path():
                return (
                    f"the folder does not exist: did you mean {match}? If not, start the run ({stopped}): {steps.train}"
                )
            return f"the folder does not exist ({stopped}); start the run: {steps.train}"
        if (self.path / BEST_MODEL).exists():
            return (
                f"its model generates ({steps.generate}) but there is no training state to continue (a bent copy has "
                "none); train a new run to train further"
            )
        if not (self.path / CONFIG).is_file():
            return self._what_is_here(steps)
        return "the run's training state is gone; restore checkpoint.pt from a backup, or train a new run"

    def _what_is_here(self, steps: Steps) -> str:
        """What a folder without ``config.toml`` holds instead, and what to do (for the error that refuses it)."""
        try:
            entries = sorted(self.path.iterdir())
        except OSError as exc:
            return f"the folder cannot be listed ({reason(exc)})"
        names = {p.name for p in entries}
        run_files = sorted(names & {CHECKPOINT, BEST_MODEL, METRICS})
        if run_files:
            return (
                f"it holds {', '.join(run_files)} but the run's config is gone; restore {CONFIG} from a backup (a "
                "run cannot be read without it), or train a new run"
            )
        if names & {DATA_REPORT, SPLIT}:
            return f"its training stopped before it was set up; train it again ({steps.train})"
        runs = [p.name for p in entries if (p / CONFIG).is_file()]
        if runs:
            return f"it holds runs: give one of them, e.g. {self.path / runs[0]}"
        if ablation_runs := sorted(self.path.glob(f"runs/*/*/{CONFIG}")):  # mvae ablate's runs/<config>/seed-<n>
            return f"it holds an ablation: give one of its runs, e.g. {ablation_runs[0].parent}"
        if _holds_midi(self.path):
            return f"it holds MIDI files: train on them first ({steps.train_on_here}), then give RUN"
        if not names - {LOCK}:
            return f"it is empty: train first ({steps.train})"
        return f"give the folder that {steps.trainer_out} wrote"


def _holds_midi(folder: Path, depth: int = 2) -> bool:
    """A MIDI file in ``folder`` or its subfolders down to ``depth`` levels (symlinked folders not followed)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    for entry in entries:
        if is_midi_name(entry.name) and entry.is_file():  # what a folder search would read
            return True
    return depth > 1 and any(_holds_midi(e, depth - 1) for e in entries if e.is_dir() and not e.is_symlink())
