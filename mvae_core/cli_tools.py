"""The musician's tools as ``mvae`` commands: encode, interpolate, bend, map, plot and export.

``mvae`` imports this module at start-up, so it imports neither torch nor matplotlib: each command imports its
tool module (:mod:`mvae_core.tools`) when it runs. Bad input exits 2 with one line naming the cause.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from mvae_core.cli_output import errors_to_exit, fail, print_json, warnings_shown
from mvae_core.cli_output import out as console
from mvae_core.cli_paths import OVERWRITE_HELP, OVERWRITE_OPTION, given_path
from mvae_core.decode_options import DecodeOptions
from mvae_core.errors import option_flag
from mvae_core.wording import counted

if TYPE_CHECKING:
    from mvae_core.config import MvaeConfig
    from mvae_core.models.base import MelodyModel

tools_app: typer.Typer = typer.Typer()


def _require_folder(run_dir: Path) -> None:
    """Exit 2 when there is no folder at ``run_dir`` (:meth:`~mvae_core.run.RunDir.require_folder`; a folder that is
    not a run is named when it is read)."""
    from mvae_core.run import RunDir

    with errors_to_exit():
        RunDir(run_dir).require_folder()


def _load(run_dir: Path) -> tuple[MelodyModel, MvaeConfig]:
    from mvae_core.run import RunDir

    _require_folder(run_dir)
    with errors_to_exit(ValueError):
        return RunDir(run_dir).load_model()


def _options(**given: Any) -> DecodeOptions:
    """``DecodeOptions`` from the options given on the command line; ``None`` keeps ``generate``'s default."""
    with errors_to_exit():
        return DecodeOptions(**{name: value for name, value in given.items() if value is not None})


RunArg = Annotated[Path, typer.Argument(parser=given_path, metavar="RUN", help="A trained run directory.")]
AS_GENERATE = " (default: as mvae generate)"
DECODE_HELP = {
    "density": "Scale the expected number of notes.",
    "temperature": "Note choice: 1 as learned, 0 most likely, >1 wilder.",
    "timing_temperature": "Offset draw: 0 = mean timing, 1 = learned.",
    "poly": "Any number of notes per step (chords).",
    "grid_offset": "0 quantized, 1 learned timing, 2 exaggerated.",
    "tempo": "Tempo of the written MIDI in bpm.",
    "program": "General MIDI instrument of the written MIDI: 1-128 (1 is piano) or a name, e.g. 'tenor sax'.",
}
"""The help of each decoding option that ``mvae generate`` and the tools share (the tools add :data:`AS_GENERATE`)."""
Density = Annotated[float | None, typer.Option(metavar="D", help=DECODE_HELP["density"] + AS_GENERATE)]
Temperature = Annotated[float | None, typer.Option(metavar="T", help=DECODE_HELP["temperature"] + AS_GENERATE)]
TimingTemperature = Annotated[
    float | None, typer.Option(metavar="T", help=DECODE_HELP["timing_temperature"] + AS_GENERATE)
]
Poly = Annotated[bool | None, typer.Option("--poly", help=DECODE_HELP["poly"])]
ThresholdMin = Annotated[float | None, typer.Option(metavar="P", help="Ancestor rule: lowest onset probability.")]
ThresholdMax = Annotated[float | None, typer.Option(metavar="P", help="Ancestor rule: highest onset probability.")]
GridOffset = Annotated[float | None, typer.Option(metavar="G", help=DECODE_HELP["grid_offset"] + AS_GENERATE)]
Tempo = Annotated[float | None, typer.Option(metavar="BPM", help=DECODE_HELP["tempo"] + AS_GENERATE)]
Program = Annotated[str | None, typer.Option(metavar="P", help=DECODE_HELP["program"] + AS_GENERATE)]
PictureOut = Annotated[
    Path,
    typer.Option(
        parser=given_path, metavar="FILE.png", help="The picture to write (.png added when the name has no suffix)."
    ),
]
Seed = Annotated[int | None, typer.Option(metavar="N", help="Seed for note choice and offset draws." + AS_GENERATE)]
Overwrite = Annotated[bool, typer.Option(OVERWRITE_OPTION, help=OVERWRITE_HELP)]
AudioPath = Annotated[
    Path | None,
    typer.Option(
        "--audio", parser=given_path, metavar="PATH", help="Also render WAV: a .wav file (one point) or a folder."
    ),
]
Renderer = Annotated[
    str | None,
    typer.Option(
        metavar="R", help="Audio renderer of --audio: auto (the default: FluidSynth if it runs), fluidsynth, builtin."
    ),
]
SoundFont = Annotated[
    Path | None, typer.Option(parser=given_path, metavar="FILE", help="SoundFont (.sf2) for FluidSynth, with --audio.")
]
WrapRelease = Annotated[
    bool,
    typer.Option(
        help="WAVs exactly as long as the loops, the last notes' release added onto the start, so that a DAW "
        "repeats them seamlessly (default: the loops, then the release)."
    ),
]


@dataclass(frozen=True)
class AudioOptions:
    """``--audio`` and the options that shape its WAV files, as ``mvae generate`` and ``mvae interpolate`` take them
    (:data:`AudioPath`, :data:`Renderer`, :data:`SoundFont`, :data:`WrapRelease`); :meth:`given` builds it. Its
    fields are the arguments of the same names of :func:`mvae_core.outputs.write_loops`, which writes the files."""

    audio: Path | None
    renderer: str
    soundfont: Path | None
    wrap_release: bool

    @classmethod
    def given(
        cls, audio: Path | None, renderer: str | None, soundfont: Path | None, wrap_release: bool
    ) -> AudioOptions:
        """The options as given; exit 2 when one that shapes the WAV files is given without ``--audio`` (ignored
        in silence, it would leave a musician wondering where the WAVs are)."""
        shaping = {
            "--renderer": renderer is not None,
            "--soundfont": soundfont is not None,
            "--wrap-release": wrap_release,
        }
        given = [name for name, value in shaping.items() if value]
        if given and audio is None:
            verb = "shapes" if len(given) == 1 else "shape"
            raise fail(f"{', '.join(given)} {verb} the WAV files of --audio, and no --audio is given; add --audio PATH")
        return cls(audio, "auto" if renderer is None else renderer, soundfont, wrap_release)


def print_wavs(sounds: list[Path], used: str) -> None:
    """Print each WAV file written and the renderer that made it."""
    for sound in sounds:
        console.print(escape(f"{sound}  ({used})"))


@tools_app.command()
def encode(
    run_dir: RunArg,
    file: Annotated[Path, typer.Argument(parser=given_path, metavar="FILE.mid", help="A MIDI file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The latent point (posterior mean and std) of every usable loop of a MIDI file."""
    from mvae_core.tools.encode import encode_file

    model, cfg = _load(run_dir)
    with errors_to_exit(ValueError):
        codes = encode_file(model, cfg, file, command=f"mvae encode {shlex.quote(str(run_dir))}")
    if as_json:
        loops = [dataclasses.asdict(code) for code in codes]
        record = {"run": str(run_dir), "file": str(file), "latent_dim": cfg.model.latent_dim, "loops": loops}
        print_json(record)
        return
    table = Table(title=escape(f"{file}: {counted(len(codes), 'loop')} (2 bars each)"), title_justify="left")
    table.add_column("loop", justify="right")
    table.add_column("notes", justify="right")
    table.add_column("bpm", justify="right")
    dims = range(cfg.model.latent_dim)
    for kind in ("mu", "std"):
        for d in dims:
            table.add_column(f"{kind}[{d}]", justify="right")
    for c in codes:
        table.add_row(
            str(c.loop), str(c.notes), f"{c.bpm:g}", *(f"{v:+.3f}" for v in c.mu), *(f"{v:.3f}" for v in c.std)
        )
    console.print(table)
    point = ",".join(f"{v:.3f}" for v in codes[0].mu)
    console.print(
        escape(
            "next: a loop's mu is a point of the pad; loop 0 as a MIDI file: "
            f"mvae generate {shlex.quote(str(run_dir))} "
            f"--z {point} --tempo {codes[0].bpm:g} --out loop0.mid (docs/tools.md)"
        ),
        soft_wrap=True,
    )


@tools_app.command()
def interpolate(
    run_dir: RunArg,
    out: Annotated[
        Path, typer.Option(parser=given_path, metavar="DIR", help="Output folder, one MIDI file per point.")
    ],
    from_: Annotated[str | None, typer.Option("--from", help="Start point, e.g. -1,0.5.")] = None,
    to: Annotated[str | None, typer.Option(help="End point.")] = None,
    from_midi: Annotated[
        Path | None,
        typer.Option(parser=given_path, metavar="FILE.mid", help="Start at the encoding of a loop of this MIDI file."),
    ] = None,
    to_midi: Annotated[
        Path | None,
        typer.Option(parser=given_path, metavar="FILE.mid", help="End at the encoding of a loop of this MIDI file."),
    ] = None,
    loop: Annotated[
        int | None, typer.Option(metavar="K", help="Which usable loop of --from-midi/--to-midi (default 0).")
    ] = None,
    steps: Annotated[int, typer.Option(metavar="N", help="Number of points, endpoints included (>= 2).")] = 8,
    one_file: Annotated[bool, typer.Option(help="Also write interpolation.mid with every loop in order.")] = False,
    density: Density = None,
    temperature: Temperature = None,
    timing_temperature: TimingTemperature = None,
    poly: Poly = None,
    threshold_min: ThresholdMin = None,
    threshold_max: ThresholdMax = None,
    grid_offset: GridOffset = None,
    tempo: Tempo = None,
    program: Program = None,
    seed: Seed = None,
    audio: AudioPath = None,
    renderer: Renderer = None,
    soundfont: SoundFont = None,
    wrap_release: WrapRelease = False,
    overwrite: Overwrite = False,
) -> None:
    """Decode evenly spaced points on the straight line between two latent points or two encoded loops (and render
    WAV with --audio)."""
    sound = AudioOptions.given(audio, renderer, soundfont, wrap_release)
    options = _options(
        density=density, temperature=temperature, timing_temperature=timing_temperature, poly=poly,
        threshold_min=threshold_min, threshold_max=threshold_max, grid_offset=grid_offset, tempo=tempo, program=program,
        seed=seed,
    )  # fmt: skip
    endpoints = (("--from", from_, from_midi), ("--to", to, to_midi))
    for name, point, midi in endpoints:
        if (point is None) == (midi is None):
            raise fail(f"give exactly one of {name} X,Y or {name}-midi FILE.mid")
    if loop is not None and from_midi is None and to_midi is None:  # the library's check names start and end
        raise fail(f"--loop {loop} picks a loop of --from-midi or --to-midi, and neither is given; leave it out")
    from mvae_core.api import interpolate as decode_line
    from mvae_core.api import load
    from mvae_core.errors import EarlierLoopFiles
    from mvae_core.outputs import write_loops
    from mvae_core.tools.interpolate import ONE_FILE, ONE_WAV, file_point, parse_point

    _require_folder(run_dir)
    with warnings_shown(EarlierLoopFiles):  # said after the files written are listed
        with errors_to_exit(ValueError):
            run = load(run_dir)
            start, end = (  # resolved here, so that the messages name the options (--from-midi)
                file_point(run.model, run.config, midi, loop or 0, f"{name}-midi")
                if midi is not None
                else parse_point(point, run.config.model.latent_dim, name)
                for name, point, midi in endpoints
            )
            generated = decode_line(run, start, end, steps, **dataclasses.asdict(options))
            parts = [(generated, out)]
            if one_file:  # every loop in order, and with --audio the morph heard whole, as interpolation.mid plays it
                parts.append((generated.joined(), out / ONE_FILE))
            # an earlier --one-file's interpolation.mid and .wav are an earlier command's loops too
            loop_names = (ONE_FILE, ONE_WAV)
            written = write_loops(parts, **dataclasses.asdict(sound), overwrite=overwrite, loop_names=loop_names)
        notes = [sum(len(loop) for loop in loops) for part, _ in parts for loops in part]
        for path, count in zip(written.midi, notes, strict=True):
            console.print(escape(f"{path}  ({count} notes)"))
        print_wavs(written.wavs, written.renderer)


@tools_app.command()
def bend(
    run_dir: RunArg,
    sigma: Annotated[float, typer.Option(help="Noise std relative to each weight tensor's own std.")],
    out: Annotated[
        Path, typer.Option(parser=given_path, metavar="RUN", help="The new run directory (must not exist).")
    ],
    seed: Annotated[int, typer.Option(help="Seed of the noise.")] = 0,
    layers: Annotated[str, typer.Option(help="decoder (default) or all (encoder too).")] = "decoder",
) -> None:
    """Copy a run with Gaussian noise on its decoder weights (the copy generates but cannot be resumed)."""
    if layers not in ("decoder", "all"):
        raise fail(f"--layers must be decoder or all, got {layers!r}")
    _require_folder(run_dir)
    from mvae_core.tools.bend import bend_run

    with errors_to_exit(ValueError):
        names = bend_run(run_dir, out, sigma, seed, layers)
    tensors = "decoder tensors" if layers == "decoder" else "tensors of every layer"
    noise = (
        f"bent (sigma {sigma} × each tensor's std, seed {seed})" if sigma else "copied unchanged (sigma 0: no noise)"
    )
    console.print(
        escape(
            f"{out}: {len(names)} {tensors} {noise}; generate from it with {generate_command(out)}. It has no "
            "checkpoint.pt, so it cannot be resumed."
        )
    )


def generate_command(run: Path) -> str:
    """The ``mvae generate`` command that writes 8 random loops of ``run`` with their WAVs into a folder not there yet
    (:func:`new_samples`), at the tempo of the run's data when that is not generate's default (its
    ``data_report.json``'s, by :func:`~mvae_core.data.tempo.playing_tempo`; a run written before the report kept it,
    plays at the default): what ``mvae train``'s ``next:`` and ``mvae bend`` (whose copy keeps the report) suggest."""
    from mvae_core.data.tempo import playing_tempo
    from mvae_core.run import RunDir

    here = RunDir(run)
    samples = shlex.quote(str(new_samples(run)))
    tempo = "" if (bpm := playing_tempo(here.data_tempo())) is None else f" --tempo {bpm}"
    return f"{here.steps(python=False).generate} --random 8{tempo} --out {samples} --audio {samples}"


def new_samples(run: Path) -> Path:
    """``RUN/samples``, or where that is there already (an earlier train's ``next:`` command wrote it, before this
    resume or this training again), the first of ``RUN/samples-2``, ``RUN/samples-3``, ... that is not: the command
    :func:`generate_command` names then writes beside the earlier takes, for comparing, instead of refusing to
    overwrite them."""
    folder, n = run / "samples", 1
    while os.path.lexists(folder):
        n += 1
        folder = run / f"samples-{n}"
    return folder


MAP_DEFAULTS = {"temperature": 0.0, "timing_temperature": 0.0}
"""The decoding options whose default ``mvae map`` sets apart from ``generate``'s (:class:`DecodeOptions`): the most
likely notes at their mean timing, the model's expected loop at each point rather than one take of it. A map drawn
so on a run with wide timing shows near-white notes where ``generate`` plays swung ones: :func:`map_decoding` says
which (the title and the console line)."""


def map_decoding(options: DecodeOptions) -> str:
    """What the map's cells show under ``options`` and, where that is not what ``generate`` plays, the options that
    show it (named from :data:`MAP_DEFAULTS`, at ``generate``'s defaults): ``most likely notes, mean timing;
    --temperature 1 --timing-temperature 1 shows what generate plays``."""
    notes = "most likely notes" if options.temperature == 0 else f"notes drawn at temperature {options.temperature:g}"
    timing = (
        "mean timing"
        if options.timing_temperature == 0
        else f"timing drawn at timing temperature {options.timing_temperature:g}"
    )
    apart = [
        f"{option_flag(name)} {getattr(DecodeOptions, name):g}"
        for name in MAP_DEFAULTS
        if getattr(options, name) != getattr(DecodeOptions, name)
    ]
    return f"{notes}, {timing}; " + (f"{' '.join(apart)} shows what generate plays" if apart else "as generate plays")


@tools_app.command("map")
def latent_map(
    run_dir: RunArg,
    out: PictureOut,
    grid: Annotated[int, typer.Option(metavar="N", help="Cells per axis (>= 2).")] = 7,
    extent: Annotated[float, typer.Option(metavar="R", help="The plane spans [-extent, extent] on both axes.")] = 2.0,
    density: Density = None,
    temperature: Annotated[
        float, typer.Option(metavar="T", help="Note choice: 0 most likely, 1 a draw (as generate).")
    ] = MAP_DEFAULTS["temperature"],
    timing_temperature: Annotated[
        float, typer.Option(metavar="T", help="Colour: 0 mean offset, 1 a draw (as generate).")
    ] = MAP_DEFAULTS["timing_temperature"],
    poly: Poly = None,
    threshold_min: ThresholdMin = None,
    threshold_max: ThresholdMax = None,
    seed: Seed = None,
) -> None:
    """Draw decoded piano rolls over a grid of the latent plane, timing offsets in colour (by default the most likely
    notes at their mean timing; the title and the printed line say which)."""
    options = _options(
        density=density, temperature=temperature, timing_temperature=timing_temperature, poly=poly,
        threshold_min=threshold_min, threshold_max=threshold_max, seed=seed,
    )  # fmt: skip
    model, cfg = _load(run_dir)
    from mvae_core.tools import MissingGlyphs, picture_path
    from mvae_core.tools.latent_map import draw_map

    if cfg.model.latent_dim > 2:
        console.print(f"latent_dim is {cfg.model.latent_dim}: the map shows dimensions 0 and 1, the others at 0")
    decoding = map_decoding(options)
    title = f"{run_dir}: decoded loops over the latent plane\n{decoding}"
    with errors_to_exit(ValueError), warnings_shown(MissingGlyphs):
        out = picture_path(out)
        notes = draw_map(model, cfg, out, grid, extent, options, title)
    console.print(escape(f"{out}  ({grid}×{grid} cells, {notes} notes: {decoding})"))


@tools_app.command("plot")
def plot_curves(
    run_dirs: Annotated[
        list[Path],
        typer.Argument(
            parser=given_path,
            metavar="RUN",
            help="One trained run directory, or several to compare on one figure (one colour each).",
        ),
    ],
    out: PictureOut,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            metavar="PATH",
            help="Also draw the numbers at this metrics.jsonl path, e.g. plugins.free_bits, or at a steps.jsonl path "
            "under steps, e.g. steps.train.kl or steps.plugins.NAME (repeatable).",
        ),
    ] = None,
) -> None:
    """Draw training curves from metrics.jsonl: losses, weights, learning rate, timing spread, events; several runs
    on one figure."""
    from mvae_core.tools import MissingGlyphs
    from mvae_core.tools.curves import plot_runs

    for run_dir in run_dirs:
        _require_folder(run_dir)
    with errors_to_exit(ValueError), warnings_shown(MissingGlyphs):
        out = plot_runs(run_dirs, out, metric or [])
    console.print(escape(str(out)))


@tools_app.command()
def export(
    run_dir: RunArg,
    onnx: Annotated[
        Path,
        typer.Option(
            "--onnx",
            parser=given_path,
            metavar="FILE.onnx",
            help="The .onnx file to write (a .json sidecar goes beside it).",
        ),
    ],
    overwrite: Overwrite = False,
) -> None:
    """Export the decoder to ONNX, with a JSON sidecar telling a host how to turn its outputs into notes.

    A seed run's graph gives a whole pattern per call; a melody_rnn run's is one step, called 32 times per pattern.
    """
    from mvae_core.api import load

    _require_folder(run_dir)
    with errors_to_exit(ValueError):
        sidecar = load(run_dir).export_onnx(onnx, overwrite=overwrite)
    console.print(escape(f"{onnx}\n{sidecar}"))
    console.print(
        escape(
            f"next: play it without mvae, from mvae's repository: .venv/bin/python examples/onnx_host.py "
            f"{shlex.quote(str(onnx.resolve()))} --z 0.5,-1 (JavaScript: examples/onnx_host_js/; docs/tools.md)"
            + _host_runtime_missing()
        ),
        soft_wrap=True,
    )


def _host_runtime_missing() -> str:
    """What the export's next line adds when the Python host's runtime is not installed here (the onnx extra
    exports; the host plays with onnxruntime, which it does not bring): the command that installs it."""
    import importlib.util

    from mvae_core.tools import install_command

    if importlib.util.find_spec("onnxruntime") is not None:
        return ""
    return f"; the host needs onnxruntime, not installed here: {install_command('onnxruntime')}"
