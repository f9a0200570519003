"""The endpoints and the line of ``mvae interpolate`` (decoded by :func:`mvae_core.interpolate`).

An endpoint is a latent point given as numbers, or the posterior mean of one loop of a MIDI file
(:mod:`mvae_core.tools.encode`). The ``N`` points are ``lerp(a, b, t)`` for ``t = 0, 1/(N-1), …, 1``; ``torch.lerp``
returns ``a`` at ``t = 0`` and ``b`` at ``t = 1`` exactly, so the first and last loops are decoded from exactly the
endpoints (the encodings, for MIDI endpoints).
"""

from __future__ import annotations

from pathlib import Path

import torch

from mvae_core.config import MvaeConfig
from mvae_core.errors import OptionError
from mvae_core.generation import LATENT_MAX, MAX_LOOPS
from mvae_core.models.base import MelodyModel
from mvae_core.tools import ToolError
from mvae_core.tools.encode import encode_loops, file_loops

ONE_FILE = "interpolation.mid"
"""The file of ``mvae interpolate --one-file``: every loop of the line in order."""
ONE_WAV = "interpolation.wav"
""":data:`ONE_FILE` rendered, with ``--one-file --audio`` (the morph heard whole, not only loop by loop)."""


def parse_point(text: str, latent_dim: int, option: str) -> torch.Tensor:
    """``"0.5,-1"`` → ``[latent_dim]`` float32; :class:`ToolError` naming ``option`` for a wrong count or a non-number."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise ToolError(f"{option} {text!r}: expected comma-separated numbers, e.g. 0.5,-1") from None
    return check_point(values, latent_dim, option, shown=repr(text))


def check_point(values: list[float], latent_dim: int, option: str, shown: str | None = None) -> torch.Tensor:
    """``values`` as a ``[latent_dim]`` float32 point; :class:`ToolError` naming ``option`` (and the values as
    ``shown``, by default as a list) for a wrong count or a number beyond ±:data:`LATENT_MAX`."""
    if len(values) != latent_dim:
        raise ToolError(f"{option} needs {latent_dim} numbers (the model's latent_dim), got {len(values)}")
    if not all(abs(v) <= LATENT_MAX for v in values):
        raise ToolError(f"{option} {shown or values}: every number must be finite (within ±{LATENT_MAX:.2g})")
    return torch.tensor(values, dtype=torch.float32)


def file_point(model: MelodyModel, cfg: MvaeConfig, path: Path, loop: int, option: str | None = None) -> torch.Tensor:
    """The posterior mean ``[latent_dim]`` of usable loop ``loop`` of the MIDI file ``path``; ``option`` names what
    gave ``path`` in the messages (:func:`~mvae_core.tools.encode.file_loops`). ``loop`` counts as a list's index
    does (``-1`` is the last, as in the list :func:`mvae_core.encode` returns); a loop the file does not have is an
    :class:`~mvae_core.errors.OptionError` for ``loop``."""
    x = file_loops(path, cfg, option).dense
    if not -x.shape[0] <= loop < x.shape[0]:
        raise OptionError("loop", f"{loop} is not a usable loop of {path}: it has {x.shape[0]} (0..{x.shape[0] - 1})")
    loop %= x.shape[0]
    mu, _ = encode_loops(model, x[loop : loop + 1])
    return mu[0]


def line(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """``[steps, latent_dim]`` evenly spaced from ``a`` to ``b`` inclusive (``2 ≤ steps ≤ MAX_LOOPS``, else an
    :class:`~mvae_core.errors.OptionError` for ``steps``); the ends are exact. :class:`ToolError` when a point is not
    finite in 32-bit floats (endpoints near ±:data:`LATENT_MAX`)."""
    if not 2 <= steps <= MAX_LOOPS:
        raise OptionError("steps", f"must be between 2 (the two endpoints) and {MAX_LOOPS}, got {steps}")
    t = torch.linspace(0.0, 1.0, steps).unsqueeze(1)
    points = torch.lerp(a.expand(steps, -1), b.expand(steps, -1), t)
    if not torch.isfinite(points).all():
        raise ToolError(f"the points between the endpoints pass ±{LATENT_MAX:.2g} (32-bit floats); bring them closer")
    return points
