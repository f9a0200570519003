"""The Python API over trained runs: load one, generate loops from it, evaluate it on data.

:func:`mvae_core.train` (:mod:`mvae_core.session`) makes runs; these functions use them, and the ``generate`` and
``evaluate`` commands are thin wrappers around them. docs/python_api.md walks through them, from training to
evaluation on held-out files.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import operator
import os
import shlex
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial, wraps
from pathlib import Path
from typing import Any, Concatenate, Final, Literal, ParamSpec, TypedDict, TypeVar, cast

import mido
import numpy as np
import pretty_midi
import torch

from mvae_core.audio import Audio, render, write_wav
from mvae_core.config import MvaeConfig, checked_seed
from mvae_core.data.load import (
    DataReport,
    absolute_data,
    check_paths,
    data_arguments,
    load_dataset,
    reading_memory,
)
from mvae_core.data.sources import MIDI_SUFFIXES
from mvae_core.data.table import NoteTable
from mvae_core.decode_options import EVALUATION_RESAMPLES, EVALUATION_SAMPLES, MAX_RESAMPLES, WALK, given_options
from mvae_core.errors import (
    ConflictingOptions,
    DataError,
    InputError,
    MvaeError,
    OptionError,
    RenamedOption,
    blocked_message,
    callers_level,
    file_in_the_way,
)
from mvae_core.evaluation import all_loops, generated_options
from mvae_core.evaluation import evaluate as score
from mvae_core.evaluation_paired import COVERS, check_same_reading, compare_runs, refuse_self_comparison, side_by_side
from mvae_core.files import atomic_write, remove_temporaries
from mvae_core.generation import (
    MAX_LOOPS,
    DecodeOptions,
    Note,
    latent_points,
    latent_walk,
    real_number,
    render_loops,
    whole_number,
)
from mvae_core.keywords import keyword_only, known_keywords
from mvae_core.loop_file import (
    LOOP_TICKS,
    TimedNote,
    loop_file_stem,
    loop_notes_json,
    midi_file,
    notes_to_midi,
    timed_notes,
    write_midi,
)
from mvae_core.models import model_code
from mvae_core.models.base import MelodyModel, NotePlayer
from mvae_core.report import skip_reasons
from mvae_core.run import RunDir
from mvae_core.run_files import CONFIG, SPLIT
from mvae_core.session import RunFolder, RunResult, callers_random_state
from mvae_core.tools.encode import LoopCode, encode_file
from mvae_core.tools.interpolate import check_point, file_point, line
from mvae_core.wording import counted, listed

LatentPoint = Sequence[float] | np.ndarray | torch.Tensor
"""A point of a run's latent space: ``latent_dim`` numbers, as a list, a numpy array or a tensor."""


class SecondsNote(TypedDict):
    """A note as a synth or sequencer plays it (a dict, as ``mvae serve`` answers it and the ONNX hosts' ``timed``
    give it), from :meth:`Generated.timed` and :meth:`Run.timed`."""

    pitch: int  # MIDI
    start: float  # seconds from the start of its loop (of its file, for Generated.timed), the grid offset applied
    end: float  # seconds, at the latest the next later onset or the loop's (file's) end
    velocity: int  # 1..127
    step: int  # the 16th-note grid step it belongs to, counted from that start


def _seconds(notes: list[TimedNote], tempo: float) -> list[SecondsNote]:
    """``notes`` in seconds at ``tempo`` (:func:`~mvae_core.loop_file.loop_notes_json`, whose dicts have the keys of
    :class:`SecondsNote`)."""
    return cast(list[SecondsNote], loop_notes_json(notes, tempo))


@known_keywords("argument")
def load(run: str | os.PathLike[str] | Run | RunResult) -> Run:
    """The trained run in directory ``run`` (or that a :class:`~mvae_core.session.RunResult` of
    :func:`mvae_core.train` names). Never executes code from it: the model is rebuilt from ``config.toml`` and its
    tensors read from ``model.safetensors``. Raises :class:`~mvae_core.checkpoint.CheckpointError` or
    :class:`~mvae_core.errors.ConfigError` naming the file, :class:`InputError` when ``run`` is not a directory (nor a
    path: :class:`OptionError`)."""
    if isinstance(run, Run):
        return run
    if isinstance(run, RunResult):
        run = run.path
    if not isinstance(run, str | os.PathLike):
        raise OptionError(
            "run", f"is a run directory (a str or pathlib.Path), a RunResult or a Run from mvae_core.load, got {run!r}"
        )
    path = Path(run)
    with callers_random_state():  # building the model draws its (then overwritten) initial weights
        saved = RunDir(path).load_best()
    return Run(path.absolute(), saved.model, saved.config, saved.metadata)


@dataclass(repr=False)
class Generated:
    """Loops decoded from latent points, one file's worth per point: ``loops[i]`` (also ``generated[i]``, and what
    iterating gives) holds file ``i``'s ``loops`` consecutive 2-bar loops (each a list of
    :class:`~mvae_core.generation.Note`) along path ``paths[i]`` (``[loops, latent_dim]``). File methods take ``i``
    as a list does (``-1`` is the last) and raise :class:`IndexError` naming the count beyond it."""

    config: MvaeConfig
    options: DecodeOptions
    paths: torch.Tensor
    loops: list[list[list[Note]]]

    def __len__(self) -> int:
        return len(self.loops)

    def __getitem__(self, i: int) -> list[list[Note]]:
        return self.loops[self._file(i)]

    def __iter__(self) -> Iterator[list[list[Note]]]:
        return iter(self.loops)

    def __eq__(self, other: object) -> bool:
        """The same notes from the same points, options and config (``generate(...) == generate(...)`` checks that a
        generation is reproducible; the dataclass's comparison asked a tensor of several numbers for one bool)."""
        if not isinstance(other, Generated):
            return NotImplemented
        same = (self.loops, self.options, self.config) == (other.loops, other.options, other.config)
        return same and self.paths.shape == other.paths.shape and torch.equal(self.paths, other.paths)

    def __repr__(self) -> str:
        """``Generated(4 files × 1 loop, 38 notes; temperature=0.8, seed=1)``: the options that differ from the
        defaults, not the notes, the config and the paths."""
        per_file = len(self.loops[0]) if self.loops else 0
        notes = sum(len(loop) for file in self.loops for loop in file)
        given = [f"{f.name}={getattr(self.options, f.name)!r}" for f in dataclasses.fields(DecodeOptions)
                 if getattr(self.options, f.name) != f.default]  # fmt: skip
        options = f"; {', '.join(given)}" if given else ""
        return f"Generated({len(self)} file{'s' * (len(self) != 1)} × {per_file} loop{'s' * (per_file != 1)}, {notes} notes{options})"

    def _file(self, i: int) -> int:
        """``i`` as an index of a file (negative from the end); :class:`IndexError` naming how many there are."""
        if not -len(self) <= operator.index(i) < len(self):
            raise IndexError(f"file {i}: {counted(len(self), 'file')} generated, numbered 0 to {len(self) - 1}")
        return i % len(self)

    def joined(self) -> Generated:
        """Every file's loops one after another, as one file (``mvae interpolate --one-file``): ``joined().write(
        "all.mid")`` writes them in order."""
        paths = self.paths.reshape(1, -1, self.paths.shape[-1])
        return Generated(self.config, self.options, paths, [[loop for file in self.loops for loop in file]])

    def midi(self, i: int = 0) -> pretty_midi.PrettyMIDI:
        """File ``i`` as ``pretty_midi``: its loops one after another, 4/4 at ``options.tempo``."""
        return notes_to_midi(self[i], self.config, self.options)

    def midi_file(self, i: int = 0) -> mido.MidiFile:
        """File ``i`` as ``mido``: loop-exact, as long as its loops (:mod:`mvae_core.loop_file`)."""
        return midi_file(self[i], self.config, self.options)

    def name(self, i: int = 0) -> str:
        """``000_z_+0.50_-1.00``: the file's number (as many digits as the largest, at least 3) and its first latent
        point (:func:`~mvae_core.loop_file.loop_file_stem`)."""
        i = self._file(i)
        return loop_file_stem(i, len(self), self.paths[i][0])

    def audio(
        self,
        i: int = 0,
        renderer: str = "auto",
        soundfont: str | os.PathLike[str] | None = None,
        wrap_release: bool = False,
    ) -> Audio:
        """File ``i`` rendered to audio (:func:`mvae_core.audio.render`: FluidSynth when it can run, else the
        built-in synth; ``audio.renderer`` says which), as long as its loops plus the release, or with
        ``wrap_release`` exactly as long as its loops, the release added onto the start (to repeat in a DAW)."""
        notes = timed_notes(self[i], self.config, self.options)
        length = len(self[i]) * LOOP_TICKS
        return render(
            notes,
            self.options.tempo,
            length,
            renderer,
            soundfont,
            wrap_release=wrap_release,
            program=self.options.program,
        )

    def timed(self, i: int = 0) -> list[SecondsNote]:
        """File ``i``'s notes in seconds from its start, ordered by start, as :meth:`midi_file` holds them at
        ``options.tempo`` and ``options.grid_offset`` (:class:`SecondsNote`: ``pitch``, ``start``, ``end``,
        ``velocity``, ``step``): what a synth or sequencer of one's own plays. An empty loop gives ``[]``."""
        return _seconds(timed_notes(self[i], self.config, self.options), self.options.tempo)

    def write(self, out: str | os.PathLike[str], overwrite: bool = False) -> list[Path]:
        """One MIDI file per point into folder ``out`` (named by :meth:`name`), or into ``out`` itself when it ends
        in ``.mid``/``.midi`` and there is one point. Returns the files written. A file of those that is there
        already is refused, nothing written (:func:`refuse_overwriting`, as ``mvae generate`` does), unless
        ``overwrite=True`` replaces it. The hidden temporaries a killed write of these files left are removed
        (:func:`~mvae_core.files.remove_temporaries`)."""
        files = self.files(out, "MIDI")
        if not overwrite:
            refuse_overwriting(files)
        remove_temporaries(files)  # left by a write of these files that was killed midway
        for file, loops in zip(files, self.loops, strict=True):
            atomic_write(file, partial(write_midi, loops=loops, cfg=self.config, options=self.options), durable=False)
        return files

    def write_audio(
        self,
        out: str | os.PathLike[str],
        renderer: str = "auto",
        soundfont: str | os.PathLike[str] | None = None,
        wrap_release: bool = False,
        overwrite: bool = False,
    ) -> tuple[list[Path], str]:
        """One WAV file per point (:meth:`audio`) into folder ``out``, or into ``out`` itself when it ends in
        ``.wav`` and there is one point. Returns the files written and the renderer used. A file of those that is
        there already is refused, nothing written (:func:`refuse_overwriting`), unless ``overwrite=True``. The hidden
        temporaries a killed write of these files left are removed, as :meth:`write`'s are."""
        files = self.files(out, "WAV")
        if not overwrite:
            refuse_overwriting(files)
        remove_temporaries(files)  # left by a write of these files that was killed midway
        used = ""
        for i, file in enumerate(files):
            rendered = self.audio(i, renderer, soundfont, wrap_release)
            atomic_write(file, partial(write_wav, audio=rendered), durable=False)
            used = rendered.renderer
        return files, used

    def files(self, out: str | os.PathLike[str], kind: Literal["MIDI", "WAV"]) -> list[Path]:
        """The files :meth:`write` (``"MIDI"``) or :meth:`write_audio` (``"WAV"``) would write for ``out``, checked
        and nothing written: ``[out]`` when ``out`` names one file (refused for several points), else one file per
        point in folder ``out``, which must exist, end in a path separator (``take v1.2/``, from Python: a command
        line's path loses it) or have no suffix (``a.txt`` or ``a.mp3`` is refused: a misnamed file, not a folder;
        digits after the last dot are no suffix: ``take v1.2``, ``T0.1``). An existing file where a folder is needed
        is an :class:`InputError` naming it."""
        folder = os.fspath(out).endswith(("/", os.sep))  # Path() drops the separator that says so
        out, suffixes = Path(out), (MIDI_SUFFIXES if kind == "MIDI" else (".wav",))
        suffix = "" if folder else file_suffix(out)
        wav = f"; a WAV is written beside the MIDI: --audio {out} (write_audio from Python)"
        wav = wav if kind == "MIDI" and suffix == ".wav" else ""  # a WAV asked of the MIDI output
        if blocker := file_in_the_way(out if suffix in suffixes else out / "x"):
            raise InputError(blocked_message(blocker, out) + wav)
        if suffix in suffixes:
            if len(self) != 1:
                raise InputError(
                    f"{out} names one {kind} file but {len(self)} points were generated; give a folder instead"
                )
            files = [out]
        elif suffix and not out.is_dir():
            one_file = "such a name (one point), " if len(self) == 1 else ""  # several points need a folder
            raise InputError(
                f"{out}: a {kind} file's name ends in {' or '.join(suffixes)}; give {one_file}an existing folder, or a "
                f"new folder's name without a suffix{wav}"
            )
        else:
            files = [out / f"{self.name(i)}{suffixes[0]}" for i in range(len(self))]
        return files


OVERWRITE_ARGUMENT = "overwrite=True"
"""How a Python caller replaces files that are there (:meth:`Generated.write`); the command line's is
``--overwrite`` (:data:`~mvae_core.cli_paths.OVERWRITE_OPTION`)."""


def refuse_overwriting(
    files: list[Path],
    where: str = "out",
    replace: str = f"pass {OVERWRITE_ARGUMENT}",
    earlier: str = "write",
    command_line: Mapping[str, str] | None = None,
) -> None:
    """An :class:`InputError` naming the ones of ``files`` that are there, when any is: a musician's loops (MIDI or
    WAV) are never replaced in silence (the same point decoded with another seed, temperature or tempo has the same
    name: a loop that was liked was lost, and a WAV written before it no longer matched its MIDI file). The message
    says the files came from an ``earlier`` write and names the two ways on: another ``where`` or ``replace``. From
    Python, ``out`` and :data:`OVERWRITE_ARGUMENT`; ``command_line`` gives the same three words as a command says
    them (:func:`mvae_core.outputs.write_loops`: ``--out``, ``add --overwrite``, ``command``)."""
    if not (there := [path for path in files if path.exists()]):
        return
    verb, them = ("is", "it") if len(there) == 1 else ("are", "them")

    def message(where: str, replace: str, earlier: str) -> str:
        return (
            f"{listed([str(path) for path in there])} {verb} already there, from an earlier {earlier} (a folder's "
            "loops are named by their latent points, whatever the seed, temperature or tempo): nothing was written; "
            f"to keep {them}, give another {where} (a new folder or file name); to replace {them}, {replace}"
        )

    raise InputError(
        message(where, replace, earlier), command_line=None if command_line is None else message(**command_line)
    )


def wav_target(audio: str | os.PathLike[str], midi_out: str | os.PathLike[str]) -> Path:
    """Where the WAV files of a generation go (``mvae generate --audio``): ``audio`` as given, except that when
    ``midi_out`` names one MIDI file and ``audio`` a folder, the WAV takes that file's name (``pad.mid`` →
    ``audio/pad.wav``), as a folder's WAV files take their MIDI files' names."""
    audio, midi_out = Path(audio), Path(midi_out)
    if midi_out.suffix.lower() in MIDI_SUFFIXES and (audio.is_dir() or not file_suffix(audio)):  # a folder (files())
        return audio / midi_out.with_suffix(".wav").name
    return audio


def file_suffix(path: Path) -> str:
    """``path``'s file suffix, lower case; ``""`` for none, and for digits after the last dot, which name a take or
    a version (``take v1.2``, ``T0.1``), not a kind of file."""
    return "" if path.suffix[1:].isdigit() else path.suffix.lower()


Arguments = ParamSpec("Arguments")
Result = TypeVar("Result")


def run_method(
    function: Callable[Concatenate[Run, Arguments], Result],
) -> Callable[Concatenate[Run, Arguments], Result]:
    """``function(run, ...)`` as a method of :class:`Run`: ``run.generate(...)`` is ``generate(run, ...)``, with the
    same arguments after ``run`` and the same docstring, so an editor completes the method's keywords and a type
    checker flags a misspelt one, from the one signature."""

    @wraps(function)
    def method(self: Run, /, *args: Arguments.args, **kwargs: Arguments.kwargs) -> Result:
        return function(self, *args, **kwargs)

    method.__qualname__ = f"Run.{function.__name__}"
    return method


@known_keywords("generation option", unlisted=("bars",))
@keyword_only
def generate(
    run: str | os.PathLike[str] | Run | RunResult,
    z: LatentPoint | None = None,
    *,
    random: int | None = None,
    seed: int = DecodeOptions.seed,
    loops: int | None = None,
    walk: float = WALK,
    noise: float = 0.0,
    bars: int | None = None,
    density: float = DecodeOptions.density,
    temperature: float = DecodeOptions.temperature,
    timing_temperature: float = DecodeOptions.timing_temperature,
    poly: bool = DecodeOptions.poly,
    threshold_min: float | None = DecodeOptions.threshold_min,
    threshold_max: float | None = DecodeOptions.threshold_max,
    grid_offset: float = DecodeOptions.grid_offset,
    tempo: float = DecodeOptions.tempo,
    program: int | str = DecodeOptions.program,
) -> Generated:
    """Decode latent points of ``run`` into loops, one file's worth per point (``mvae generate`` as a call).

    :param run: a run directory (``str`` or ``pathlib.Path``), the ``RunResult`` of :func:`mvae_core.train`, or a
        :class:`Run` from :func:`load` (loaded once: faster when generating many times).
    :param z: one latent point (``latent_dim`` numbers: a list, a numpy array or a tensor); or ``random``: that many
        points drawn from the prior (default: one random point).
    :param seed: seeds the random points, the noise, the note choice and the timing draws (a whole number >= 0).
    :param loops: 2-bar loops per file (default 1), along a latent path of steps of length ``walk`` from each point.
    :param walk: the latent distance between consecutive loops of a file (``loops`` > 1).
    :param noise: std of Gaussian noise added to each point.
    :param bars: the old name of ``loops`` (it counts loops too: ``bars=4`` gives 8 bars), with a
        :class:`~mvae_core.errors.RenamedOption` warning (a FutureWarning).
    :param density: and ``temperature``, ``timing_temperature``, ``poly``, ``threshold_min``, ``threshold_max``,
        ``grid_offset``, ``tempo``, ``program``: the decoding options, the fields of :class:`~mvae_core.generation.DecodeOptions`
        (with its defaults; docs/cli.md's ``mvae generate`` says what each does).
    :returns: a :class:`Generated`: ``write(folder)`` for MIDI files, ``write_audio`` for WAV, ``midi(i)`` for
        ``pretty_midi``, ``generated[i]`` for file ``i``'s notes.
    :raises InputError: a bad argument, naming it (:class:`OptionError` for a value of the wrong type or out of
        range, :class:`ConflictingOptions` for ``z`` with ``random`` or ``loops`` with ``bars``); loading errors as
        :func:`load`.
    :warns WalkWithOneLoop: a ``walk`` other than the default with one loop per file (it moved nothing).
    """
    trained = load(run)
    seed, walk, noise = whole_number("seed", seed), *_reals(walk=walk, noise=noise)
    loops_name, loops = _loops(loops, bars)
    decode = decode_options(
        density=density, temperature=temperature, timing_temperature=timing_temperature, poly=poly,
        threshold_min=threshold_min, threshold_max=threshold_max, grid_offset=grid_offset, tempo=tempo, seed=seed,
        program=program,
    )  # fmt: skip
    with model_code(trained.config.model.name, "check_options"):
        trained.model.check_options(decode)
    if z is not None and random is not None:
        raise ConflictingOptions(z="one latent point", random="a number of random points")
    if random is not None and whole_number("random", random) < 1:
        raise OptionError("random", f"must be at least 1, got {random}")
    try:
        if isinstance(z, str):  # its letters would be read as numbers: "12" as [1, 2]
            raise TypeError
        point = None if z is None else [float(v) for v in z]
    except (TypeError, ValueError):
        raise OptionError("z", f"needs numbers, got {z!r}{_point_hint('z', z)}") from None
    count = None if random is None else int(random)
    points = latent_points(count or (None if point else 1), point, noise, trained.config.model.latent_dim, seed)
    try:
        paths = latent_walk(points, loops, walk, seed)
    except OptionError as exc:  # named as the caller gave it (``bars``, the old name)
        raise OptionError(loops_name, exc.rule, exc.others) if exc.option == "loops" else exc from None
    return Generated(trained.config, decode, paths, render_loops(trained.model, paths.flatten(0, 1), decode, loops))


def _loops(loops: int | None, bars: int | None) -> tuple[str, int]:
    """:func:`generate`'s loops per file and the argument that gave them (to name in errors): ``loops`` (default 1),
    or ``bars``, its old name, with a :class:`RenamedOption` warning (a musician reads ``bars=4`` as 4 bars; it
    gives 4 loops of 2 bars)."""
    if bars is None:
        return "loops", 1 if loops is None else whole_number("loops", loops)
    if loops is not None:
        raise ConflictingOptions(loops="loops per file", bars="its old name")
    bars = whole_number("bars", bars)
    said = f"gives {counted(bars, 'loop')} of 2 bars ({2 * bars} bars) per file"
    warnings.warn(RenamedOption("bars", "loops", bars, said), stacklevel=callers_level())
    return "bars", bars


def decode_options(**given: Any) -> DecodeOptions:
    """:class:`DecodeOptions` from :func:`generate`'s or :func:`interpolate`'s decoding options (``None`` keeps a
    default); :class:`OptionError` names a value of the wrong type or out of range."""
    return DecodeOptions(**{name: value for name, value in given.items() if value is not None})


def _point_hint(name: str, value: object) -> str:
    """What to give instead of ``value``, a latent point in a form the argument ``name`` does not take: a list for
    the command line's ``"0.5,-1"``, for ``generate(run, 8)`` (``z=8``) ``random=8``, and for several points at once
    (``[[0.5, -1], [1, 1]]``, an array of shape ``(1, 2)``) one call per point, for what :func:`encode` returned
    (a :class:`LoopCode`) its ``mu``; ``""`` when none fits."""
    if isinstance(value, LoopCode):
        return f"; the point of a loop's encoding is its mu: {name}=code.mu"
    if _several_points(value):
        return f"; {name} is one point: for several, generate each ([run.generate(point) for point in points])"
    if isinstance(value, str):
        try:
            point = [float(v) for v in value.split(",")]
        except ValueError:
            return ""
        return f"; give a latent point as numbers: {name}={point}"
    if name == "z" and isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1:
        return f"; for {value} random points, give random={value}"
    return ""


def _several_points(value: object) -> bool:
    """Whether ``value`` is a table of numbers (rows of points), not one point: an array or tensor of 2 or more
    dimensions, or a list or tuple of sequences."""
    if isinstance(value, np.ndarray | torch.Tensor):
        return value.ndim > 1
    rows = value if isinstance(value, list | tuple) else ()
    return any(isinstance(row, list | tuple | np.ndarray | torch.Tensor) for row in rows)


def _reals(**values: object) -> list[float]:
    """Each of ``values`` as a float (:func:`~mvae_core.generation.real_number`), in order."""
    return [real_number(name, value) for name, value in values.items()]


@known_keywords("argument")
def encode(run: str | os.PathLike[str] | Run | RunResult, midi: str | os.PathLike[str]) -> list[LoopCode]:
    """The latent point of every usable loop of the MIDI file ``midi`` (``mvae encode`` as a call), read with the
    run's data settings: one :class:`~mvae_core.tools.encode.LoopCode` per loop (``loop``, ``notes``, the posterior's
    ``mu`` and ``std``, the loop's tempo in the file ``bpm``), in time order. ``run`` as :func:`generate` takes it.
    Raises :class:`~mvae_core.tools.ToolError` for a path that is not one MIDI file or a file without a usable loop
    (naming the reason), :class:`OptionError` for a ``midi`` that is not a path; loading errors as :func:`load`."""
    trained = load(run)
    if not isinstance(midi, str | os.PathLike):
        raise OptionError("midi", f"is the path of a MIDI file (a str or pathlib.Path), got {midi!r}")
    return encode_file(trained.model, trained.config, Path(midi), "midi")


Endpoint = str | os.PathLike[str] | LatentPoint
"""An end of :func:`interpolate`'s line: a latent point (``latent_dim`` numbers) or a MIDI file, one of whose usable
loops is encoded (its posterior mean)."""


@known_keywords("generation option")
def interpolate(
    run: str | os.PathLike[str] | Run | RunResult,
    start: Endpoint,
    end: Endpoint,
    steps: int = 8,
    *,
    loop: int | None = None,
    density: float = DecodeOptions.density,
    temperature: float = DecodeOptions.temperature,
    timing_temperature: float = DecodeOptions.timing_temperature,
    poly: bool = DecodeOptions.poly,
    threshold_min: float | None = DecodeOptions.threshold_min,
    threshold_max: float | None = DecodeOptions.threshold_max,
    grid_offset: float = DecodeOptions.grid_offset,
    tempo: float = DecodeOptions.tempo,
    program: int | str = DecodeOptions.program,
    seed: int = DecodeOptions.seed,
) -> Generated:
    """Evenly spaced latent points on the straight line from ``start`` to ``end``, both included, decoded one loop
    per file (``mvae interpolate`` as a call). The first and last points are exactly the ends.

    :param run: as :func:`generate` takes it.
    :param start: a latent point (``latent_dim`` numbers: a list, a numpy array or a tensor) or a MIDI file, whose
        usable loop ``loop`` (an index into the list :func:`encode` returns: from 0, ``-1`` the last; default 0) is
        encoded; ``end`` likewise. ``loop`` with two latent points is an :class:`OptionError`: it would pick nothing.
    :param steps: the number of points, 2 to :data:`~mvae_core.generation.MAX_LOOPS`.
    :param density: and ``temperature``, ``timing_temperature``, ``poly``, ``threshold_min``, ``threshold_max``,
        ``grid_offset``, ``tempo``, ``program``, ``seed``: the decoding options, the fields of
        :class:`~mvae_core.generation.DecodeOptions`, as :func:`generate` takes them.
    :returns: a :class:`Generated` of ``steps`` files; ``joined()`` puts them in one file.
    :raises InputError: an end that is not ``latent_dim`` finite numbers, nor the path of one MIDI file with a usable
        loop (its :class:`~mvae_core.tools.ToolError`), an unknown decoding option, or its :class:`OptionError` for
        ``steps``, ``loop`` or an option out of range or of the wrong type, naming it. Loading errors as :func:`load`.
    """
    trained = load(run)
    decode = decode_options(
        density=density, temperature=temperature, timing_temperature=timing_temperature, poly=poly,
        threshold_min=threshold_min, threshold_max=threshold_max, grid_offset=grid_offset, tempo=tempo, seed=seed,
        program=program,
    )  # fmt: skip
    with model_code(trained.config.model.name, "check_options"):
        trained.model.check_options(decode)
    if loop is not None and not any(isinstance(value, str | os.PathLike) for value in (start, end)):
        raise OptionError(
            "loop", f"{loop} picks a loop of a MIDI file, and start and end are latent points; leave it out"
        )
    loop, steps = whole_number("loop", 0 if loop is None else loop), whole_number("steps", steps)
    first, last = (_endpoint(trained, value, loop, name) for name, value in (("start", start), ("end", end)))
    points = line(first, last, steps)
    return Generated(trained.config, decode, points.unsqueeze(1), render_loops(trained.model, points, decode))


def _endpoint(trained: Run, value: Endpoint, loop: int, name: str) -> torch.Tensor:
    """The latent point ``[latent_dim]`` that the argument ``name`` of :func:`interpolate` gives."""
    if isinstance(value, str | os.PathLike):
        if not Path(value).exists() and (hint := _point_hint(name, value)):
            raise OptionError(name, f"{value!r} is not a file{hint}")
        return file_point(trained.model, trained.config, Path(value), loop, name)
    try:
        values = [float(v) for v in value]
    except (TypeError, ValueError):
        hint = _point_hint(name, value) if isinstance(value, LoopCode) else ""
        raise OptionError(name, f"is a latent point (numbers) or a MIDI file's path, got {value!r}{hint}") from None
    return check_point(values, trained.config.model.latent_dim, name)


@known_keywords("evaluation option")
@keyword_only
def evaluate(
    run: str | os.PathLike[str] | Run | RunResult,
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    samples: int = EVALUATION_SAMPLES,
    seed: int = DecodeOptions.seed,
    jobs: int | None = None,
    temperature: float = DecodeOptions.temperature,
    resamples: int = EVALUATION_RESAMPLES,
) -> dict[str, Any]:
    """Score ``run`` on ``data`` (``mvae evaluate`` as a call): reconstruction, timing, latent, generation and pitch
    numbers (docs/evaluation.md defines each).

    :param run: as :func:`generate` takes it.
    :param data: one path, or a list of MIDI files, folders and corpora; read with the run's data settings, every
        loop, no augmentation. Held-out files: numbers on training files say little.
    :param samples: latent points drawn from the prior for the generated numbers (a whole number, 1 to
        :data:`~mvae_core.generation.MAX_LOOPS`).
    :param seed: seeds those points, the note choice and the timing draws (a whole number >= 0).
    :param jobs: processes for the first parse of ``data`` (a whole number >= 1; default: every core).
    :param temperature: the note temperature of the generated loops, as :func:`generate`'s (0 = deterministic).
    :param resamples: bootstrap resamples behind the ``intervals`` (a whole number, 1 to
        :data:`~mvae_core.decode_options.MAX_RESAMPLES`; docs/evaluation.md, Intervals).
    :returns: the numbers as a dict of groups, after ``run`` and ``data`` (the run's folder and the evaluated DATA,
        as absolute paths; corpora as named); ``trained_on`` lists the evaluated files that the run trained on (the
        same content as a file of its training split, wherever it lies now, or the same notes by ``data_report.json``'s
        music digests; for a run started from another's weights, ``init_from``, that run's too, while it is there;
        None: the run recorded no digests).
    :raises OptionError: an argument of the wrong type or out of range, naming it.
    :raises UnsupportedOption: a ``temperature`` the run's model refuses (its ``check_options``, asked as
        :func:`generate` asks it), before any data is read.
    :raises DataError: a path that does not exist, no data, or no usable loop in it (with the skip reasons); loading
        errors as :func:`load`.
    :warns TrainedOnWarning: when ``trained_on`` is not empty, naming how many files and loops, or None (it cannot
        tell).
    :warns SkippedSourcesWarning: when files of ``data`` gave no loop, naming each (up to 10) with its skip reason:
        the numbers are of the other files."""
    trained = load(run)
    samples, seed, resamples, temperature, jobs = _evaluation_options(samples, seed, resamples, temperature, jobs)
    generated_options(trained.model, trained.config, seed, temperature)  # the model's refusal before any data
    paths, table, report = _evaluation_data(data, trained, jobs)
    result = score(trained.model, trained.config, all_loops(table), samples, seed, temperature, resamples)
    trained_on = _trained_on(trained, report, table.n_loops)
    return {"run": str(trained.path.resolve()), "data": absolute_data(paths)} | result | {"trained_on": trained_on}


@known_keywords("evaluation option")
def compare(
    run: str | os.PathLike[str] | Run | RunResult,
    against: str | os.PathLike[str] | Run | RunResult,
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    samples: int = EVALUATION_SAMPLES,
    seed: int = DecodeOptions.seed,
    jobs: int | None = None,
    temperature: float = DecodeOptions.temperature,
    resamples: int = EVALUATION_RESAMPLES,
    unpaired: bool = False,
) -> dict[str, Any]:
    """Compare ``run`` (A) with ``against`` (B) on the same loops of ``data`` (``mvae evaluate RUN DATA --against
    OTHER`` as a call): each number of both, the difference A − B with a paired bootstrap interval, and which run is
    better where a direction is defined (docs/evaluation.md, Comparing two runs; :mod:`mvae_core.evaluation_paired`).
    With ``unpaired=True`` (``--unpaired``), each run is evaluated on ``data`` read with its own data settings and the
    two results are set side by side (:func:`~mvae_core.evaluation_paired.side_by_side`: each number with its own
    interval, no difference and no verdict), as for runs whose ``[data]`` reading differs.

    :param run: A, as :func:`evaluate` takes it.
    :param against: B, likewise.
    :param data: as :func:`evaluate` takes it; read once, with A's data settings, which must be B's too (but
        ``unpaired``: read by each run with its own).
    :param samples: latent points from the prior for each run's generated loops, as :func:`evaluate`'s.
    :param seed: as :func:`evaluate`'s, for both runs (the same latent points where their latent sizes match) and for
        the resamples.
    :param jobs: as :func:`evaluate`'s.
    :param temperature: as :func:`evaluate`'s, for both runs.
    :param resamples: paired bootstrap resamples (as :func:`evaluate`'s; each run's own where ``unpaired``).
    :param unpaired: set the two runs' own evaluations side by side instead of pairing them (``--unpaired``), for runs
        whose ``[data]`` settings read ``data`` otherwise.
    :returns: ``run``, ``against`` and ``data`` (absolute paths, corpora as named), ``loops``, ``notes``, ``seed``,
        ``samples``, ``temperature``, ``resamples``, ``level``; ``numbers``: per compared number (dotted keys,
        ``"pitch.in_key.gap_closed"``) ``a``, ``b``, ``difference``, ``interval``, ``excludes_zero``, ``better_is``
        (``"higher"``, ``"lower"``, ``"nearer 1"`` or None), ``deciding_interval`` and ``better`` (``"a"``, ``"b"``,
        ``"neither"`` or None); ``runs``: per run (``a``, ``b``) its ``model``, ``evaluated``, ``versions`` and
        ``trained_on`` (as :func:`evaluate`'s); ``covers``: what the intervals and verdicts are over (the draw of the
        loops for these two trained models, not training seeds).
    :raises ConfigError: the two runs read DATA into different loops (a ``[data]`` setting differs: each is named,
        with both runs).
    :raises InputError: ``against`` is ``run``'s own folder.
    :raises OptionError: as :func:`evaluate`.
    :raises UnsupportedOption: as :func:`evaluate`, for either run's model.
    :raises DataError: as :func:`evaluate`.
    :warns TrainedOnWarning: as :func:`evaluate`, for each run that trained on files of ``data``.
    :warns SkippedSourcesWarning: as :func:`evaluate`."""
    first, second = load(run), load(against)  # both found, and two, before either is evaluated
    refuse_self_comparison(first.path, second.path)
    if unpaired:
        options = {"samples": samples, "seed": seed, "jobs": jobs, "temperature": temperature, "resamples": resamples}
        return side_by_side(evaluate(first, data, **options), evaluate(second, data, **options))
    check_same_reading(str(first.path), first.config.data, str(second.path), second.config.data)
    samples, seed, resamples, temperature, jobs = _evaluation_options(samples, seed, resamples, temperature, jobs)
    for trained in (first, second):  # either model's refusal before any data
        generated_options(trained.model, trained.config, seed, temperature)
    paths, table, report = _evaluation_data(data, first, jobs)
    loops = all_loops(table)
    pair = (first.model, first.config), (second.model, second.config)
    result = compare_runs(*pair, loops, samples, seed, temperature, resamples)
    runs = {}
    for key, trained in zip(("a", "b"), (first, second), strict=True):
        point = result["points"][key]
        runs[key] = (
            {"run": str(trained.path.resolve()), "model": point["model"]}
            | {group: point[group] for group in ("evaluated", "versions")}
            | {"trained_on": _trained_on(trained, report, table.n_loops)}
        )
    count = result["points"]["a"]
    return {
        "run": runs["a"]["run"],
        "against": runs["b"]["run"],
        "data": absolute_data(paths),
        "loops": count["loops"],
        "notes": count["notes"],
        "seed": seed,
        "samples": samples,
        "temperature": temperature,
        "resamples": resamples,
        "level": result["level"],
        "numbers": result["numbers"],
        "runs": runs,
        "covers": COVERS,
    }


def _evaluation_options(
    samples: object, seed: object, resamples: object, temperature: object, jobs: object
) -> tuple[int, int, int, float, int | None]:
    """:func:`evaluate`'s options checked (an :class:`OptionError` naming the first one out of range) and as
    numbers."""
    samples, seed, resamples, temperature = (
        whole_number("samples", samples),
        whole_number("seed", seed),
        whole_number("resamples", resamples),
        *_reals(temperature=temperature),
    )
    if not 1 <= samples <= MAX_LOOPS:  # as generate's random: 10**8 points never finished
        raise OptionError("samples", f"must be between 1 and {MAX_LOOPS}, got {samples}")
    if not 1 <= resamples <= MAX_RESAMPLES:
        raise OptionError("resamples", f"must be between 1 and {MAX_RESAMPLES}, got {resamples}")
    checked_seed(seed)
    if not (temperature >= 0 and math.isfinite(temperature)):
        raise OptionError("temperature", f"must be a finite number >= 0 (0 = deterministic), got {temperature}")
    return samples, seed, resamples, temperature, None if jobs is None else whole_number("jobs", jobs)


def _evaluation_data(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], trained: Run, jobs: int | None
) -> tuple[list[str], NoteTable, DataReport]:
    """``data``'s paths, loops and report, read with the ``trained`` run's data settings; a :class:`DataError`
    without paths or loops, a :class:`SkippedSourcesWarning` naming the files that gave none (both name the
    :func:`inspect_command` that says why)."""
    cfg = trained.config
    paths = data_arguments(data)
    if not paths:
        raise DataError("no data to evaluate on: give files, folders or corpus:essen (held-out ones)")
    check_paths(paths)
    try:
        with reading_memory(paths, cfg.data, jobs, training=False):
            table, report = load_dataset(paths, cfg.data, jobs)
    except InputError:
        raise
    except ValueError as exc:
        raise DataError(str(exc)) from None
    if table.n_loops == 0:
        raise DataError(
            f"no loops to evaluate on in {' '.join(paths)} ({skip_reasons(report)}); give files with a melody in 4/4 "
            f"bars, read with the run's [data] settings ({inspect_command(paths, trained.path)} lists why each file "
            "was skipped; docs/data.md)"
        )
    if skipped := [entry for entry in report.entries if entry["status"] == "skipped"]:
        said = (
            f"{_skipped_note(skipped, len(report.entries))} ({inspect_command(paths, trained.path)} says why in full)"
        )
        warnings.warn(SkippedSourcesWarning(said), stacklevel=callers_level())
    return paths, table, report


def inspect_command(paths: Sequence[str], run: Path) -> str:
    """``mvae data inspect DATA --config RUN/config.toml`` for these ``paths`` and ``run`` (each quoted for the
    shell): the command that lists, file by file, why files gave no loop as the run reads them."""
    return f"mvae data inspect {' '.join(map(shlex.quote, paths))} --config {shlex.quote(str(run / CONFIG))}"


def _trained_on(trained: Run, report: DataReport, loops: int) -> list[str] | None:
    """The evaluated files (``report``'s, of ``loops`` loops in all) that ``trained`` trained on (:func:`evaluate`'s
    ``trained_on``), with the :class:`TrainedOnWarning` that says so, or that it cannot tell."""
    run_dir = RunDir(trained.path)
    trained_on = run_dir.trained_on(report.content(), report.music())
    if trained_on:
        per_source = {entry["source"]: int(entry["loops"]) for entry in report.ok}
        share = sum(per_source[name] for name in trained_on), loops
        note = trained_on_note(
            trained.path, trained_on, len(report.ok), share, run_dir.bent_from() or run_dir.started_from()
        )
        warnings.warn(TrainedOnWarning(note), stacklevel=callers_level())
    elif trained_on is None:  # no split.json with digests: say why it cannot tell
        warnings.warn(TrainedOnWarning(_untold(run_dir)), stacklevel=callers_level())
    if trained_on is not None and (lost := run_dir.lost_start()):
        note = (
            f"{trained.path} started from the weights of {lost}, and no run is there any more, so mvae cannot tell "
            "which of the evaluated files that run trained on: make sure they are held out from it too (or put the "
            "run back there)"
        )
        warnings.warn(TrainedOnWarning(note), stacklevel=callers_level())
    return trained_on


@known_keywords("plot option")
def plot(
    runs: str | os.PathLike[str] | Run | RunResult | Sequence[str | os.PathLike[str] | Run | RunResult],
    out: str | os.PathLike[str],
    *,
    metrics: Sequence[str] = (),
) -> Path:
    """Draw the training curves of one run, or of several on one figure (``mvae plot RUN... --out FILE.png`` as a
    call; docs/tools.md, mvae plot and Comparing runs), and return the picture's path.

    :param runs: a run directory (``str`` or ``pathlib.Path``), a :class:`RunResult` or a :class:`Run`, or a list of
        up to :data:`~mvae_core.tools.curves.MAX_RUNS` of them (one colour per run, named by its folder).
    :param out: the PNG to write (``.png`` added when the name has no suffix).
    :param metrics: dotted paths of ``metrics.jsonl`` records drawn as panels of their own
        (``"plugins.free_bits"``, ``"val.kl"``).
    :raises ToolError: a run with no finished epoch, a run given twice, too many runs, a metric no run has, or
        matplotlib missing (the ``plot`` extra); a folder that is not a run is a :class:`ConfigError` naming what it
        holds."""
    from mvae_core.tools.curves import plot_runs

    given = [runs] if isinstance(runs, str | os.PathLike | RunFolder) else list(runs)
    folders = [Path(run.path) if isinstance(run, RunFolder) else Path(os.fspath(run)) for run in given]
    if isinstance(metrics, str):  # one path given bare would be read as a list of letters
        metrics = [metrics]
    return plot_runs(folders, Path(os.fspath(out)), list(metrics))


# Run's methods that are this module's functions of a run (run_method), which Run's body names. Final here, so that a
# type checker takes the type run_method gives (the function's own signature) as declared, not as one it infers in
# its own way (pyright --verifytypes counted the unannotated assignments in Run's body "ambiguous"); in Run's
# body an annotation would make a dataclass field of each.
_run_generate: Final = run_method(generate)
_run_evaluate: Final = run_method(evaluate)
_run_encode: Final = run_method(encode)
_run_interpolate: Final = run_method(interpolate)
_run_compare: Final = run_method(compare)


@dataclass(repr=False)
class Run:
    """A trained run: its best model (eval mode, from ``model.safetensors``), its resolved config and the metadata
    saved with the model's weights (``epoch``, counted from 0, and ``val_elbo`` for a model mvae saved; strings, as
    safetensors stores them: ``int(run.model_metadata["epoch"])``), read with them: a new best that training writes
    meanwhile never mixes with them."""

    path: Path
    model: MelodyModel
    config: MvaeConfig
    model_metadata: dict[str, str] = dataclasses.field(default_factory=dict)

    def __repr__(self) -> str:
        """``Run('runs/a', model='melody_rnn', hidden=64, latent_dim=2)``: what it is, not every layer and setting."""
        model = self.config.model
        return f"Run({str(self.path)!r}, model={model.name!r}, hidden={model.hidden}, latent_dim={model.latent_dim})"

    def metrics(self) -> list[dict[str, Any]]:
        """Every line of ``metrics.jsonl``, one dict per epoch (epochs counted from 0, as in the file), as
        :meth:`~mvae_core.run.RunDir.read_metrics` reads it: a value of another type than mvae writes is left out.
        Raises :class:`~mvae_core.run_metrics.RunFileTooLarge` when the file is over
        :data:`~mvae_core.run_files.RUN_FILE_BYTES`, :class:`~mvae_core.run_metrics.RunFileNotRegular` when something
        other than a regular file is in its place."""
        return RunDir(self.path).read_metrics()

    generate = _run_generate
    evaluate = _run_evaluate
    encode = _run_encode
    interpolate = _run_interpolate
    compare = _run_compare

    def player(self) -> NotePlayer:
        """The model prepared for one latent point at a time, for live hosts: ``player.notes(z, options)``
        (:class:`~mvae_core.generation.DecodeOptions`) gives the notes ``generate`` writes at ``z``. A model's bug in
        its ``player`` is a :class:`~mvae_core.models.ModelError` naming the model and its package."""
        with model_code(self.config.model.name, "player"):
            return self.model.player()

    def timed(self, notes: Sequence[Note], options: DecodeOptions | None = None) -> list[SecondsNote]:
        """One loop's ``notes`` (``player.notes(z, options)``) in seconds, ordered by start, as the loop-exact file
        at ``options.tempo`` and ``options.grid_offset`` holds them (default :class:`DecodeOptions`): MIDI pitch from
        this run's pitch rows, the offset scaled by the grid offset, a note cut at the next later onset and at the
        loop's end (:class:`SecondsNote`; :mod:`mvae_core.loop_file` has the rules). :class:`OptionError` for
        ``notes`` that are not a list of :class:`~mvae_core.generation.Note` (one loop), or ``options`` that is not a
        :class:`DecodeOptions`."""
        options = given_options(options)
        if (
            isinstance(notes, str | bytes)
            or not isinstance(notes, Sequence)
            or not all(isinstance(note, Note) for note in notes)
        ):
            several = isinstance(notes, list | tuple) and bool(notes) and all(isinstance(n, list) for n in notes)
            hint = "; a Generated file's loops give theirs with generated.timed(i)" if several else ""
            raise OptionError("notes", f"are one loop's notes (a list of mvae_core.Note, as player.notes gives){hint}, "
                              f"got {notes!r:.60}")  # fmt: skip
        return _seconds(timed_notes([list(notes)], self.config, options), options.tempo)

    def export_onnx(self, path: str | os.PathLike[str], overwrite: bool = False) -> Path:
        """What ``mvae export RUN --onnx PATH`` writes: the decoder graph at ``path`` (a ``.onnx`` name) and its JSON
        sidecar beside it, whose path is returned (docs/tools.md). Needs the ``onnx`` extra; raises
        :class:`~mvae_core.tools.ToolError` for a bad name, a missing extra, a model without an export, a sidecar that
        would be a run's own file (``RUN/split.onnx``), or files already there unless ``overwrite``."""
        from mvae_core.tools.export import export_decoder, run_source

        source = run_source(self.path, self.model_metadata)
        return export_decoder(self.model, self.config, Path(path), source, overwrite=overwrite)


class TrainedOnWarning(UserWarning):
    """:func:`evaluate` scored a run on files it trained on: its numbers are not those of held-out data."""


class SkippedSourcesWarning(UserWarning):
    """:func:`evaluate` left out files of its data that gave no loop (each named with its skip reason)."""


SKIPPED_NAMED = 10
"""How many skipped files :class:`SkippedSourcesWarning` names; the rest are counted."""


def _skipped_note(skipped: list[dict[str, Any]], files: int) -> str:
    """What :class:`SkippedSourcesWarning` says of the ``skipped`` entries of a data report of ``files`` sources,
    before the command that says why in full."""
    named = "; ".join(f"{entry['source']}: {entry['reason']}" for entry in skipped[:SKIPPED_NAMED])
    more = f"; and {len(skipped) - SKIPPED_NAMED} more" if len(skipped) > SKIPPED_NAMED else ""
    return (
        f"{len(skipped)} of the {files} files of DATA gave no loop and {'is' if len(skipped) == 1 else 'are'} not "
        f"scored: {named}{more}"
    )


def _untold(run: RunDir) -> str:
    """What :class:`TrainedOnWarning` says when ``run`` cannot tell the files it trained on: a bent copy whose source
    is gone (a copy keeps no ``split.json``), a ``split.json`` that is damaged (named with why, and the fix), or a run
    trained before ``split.json`` kept digests."""
    try:
        bend = run.read_provenance().get("bend")
    except MvaeError:
        bend = None
    if isinstance(bend, dict):
        why = (
            f"{run.path} is a bent copy of {bend.get('source')}, whose split.json says which files it trained on, and "
            "that run is gone from there"
        )
    elif damage := run.split_damaged():
        why = (
            f"{run.path / SPLIT} cannot be read ({damage}; put it back from a backup: a resume writes it again, by "
            "the files as they are then)"
        )
    else:
        why = f"{run.path} kept no digests of its training files (it was trained before mvae recorded them)"
    return f"{why}, so mvae cannot tell whether the evaluated files are among them: make sure they are held out"


def trained_on_note(
    run: Path, trained_on: list[str], evaluated: int, loops: tuple[int, int], source: RunDir | None = None
) -> str:
    """What :class:`TrainedOnWarning` says: how many of the ``evaluated`` files ``run`` trained on (or copies of
    them), naming some, and ``loops``: how many of the scored loops they hold, of how many; ``source``: the run its
    weights came from (``--init-from``, ``mvae bend``), whose training files count too, named with it."""
    n = len(trained_on)
    if evaluated == 1:
        which = "the evaluated file is"
    elif n == evaluated:
        which = f"all {n} evaluated files are"
    else:
        share = loops[0] / loops[1]
        percent = "<1%" if 0 < share < 0.005 else f"{share:.0%}"  # a few loops of many were "0%"
        which = f"{n} of the {evaluated} evaluated files ({loops[0]} of {loops[1]} loops, {percent})"
        which += " is" if n == 1 else " are"
    shown = listed(trained_on)
    return (
        f"{which} {'a file' if n == 1 else 'files'} {run} trained on{_or_source(source)}, or "
        f"{'a copy' if n == 1 else 'copies'} with the "
        f"same notes ({shown}): these numbers are not held-out; evaluate on other performers or tunes "
        "(docs/evaluation.md)"
    )


def _or_source(source: RunDir | None) -> str:
    """`` (or the run its weights came from, SOURCE)`` for :func:`trained_on_note`; empty without one."""
    return "" if source is None else f" (or the run its weights came from, {source.path})"
