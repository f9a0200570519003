"""A host for the files of ``mvae export --onnx``: numpy and onnxruntime, nothing of mvae. It follows the sidecar's
``decode`` lines for both formats, so it is a template for a host in another language (JavaScript with
onnxruntime-web or onnxruntime-node, a Max or Pure Data external):

* ``mvae-step-onnx/1`` (``melody_rnn``): one decoder step per call; the host calls it 32 times per pattern and
  chooses each step's note between calls (:class:`StepHost`);
* ``mvae-decoder-onnx/1`` (``seed``): a whole pattern's cells in one call; the host chooses the notes
  (:class:`PatternHost`: ``mvae generate``'s monophonic rule, ``--poly`` and the ancestor's thresholds).

    python examples/onnx_host.py decoder.onnx --z 0.5,-1 [--density 1] [--temperature 1] [--bpm 120] [--seed 0]
        [--poly] [--threshold-min P] [--threshold-max P]

prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, grid step); ``--z 0.5 -1`` works
too. Bad input (a value out of generate's range, a missing file) exits 2 with one line on stderr. Given the uniform
numbers ``mvae generate`` uses (``pattern`` takes a ``numpy.random.Generator``; mvae's tests pass generate's own) it
writes generate's notes: ``tests/test_tools.py`` and ``bench/onnx_host_check.py`` check that.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np

try:
    import onnxruntime
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidGraph, InvalidProtobuf
except ImportError:  # what to install, not a traceback: `mvae[onnx]` exports but brings no runtime
    sys.stderr.write(
        f"onnx_host.py: error: onnxruntime is not installed: {shlex.quote(sys.executable)} -m pip install onnxruntime\n"
    )
    sys.exit(2)


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


class UnsupportedRule(ValueError):
    """A note rule the graph's format does not describe (e.g. ``--poly`` for a one-note-per-step model)."""


@dataclass(frozen=True)
class NoteRule:
    """Which notes sound: generate's ``--density``, ``--temperature``, ``--poly``, ``--threshold-min`` and
    ``--threshold-max`` (a missing bound is 0 or 1; with either bound, density and temperature are not used)."""

    density: float = 1.0
    temperature: float = 1.0
    poly: bool = False
    threshold_min: float | None = None
    threshold_max: float | None = None

    @property
    def thresholded(self) -> bool:
        """Whether the ancestor's rule applies (either bound given)."""
        return self.threshold_min is not None or self.threshold_max is not None


MIN_AUDIBLE_SECONDS = 0.02  # the least time between two different note starts, at most half a step (sidecar)
SAME_TIME = 1e-9  # seconds: a start this close to the gap after a held one is that far, not nearer (no chord)
SIDECAR_BYTES = 1 << 26
"""The most of a sidecar the host reads (64 MiB; mvae writes a few kB): a larger file is no sidecar."""


def read_sidecar(onnx_file: str | Path) -> dict:
    """The sidecar of ``decoder.onnx``: ``decoder.json`` beside it. ``ValueError`` when it is larger than
    :data:`SIDECAR_BYTES`, not JSON, or nested deeper than Python parses; ``OSError`` when it cannot be read."""
    with open(Path(onnx_file).with_suffix(".json"), "rb") as file:
        data = file.read(SIDECAR_BYTES + 1)
    if len(data) > SIDECAR_BYTES:
        raise ValueError(f"larger than {SIDECAR_BYTES:,} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError("JSON nested deeper than Python parses") from None


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
        *,
        poly: bool = False,
        threshold_min: float | None = None,
        threshold_max: float | None = None,
    ) -> list[GridNote]:
        """One pattern's notes at latent point ``z``, ordered by step then row, chosen with generate's options
        (:class:`NoteRule`); every random number comes from ``rng`` (a fresh generator by default): the note choice
        first, then the offsets, one draw per sounding step, shared by the step's notes. Raises
        :class:`UnsupportedRule` for a rule the format does not describe."""
        rng = rng if rng is not None else np.random.default_rng()
        rule = NoteRule(density, temperature, poly, threshold_min, threshold_max)
        numbers = np.asarray(z, dtype=np.float64).ravel().tolist()
        if len(numbers) != self.sidecar["latent_dim"]:
            raise ValueError(
                f"z needs {self.sidecar['latent_dim']} numbers (the model's latent_dim), got {len(numbers)}"
            )
        values = {**rule.__dict__, "timing_temperature": timing_temperature, "z": numbers}
        if (wrong := option_error(values)) is not None:  # a dial's NaN would decode to every step or to none
            raise ValueError(wrong)
        notes, timing = self.choose(_points(z), rule, rng)
        if timing is not None:  # one draw per sounding step (the first note of each), shared by its notes
            first = [i for i, note in enumerate(notes) if i == 0 or note.step != notes[i - 1].step]
            probs, means = [timing[0][i] for i in first], [timing[1][i] for i in first]
            drawn = self.offsets(probs, means, timing_temperature, rng)
            by_step = dict(zip([notes[i].step for i in first], drawn, strict=True))
            for note in notes:
                note.offset = by_step[note.step]
        return notes

    @abstractmethod
    def choose(self, z: np.ndarray, rule: NoteRule, rng: np.random.Generator) -> tuple[list[GridNote], Timing | None]:
        """The notes of the pattern at ``z [1, latent_dim]``, ordered by step then row, and their offsets'
        distributions and means (``None`` when the notes carry their offsets already)."""

    def offsets(
        self, probs: list[np.ndarray], means: list[float], temperature: float, rng: np.random.Generator
    ) -> list[float]:
        """The notes' offsets in half-steps (sidecar ``timing.sample``): the mean at temperature 0, else a class
        drawn from ``(p / max p)^(1/T)`` (the same proportions as ``p^(1/T)``, which underflows to 0 for every class
        at a low temperature) and a uniform place in its bin (class 0, on the grid, is exactly 0)."""
        if not probs or temperature <= 0:
            return means
        table = np.asarray(probs, dtype=np.float64)  # [notes, classes]
        weights = (table / table.max(axis=1, keepdims=True)) ** (1.0 / temperature)
        cumulative = np.cumsum(weights, axis=1)
        uniforms = rng.random((len(weights), 2))
        picked = np.minimum((cumulative < uniforms[:, :1] * cumulative[:, -1:]).sum(axis=1), weights.shape[1] - 1)
        centers, width = np.asarray(self.timing["centers"]), self.timing["bin_width"]
        return np.where(picked == 0, 0.0, centers[picked] + (uniforms[:, 1] - 0.5) * width).tolist()

    def timed(self, notes: list[GridNote], bpm: float = 120.0, grid_offset: float = 1.0) -> list[dict]:
        """``notes`` in seconds from the loop's start (sidecar ``decode``: start, length, velocity); ``ValueError``
        for a ``bpm`` or ``grid_offset`` that ``mvae generate`` refuses."""
        if (wrong := option_error({"bpm": bpm, "grid_offset": grid_offset})) is not None:
            raise ValueError(wrong)
        seconds = 60.0 / bpm / 4
        written = [min(max(n.offset * grid_offset, -1.0), 1.0) for n in notes]  # up to the step's edge: order kept
        loop_end, gap = self.steps * seconds, min(MIN_AUDIBLE_SECONDS, seconds / 2)
        starts = held([max(0.0, (n.step + offset / 2) * seconds) for n, offset in zip(notes, written, strict=True)],
                      [n.step for n in notes], gap)  # fmt: skip
        timed = []
        for note, start in zip(notes, starts, strict=True):
            later = [s for s in starts if s > start] + [loop_end]
            length = max(note.duration * self.sidecar["max_duration_steps"] * seconds, seconds / 8, gap)  # no click
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

    def choose(self, z: np.ndarray, rule: NoteRule, rng: np.random.Generator) -> tuple[list[GridNote], Timing | None]:
        """32 calls of the graph, the token chosen between them (the sidecar's rules)."""
        if rule.poly or rule.thresholded:
            raise UnsupportedRule("--poly and --threshold-min/--threshold-max need a seed model's export: this "
                                  "graph writes one note per step from token probabilities; use --density and "
                                  "--temperature")  # fmt: skip
        density, temperature = rule.density, rule.temperature
        uniforms = rng.random((self.steps, 2))
        token = np.array([self.tokens["start"]], dtype=np.int64)
        state = np.zeros((1, self.state_size), dtype=np.float32)
        expected = written = 0.0
        notes, distributions, means = [], [], []
        for step in range(self.steps):
            inputs = {"z": z, "token": token, "state": state, "step": np.array(step, dtype=np.int64)}
            token_probs, state, velocity, duration, timing_probs, timing_mean = self.session.run(None, inputs)
            probs = token_probs[0].astype(np.float64)  # [tokens]: no note, then each pitch row
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
        weights = (row_probs / row_probs.max()) ** (1.0 / t)  # the likeliest row's weight is 1: no underflow
        weights[weights < self.tokens["pitch_min_p"] * weights.max()] = 0.0
        cumulative = np.cumsum(weights)
        return min(int(np.searchsorted(cumulative, u[1] * cumulative[-1], side="right")), len(weights) - 1)


class PatternHost(Host):
    """``mvae-decoder-onnx/1``: one call per pattern, then generate's note choice from the cells' onset
    probabilities."""

    FORMAT = "mvae-decoder-onnx/1"

    def forward(self, z: np.ndarray) -> dict[str, np.ndarray]:
        """The graph's outputs at the latent points ``z [batch, latent_dim]``, by name."""
        return dict(zip(self.sidecar["outputs"], self.session.run(None, {"z": _points(z)}), strict=True))

    def choose(self, z: np.ndarray, rule: NoteRule, rng: np.random.Generator) -> tuple[list[GridNote], Timing | None]:
        """One call of the graph; the cells that sound (the sidecar's rules)."""
        outputs = self.forward(z)
        onset = outputs["onset"][0].astype(np.float64)  # [rows, steps]
        if rule.thresholded:
            rows, steps = _thresholded(onset, rule)
        elif rule.poly:
            rows, steps = _poly(onset, rule, rng)
        else:
            rows, steps = _monophonic(onset, rule, rng)
        velocity, duration = outputs["velocity"][0, rows, steps], outputs["duration"][0, rows, steps]
        mse = "timeshift" in outputs  # the mse timing head: one offset per cell, nothing to draw
        offsets = outputs["timeshift"][0, rows, steps] if mse else np.zeros(len(steps))
        notes = [GridNote(int(s), int(r), float(v), float(d), float(o))
                 for s, r, v, d, o in zip(steps, rows, velocity, duration, offsets, strict=True)]  # fmt: skip
        timing = None if mse else (list(outputs["timing_probs"][0, steps]), outputs["timing_mean"][0, steps].tolist())
        return notes, timing


def _monophonic(onset: np.ndarray, rule: NoteRule, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Generate's default: at most one note per step, at the loop's expected density (``decode`` lines 2 and 3)."""
    expected = np.minimum(1.0, onset.sum(axis=0))
    if rule.temperature > 0:
        steps = np.flatnonzero(rng.random(onset.shape[1]) < np.minimum(1.0, rule.density * expected))
        sounding = onset[:, steps]  # a step sounds only with some p > 0
        weights = (sounding / sounding.max(axis=0)) ** (1.0 / rule.temperature)  # the likeliest row's weight is 1
        cumulative = np.cumsum(weights, axis=0)
        below = (cumulative < rng.random(len(steps)) * cumulative[-1]).sum(axis=0)
        return np.minimum(below, onset.shape[0] - 1), steps
    count = round(min(rule.density * float(expected.sum()), onset.shape[1]))  # inf at --density 1e308: every step
    steps = np.sort(np.argsort(-expected, kind="stable")[:count])
    return onset[:, steps].argmax(axis=0), steps


def _poly(onset: np.ndarray, rule: NoteRule, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``--poly``: any cells, at the loop's expected note count (``decode``'s poly line)."""
    if rule.temperature > 0:
        sounding = rng.random(onset.shape) < np.minimum(1.0, rule.density * onset)  # rows outer, steps inner
    else:
        count = round(min(rule.density * float(onset.sum()), onset.size))
        sounding = np.zeros(onset.size, dtype=bool)
        sounding[np.argsort(-onset, axis=None, kind="stable")[:count]] = True
        sounding = sounding.reshape(onset.shape)
    return _by_step(sounding)


def _thresholded(onset: np.ndarray, rule: NoteRule) -> tuple[np.ndarray, np.ndarray]:
    """The ancestor's rule: cells within ``[threshold_min, threshold_max]``; without poly, the most probable of
    each step (``decode``'s thresholds line)."""
    low = 0.0 if rule.threshold_min is None else rule.threshold_min
    high = 1.0 if rule.threshold_max is None else rule.threshold_max
    candidate = (onset >= low) & (onset <= high)
    if not rule.poly:
        masked = np.where(candidate, onset, -1.0)
        steps = np.flatnonzero(masked.max(axis=0) >= 0)
        candidate = np.zeros_like(candidate)
        candidate[masked[:, steps].argmax(axis=0), steps] = True
    return _by_step(candidate)


def held(starts: list[float], steps: list[int], gap: float) -> list[float]:
    """``starts`` of notes on grid ``steps``, in order of start, then of step, each that would come less than ``gap``
    after the onset before it starting with it when both are of one step (a chord), else held back to exactly ``gap``
    after it: the sidecar's start rule, so that no note is cut into a click and a note never starts with one of an
    earlier step."""
    at: dict[tuple[float, int], float] = {}
    before: tuple[float, int] | None = None  # the onset before: (its start, its step)
    for start, step in sorted(set(zip(starts, steps, strict=True))):
        if before is None:
            at[start, step] = start
        elif step == before[1] and start < before[0] + gap - SAME_TIME:
            at[start, step] = before[0]
        else:
            at[start, step] = max(start, before[0] + gap)
        before = (at[start, step], step)
    return [at[onset] for onset in zip(starts, steps, strict=True)]


def _by_step(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, steps)`` of the true cells of ``[rows, steps]``, ordered by step then row."""
    steps, rows = np.nonzero(cells.T)
    return rows, steps


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


class _Parser(argparse.ArgumentParser):
    """Bad input: one line on stderr (what is wrong and how to fix it), exit code 2; no usage block, no traceback."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest latent number the graph's float32 input holds."""

TEMPO_RANGE = (4.0, 1000.0)
"""The bpm ``mvae generate`` accepts (``--tempo``), so the host takes what generate takes."""


def _z_numbers(text: str) -> list[float]:
    """An argparse type for ``--z``: one number or several separated by commas (``--z 0.5,-1`` or ``--z 0.5 -1``)."""
    try:
        return [float(piece) for piece in text.split(",")]  # an empty piece (0.5,,1) is refused, as generate does
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give the latent point as numbers, e.g. --z 0.5,-1") from None


def option_error(values: dict, name: Callable[[str], str] = str) -> str | None:
    """What is wrong with the given options (``values``: any of ``density``, ``temperature``, ``timing_temperature``,
    ``grid_offset``, ``bpm``, ``threshold_min``, ``threshold_max``, ``seed``, ``z``), in ``mvae generate``'s ranges
    and words, each option called ``name(key)``; ``None``: nothing."""
    for key in ("density", "temperature", "timing_temperature", "grid_offset"):
        value = values.get(key)
        if key in values and not (_is_number(value) and math.isfinite(value) and value >= 0):
            return f"{name(key)} must be a finite number >= 0, got {_shown(value)}"
    low, high = TEMPO_RANGE
    if "bpm" in values and not (_is_number(values["bpm"]) and low <= values["bpm"] <= high):
        return f"{name('bpm')} must be between {low:g} and {high:g} bpm, got {_shown(values['bpm'])}"
    for key in ("threshold_min", "threshold_max"):
        value = values.get(key)
        if value is not None and not (_is_number(value) and 0 <= value <= 1):
            return f"{name(key)} is an onset probability between 0 and 1, got {_shown(value)}"
    low, high = values.get("threshold_min"), values.get("threshold_max")
    if low is not None and high is not None and low > high:
        return f"{name('threshold_min')} ({low:g}) must not be above {name('threshold_max')} ({high:g})"
    if values.get("seed") is not None and values["seed"] < 0:
        return f"{name('seed')} must be >= 0, got {values['seed']}"
    if "z" in values and not all(abs(v) <= FLOAT32_MAX for v in values["z"]):  # the graph takes float32: beyond, inf
        shown = ",".join(f"{v:g}" for v in values["z"])
        return f"{name('z')} needs finite numbers (within ±{FLOAT32_MAX:.2g}), got {shown}"
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.floating | np.integer) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """A refused value as a message shows it: a number as ``%g`` does (-1, not -1.0), anything else as Python's
    repr, cut to 20 characters."""
    return f"{value:g}" if _is_number(value) else repr(value)[:20]


def _flag(key: str) -> str:
    """The command line's name of an option: ``--timing-temperature`` for ``timing_temperature``."""
    return "--" + key.replace("_", "-")


def _open_from_command_line(parser: argparse.ArgumentParser, onnx_file: Path) -> Host:
    """:func:`open_host`, with a bad file reported as a usage error that says which file to pass."""
    made_by = "the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes"
    if onnx_file.suffix == ".json":
        parser.error(f"{onnx_file} is the sidecar; pass the model, {onnx_file.with_suffix('.onnx')} (the host reads "
                     "the sidecar beside it)")  # fmt: skip
    if not onnx_file.is_file():
        parser.error(f"{onnx_file}: {'not a file' if onnx_file.exists() else 'no such file'}; pass {made_by}")
    if onnx_file.suffix.lower() != ".onnx":  # a run's model.safetensors, a checkpoint: no sidecar to look for
        parser.error(f"{onnx_file}: not an ONNX export (its name would end in .onnx); pass {made_by}")
    sidecar = onnx_file.with_suffix(".json")
    if not sidecar.is_file():
        parser.error(f"{sidecar}: {'not a file' if sidecar.exists() else 'no such file'}; keep the sidecar "
                     f"`mvae export --onnx` writes beside {onnx_file.name}")  # fmt: skip
    try:
        return open_host(onnx_file)
    except (ValueError, KeyError) as error:  # the sidecar: not JSON, another format, a field missing
        parser.error(f"{sidecar}: not the sidecar of an mvae export ({error}); pass {made_by}, its sidecar beside it")
    except (InvalidProtobuf, InvalidGraph, Fail) as error:
        parser.error(f"{onnx_file}: onnxruntime cannot load it ({str(error).splitlines()[0]}); pass {made_by}")


RENAMED_FLAGS = {"--tempo": "--bpm"}
"""``mvae generate``'s name of an option of this host: refused with the name to use, not argparse's bare
'unrecognized arguments'."""


def main() -> None:
    first_sentence = __doc__.split(". ", 1)[0].replace("``", "")  # the help's description, not cut mid-sentence
    parser = _Parser(description=f"{first_sentence}. Prints one pattern's notes as JSON lines.")
    parser.add_argument("onnx_file", type=Path, help="the model (its sidecar, decoder.json, beside it)")
    parser.add_argument("--z", type=_z_numbers, nargs="+", required=True,
                        help="the latent point (latent_dim numbers): 0.5,-1 or 0.5 -1")  # fmt: skip
    parser.add_argument("--density", type=float, default=1.0, help="expected notes × this, >= 0 (default %(default)g)")
    parser.add_argument("--temperature", type=float, default=1.0, help="of the note choice, >= 0 (default %(default)g)")
    parser.add_argument(
        "--timing-temperature", type=float, default=1.0, help="of the offsets, >= 0 (default %(default)g)"
    )
    parser.add_argument(
        "--grid-offset", type=float, default=1.0, help="0 quantized, 1 as learned (default %(default)g)"
    )
    parser.add_argument(
        "--bpm",
        type=float,
        default=120.0,
        help=f"tempo, {TEMPO_RANGE[0]:g} to {TEMPO_RANGE[1]:g} (default %(default)g)",
    )
    parser.add_argument("--seed", type=int, default=None, help="of the random numbers, >= 0 (default: a new one)")
    parser.add_argument("--poly", action="store_true", help="any number of notes per step (seed exports)")
    parser.add_argument("--threshold-min", type=float, default=None, help="the ancestor's rule (seed exports)")
    parser.add_argument("--threshold-max", type=float, default=None, help="the ancestor's rule (seed exports)")
    argv = sys.argv[1:]
    for flag in (arg.split("=", 1)[0] for arg in argv):
        if flag in RENAMED_FLAGS:
            parser.error(f"unrecognized argument {flag}: it is {RENAMED_FLAGS[flag]} here (mvae generate's {flag})")
    for i in range(len(argv) - 1):  # --z -1,0.5: argparse would take "-1,0.5" for an option; --z=-1,0.5 is the same
        if argv[i] == "--z" and "," in argv[i + 1]:
            argv[i : i + 2] = [f"--z={argv[i + 1]}"]
            break
    args = parser.parse_args(argv)
    args.z = [v for numbers in args.z for v in numbers]  # --z 0.5,-1 and --z 0.5 -1 alike
    if (wrong := option_error(vars(args), _flag)) is not None:
        parser.error(wrong)
    host = _open_from_command_line(parser, args.onnx_file)
    if len(args.z) != host.sidecar["latent_dim"]:
        parser.error(f"--z needs {host.sidecar['latent_dim']} numbers (the model's latent_dim), got {len(args.z)}")
    rng = np.random.default_rng(args.seed)
    rule = {"poly": args.poly, "threshold_min": args.threshold_min, "threshold_max": args.threshold_max}
    try:
        notes = host.pattern(np.array(args.z), args.density, args.temperature, args.timing_temperature, rng, **rule)
    except UnsupportedRule as error:
        parser.error(str(error))
    try:
        for note in host.timed(notes, args.bpm, args.grid_offset):
            print(json.dumps(note))
        sys.stdout.flush()
    except BrokenPipeError:  # `| head -1`: the reader has stopped reading, which is no error of the host's
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit


if __name__ == "__main__":
    main()
