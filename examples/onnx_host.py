"""A host for ``mvae export --onnx`` of a ``melody_rnn`` run (format ``mvae-step-onnx/1``): numpy and onnxruntime,
nothing of mvae. It follows the sidecar's ``decode`` lines, so it is a template for a host in another language
(JavaScript with onnxruntime-web or onnxruntime-node, a Max or Pure Data external).

    python examples/onnx_host.py decoder.onnx --z 0.5 -1 [--density 1] [--temperature 1] [--bpm 120] [--seed 0]

prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, grid step). With the same
uniform numbers as ``mvae generate`` (``pattern`` takes a ``numpy.random.Generator``; mvae's test passes the one
``mvae generate`` uses) it writes the same notes; ``tests/test_export.py`` checks that.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime

FORMAT = "mvae-step-onnx/1"


@dataclass
class GridNote:
    """A note on the loop grid, as the graph describes it: ``velocity`` and ``duration`` 0..1, ``offset`` in
    half-steps (-1..1)."""

    step: int
    row: int
    velocity: float
    duration: float
    offset: float


class StepHost:
    """The exported graph and its sidecar (``decoder.onnx`` and ``decoder.json`` side by side)."""

    def __init__(self, onnx_file: str | Path) -> None:
        self.sidecar = json.loads(Path(onnx_file).with_suffix(".json").read_text(encoding="utf-8"))
        if self.sidecar["format"] != FORMAT:
            raise ValueError(f"{onnx_file}: format {self.sidecar['format']!r}; this host reads {FORMAT!r}")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # 32 small calls: one thread is fastest
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.tokens, self.timing = self.sidecar["tokens"], self.sidecar["timing"]
        self.state_size = self.sidecar["inputs"]["state"]["shape"][1]

    def pattern(
        self,
        z: np.ndarray,
        density: float = 1.0,
        temperature: float = 1.0,
        timing_temperature: float = 1.0,
        rng: np.random.Generator | None = None,
    ) -> list[GridNote]:
        """One pattern at latent point ``z``: 32 calls of the graph, the token chosen between them (the sidecar's
        rules); then the offsets of the notes, drawn in step order."""
        rng = rng if rng is not None else np.random.default_rng()
        uniforms = rng.random((self.sidecar["steps"], 2))
        token = np.array([self.tokens["start"]], dtype=np.int64)
        state = np.zeros((1, self.state_size), dtype=np.float32)
        point = np.asarray(z, dtype=np.float32).reshape(1, -1)
        expected = written = 0.0
        notes, distributions, means = [], [], []
        for step in range(self.sidecar["steps"]):
            inputs = {"z": point, "token": token, "state": state, "step": np.array(step, dtype=np.int64)}
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
        for note, offset in zip(notes, self._offsets(distributions, means, timing_temperature, rng), strict=True):
            note.offset = offset
        return notes

    def _row(self, row_probs: np.ndarray, p_note: float, t: float, u: np.ndarray) -> int | None:
        """The sampled choice: no note, or a row drawn from the tempered probabilities without the unlikely tail."""
        if u[0] >= p_note:
            return None
        weights = row_probs ** (1.0 / t)
        weights[weights < self.tokens["pitch_min_p"] * weights.max()] = 0.0
        cumulative = np.cumsum(weights)
        return min(int(np.searchsorted(cumulative, u[1] * cumulative[-1], side="right")), len(weights) - 1)

    def _offsets(
        self, probs: list[np.ndarray], means: list[float], temperature: float, rng: np.random.Generator
    ) -> list[float]:
        """The notes' offsets in half-steps (sidecar ``timing.sample``): the mean at temperature 0, else a class
        drawn from ``p^(1/T)`` and a uniform place in its bin (class 0, on the grid, is exactly 0)."""
        if not probs:
            return []
        if temperature <= 0:
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
        loop_end = self.sidecar["steps"] * seconds
        timed = []
        for note, start in zip(notes, starts, strict=True):
            later = [s for s in starts if s > start] + [loop_end]
            length = max(note.duration * self.sidecar["max_duration_steps"], 1 / 8) * seconds
            velocity = int(np.clip(round(note.velocity * 127), 1, 127))
            pitch = self.sidecar["pitch_low"] + note.row
            timed.append({"pitch": pitch, "velocity": velocity, "start": round(start, 6),
                          "end": round(min(start + length, min(later)), 6), "step": note.step})  # fmt: skip
        return sorted(timed, key=lambda n: n["start"])


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
    host = StepHost(args.onnx_file)
    if len(args.z) != host.sidecar["latent_dim"]:
        parser.error(f"--z needs {host.sidecar['latent_dim']} numbers (the model's latent_dim), got {len(args.z)}")
    rng = np.random.default_rng(args.seed)
    notes = host.pattern(np.array(args.z), args.density, args.temperature, args.timing_temperature, rng)
    for note in host.timed(notes, args.bpm, args.grid_offset):
        print(json.dumps(note))


if __name__ == "__main__":
    main()
