"""``mvae encode``: the latent point of every loop of one MIDI file (posterior mean and standard deviation).

The file is read with the run's own ``[data]`` settings (same grid, pitch rows, folding and ``min_onsets``), through
the parse cache, and densified without transposition. A loop is numbered by its position among the file's
*usable* loops, in time order: loops without notes, or with fewer than ``data.min_onsets`` notes, are not loops of
the data set and are not counted, so loop ``k`` starts at bar ``2k`` only when no such loop precedes it.
"""

from __future__ import annotations

import errno
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from mvae_core.config import MvaeConfig
from mvae_core.data.batches import densify
from mvae_core.data.load import load_dataset
from mvae_core.data.sources import READ_SUFFIXES, walk_midi
from mvae_core.data.split import LoopSet
from mvae_core.data.tempo import loop_bpm
from mvae_core.files import not_regular, reason
from mvae_core.models.base import MelodyModel
from mvae_core.models.contract import DAMAGED_WEIGHTS
from mvae_core.tools import ToolError
from mvae_core.wording import listed

_TRAINED_WITH = (
    "; that setting is the run's, fixed when it was trained (mvae encode, interpolate and serve read a file as their "
    "run does): give another file, or train a new run with it"
)
"""Said after the data report's reason when it names a setting to change (``--set data.min_onsets=3``): its advice is
for training, and these commands take no ``--set``; a musician dropping a sparse riff on the page was sent to it."""


@dataclass(frozen=True)
class LoopCode:
    """One loop's encoding: ``mu`` and ``std = exp(logvar / 2)`` of the posterior, ``latent_dim`` numbers each, and
    the loop's tempo in the file (``bpm``: its 2 bars' length on the file's tempo map), at which ``mvae generate
    --tempo`` plays it back at the file's speed."""

    loop: int  # position among the file's usable loops, from 0
    notes: int
    mu: list[float]
    std: list[float]
    bpm: float


class FileLoops(NamedTuple):
    """The usable loops of one MIDI file, in time order (:func:`file_loops`)."""

    dense: torch.Tensor  # [N, 4, pitch_classes, 32], N >= 1
    notes: np.ndarray  # notes per loop, [N]
    bpm: np.ndarray  # each loop's tempo in the file, [N], to 0.1 bpm


def file_loops(
    path: Path, cfg: MvaeConfig, option: str | None = None, *, command: str = "mvae encode RUN"
) -> FileLoops:
    """The usable loops of the MIDI file ``path``: dense, their notes and their tempos.

    Raises :class:`ToolError` when ``path`` is not a MIDI file (:data:`READ_SUFFIXES`) or yields no loop (with the
    reason the data report gives). ``option`` is what gave ``path``, which a folder's message names: a command-line
    option (``--from-midi``), a Python argument (``start``), or ``None`` for ``mvae encode``'s file argument, where
    the message's example starts with ``command`` (the command line as the user typed it, up to the file).
    """
    if path.is_dir():
        runs: list[Path] = []
        files, _ = walk_midi(path, runs=runs)
        takes = "encode" if option is None else option
        found = f"{len(files)} MIDI file{'' if len(files) == 1 else 's'} in it"
        if runs:  # not searched (loops generated into a run); a file in one is still one to encode
            found += f" outside the run folder{'s' * (len(runs) > 1)} {listed([str(run) for run in runs])}"
        examples = files or (walk_midi(runs[0])[0] if runs else [])
        if not examples:
            example = ""
        elif option is None or option.startswith("-"):
            example = f"; e.g. {command if option is None else option} {shlex.quote(str(examples[0]))}"
        else:
            example = f"; e.g. {option}={str(examples[0])!r}"
        raise ToolError(f"{path} is a folder ({found}); {takes} takes one MIDI file{example}")
    if not path.is_file():
        raise ToolError(f"{path}: {_not_a_file(path)}")
    if path.suffix.lower() not in READ_SUFFIXES:
        raise ToolError(
            f"{path}: not a MIDI file (expected a {', '.join(READ_SUFFIXES[:-1])} or {READ_SUFFIXES[-1]} file)"
        )
    table, report = load_dataset([str(path)], cfg.data)
    if table.n_loops == 0:
        entry = report.entries[0]
        detail = f": {entry['detail']}" if entry.get("detail") else ""
        raise ToolError(f"{path}: no loop to encode ({entry['reason']}{detail}){_TRAINED_WITH * ('--set ' in detail)}")
    every = np.arange(table.n_loops)
    loops = LoopSet(table, every, np.zeros(table.n_loops, dtype=np.int64))
    return FileLoops(
        densify(loops, every, cfg.data.pitch_classes), table.notes_per_loop(), loop_bpm(table.seconds_per_step)
    )


def _not_a_file(path: Path) -> str:
    """Why ``path``, which :meth:`~pathlib.Path.is_file` refused, is no MIDI file to read: nothing there, or what stands
    there (a FIFO, a device: never opened, so nothing blocks), in the data reader's words."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return "no such file" if exc.errno == errno.ENOENT else f"cannot be read ({reason(exc)})"
    return f"{not_regular(mode)}; give a MIDI file"


@torch.no_grad()
def encode_loops(model: MelodyModel, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Posterior mean and standard deviation ``[N, latent_dim]`` of dense loops ``x`` (model in eval mode);
    :class:`ToolError` when a number of them is not finite (weights that overflow on these loops: a JSON listing
    would print NaN, which is no JSON, and a line between such points is no line)."""
    model.eval()
    mu, logvar = model.encode(x)
    std = torch.exp(0.5 * logvar)
    if not (bad := ~(torch.isfinite(mu).all(dim=1) & torch.isfinite(std).all(dim=1))).any():
        return mu, std
    which = "this loop" if len(x) == 1 else f"{int(bad.sum())} of these {len(x)} loops"
    raise ToolError(
        f"the run's model encodes {which} to numbers that are not finite (NaN or infinite): its weights overflow on "
        f"them, so {DAMAGED_WEIGHTS}"
    )


def encode_file(
    model: MelodyModel, cfg: MvaeConfig, path: Path, option: str | None = None, *, command: str = "mvae encode RUN"
) -> list[LoopCode]:
    """Every usable loop of ``path`` with its latent mean and std (see the module docstring for the numbering);
    ``option`` and ``command`` as :func:`file_loops` takes them."""
    loops = file_loops(path, cfg, option, command=command)
    mu, std = encode_loops(model, loops.dense)
    return [
        LoopCode(k, int(loops.notes[k]), mu[k].tolist(), std[k].tolist(), float(loops.bpm[k]))
        for k in range(len(loops.notes))
    ]
