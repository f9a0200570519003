"""Latent points → decoded heads → notes → MIDI.

Decoding (monophonic, at most one note per step):

* default, **density-aware**: a step's expected number of note starts is ``e_step = min(1, Σ_rows p)``; the
  expected number of notes in the loop is ``Σ e_step``; the ``round(density · Σ e_step)`` steps with the highest
  ``e_step`` sound. (For monophonic training data this is exactly the expected note count of a calibrated model.)
  Per-cell probabilities on real data are small (hundreds of cells, ~10–30 notes a loop), so the ancestor's
  fixed cell threshold writes near-empty loops; this rule keeps the training data's density.
* with ``threshold_min``/``threshold_max`` (the ancestor's rule): a step sounds when some cell's probability
  lies within ``[threshold_min, threshold_max]``.

The pitch is the most probable row of the step; velocity and duration come from their heads. The start time
is ``(step + timeshift · grid_offset / 2) · seconds_per_step`` (0 = quantized, 1 = learned, 2 = exaggerated),
clamped at 0 for the loop's first step; each note ends at the latest when the next one starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pretty_midi
import torch

from mvae_core.config import MvaeConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.model import MelodyVAE

MIDI_RESOLUTION = 960


@dataclass(frozen=True)
class DecodeOptions:
    density: float = 1.0
    threshold_min: float | None = None
    threshold_max: float | None = None
    grid_offset: float = 1.0
    tempo: float = 120.0


@dataclass(frozen=True)
class Note:
    """One generated note on the loop grid (the same quantities as a training cell)."""

    step: int
    row: int
    velocity: float  # 0..1
    duration: float  # 0..1 of max_duration_steps
    timeshift: float  # -1..1 half-steps


@torch.no_grad()
def decode_latents(model: MelodyVAE, z: torch.Tensor) -> dict[str, np.ndarray]:
    """``z [N, latent_dim]`` → numpy heads ``[N, pitch_classes, 32]`` (onset as probabilities)."""
    model.eval()
    out = model.decode(z)
    return {
        "onset": torch.sigmoid(out.onset_logits).numpy(),
        "velocity": out.velocity.numpy(),
        "duration": out.duration.numpy(),
        "timeshift": out.timeshift.numpy(),
    }


def select_notes(heads: dict[str, np.ndarray], i: int, options: DecodeOptions) -> list[Note]:
    """The notes of pattern ``i`` of decoded ``heads`` (see the module docstring for the rule)."""
    p = heads["onset"][i].astype(np.float64)  # [P, 32]
    if options.threshold_min is None and options.threshold_max is None:
        expected = np.minimum(1.0, p.sum(axis=0))
        count = min(STEPS_PER_LOOP, round(options.density * expected.sum()))
        steps = np.sort(np.argsort(-expected, kind="stable")[:count])
        rows = p[:, steps].argmax(axis=0)
    else:
        low = options.threshold_min if options.threshold_min is not None else 0.0
        high = options.threshold_max if options.threshold_max is not None else 1.0
        candidates = np.where((p >= low) & (p <= high), p, -1.0)
        steps = np.flatnonzero(candidates.max(axis=0) >= 0)
        rows = candidates[:, steps].argmax(axis=0)
    return [
        Note(int(s), int(r), *(float(heads[k][i, r, s]) for k in ("velocity", "duration", "timeshift")))
        for s, r in zip(steps, rows, strict=True)
    ]


def notes_to_midi(loops: list[list[Note]], cfg: MvaeConfig, options: DecodeOptions) -> pretty_midi.PrettyMIDI:
    """Consecutive loops of notes as one MIDI file (4/4 at ``options.tempo``), one instrument."""
    midi = pretty_midi.PrettyMIDI(resolution=MIDI_RESOLUTION, initial_tempo=options.tempo)
    midi.time_signature_changes.append(pretty_midi.TimeSignature(4, 4, 0.0))
    step_seconds = 60.0 / options.tempo / 4
    starts, notes = [], []
    for loop_index, loop in enumerate(loops):
        for note in loop:
            grid = loop_index * STEPS_PER_LOOP + note.step
            starts.append(max(0.0, (grid + note.timeshift * options.grid_offset / 2) * step_seconds))
            notes.append(note)
    instrument = pretty_midi.Instrument(program=0, name="mvae")
    order = np.argsort(starts, kind="stable")
    for k, j in enumerate(order):
        note = notes[j]
        start = _on_tick(starts[j], step_seconds)
        end = start + max(note.duration * cfg.data.max_duration_steps, 0.125) * step_seconds
        if k + 1 < len(order):
            end = min(end, _on_tick(starts[order[k + 1]], step_seconds))
        velocity = int(np.clip(round(note.velocity * 127), 1, 127))
        pitch = cfg.data.pitch_low + note.row
        instrument.notes.append(pretty_midi.Note(velocity, pitch, start, max(end, start + step_seconds / 8)))
    midi.instruments.append(instrument)
    return midi


def _on_tick(seconds: float, step_seconds: float) -> float:
    """Round a time to the file's tick grid so that a written and re-read file agree exactly."""
    tick_seconds = step_seconds * 4 / MIDI_RESOLUTION
    return round(seconds / tick_seconds) * tick_seconds


def latent_points(
    n_random: int | None, z: list[float] | None, noise: float, latent_dim: int, seed: int
) -> torch.Tensor:
    """``[N, latent_dim]``: the given point, or ``n_random`` draws from the prior, plus optional noise."""
    generator = torch.Generator().manual_seed(seed)
    if z is not None:
        if len(z) != latent_dim:
            raise ValueError(f"--z needs {latent_dim} numbers (the model's latent_dim), got {len(z)}")
        points = torch.tensor([z], dtype=torch.float32)
    else:
        points = torch.randn(n_random or 1, latent_dim, generator=generator)
    if noise:
        points = points + noise * torch.randn(points.shape, generator=generator)
    return points


def point_name(point: torch.Tensor) -> str:
    return "z_" + "_".join(f"{v:+.2f}" for v in point.tolist())
