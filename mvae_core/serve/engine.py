"""Requests → notes for every live front end (web API, OSC, MIDI out), with one set of rules for bad input.

A request is a :class:`LoopRequest`: a latent point and the knobs of ``mvae generate``. :meth:`Engine.loop` checks
it (:class:`RequestError` names the bad field: unknown names with "did you mean", wrong arity, non-finite or
out-of-range numbers), decodes it with the run's :class:`~mvae_core.models.base.NotePlayer` and returns a
:class:`Loop` (notes in ticks, as the MIDI file writes them, so the page, OSC, MIDI out and downloads agree). The last
request becomes the *current* loop that MIDI out plays; ``/mvae/set`` (OSC) changes the current knobs.

Uploaded MIDI (:meth:`Engine.encode`) is size-capped, written by the engine to a file of its own (no client-supplied
path is ever opened) and read by the same guarded reader as training data, without the parse cache, in a worker
process (:mod:`~mvae_core.serve.uploads`) so that reading it does not slow the other front ends.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch

import mvae_core
from mvae_core.config import MvaeConfig
from mvae_core.data.batches import densify
from mvae_core.data.load import check_paths, load_dataset
from mvae_core.data.loops import STEPS_PER_BEAT, STEPS_PER_LOOP
from mvae_core.data.sources import READ_SUFFIXES
from mvae_core.data.split import LoopSet, from_sources
from mvae_core.errors import MvaeError, OptionError
from mvae_core.files import reason
from mvae_core.generation import DecodeOptions, point_name
from mvae_core.instruments import PIANO, program_number
from mvae_core.loop_file import (
    LOOP_TICKS,
    TimedNote,
    file_bytes,
    loop_notes_json,
    loop_seconds,
    notes_file,
    step_seconds,
    timed_notes,
)
from mvae_core.models import check_notes, model_code
from mvae_core.models.base import NotePlayer, UnsupportedOption
from mvae_core.run import RunDir
from mvae_core.run_files import SPLIT
from mvae_core.run_weights import saved_epoch
from mvae_core.serve.knobs import KNOBS
from mvae_core.serve.names import pad_names
from mvae_core.serve.uploads import UploadReader
from mvae_core.suggest import did_you_mean
from mvae_core.tools import ToolError
from mvae_core.tools.encode import encode_loops

log: logging.Logger = logging.getLogger(__name__)
# z's numbers lie within ±Z_LIMIT (the prior has almost all its mass within ±4); the knobs' ranges are KNOBS
Z_LIMIT = 10.0
PAD_EXTENT = 3.0  # the page's pad spans ±PAD_EXTENT on both axes
MAX_PATTERN_SEED = 2**32 - 1
"""The largest seed a served request takes (``/api/info``'s ``ranges.seed``): a pattern's, narrower than a training
seed (:data:`~mvae_core.config.MAX_SEED`)."""
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_POINTS = 2000  # training loops drawn on the pad (evenly spaced through the training set)
ENCODE_CHUNK = 128  # loops encoded per hold of the engine's lock (uploads, the pad's points)
WITHOUT_DATA = (
    "the model plays all the same; the dots need the run's training data at that path (a run copied to another "
    "machine, the laptop of a gig, leaves its data behind: copy the data to the same path there)"
)
"""Said after why the pad's training loops could not be read: a performer seeing an empty pad before a show learns that
nothing else is missing, and how to get the dots back (the server takes no data path of its own)."""


MODEL_FIELDS = (
    "run",
    "model",
    "epoch",
    "latent_dim",
    "steps",
    "steps_per_beat",
    "pitch_low",
    "pitch_classes",
    "extent",
    "ranges",
    "z_limit",
)
"""The fields of ``/api/info`` an open page's dots, knobs and roll are built from: a server restarted with another
value of one of them (or another best epoch) serves another model (the first part of :attr:`Engine.served`)."""


class RequestError(MvaeError, ValueError):
    """A request the engine refuses; the message names the field and the accepted values (HTTP 4xx, OSC error)."""


NO_UPLOAD = (
    "this server takes no MIDI files: it was started with mvae serve --no-upload, which keeps a guest's upload from "
    "slowing the performer's OSC answers and MIDI out; restart it without --no-upload to open MIDI files"
)


class UploadsOff(RequestError):
    """An upload to an engine made with ``uploads=False`` (``mvae serve --no-upload``; HTTP 403): :data:`NO_UPLOAD`."""


@dataclass(frozen=True)
class LoopRequest:
    """A latent point and the knobs; ``z`` has ``latent_dim`` numbers."""

    z: tuple[float, ...]
    seed: int = DecodeOptions.seed  # the defaults are generate's
    density: float = DecodeOptions.density
    temperature: float = DecodeOptions.temperature
    timing_temperature: float = DecodeOptions.timing_temperature
    grid_offset: float = DecodeOptions.grid_offset
    tempo: float = DecodeOptions.tempo

    def options(self) -> DecodeOptions:
        return DecodeOptions(
            density=self.density,
            temperature=self.temperature,
            timing_temperature=self.timing_temperature,
            grid_offset=self.grid_offset,
            tempo=self.tempo,
            seed=self.seed,
        )


FIELDS = ("z", "seed", *KNOBS)

NAME_TAGS = {"density": "density", "temperature": "temp", "timing_temperature": "ttemp", "grid_offset": "grid"}
"""How a download's name shows a knob that is not at its default (the tempo: ``_97bpm``)."""


def download_name(request: LoopRequest, defaults: LoopRequest, suffix: str) -> str:
    """The name of a download of ``request``'s loop (``suffix`` ``.mid`` or ``.wav``):
    ``mvae_z_+0.50_-1.00_seed42`` (the point and the seed), then each knob that differs from ``defaults`` (the
    server's: generate's, with ``mvae serve --tempo``), e.g. ``_grid2_97bpm``, so that two takes at one point and
    seed with other knobs get other names. The page names its downloads so too (the ``Content-Disposition``)."""
    knobs = "".join(
        f"_{value:g}bpm" if name == "tempo" else f"_{NAME_TAGS[name]}{value:g}"
        for name in KNOBS
        if (value := getattr(request, name)) != getattr(defaults, name)
    )
    return f"mvae_{point_name(torch.tensor(request.z))}_seed{request.seed}{knobs}{suffix}"


@dataclass(frozen=True)
class Loop:
    """One decoded loop: the request and its notes in ticks (:mod:`mvae_core.loop_file`)."""

    request: LoopRequest
    notes: list[TimedNote]

    @property
    def seconds(self) -> float:
        return loop_seconds(self.request.tempo)

    def as_json(self) -> dict[str, Any]:
        """What ``POST /api/generate`` answers: the request's values, the loop length and the notes in seconds."""
        request = self.request
        return {
            "z": list(request.z),
            "seed": request.seed,
            **{name: getattr(request, name) for name in KNOBS},
            "loop_seconds": self.seconds,
            "step_seconds": step_seconds(request.tempo),
            "notes": loop_notes_json(self.notes, request.tempo),
        }


class Engine:
    """A trained run prepared for live requests (thread-safe: the web server, OSC and MIDI out share one)."""

    run: mvae_core.Run
    best_epoch: tuple[int, float] | None
    epochs_trained: int
    config: MvaeConfig
    latent_dim: int
    player: NotePlayer
    defaults: LoopRequest
    current: LoopRequest
    model_info: dict[str, Any]
    served: str

    def __init__(
        self, run: str | Path, tempo: float | None = None, program: int | str = PIANO, uploads: bool = True
    ) -> None:
        """``tempo``: the starting tempo (``mvae serve --tempo``), the tempo knob's default for the page, the API and
        MIDI out; :class:`RequestError` when outside the knob's range. The other defaults are ``mvae generate``'s.
        ``program``: the General MIDI instrument the loops' MIDI and WAV files ask for (``mvae serve --program``;
        :class:`~mvae_core.errors.OptionError` naming it for one that is not). ``uploads``: whether :meth:`encode`
        takes MIDI files (``mvae serve --no-upload``: False; ``/api/info``'s ``uploads``)."""
        self.uploads = uploads
        self._reader = UploadReader() if uploads else None  # its process starts at the first upload
        self.program = program_number(program)
        """The General MIDI program (1-128) of :meth:`midi` and :meth:`wav`; MIDI out sends none (a DAW's
        instrument is the DAW's to choose)."""
        self.run = mvae_core.load(run)
        self.best_epoch = saved_epoch(self.run.model_metadata)
        """The epoch whose model plays (counted from 1) and its val_elbo; None for a model file without them."""
        self.epochs_trained = len(RunDir(self.run.path).read_metrics())
        self.config = self.run.config
        self.latent_dim = self.config.model.latent_dim
        self.player = self.run.player()
        self._lock = threading.Lock()
        self.defaults = LoopRequest(z=(0.0,) * self.latent_dim)
        if tempo is not None:
            self.defaults = self.request({"tempo": tempo}, self.defaults)
        self.current = self.defaults
        self.midi_clock: Any = None
        """Set by :meth:`follow_clock` (``mvae serve --midi-clock-in``): the MIDI out player following a DAW's clock;
        its ``status()`` is :meth:`clock_status`, and its ``tempo_refusal()`` answers a tempo set meanwhile
        (:meth:`set`)."""
        self.model_info = self._model_info()
        """What a page builds itself from (``/api/info`` without the training points); fixed while it serves."""
        self.served = self._served()
        """``MODEL.SETTINGS``, sent with every answer (``X-Mvae-Served``), two digests. ``MODEL``: of
        :data:`MODEL_FIELDS` and the best epoch, what a page's dots, knobs and roll are built from; a page loaded
        from a server that served another asks for a reload, naming what changed. ``SETTINGS``: of the rest of
        :attr:`model_info` (``uploads``: ``--no-upload``; ``defaults``: ``--tempo``; ...) and of the DAW's clock
        input followed (``--midi-clock-in``), which an open page takes from a fresh ``/api/info``. A restart on the
        same model and settings serves the same string."""

    # --- requests -------------------------------------------------------------------------------------------------
    def request(self, fields: dict[str, Any], base: LoopRequest | None = None) -> LoopRequest:
        """A checked request from JSON-like ``fields`` over ``base`` (default: :attr:`defaults` without their ``z``,
        which ``fields`` must then give); :class:`RequestError` names the first bad field."""
        if not isinstance(fields, dict):
            raise RequestError('the request must be a JSON object, e.g. {"z": [0.5, -1]}')
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise RequestError(unknown_field(unknown[0]))
        if base is not None:
            values = dict(base.__dict__)
        else:
            values = {name: value for name, value in self.defaults.__dict__.items() if name != "z"}
        if "z" in fields:
            values["z"] = self._z(fields["z"])
        elif "z" not in values:
            raise RequestError(f"z is missing: give the latent point as {self.latent_dim} numbers")
        if "seed" in fields:
            values["seed"] = _seed(fields["seed"])
        for name in KNOBS:
            if name in fields:
                values[name] = _knob(name, fields[name])
        return LoopRequest(**values)

    def loop(self, request: LoopRequest, make_current: bool = True) -> Loop:
        """The notes of ``request`` (and, by default, make it the current loop). An option the model refuses (its
        player's :class:`~mvae_core.models.base.UnsupportedOption` or :class:`~mvae_core.errors.OptionError`, as
        docs/models.md tells a model's player to raise: a package model's ``check_options`` may refuse a knob's
        value that mvae takes) is a :class:`RequestError` with the model's message, as a refused parameter is: HTTP's
        422 and OSC's ``/mvae/error``, not an internal error."""
        options = request.options()
        with self._lock, model_code(self.config.model.name, "player().notes", self.player.notes):
            try:
                notes = self.player.notes(np.asarray(request.z, dtype=np.float32), options)
            except (UnsupportedOption, OptionError) as exc:
                raise RequestError(str(exc)) from exc
            # a package model's player: its notes become JSON and MIDI (a numpy int is no JSON)
            check_notes(self.config.model.name, [notes], 1, self.config.data.pitch_classes, "player().notes")
            if make_current:
                self.current = request
        return Loop(request, timed_notes([notes], self.config, options))

    def current_loop(self) -> Loop:
        """The loop of the current request."""
        with self._lock:
            request = self.current
        return self.loop(request, make_current=False)

    def set(self, name: str, value: Any) -> LoopRequest:
        """Change one field of the current request (``/mvae/set``); returns the new current request. The change is
        made on the current request under the lock, so a loop made current meanwhile (a page's ``/api/generate``)
        is changed, not overwritten with the request before it."""
        if name == "tempo" and self.midi_clock is not None:
            raise RequestError(self.midi_clock.tempo_refusal())
        with self._lock:
            self.current = self.request({name: value}, self.current)
            return self.current

    def midi(self, loop: Loop) -> bytes:
        """The loop as the bytes of a loop-exact ``.mid`` file."""
        return file_bytes(notes_file(loop.notes, loop.request.tempo, LOOP_TICKS, self.program))

    def wav(self, loop: Loop, wrap_release: bool = False) -> tuple[bytes, str]:
        """The loop as WAV bytes and the renderer that made them: the loop and the release, or with
        ``wrap_release`` exactly the loop, the release added onto its start (:func:`mvae_core.audio.render`)."""
        from mvae_core.audio import render, wav_bytes

        audio = render(loop.notes, loop.request.tempo, LOOP_TICKS, wrap_release=wrap_release, program=self.program)
        return wav_bytes(audio), audio.renderer

    # --- encodings ------------------------------------------------------------------------------------------------
    def close(self) -> None:
        """End the process that reads uploads, if one was started (:class:`~mvae_core.serve.uploads.UploadReader`)."""
        if self._reader is not None:
            self._reader.close()

    def check_uploads(self) -> None:
        """Raise :class:`UploadsOff` when this engine takes no uploads (checked before an upload's body is read)."""
        if self._reader is None:
            raise UploadsOff(NO_UPLOAD)

    def encode(self, content: bytes, name: str = "upload.mid") -> list[dict[str, Any]]:
        """The usable loops of an uploaded MIDI file, as ``mvae encode`` gives them: ``{"loop", "notes", "z"
        (its mu), "bpm" (its tempo in the file)}`` each (``name`` is only echoed); :class:`UploadsOff` when uploads
        are off."""
        reader = self._reader
        if reader is None:
            raise UploadsOff(NO_UPLOAD)
        if len(content) > MAX_UPLOAD_BYTES:
            raise RequestError(f"{name}: {len(content):,} bytes; uploads are limited to {MAX_UPLOAD_BYTES:,} bytes")
        if not content:
            raise RequestError(f"{name}: the upload is empty; send the bytes of a .mid file")
        cfg = self.config.model_copy(update={"data": self.config.data.model_copy(update={"cache_dir": Path("none")})})
        with tempfile.TemporaryDirectory(prefix="mvae-upload-") as folder:
            path = Path(folder) / "upload.mid"
            path.write_bytes(content)
            try:  # the parse (seconds for a big file) runs in a worker process: OSC, MIDI out and the page keep playing
                loops = reader.loops(path, cfg)
            except ToolError as exc:
                raise RequestError(str(exc).replace(str(path), name)) from None
        mu = self._means(loops.dense)
        return [
            {"loop": k, "notes": int(loops.notes[k]), "z": _rounded(mu[k]), "bpm": float(loops.bpm[k])}
            for k in range(len(mu))
        ]

    def training_points(self, stop: threading.Event | None = None) -> dict[str, Any]:
        """The training loops' latent means for the pad: ``{"files", "points": [{"z", "file", "notes"}], "note",
        "ready": True}`` (``files``: every source's name, :func:`~mvae_core.serve.names.pad_names`); the note says
        why there are none or how they were thinned, and that they are every loop, held-out ones too, where
        ``split.json`` is damaged. Reads the run's training data (through the parse cache: a
        cold cache parses it first, which can take a minute). Once ``stop`` is set, it raises :class:`PointsStopped`
        after the file it is parsing, or before its next chunk of loops (:meth:`_means`)."""
        run = RunDir(self.run.path)
        try:
            data = run.read_data()  # as resume and validation read it: one path is one path
            check_paths(data)  # a folder moved or deleted since training is named, not "no training loops"
            table, _ = load_dataset(data, self.config.data, progress=partial(_stop_parsing, stop))
        except (MvaeError, ValueError, OSError) as exc:
            note = f"training data not readable ({exc}); {WITHOUT_DATA}"
            return {"files": [], "points": [], "note": note, "ready": True}
        split = run.read_split()  # without one (an older run): every loop
        train = from_sources(table, set(split["train"])).loops if split else np.arange(table.n_loops)
        if len(train) == 0:
            return {"files": [], "points": [], "note": "no training loops found in " + " ".join(data), "ready": True}
        notes = []
        if damage := run.split_damaged():  # every loop is shown: say so, and how to have only the training ones
            notes.append(
                f"{run.path / SPLIT} cannot be read ({damage}), so the dots are every loop of the data, held-out ones "
                "too (put the file back from a backup)"
            )
        shown = train[np.linspace(0, len(train) - 1, min(MAX_POINTS, len(train))).round().astype(np.int64)]
        x = densify(
            LoopSet(table, shown, np.zeros(len(shown), dtype=np.int64)),
            np.arange(len(shown)),
            self.config.data.pitch_classes,
        )
        mu = self._means(x, stop)
        counts = table.notes_per_loop()[shown]
        points = [
            {"z": _rounded(mu[i]), "file": int(table.source[loop]), "notes": int(counts[i])}
            for i, loop in enumerate(shown)
        ]
        if len(shown) < len(train):
            notes.append(f"{len(shown)} of {len(train)} training loops, evenly spaced")
        return {
            "files": pad_names(table.sources),
            "points": points,
            "note": "; ".join(notes),
            "ready": True,
        }

    def _means(self, x: torch.Tensor, stop: threading.Event | None = None) -> torch.Tensor:
        """The posterior means of the dense loops ``x``, encoded :data:`ENCODE_CHUNK` loops at a time, each chunk under
        the lock: a loop request waits for one chunk (milliseconds), never for thousands of loops. Raises
        :class:`PointsStopped` before a chunk once ``stop`` is set."""
        parts = []
        for start in range(0, len(x), ENCODE_CHUNK):
            if stop is not None and stop.is_set():
                raise PointsStopped
            with self._lock, torch.no_grad():
                parts.append(encode_loops(self.run.model, x[start : start + ENCODE_CHUNK])[0])
        return torch.cat(parts)

    def info(self, points: dict[str, Any]) -> dict[str, Any]:
        """What ``GET /api/info`` answers: :attr:`model_info`, :attr:`served`, and the training ``points`` as far as
        they are ready (:class:`TrainingPoints`)."""
        return {
            **self.model_info,
            "served": self.served,
            "files": points["files"],
            "points": points["points"],
            "points_note": points["note"],
            "points_ready": points["ready"],
            "midi_clock": self.clock_status(),
        }

    def follow_clock(self, player: Any) -> None:
        """Have MIDI out's ``player`` time the notes by a DAW's clock (its ``status()`` and ``tempo_refusal()``:
        :attr:`midi_clock`), before the server answers: :attr:`served` then names its input, so that a page open
        across a restart that adds, drops or moves ``--midi-clock-in`` takes the tempo knob's new state."""
        self.midi_clock = player
        self.served = self._served()

    def _served(self) -> str:
        """:attr:`served` of the model, settings and clock input served now."""
        model = {name: self.model_info[name] for name in MODEL_FIELDS} | {"best_epoch": self.best_epoch}
        settings = {name: value for name, value in self.model_info.items() if name not in MODEL_FIELDS}
        del settings["epochs_trained"]  # epochs trained on after the best one leave the model as it was
        if self.midi_clock is not None:  # absent without one: the digest of a server without a clock is unchanged
            settings["midi_clock_input"] = self.midi_clock.status()["input"]
        return f"{_digest(model)}.{_digest(settings)}"

    def clock_status(self) -> dict[str, Any] | None:
        """``{"input", "state", "tempo"}`` of the DAW's MIDI clock MIDI out follows (``/api/info``'s and
        ``/api/midi_clock``'s ``midi_clock``); ``None`` without ``--midi-clock-in``."""
        return None if self.midi_clock is None else self.midi_clock.status()

    def _model_info(self) -> dict[str, Any]:
        defaults = self.defaults  # generate's, with the starting tempo
        return {
            "run": str(self.run.path),
            "model": self.config.model.name,
            "epoch": self.best_epoch[0] if self.best_epoch else None,
            "epochs_trained": self.epochs_trained,
            "latent_dim": self.latent_dim,
            "midi_suffixes": list(READ_SUFFIXES),  # the names the page takes for a MIDI file, as mvae reads them
            "steps": STEPS_PER_LOOP,
            "steps_per_beat": STEPS_PER_BEAT,
            "pitch_low": self.config.data.pitch_low,
            "pitch_classes": self.config.data.pitch_classes,
            "extent": PAD_EXTENT,
            "loop_seconds": loop_seconds(defaults.tempo),
            "defaults": {"seed": defaults.seed, **{name: getattr(defaults, name) for name in KNOBS}},
            "ranges": {"seed": [0, MAX_PATTERN_SEED], **{name: list(bounds) for name, bounds in KNOBS.items()}},
            "z_limit": Z_LIMIT,
            "max_upload_bytes": MAX_UPLOAD_BYTES,
            "uploads": self.uploads,  # the page offers "Open MIDI…" and takes dropped files only when true
        }

    def _z(self, value: Any) -> tuple[float, ...]:
        if not isinstance(value, list | tuple) or len(value) != self.latent_dim:
            raise RequestError(
                f"z must be a list of {self.latent_dim} numbers (the model's latent_dim), got {_shown(value)}"[:200]
            )
        numbers = tuple(_number(f"z[{i}]", v, f"lie within ±{Z_LIMIT:g}") for i, v in enumerate(value))
        if any(abs(v) > Z_LIMIT for v in numbers):
            raise RequestError(f"z's numbers must lie within ±{Z_LIMIT:g} (the prior is N(0, 1)), got {list(numbers)}")
        return numbers


class PointsStopped(Exception):
    """:meth:`Engine.training_points` was told to stop (the server is stopping)."""


def _stop_parsing(stop: threading.Event | None, parsed: int, total: int) -> None:
    """``load_dataset``'s progress while the points read a cold cache: :class:`PointsStopped` once ``stop`` is set,
    after the file parsed now (a first parse of the training data takes a minute, and a Ctrl-C waited for it)."""
    if stop is not None and stop.is_set():
        raise PointsStopped


class TrainingPoints:
    """:meth:`Engine.training_points`, computed in a background thread so that the server answers at once;
    :meth:`get` returns the points when ready, else ``{"ready": False}`` with a note saying they are on the way;
    :meth:`stop` ends the thread."""

    def __init__(self, engine: Engine) -> None:
        self._result: dict[str, Any] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._compute, args=(engine,), name="mvae-points", daemon=True)

    def start(self) -> TrainingPoints:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop encoding before the next chunk of loops and wait up to ``timeout`` seconds for the thread to end: a
        thread left encoding in torch while the process exits can abort it ("terminate called without an active
        exception", exit by SIGABRT instead of 130 on Ctrl-C). A thread still parsing a cold cache may outlast it."""
        self.request_stop()
        if self._thread.is_alive():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning(
                    "warning: the pad's encoding of the training loops was still running when the server had to "
                    "stop; it ends with the process"
                )

    def request_stop(self) -> None:
        """Tell the thread to stop before its next chunk, without waiting (:meth:`stop` waits)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        """The points once ready (or still pending after ``timeout`` seconds)."""
        self._thread.join(timeout)
        return self.get()

    def get(self) -> dict[str, Any]:
        if self._result is None:
            return {"files": [], "points": [], "note": "encoding the training loops…", "ready": False}
        return self._result

    def _compute(self, engine: Engine) -> None:
        try:
            self._result = engine.training_points(self._stop)
        except PointsStopped:
            return
        except Exception as exc:  # a server without dots still plays: say why instead of dying in a thread
            note = f"training loops not encoded ({reason(exc)})"  # MemoryError's message is empty: its name
            self._result = {"files": [], "points": [], "note": note, "ready": True}
        if not self._result["points"]:  # the console said they are being encoded: say what came of it
            log.warning("warning: the pad has no training loops: %s", self._result["note"])


OTHER_NAMES = {"bpm": "tempo"}
"""Other programs' names of a field, which no spelling rule finds: ``bpm`` (a DAW's, and the ONNX hosts' until
2026-12-07) is ``tempo``."""


def unknown_field(name: str) -> str:
    """The refusal of an unknown field ``name``, with the field meant where one is close or is its other name."""
    meant = OTHER_NAMES.get(str(name).strip().lower())
    hint = f"; did you mean {meant!r}?" if meant else did_you_mean(str(name), FIELDS, otherwise="")
    return f"unknown parameter {str(name)[:60]!r}{hint} (parameters: {', '.join(FIELDS)})"


def _number(name: str, value: Any, accepted: str) -> float:
    """``value`` as a finite float; :class:`RequestError` otherwise (``accepted``, e.g. "lie in [0, 3]", says what the
    field takes when ``value`` is an integer beyond any float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestError(f"{name} must be a number, got {_shown(value)}"[:200])
    try:
        number = float(value)
    except OverflowError:  # a JSON integer beyond any float
        raise RequestError(f"{name} must {accepted}, got an integer beyond ±1.8e308") from None
    if not math.isfinite(number):
        raise RequestError(f"{name} must be a finite number, got {number}")
    return number


def _shown(value: Any) -> str:
    """``value`` as its sender spelled it: in JSON (``true``, ``null``, ``"a"``, ``[0.5]``), what both a page's JSON
    and an OSC message's arguments read as; an OSC blob (bytes, which JSON lacks) by its type and size."""
    if isinstance(value, bytes | bytearray):
        return f"an OSC blob of {len(value)} bytes"
    try:
        return json.dumps(value, ensure_ascii=False, default=lambda inner: f"<{type(inner).__name__}>")
    except (ValueError, RecursionError):  # nested beyond what json writes
        return f"a {type(value).__name__}"


def _knob(name: str, value: Any) -> float:
    low, high = KNOBS[name]
    accepted = f"lie in [{low:g}, {high:g}]"
    number = _number(name, value, accepted)
    if not low <= number <= high:
        raise RequestError(f"{name} must {accepted}, got {_outside(number, low, high)}")
    return number


def _outside(number: float, low: float, high: float) -> str:
    """``number``, outside ``[low, high]``, as short as ``:g`` writes it, or with as many more digits as keep it
    outside where ``:g`` would round it onto an end or inside (``got 20`` for 19.9999999 said a tempo in range was
    refused)."""
    for digits in range(6, 17):
        shown = f"{number:.{digits}g}"
        if not low <= float(shown) <= high:
            return shown
    return f"{number:.17g}"  # every float exactly


def _seed(value: Any) -> int:
    accepted = f"be a whole number in [0, {MAX_PATTERN_SEED}]"
    number = _number("seed", value, accepted)
    if number != int(number) or not 0 <= number <= MAX_PATTERN_SEED:
        if isinstance(value, int):
            shown = str(value)
        elif number.is_integer() and abs(number) < 1e16:  # OSC's float32 4294967295 is 4294967296.0: not 4.294967e+09
            shown = f"{number:.0f}"
        else:
            shown = f"{number:.7g}"  # OSC's float32 3.7 reads 3.700000047683716
        raise RequestError(f"seed must {accepted}, got {shown}")
    return int(number)


def _digest(fields: dict[str, Any]) -> str:
    """A short digest of JSON-like ``fields``, the same for the same fields in any order."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def _rounded(vector: torch.Tensor) -> list[float]:
    return [round(float(v), 4) for v in vector]
