"""``mvae interpolate``: latent points on the straight line between two endpoints, decoded to MIDI.

An endpoint is a latent point given as numbers, or the posterior mean of one loop of a MIDI file
(:mod:`mvae_core.tools.encode`). The ``N`` points are ``lerp(a, b, t)`` for ``t = 0, 1/(N-1), …, 1``; ``torch.lerp``
returns ``a`` at ``t = 0`` and ``b`` at ``t = 1`` exactly, so the first and last loops are decoded from exactly the
endpoints (the encodings, for MIDI endpoints). Every point is decoded with the same :class:`DecodeOptions`, in one
batch, so one seed gives one set of timing draws.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import torch

from mvae_core.config import MvaeConfig
from mvae_core.files import atomic_write
from mvae_core.generation import LATENT_MAX, MAX_LOOPS, DecodeOptions, render_loops
from mvae_core.loop_file import earlier_loop_files, loop_file_stem, write_midi
from mvae_core.models.base import MelodyModel
from mvae_core.tools import ToolError
from mvae_core.tools.encode import encode_loops, file_loops

ONE_FILE = "interpolation.mid"


def parse_point(text: str, latent_dim: int, option: str) -> torch.Tensor:
    """``"0.5,-1"`` → ``[latent_dim]`` float32; :class:`ToolError` naming ``option`` for a wrong count or a non-number."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise ToolError(f"{option} {text!r}: expected comma-separated numbers, e.g. 0.5,-1") from None
    if len(values) != latent_dim:
        raise ToolError(f"{option} needs {latent_dim} numbers (the model's latent_dim), got {len(values)}")
    if not all(abs(v) <= LATENT_MAX for v in values):
        raise ToolError(f"{option} {text!r}: every number must be finite (within ±{LATENT_MAX:.2g})")
    return torch.tensor(values, dtype=torch.float32)


def file_point(model: MelodyModel, cfg: MvaeConfig, path: Path, loop: int, option: str | None = None) -> torch.Tensor:
    """The posterior mean ``[latent_dim]`` of usable loop ``loop`` of the MIDI file ``path``; ``option`` names the
    command-line option that gave ``path`` in the messages (:func:`~mvae_core.tools.encode.file_loops`)."""
    x, _ = file_loops(path, cfg, option)
    if not 0 <= loop < x.shape[0]:
        raise ToolError(f"{path} has {x.shape[0]} usable loop(s) (0..{x.shape[0] - 1}); --loop {loop} is not one")
    mu, _ = encode_loops(model, x[loop : loop + 1])
    return mu[0]


def line(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """``[steps, latent_dim]`` evenly spaced from ``a`` to ``b`` inclusive (``2 ≤ steps ≤ MAX_LOOPS``); the ends are
    exact. :class:`ToolError` when a point is not finite in 32-bit floats (endpoints near ±:data:`LATENT_MAX`)."""
    if not 2 <= steps <= MAX_LOOPS:
        raise ToolError(f"--steps must be between 2 (the two endpoints) and {MAX_LOOPS}, got {steps}")
    t = torch.linspace(0.0, 1.0, steps).unsqueeze(1)
    points = torch.lerp(a.expand(steps, -1), b.expand(steps, -1), t)
    if not torch.isfinite(points).all():
        raise ToolError(f"the points between the endpoints pass ±{LATENT_MAX:.2g} (32-bit floats); bring them closer")
    return points


def write_interpolation(
    model: MelodyModel, cfg: MvaeConfig, points: torch.Tensor, options: DecodeOptions, out: Path, one_file: bool
) -> list[tuple[Path, int]]:
    """One MIDI file per point in ``out`` (:func:`~mvae_core.loop_file.loop_file_stem` + ``.mid``), plus
    ``interpolation.mid`` holding every loop in order when ``one_file``; returns each written path with its note
    count. Files of the same names are replaced; :func:`earlier_files` finds the others an earlier run left."""
    if out.suffix and not out.is_dir():
        raise ToolError(f"{out}: interpolate writes a folder of MIDI files; name a new folder without a suffix")
    loops = [file[0] for file in render_loops(model, points, options, per_file=1)]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, (point, notes) in enumerate(zip(points, loops, strict=True)):
        path = out / f"{loop_file_stem(i, len(points), point)}.mid"
        atomic_write(path, partial(write_midi, loops=[notes], cfg=cfg, options=options), durable=False)
        written.append((path, len(notes)))
    if one_file:
        path = out / ONE_FILE
        atomic_write(path, partial(write_midi, loops=loops, cfg=cfg, options=options), durable=False)
        written.append((path, sum(len(notes) for notes in loops)))
    return written


def earlier_files(out: Path, written: list[Path]) -> list[Path]:
    """The loop files in ``out`` that this interpolation did not write (an earlier command's, which a DAW would
    load with this one's): ``NNN_z_<point>.mid`` and ``interpolation.mid`` names not in ``written``."""
    return earlier_loop_files(out, written, also=(ONE_FILE,))
