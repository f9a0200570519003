"""The run folder's layout: the names of the files a run holds, which of them are written whole, how much of a run's
JSON file is read, and :class:`RunFiles`, the part of :class:`~mvae_core.run.RunDir` every other part builds on (its
path, what is there, a file written whole).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mvae_core.files import atomic_write, read_json_bounded, remove_temporaries

CHECKPOINT = "checkpoint.pt"
"""A run's training state for a resume (:func:`~mvae_core.checkpoint.save_checkpoint`,
:func:`~mvae_core.checkpoint.load_checkpoint`)."""
BEST_MODEL = "model.safetensors"
"""A run's best model, the one ``generate`` reads (:func:`~mvae_core.checkpoint.save_model`,
:func:`~mvae_core.checkpoint.load_model_file`)."""
CONFIG = "config.toml"
"""The run's resolved config and its ``[provenance]`` (:mod:`mvae_core.run_config`)."""
METRICS = "metrics.jsonl"
"""One line per finished epoch (:mod:`mvae_core.run_metrics`)."""
STEPS = "steps.jsonl"
"""One line per training step that plugins recorded numbers in (:mod:`mvae_core.run_metrics`); no file in a run where
none did."""
DATA_REPORT = "data_report.json"
"""What the data's loader reported of every source (:mod:`mvae_core.run_split`)."""
SPLIT = "split.json"
"""The run's train and validation sources and their files' digests (:mod:`mvae_core.run_split`)."""
FAILURE = "failure.json"
"""Why the run stopped with an error, until it is resumed (:mod:`mvae_core.run_state`)."""
LOCK = ".lock"
"""Held (``flock``) by the process that trains the run (:mod:`mvae_core.run_lock`)."""
WRITTEN_WHOLE = (CONFIG, DATA_REPORT, SPLIT, METRICS, STEPS, FAILURE, CHECKPOINT, BEST_MODEL)
"""The run files written through :func:`~mvae_core.files.atomic_write` (``metrics.jsonl`` when a resume cuts it):
every file of a run's folder but its lock, so also the names a new run must not write over where they are not a run's
(:func:`~mvae_core.run_setup.refuse_existing_run`) and that no other file mvae writes may take there."""

RUN_MARKERS = (CHECKPOINT, METRICS)
"""The files whose presence makes a folder a run (:func:`holds_a_run`)."""

RUN_FILE_BYTES = 1 << 29
"""The most mvae reads at once of one of a run's JSON files (``split.json``, ``data_report.json``, ``failure.json``;
``metrics.jsonl`` and ``steps.jsonl`` where a reader holds them whole): 512 MiB, far above what a run writes (a data
report of a million files is a few hundred MB), so that a damaged or hostile file (a link to ``/dev/zero``) cannot fill
memory. A resume cuts ``metrics.jsonl`` and ``steps.jsonl`` one line at a time (:mod:`mvae_core.run_metrics`), so
there it bounds a line, not the file: ``train.step_records = 1`` on a run of 2 million steps makes a larger
``steps.jsonl``."""


def holds_a_run(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` holds (something of) a run: one of :data:`RUN_MARKERS`, one stat each. What a new run
    refuses to write over, and what a folder search of the data leaves out (:func:`~mvae_core.data.sources.walk_midi`).
    This module imports nothing heavy, so the data layer may ask it."""
    return any(os.path.exists(os.path.join(folder, name)) for name in RUN_MARKERS)


def read_run_json(path: Path) -> Any:
    """A run's JSON file, read with a bound (:func:`~mvae_core.files.read_json_bounded`, :data:`RUN_FILE_BYTES`):
    ``OSError`` (``FileNotFoundError`` when it is missing) or ``ValueError`` as that says."""
    return read_json_bounded(path, RUN_FILE_BYTES)


class RunFiles:
    """A run directory at ``path`` as files: which of a run's files are there, and a run file written whole or not at
    all (nothing is created until a method writes). The base of :class:`~mvae_core.run.RunDir`."""

    path: Path

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        """Something of a run is here (a new run must not write over it): :func:`holds_a_run`."""
        return holds_a_run(self.path)

    def has_checkpoint(self) -> bool:
        """A run that ``--resume`` can continue (a bent copy, for one, has no checkpoint)."""
        return (self.path / CHECKPOINT).exists()

    def remove_leftovers(self) -> dict[str, int]:
        """Remove the temporary files that writes of run files left when their process was killed in the middle
        (``kill -9``, a power cut: :func:`~mvae_core.files.atomic_write` removes its temporary in every other case),
        each up to as large as the file it was to become and hidden by its leading dot; returns their names and
        sizes in bytes. Only for the process that holds the run's lock (:meth:`training_lock`): another one's write
        in progress would be removed."""
        return remove_temporaries(self.path / name for name in WRITTEN_WHOLE)

    def _write_text(self, name: str, text: str) -> None:
        """The run file ``name`` holding ``text`` (UTF-8), written whole or not at all (:func:`atomic_write`)."""
        atomic_write(self.path / name, lambda tmp: tmp.write_text(text, encoding="utf-8"))
