"""A host for the files of ``mvae export --onnx``: numpy and onnxruntime, nothing of mvae. It follows the sidecar's
``decode`` lines for both formats, so it is a template for a host in another language (JavaScript with
onnxruntime-web or onnxruntime-node, a Max or Pure Data external):

* ``mvae-step-onnx/1`` (``melody_rnn``): one decoder step per call; the host calls it 32 times per pattern and
  chooses each step's note between calls (:class:`StepHost`);
* ``mvae-decoder-onnx/1`` (``seed``): a whole pattern's cells in one call; the host chooses the notes
  (:class:`PatternHost`: ``mvae generate``'s monophonic rule, ``--poly`` and the ancestor's thresholds).

    python examples/onnx_host.py decoder.onnx --z 0.5,-1 [--density 1] [--temperature 1] [--timing-temperature 1]
        [--grid-offset 1] [--tempo 120] [--seed N] [--poly] [--threshold-min P] [--threshold-max P]

prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, grid step); ``--z 0.5 -1`` and
``--density=1`` work too. Bad input (a value out of generate's range, a missing file) exits 2 with one line on stderr.
The options, their defaults and every refusal are those of ``examples/onnx_host_js/onnx_host.mjs``, word for word. Given
the uniform numbers ``mvae generate`` uses (``pattern`` takes a ``numpy.random.Generator``; mvae's tests pass generate's
own) it writes generate's notes: ``tests/test_tools.py`` and ``bench/onnx_host_check.py`` check that.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


class BadSidecar(ValueError):
    """A sidecar this host cannot play its graph with: no mvae export's, a newer format's, a field the host reads
    missing, or another graph's (its input or output names differ). The message says which and what to do."""


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


MADE_BY = "pass the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes, its sidecar beside it"
"""The fix for a file that is no mvae export's."""

NUMBER_FIELDS = ("steps", "latent_dim", "pitch_low", "max_duration_steps")
STEP_FIELDS = ("tokens.start", "tokens.pitch_temperature", "tokens.pitch_min_p", "inputs.state.shape.1")
CATEGORICAL_FIELDS = ("timing.bin_width",)
"""The sidecar's numbers each host reads (a dotted path; a number indexes a list), checked in this order: every
format's, a step graph's, a categorical timing head's (with ``timing.centers``, a list of numbers)."""


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


def _field(sidecar: dict, path: str) -> object:
    """The value at the dotted ``path`` of ``sidecar`` (a number indexes a list), or ``None`` when there is none."""
    value: object = sidecar
    for key in path.split("."):
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def _is_finite(value: object) -> bool:
    return _is_number(value) and math.isfinite(value)  # type: ignore[arg-type]


def check_fields(sidecar: dict, step_graph: bool) -> None:
    """:class:`BadSidecar` unless ``sidecar`` (of a format :func:`check_format` passed) has every field the host
    reads, of the type it reads (the same checks, in the same order and words, as the JavaScript host's)."""
    for name in ("inputs", "outputs", "timing"):
        if not isinstance(sidecar.get(name), dict):
            raise BadSidecar(f"not the sidecar of an mvae export ({name} is missing or not an object); {MADE_BY}")
    numbers = [*NUMBER_FIELDS, *(STEP_FIELDS if step_graph else ())]
    if "timing_probs" in sidecar["outputs"]:  # the categorical head: an offset is drawn from its classes
        centers = _field(sidecar, "timing.centers")
        if not (isinstance(centers, list) and centers and all(_is_finite(c) for c in centers)):
            raise BadSidecar(f"not the sidecar of an mvae export (timing.centers is missing or not a list of "
                             f"numbers); {MADE_BY}")  # fmt: skip
        numbers += CATEGORICAL_FIELDS
    for path in numbers:
        if not _is_finite(_field(sidecar, path)):
            raise BadSidecar(f"not the sidecar of an mvae export ({path} is missing or not a number); {MADE_BY}")


def check_names(sidecar: dict, inputs: list[str], outputs: list[str]) -> None:
    """:class:`BadSidecar` unless the graph's ``inputs`` and ``outputs`` (names, in order) are the sidecar's: a
    sidecar beside another export's graph would play wrong notes, or none."""
    for what, graph, described in (("inputs", inputs, list(sidecar["inputs"])),
                                   ("outputs", outputs, list(sidecar["outputs"]))):  # fmt: skip
        if graph != described:
            raise BadSidecar(f"not the sidecar of this graph (the graph's {what}: {', '.join(graph)}; the sidecar's: "
                             f"{', '.join(described)}): keep the sidecar its export wrote beside the graph, or export "
                             "again")  # fmt: skip


def check_format(sidecar: object, formats: list[str]) -> None:
    """:class:`BadSidecar` unless ``sidecar`` is a JSON object whose ``format`` is one of ``formats``; a format of
    mvae's that is not is a newer export's."""
    if not isinstance(sidecar, dict):
        raise BadSidecar(f"not the sidecar of an mvae export (not a JSON object); {MADE_BY}")
    found = sidecar.get("format")
    if found in formats:
        return
    known = ", ".join(formats)
    if isinstance(found, str) and found.startswith("mvae-"):
        raise BadSidecar(f"format {json.dumps(found)} is a newer mvae export than this host reads (it reads {known}): "
                         "play it with the host of the mvae that exported it, or export the run with this host's "
                         "mvae")  # fmt: skip
    raise BadSidecar(f"not the sidecar of an mvae export (format {json.dumps(found)}; this host reads {known}); "
                     f"{MADE_BY}")  # fmt: skip


class Host(ABC):
    """An exported graph and its sidecar (``decoder.onnx`` and ``decoder.json`` side by side); what both formats
    share: the session, the offset draw and the note times. :class:`BadSidecar` for a sidecar of another format or
    graph, or without a field the host reads."""

    FORMAT = ""

    def __init__(self, onnx_file: str | Path) -> None:
        self.sidecar = read_sidecar(onnx_file)
        check_format(self.sidecar, list(_hosts()))
        if self.sidecar["format"] != self.FORMAT:
            raise BadSidecar(f"format {json.dumps(self.sidecar['format'])}; {type(self).__name__} reads "
                             f"{self.FORMAT}: open_host(onnx_file) picks the host of the file's format")  # fmt: skip
        check_fields(self.sidecar, step_graph=self.FORMAT == StepHost.FORMAT)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # small graphs: one thread is fastest
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        names = ([i.name for i in self.session.get_inputs()], [o.name for o in self.session.get_outputs()])
        check_names(self.sidecar, *names)
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
        if not isinstance(rng, np.random.Generator):  # a seed given here would fail deep inside with AttributeError
            raise TypeError(
                f"rng must be a numpy.random.Generator, got {type(rng).__name__}; for generate's --seed SEED, give "
                "first_loop_rng(SEED)"
            )
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

    def timed(self, notes: list[GridNote], tempo: float = 120.0, grid_offset: float = 1.0) -> list[dict]:
        """``notes`` in seconds from the loop's start (sidecar ``decode``: start, length, velocity); ``ValueError``
        for a ``tempo`` (bpm) or ``grid_offset`` that ``mvae generate`` refuses."""
        if (wrong := option_error({"tempo": tempo, "grid_offset": grid_offset})) is not None:
            raise ValueError(wrong)
        seconds = 60.0 / tempo / 4
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
    hosts = _hosts()
    check_format(sidecar, list(hosts))
    return hosts[sidecar["format"]](onnx_file)


def _hosts() -> dict[str, type[Host]]:
    """Each format this host reads, and its host."""
    return {host.FORMAT: host for host in (StepHost, PatternHost)}


FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest latent number the graph's float32 input holds."""

TEMPO_RANGE = (4.0, 1000.0)
"""The tempos in bpm ``mvae generate --tempo`` accepts, so the host takes what generate takes."""

RULES = {
    **dict.fromkeys(("density", "temperature", "timing_temperature", "grid_offset"), "must be a finite number >= 0"),
    "tempo": f"must be between {TEMPO_RANGE[0]:g} and {TEMPO_RANGE[1]:g} bpm",
    **dict.fromkeys(("threshold_min", "threshold_max"), "is an onset probability between 0 and 1"),
    "seed": "must be a whole number >= 0",
    "z": f"needs finite numbers (within ±{FLOAT32_MAX:.2g})",
}
"""What each value takes, in ``mvae generate``'s words, in the order they are checked: a refusal reads
``NAME RULE, got VALUE``."""

NOT_GIVEN_IS_NONE = frozenset({"threshold_min", "threshold_max", "seed"})
"""The values whose ``None`` means "not given" (a missing bound, a new seed), not a refused value."""


def accepts(key: str, value: object) -> bool:
    """Whether the value ``key`` of :data:`RULES` takes ``value``."""
    if key == "z":
        return isinstance(value, list | tuple) and all(_is_number(v) and abs(v) <= FLOAT32_MAX for v in value)
    if key == "seed":
        return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0
    if not _is_number(value):
        return False
    if key == "tempo":
        return TEMPO_RANGE[0] <= value <= TEMPO_RANGE[1]
    if key in ("threshold_min", "threshold_max"):
        return 0 <= value <= 1
    return math.isfinite(value) and value >= 0


def option_error(values: dict, name: Callable[[str], str] = str) -> str | None:
    """What is wrong with the given values (``values``: any keys of :data:`RULES`), in ``mvae generate``'s ranges
    and words, each value called ``name(key)``; ``None``: nothing."""
    for key, rule in RULES.items():
        if key in values and not ((key in NOT_GIVEN_IS_NONE and values[key] is None) or accepts(key, values[key])):
            return f"{name(key)} {rule}, got {_shown(values[key])}"
    low, high = values.get("threshold_min"), values.get("threshold_max")
    if low is not None and high is not None and low > high:
        return f"{name('threshold_min')} ({low:g}) must not be above {name('threshold_max')} ({high:g})"
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.floating | np.integer) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """A refused value as a message shows it: a number as ``%g`` does (-1, not -1.0), numbers joined by commas,
    anything else as Python's repr, cut to 20 characters."""
    if isinstance(value, list | tuple) and all(_is_number(v) for v in value):
        return ",".join(f"{v:g}" for v in value)
    return f"{value:g}" if _is_number(value) else repr(value)[:20]


# The command line. examples/onnx_host_js/onnx_host.mjs has the same one, word for word (tests/test_host_cli_*.py).


@dataclass(frozen=True)
class Flag:
    """An option of the command line: the value it sets (``key``, a :data:`RULES` key or ``poly``), what its value
    looks like (``metavar``; ``""``: a switch), what it does and its default as the help says them."""

    key: str
    metavar: str
    about: str
    default: str = ""


FLAGS = {
    "--z": Flag("z", "Z", "the latent point, latent_dim numbers: 0.5,-1 or 0.5 -1 (required)"),
    "--density": Flag("density", "D", "expected notes × this, >= 0", "1"),
    "--temperature": Flag("temperature", "T", "of the note choice, >= 0", "1"),
    "--timing-temperature": Flag("timing_temperature", "T", "of the offsets, >= 0", "1"),
    "--grid-offset": Flag("grid_offset", "G", "0 quantized, 1 as learned, >= 0", "1"),
    "--tempo": Flag("tempo", "BPM", f"{TEMPO_RANGE[0]:g} to {TEMPO_RANGE[1]:g} bpm", "120"),
    "--seed": Flag("seed", "N", "of the random numbers, >= 0: mvae generate --seed N's first loop (default: new ones)"),
    "--poly": Flag("poly", "", "any number of notes per step (seed exports)"),
    "--threshold-min": Flag("threshold_min", "P", "the ancestor's rule, an onset probability 0 to 1 (seed exports)"),
    "--threshold-max": Flag("threshold_max", "P", "the ancestor's rule, an onset probability 0 to 1 (seed exports)"),
}
"""Every option of the command line, in the order the help lists them and the values are checked."""

OTHER_NAMES = {"--bpm": "--tempo"}
"""Names of an option that no spelling rule finds: the hosts' own before 2026-12-07 (never released)."""

NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
"""A number as the command line takes it (decimal, as both hosts read it alike: no inf, nan, hex or 1_000)."""
WHOLE = re.compile(r"[0-9]+")
"""A whole number as ``--seed`` takes it."""
USAGE = "usage: python onnx_host.py decoder.onnx " + " ".join(
    f"{flag} {f.metavar}" if flag == "--z" else f"[{f'{flag} {f.metavar}'.strip()}]" for flag, f in FLAGS.items()
)
DESCRIPTION = (
    "Plays a file of `mvae export --onnx` (decoder.onnx, its sidecar decoder.json beside it) with onnxruntime and "
    "nothing of mvae. Prints one pattern's notes as JSON lines (pitch, velocity, start and end in seconds, step)."
)


def help_text() -> str:
    """``--help``: the usage, what the host does, and each option with what it takes and its default."""
    lines = [f"  {(flag + ' ' + f.metavar).strip():<24}{f.about}" + (f" (default {f.default})" if f.default else "")
             for flag, f in FLAGS.items()]  # fmt: skip
    return f"{USAGE}\n\n{DESCRIPTION}\n\noptions:\n" + "\n".join(lines) + "\n  -h, --help              this help\n"


class UsageError(ValueError):
    """A bad command line: one line that names the input and the fix."""


def parse_arguments(argv: list[str]) -> tuple[str, dict]:
    """The model file and the options' values (every key of :data:`FLAGS`' flags; a value not given is its default)
    of ``argv``. :class:`UsageError` for an unknown option, a missing or refused value, a second file."""
    file, texts, poly = None, {}, False
    i = 0
    while i < len(argv):
        word, i = argv[i], i + 1
        name, given, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if word.startswith("-") and not NUMBER.fullmatch(word):
            if name not in FLAGS:
                raise UsageError(_unknown(name))
            if not FLAGS[name].metavar:
                if given:
                    raise UsageError(f"{name} takes no value; give {name} alone")
                poly = True
                continue
            if not given and (i == len(argv) or argv[i].startswith("--")):
                raise UsageError(f"{name} needs a value: {name} {FLAGS[name].metavar}, {FLAGS[name].about}")
            if not given:
                inline, i = argv[i], i + 1
            while name == "--z" and i < len(argv) and NUMBER.fullmatch(argv[i]):  # --z 0.5 -1
                inline, i = f"{inline},{argv[i]}", i + 1
            texts[FLAGS[name].key] = inline
        elif file is None:
            file = word
        else:
            raise UsageError(
                f"unexpected argument {_quoted(word)}: give one decoder.onnx, each option's value after it"
            )
    if file is None:
        raise UsageError(
            "give decoder.onnx, the file `mvae export RUN --onnx decoder.onnx` writes (--help: the options)"
        )
    if "z" not in texts:
        raise UsageError("give --z, the latent point, e.g. --z 0.5,-1")
    values = {f.key: _read(f.key, f.default) for f in FLAGS.values()} | {"poly": poly}  # the defaults
    for flag, f in FLAGS.items():
        if f.key not in texts:
            continue
        text = texts[f.key]
        value = _read(f.key, text)
        if value is None or not accepts(f.key, value):
            shown = text if value is not None else _quoted(text)
            rule = RULES[f.key] + (" separated by commas, e.g. --z 0.5,-1" if f.key == "z" else "")
            raise UsageError(f"{flag} {rule}, got {shown}")
        values[f.key] = value
    low, high = values["threshold_min"], values["threshold_max"]
    if low is not None and high is not None and low > high:
        shown = texts["threshold_min"], texts["threshold_max"]
        raise UsageError(f"--threshold-min ({shown[0]}) must not be above --threshold-max ({shown[1]})")
    return file, values


def _read(key: str, text: str) -> object:
    """The value of option ``key`` written ``text``, or ``None`` when it is not written as one."""
    if key == "z":
        pieces = text.split(",")  # an empty piece (0.5,,1) is refused, as generate does
        return [float(piece) for piece in pieces] if all(NUMBER.fullmatch(p) for p in pieces) else None
    if key == "seed":
        return int(text) if WHOLE.fullmatch(text) else None
    return float(text) if NUMBER.fullmatch(text) else None


def _quoted(text: str) -> str:
    """Text the command line was given, as a refusal shows it: in JSON's quotes, cut to 20 characters."""
    return json.dumps(text[:20], ensure_ascii=False)


def _unknown(name: str) -> str:
    """The refusal of an option the command line does not have, with the one meant where one is close."""
    squashed = name.lower().replace("_", "-")
    meant = OTHER_NAMES.get(name) or next((flag for flag in FLAGS if flag == squashed), None)
    hint = f"; did you mean {meant}?" if meant else ""
    return f"unknown option {_quoted(name)}{hint} (options: {', '.join(FLAGS)}, --help)"


def _open_from_command_line(onnx_file: Path) -> Host:
    """:func:`open_host`, with a bad file reported as a :class:`UsageError` that says which file to pass."""
    made_by = "the decoder.onnx that `mvae export RUN --onnx decoder.onnx` writes"
    if onnx_file.suffix == ".json":
        raise UsageError(f"{onnx_file} is the sidecar; pass the model, {onnx_file.with_suffix('.onnx')} (the host "
                         "reads the sidecar beside it)")  # fmt: skip
    if not onnx_file.is_file():
        raise UsageError(f"{onnx_file}: {'not a file' if onnx_file.exists() else 'no such file'}; pass {made_by}")
    if onnx_file.suffix.lower() != ".onnx":  # a run's model.safetensors, a checkpoint: no sidecar to look for
        raise UsageError(f"{onnx_file}: not an ONNX export (its name would end in .onnx); pass {made_by}")
    sidecar = onnx_file.with_suffix(".json")
    if not sidecar.is_file():
        raise UsageError(f"{sidecar}: {'not a file' if sidecar.exists() else 'no such file'}; keep the sidecar "
                         f"`mvae export --onnx` writes beside {onnx_file.name}")  # fmt: skip
    try:
        return open_host(onnx_file)
    except BadSidecar as error:  # another format, a field missing, another graph's
        raise UsageError(f"{sidecar}: {error}") from None
    except ValueError as error:  # not JSON
        raise UsageError(f"{sidecar}: not the sidecar of an mvae export ({error}); {MADE_BY}") from None
    except (InvalidProtobuf, InvalidGraph, Fail) as error:
        raise UsageError(
            f"{onnx_file}: onnxruntime cannot load it ({str(error).splitlines()[0]}); pass {made_by}"
        ) from None


def first_loop_rng(seed: int | None) -> np.random.Generator:
    """The random numbers of ``mvae generate --seed SEED``'s first loop (generate seeds loop ``i`` with
    ``default_rng([seed, i])``; a bare ``default_rng(seed)`` differs from seed 2**96 up), fresh ones for ``None``."""
    return np.random.default_rng(None if seed is None else [seed, 0])


def play(argv: list[str]) -> list[dict]:
    """The notes the command line ``argv`` plays; :class:`UsageError` for bad input."""
    file, values = parse_arguments(argv)
    host = _open_from_command_line(Path(file))
    if len(values["z"]) != host.sidecar["latent_dim"]:
        raise UsageError(f"--z needs {host.sidecar['latent_dim']} numbers (the model's latent_dim), got "
                         f"{len(values['z'])}")  # fmt: skip
    rule = {key: values[key] for key in ("density", "temperature", "timing_temperature", "poly")}
    rule |= {key: values[key] for key in ("threshold_min", "threshold_max")}
    try:
        notes = host.pattern(np.array(values["z"]), rng=first_loop_rng(values["seed"]), **rule)
    except UnsupportedRule as error:
        raise UsageError(str(error)) from None
    return host.timed(notes, values["tempo"], values["grid_offset"])


def main() -> None:
    argv = sys.argv[1:]
    if "--help" in argv or "-h" in argv:
        print(help_text(), end="")
        return
    try:
        notes = play(argv)
    except UsageError as error:
        sys.stderr.write(f"onnx_host.py: error: {error}\n")
        sys.exit(2)
    try:
        for note in notes:
            print(json.dumps(note))
        sys.stdout.flush()
    except BrokenPipeError:  # `| head -1`: the reader has stopped reading, which is no error of the host's
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit


if __name__ == "__main__":
    main()
