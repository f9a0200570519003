"""A host for the files of ``mvae export --onnx``: numpy and onnxruntime, nothing of mvae. It follows the sidecar's
``decode`` lines for both formats, so it is a template for a host in another language (JavaScript with
onnxruntime-web or onnxruntime-node, a Max or Pure Data external):

* ``mvae-step-onnx/1`` (``melody_rnn``): one decoder step per call; the host calls it 32 times per pattern and
  chooses each step's note between calls (:class:`StepHost`);
* ``mvae-decoder-onnx/1`` (``seed``): a whole pattern's cells in one call; the host chooses the notes
  (:class:`PatternHost`, the monophonic rule of ``mvae generate``).

    python examples/onnx_host.py decoder.onnx --z 0.5 -1 [--density 1] [--temperature 1] [--bpm 120] [--seed 0]

prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, grid step). Given the uniform
numbers ``mvae generate`` uses (``pattern`` takes a ``numpy.random.Generator``; mvae's tests pass generate's own) it
writes generate's notes: ``tests/test_tools.py`` and ``bench/onnx_host_check.py`` check that.
"""

from __future__ import annotations

import argparse
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime


@dataclass
class GridNote:
    """A note on the loop grid, as the graph describes it: ``velocity`` and ``duration`` 0..1, ``offset`` in
    half-steps (-1..1)."""

    step: int
    row: int
    velocity: float
    duration: float
    offset: float


Timing = tuple[list[np.ndarray], list[float]]
"""The notes' offset distributions (``timing_probs`` rows) and their means, one each per note."""


def read_sidecar(onnx_file: str | Path) -> dict:
    """The sidecar of ``decoder.onnx``: ``decoder.json`` beside it."""
    return json.loads(Path(onnx_file).with_suffix(".json").read_text(encoding="utf-8"))


class Host(ABC):
    """An exported graph and its sidecar (``decoder.onnx`` and ``decoder.json`` side by side); what both formats
    share: the session, the offset draw and the note times."""

    FORMAT = ""

    def __init__(self, onnx_file: str | Path) -> None:
        self.sidecar = read_sidecar(onnx_file)
        if self.sidecar["format"] != self.FORMAT:
            raise ValueError(f"{onnx_file}: format {self.sidecar['format']!r}; this host reads {self.FORMAT!r}")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # small graphs: one thread is fastest
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.steps, self.timing = self.sidecar["steps"], self.sidecar["timing"]

    def pattern(
        self,
        z: np.ndarray,
        density: float = 1.0,
        temperature: float = 1.0,
        timing_temperature: float = 1.0,
        rng: np.random.Generator | None = None,
    ) -> list[GridNote]:
        """One pattern's notes at latent point ``z``, in step order, chosen with generate's options; every random
        number comes from ``rng`` (a fresh generator by default): the note choice first, then the offsets."""
        rng = rng if rng is not None else np.random.default_rng()
        notes, timing = self.choose(_points(z), density, temperature, rng)
        if timing is not None:
            for note, offset in zip(notes, self.offsets(*timing, timing_temperature, rng), strict=True):
                note.offset = offset
        return notes

    @abstractmethod
    def choose(
        self, z: np.ndarray, density: float, temperature: float, rng: np.random.Generator
    ) -> tuple[list[GridNote], Timing | None]:
        """The notes of the pattern at ``z [1, latent_dim]``, in step order, and their offsets' distributions and
        means (``None`` when the notes carry their offsets already)."""

    def offsets(
        self, probs: list[np.ndarray], means: list[float], temperature: float, rng: np.random.Generator
    ) -> list[float]:
        """The notes' offsets in half-steps (sidecar ``timing.sample``): the mean at temperature 0, else a class
        drawn from ``p^(1/T)`` and a uniform place in its bin (class 0, on the grid, is exactly 0)."""
        if not probs or temperature <= 0:
            return means
        weights = np.asarray(probs, dtype=np.float64) ** (1.0 / temperature)
        cumulative = np.cumsum(weights, axis=1)
        uniforms = rng.random((len(weights), 2))
        picked = np.minimum((cumulative < uniforms[:, :1] * cumulative[:, -1:]).sum(axis=1), weights.shape[1] - 1)
        centers, width = np.asarray(self.timing["centers"]), self.timing["bin_width"]
        return np.where(picked == 0, 0.0, centers[picked] + (uniforms[:, 1] - 0.5) * width).tolist()

    def timed(self, notes: list[GridNote], bpm: float = 120.0, grid_offset: float = 1.0) -> list[dict]:
        """``notes`` in seconds from the loop's start (sidecar ``decode``: start, length, velocity)."""
        seconds = 60.0 / bpm / 4
        starts = [max(0.0, (n.step + n.offset * grid_offset / 2) * seconds) for n in notes]
        loop_end = self.steps * seconds
        timed = []
        for note, start in zip(notes, starts, strict=True):
            later = [s for s in starts if s > start] + [loop_end]
            length = max(note.duration * self.sidecar["max_duration_steps"], 1 / 8) * seconds
            velocity = int(np.clip(round(note.velocity * 127), 1, 127))
            pitch = self.sidecar["pitch_low"] + note.row
            timed.append({"pitch": pitch, "velocity": velocity, "start": round(start, 6),
                          "end": round(min(start + length, min(later)), 6), "step": note.step})  # fmt: skip
        return sorted(timed, key=lambda n: n["start"])


class StepHost(Host):
    """``mvae-step-onnx/1``: 32 calls per pattern, the token chosen between them."""

    FORMAT = "mvae-step-onnx/1"

    def __init__(self, onnx_file: str | Path) -> None:
        super().__init__(onnx_file)
        self.tokens = self.sidecar["tokens"]
        self.state_size = self.sidecar["inputs"]["state"]["shape"][1]

    def choose(
        self, z: np.ndarray, density: float, temperature: float, rng: np.random.Generator
    ) -> tuple[list[GridNote], Timing | None]:
        """32 calls of the graph, the token chosen between them (the sidecar's rules)."""
        uniforms = rng.random((self.steps, 2))
        token = np.array([self.tokens["start"]], dtype=np.int64)
        state = np.zeros((1, self.state_size), dtype=np.float32)
        expected = written = 0.0
        notes, distributions, means = [], [], []
        for step in range(self.steps):
            inputs = {"z": z, "token": token, "state": state, "step": np.array(step, dtype=np.int64)}
            probs, state, velocity, duration, timing_probs, timing_mean = self.session.run(None, inputs)
            probs = probs[0].astype(np.float64)
            p_note = min(1.0, density * (1.0 - probs[0]))
            if temperature <= 0:
                expected += p_note
                row = int(np.argmax(probs[1:])) if expected - written >= 0.5 else None
                written += row is not None
            else:
                row = self._row(probs[1:], p_note, temperature * self.tokens["pitch_temperature"], uniforms[step])
            token[0] = 0 if row is None else row + 1
            if row is not None:
                notes.append(GridNote(step, row, float(velocity[0, row]), float(duration[0, row]), 0.0))
                distributions.append(timing_probs[0, row])
                means.append(float(timing_mean[0, row]))
        return notes, (distributions, means)

    def _row(self, row_probs: np.ndarray, p_note: float, t: float, u: np.ndarray) -> int | None:
        """The sampled choice: no note, or a row drawn from the tempered probabilities without the unlikely tail."""
        if u[0] >= p_note:
            return None
        weights = row_probs ** (1.0 / t)
        weights[weights < self.tokens["pitch_min_p"] * weights.max()] = 0.0
        cumulative = np.cumsum(weights)
        return min(int(np.searchsorted(cumulative, u[1] * cumulative[-1], side="right")), len(weights) - 1)


class PatternHost(Host):
    """``mvae-decoder-onnx/1``: one call per pattern, then generate's monophonic note choice."""

    FORMAT = "mvae-decoder-onnx/1"

    def forward(self, z: np.ndarray) -> dict[str, np.ndarray]:
        """The graph's outputs at the latent points ``z [batch, latent_dim]``, by name."""
        return dict(zip(self.sidecar["outputs"], self.session.run(None, {"z": _points(z)}), strict=True))

    def choose(
        self, z: np.ndarray, density: float, temperature: float, rng: np.random.Generator
    ) -> tuple[list[GridNote], Timing | None]:
        """One call of the graph; the steps that sound and their rows (the sidecar's rules)."""
        outputs = self.forward(z)
        onset = outputs["onset"][0].astype(np.float64)  # [rows, steps]
        expected = np.minimum(1.0, onset.sum(axis=0))
        if temperature > 0:
            steps = np.flatnonzero(rng.random(self.steps) < np.minimum(1.0, density * expected))
            weights = onset[:, steps] ** (1.0 / temperature) + 1e-300
            cumulative = np.cumsum(weights, axis=0)
            below = (cumulative < rng.random(len(steps)) * cumulative[-1]).sum(axis=0)
            rows = np.minimum(below, onset.shape[0] - 1)
        else:
            count = min(self.steps, round(density * expected.sum()))
            steps = np.sort(np.argsort(-expected, kind="stable")[:count])
            rows = onset[:, steps].argmax(axis=0)
        velocity, duration = outputs["velocity"][0, rows, steps], outputs["duration"][0, rows, steps]
        mse = "timeshift" in outputs  # the mse timing head: one offset per cell, nothing to draw
        offsets = outputs["timeshift"][0, rows, steps] if mse else np.zeros(len(steps))
        notes = [GridNote(int(s), int(r), float(v), float(d), float(o))
                 for s, r, v, d, o in zip(steps, rows, velocity, duration, offsets, strict=True)]  # fmt: skip
        timing = None if mse else (list(outputs["timing_probs"][0, steps]), outputs["timing_mean"][0, steps].tolist())
        return notes, timing


def _points(z: np.ndarray) -> np.ndarray:
    """``z`` as the graphs' float32 ``[batch, latent_dim]`` (one point: a batch of 1)."""
    return np.asarray(z, dtype=np.float32).reshape(-1, np.shape(z)[-1])


def open_host(onnx_file: str | Path) -> Host:
    """The host for the file's format (its sidecar says which)."""
    sidecar = read_sidecar(onnx_file)
    hosts = {host.FORMAT: host for host in (StepHost, PatternHost)}
    if sidecar.get("format") not in hosts:
        raise ValueError(f"{onnx_file}: format {sidecar.get('format')!r}; this host reads {sorted(hosts)}")
    return hosts[sidecar["format"]](onnx_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onnx_file", type=Path)
    parser.add_argument("--z", type=float, nargs="+", required=True, help="the latent point (latent_dim numbers)")
    parser.add_argument("--density", type=float, default=1.0)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--timing-temperature", type=float, default=1.0)
    parser.add_argument("--grid-offset", type=float, default=1.0)
    parser.add_argument("--bpm", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    host = open_host(args.onnx_file)
    if len(args.z) != host.sidecar["latent_dim"]:
        parser.error(f"--z needs {host.sidecar['latent_dim']} numbers (the model's latent_dim), got {len(args.z)}")
    rng = np.random.default_rng(args.seed)
    notes = host.pattern(np.array(args.z), args.density, args.temperature, args.timing_temperature, rng)
    for note in host.timed(notes, args.bpm, args.grid_offset):
        print(json.dumps(note))


if __name__ == "__main__":
    main()
