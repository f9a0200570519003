"""The ``mvae`` command line (typer): it parses arguments, calls the library and maps its errors to exit codes.

Exit codes: 0 ok, 1 a run failed, 2 bad input or config, 129 SIGHUP, 130 SIGINT, 143 SIGTERM. Results go to
stdout, errors and warnings to stderr (:mod:`mvae_core.cli_output`). torch-heavy modules are imported inside the
commands that need them, so ``--help``, ``data inspect`` and the parse worker processes (which re-import this module)
start fast.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Annotated

import annotated_types
import typer
from rich.markup import escape

from mvae_core.cli_ablate import ablate
from mvae_core.cli_evaluate import evaluate
from mvae_core.cli_models import models_app
from mvae_core.cli_output import (
    CommandGroup,
    catalog_table,
    errors_to_exit,
    only_rank_0_reports,
    print_json,
    settings_listing,
    warn,
    warnings_shown,
)
from mvae_core.cli_output import err as stderr
from mvae_core.cli_output import out as stdout
from mvae_core.cli_paths import given_path
from mvae_core.cli_schedules import schedules_app
from mvae_core.cli_serve import serve
from mvae_core.cli_tools import (
    DECODE_HELP,
    AudioOptions,
    AudioPath,
    Overwrite,
    Renderer,
    SoundFont,
    ThresholdMax,
    ThresholdMin,
    WrapRelease,
    generate_command,
    print_wavs,
    tools_app,
)
from mvae_core.config import MvaeConfig, flag_overrides
from mvae_core.decode_options import WALK, DecodeOptions
from mvae_core.inspection import inspect_data
from mvae_core.report import parse_progress, print_skips, print_summary
from mvae_core.resume_settings import ENABLED_KEY, RESUME_OPTIONS, RESUME_WARNED, SETTING_OPTIONS
from mvae_core.torchrun_env import DistributedError, world_size

JOBS_HELP = "Processes for the first parse of the data (default: the cores this process may use)."
"""``--jobs`` of ``train`` and ``data inspect``: the default is :func:`~mvae_core.cores.cores`, the CPU affinity."""


class Commands(CommandGroup):
    """``mvae --help`` lists the commands in the order of docs/cli.md: a run's life first, then the tools."""

    order: tuple[str, ...] = (
        "train",
        "generate",
        "serve",
        "data",
        "plugins",
        "models",
        "schedules",
        "evaluate",
        "ablate",
    )


app: typer.Typer = typer.Typer(
    cls=Commands,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Train and play a MelodyVAE on your own MIDI.",
)


def _print_version(given: bool) -> None:
    """``mvae --version``: print the installed version and exit."""
    if given:
        from mvae_core.version import VERSION

        stdout.print(f"mvae {VERSION}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print mvae's version and exit.")
    ] = False,
) -> None:
    """mvae's own options, given before the command (``mvae --version``)."""


data_app: typer.Typer = typer.Typer(no_args_is_help=True, help="Look at data before training on it.")
app.add_typer(data_app, name="data")
app.add_typer(schedules_app, name="schedules")
app.add_typer(tools_app)  # encode, interpolate, bend, map, plot, export
app.add_typer(models_app)  # models
app.command("ablate")(ablate)
app.command("evaluate")(evaluate)
app.command("serve")(serve)


MELODY_HELP = (
    "Which notes of a file are the melody: auto, all, top-line, or selectors track:N, name:TEXT, channel:N, program:N, "
    "comma-separated"
)
"""The help of ``--melody`` (train and data inspect), before the config key and default :func:`_flag_help` adds."""


def _minimum(key: str) -> int:
    """The lower bound (``ge``) the config puts on the integer setting ``key``: the flag's parser checks it too, so
    ``--resume RUN --epochs 0`` is refused like ``--epochs 0`` of a new run, and ``--help`` shows the range."""
    section, name = key.split(".")
    field = MvaeConfig.model_fields[section].annotation.model_fields[name]
    return next(bound.ge for bound in field.metadata if isinstance(bound, annotated_types.Ge))


def _flag_help(text: str, key: str) -> str:
    """An option's help ending with the config key it sets and that key's default (from the config, the one source),
    e.g. ``Maximum epochs (train.epochs; default 100).``"""
    section, name = key.split(".")
    default = MvaeConfig.model_fields[section].default_factory().model_dump(mode="json")[name]
    shown = ",".join(default) if isinstance(default, list) else default
    return f"{text} ({key}; default {shown})."


def _resume_help() -> str:
    """``--resume``'s help, naming what a resume may be given from the one list of it
    (:mod:`mvae_core.resume_settings`): ``Continue the run in this directory (with --epochs, --jobs, moved DATA,
    --device and --set of train.device, …, data.cache_dir, plugins.enabled naming some of the run's plugins (with
    --set, or --plugins); other settings only at the run's own values; docs/cli.md#resume).``"""
    return (
        f"Continue the run in this directory (with --epochs, --jobs, moved DATA, {', '.join(RESUME_OPTIONS)} and "
        f"--set of {', '.join(RESUME_WARNED)}, {ENABLED_KEY} naming some of the run's plugins (with --set, or "
        "--plugins); other settings only at the run's own values; docs/cli.md#resume)."
    )


@app.command()
def train(
    data: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DATA",
            help="MIDI files, folders or corpus:essen (default corpus:essen); with --resume, the data's new place "
            "if it moved.",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", parser=given_path, metavar="FILE", help="TOML config file.")
    ] = None,
    plugins: Annotated[
        str | None,
        typer.Option(
            metavar="NAMES", help=_flag_help("Comma-separated plugin names, 'all' or 'none'", "plugins.enabled")
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="KEY=VALUE", help="Override one config key, e.g. model.hidden=256 (repeatable)."),
    ] = None,
    epochs: Annotated[
        int | None,
        typer.Option(metavar="N", min=_minimum("train.epochs"), help=_flag_help("Maximum epochs", "train.epochs")),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            metavar="N", min=_minimum("train.batch_size"), help=_flag_help("Loops per step", "train.batch_size")
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(metavar="N", min=_minimum("train.seed"), help=_flag_help("Random seed", "train.seed"))
    ] = None,
    out: Annotated[
        Path | None, typer.Option(parser=given_path, metavar="RUN", help="Run directory (default runs/<time>).")
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            parser=given_path,
            metavar="RUN",
            help=_resume_help(),
        ),
    ] = None,
    init_from: Annotated[
        Path | None,
        typer.Option(
            parser=given_path,
            metavar="RUN",
            help="Start the new run from a trained run's weights: its folder (its best model, model.safetensors), "
            "that file, or its checkpoint.pt (the last trained weights); the model settings default to that run's.",
        ),
    ] = None,
    device: Annotated[
        str | None, typer.Option(metavar="D", help=_flag_help("auto, cpu or cuda", "train.device"))
    ] = None,
    jobs: Annotated[int | None, typer.Option(metavar="N", help=JOBS_HELP)] = None,
    melody: Annotated[str | None, typer.Option(metavar="RULE", help=_flag_help(MELODY_HELP, "data.melody"))] = None,
) -> None:
    """Train a MelodyVAE; writes config, data report, metrics, checkpoint and best model into the run directory.

    Under torchrun (WORLD_SIZE > 1) every process runs this command; rank 0 alone writes and prints.
    """
    from mvae_core.progress import ConsoleReporter
    from mvae_core.run_setup import refuse_other_settings
    from mvae_core.session import train as train_run

    reporter = ConsoleReporter(stdout, warnings=stderr)
    with only_rank_0_reports(), errors_to_exit():
        # the options that set one setting each (SETTING_OPTIONS), as typed
        options = {
            "--plugins": plugins,
            "--batch-size": batch_size,
            "--seed": seed,
            "--device": device,
            "--melody": melody,
        }
        if resume is not None:
            # settings the run has pass; of others, only those a resume may change: written into its config.toml
            changes = refuse_other_settings(resume, config, set_, [("--out", out), *options.items()])
            result = train_run(
                data=data,
                out=resume,
                resume=True,
                overrides=changes,
                epochs=epochs,
                jobs=jobs,
                progress=reporter,
                init_from=init_from,
            )
        else:
            flags = {SETTING_OPTIONS[option]: value for option, value in options.items()}
            overrides = [*(set_ or []), *flag_overrides(flags)]
            result = train_run(
                data,
                out,
                config=config,
                overrides=overrides,
                epochs=epochs,
                jobs=jobs,
                progress=reporter,
                init_from=init_from,
            )
        stdout.print(escape(next_steps(_as_given(resume if resume is not None else out, result.path))))


def _as_given(given: Path | None, run: Path) -> Path:
    """The run's folder as ``--out``/``--resume`` gave it, for the ``next:`` line (the result's path is absolute);
    the default folder (``runs/<time>``) relative to the working folder, where it was made."""
    if given is not None:
        return given
    return Path(os.path.relpath(run)) if run.is_relative_to(Path.cwd()) else run


def next_steps(run: Path) -> str:
    """What to do with a trained run, after the ``done`` line: the command that writes its loops with their WAVs
    (:func:`~mvae_core.cli_tools.generate_command`, which ``mvae bend`` suggests too), and the one that plays it in
    the browser (quickstart's 3. Generate), both at the tempo of the run's data when that is not their default (its
    ``data_report.json``'s, by :func:`~mvae_core.data.tempo.playing_tempo`, within serve's tempo knob for serve; a
    run written before the report kept it plays at the default)."""
    from mvae_core.data.tempo import playing_tempo
    from mvae_core.run import RunDir
    from mvae_core.serve.knobs import KNOBS

    here = RunDir(run)
    bpm = playing_tempo(here.data_tempo(), KNOBS["tempo"])
    tempo = "" if bpm is None else f" --tempo {bpm}"
    return (
        f"next: {generate_command(run)} (MIDI and WAV loops), or mvae serve {here.shell_path}{tempo} (play it in the "
        "browser; docs/live.md)"
    )


@app.command()
def generate(
    run_dir: Annotated[Path, typer.Argument(parser=given_path, metavar="RUN", help="A trained run directory.")],
    out_path: Annotated[
        Path,
        typer.Option(
            "--out", parser=given_path, metavar="PATH", help="Output folder (or a .mid file for a single point)."
        ),
    ],
    z: Annotated[str | None, typer.Option(metavar="X,Y", help="Latent point, e.g. 0.5,-1.")] = None,
    random: Annotated[
        int | None,
        typer.Option(metavar="N", help="Number of random latent points (default: one, when --z is not given)."),
    ] = None,
    density: Annotated[float, typer.Option(metavar="D", help=DECODE_HELP["density"])] = DecodeOptions.density,
    temperature: Annotated[
        float, typer.Option(metavar="T", help=DECODE_HELP["temperature"])
    ] = DecodeOptions.temperature,
    timing_temperature: Annotated[
        float, typer.Option(metavar="T", help=DECODE_HELP["timing_temperature"])
    ] = DecodeOptions.timing_temperature,
    poly: Annotated[bool, typer.Option(help=DECODE_HELP["poly"])] = DecodeOptions.poly,
    threshold_min: ThresholdMin = None,
    threshold_max: ThresholdMax = None,
    loops: Annotated[
        int | None, typer.Option(metavar="N", help="Loops per file (2 bars each), along a latent path (default 1).")
    ] = None,
    bars: Annotated[
        int | None, typer.Option(metavar="N", hidden=True, help="The old name of --loops: N loops of 2 bars.")
    ] = None,
    walk: Annotated[
        float | None,
        typer.Option(metavar="D", help=f"Latent distance between consecutive loops of --loops (default {WALK:g})."),
    ] = None,
    noise: Annotated[float, typer.Option(metavar="S", help="Std of noise added to each latent point.")] = 0.0,
    grid_offset: Annotated[
        float, typer.Option(metavar="G", help=DECODE_HELP["grid_offset"])
    ] = DecodeOptions.grid_offset,
    tempo: Annotated[float, typer.Option(metavar="BPM", help=DECODE_HELP["tempo"])] = DecodeOptions.tempo,
    program: Annotated[str, typer.Option(metavar="P", help=DECODE_HELP["program"])] = str(DecodeOptions.program),
    seed: Annotated[
        int, typer.Option(metavar="N", help="Seed for random points, noise, notes and offsets.")
    ] = DecodeOptions.seed,
    audio: AudioPath = None,
    renderer: Renderer = None,
    soundfont: SoundFont = None,
    wrap_release: WrapRelease = False,
    overwrite: Overwrite = False,
) -> None:
    """Decode latent points into MIDI (and WAV with --audio), one file per point, named by the point."""
    from mvae_core.api import generate as generate_loops
    from mvae_core.errors import EarlierLoopFiles, InputError, RenamedOption, WalkWithOneLoop
    from mvae_core.outputs import write_loops

    sound = AudioOptions.given(audio, renderer, soundfont, wrap_release)
    walked = {} if walk is None else {"walk": walk}  # the library's default otherwise
    with warnings_shown(EarlierLoopFiles):  # said after the files written are listed
        with errors_to_exit(less="fewer points (--random N) or loops per file (--loops N)"):
            try:
                point = None if z is None else [float(v) for v in z.split(",")]
            except ValueError:
                raise InputError(f"--z {z!r}: give the latent point as comma-separated numbers, e.g. 0.5,-1") from None
            with warnings_shown(RenamedOption, WalkWithOneLoop):  # as the command line spells them: --bars, --walk
                generated = generate_loops(
                    run_dir, z=point, random=random, seed=seed, loops=loops, bars=bars, noise=noise, density=density,
                    temperature=temperature, timing_temperature=timing_temperature, poly=poly,
                    threshold_min=threshold_min, threshold_max=threshold_max, grid_offset=grid_offset, tempo=tempo,
                    program=program, **walked,
                )  # fmt: skip
            written = write_loops([(generated, out_path)], **dataclasses.asdict(sound), overwrite=overwrite)
        for file, file_loops in zip(written.midi, generated.loops, strict=True):  # not the --loops count
            stdout.print(escape(f"{file}  ({sum(len(loop) for loop in file_loops)} notes)"))
        print_wavs(written.wavs, written.renderer)


@data_app.command("inspect")
def data_inspect(
    data: Annotated[list[str], typer.Argument(metavar="DATA", help="MIDI files, folders or corpus:essen.")],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            parser=given_path,
            metavar="FILE",
            help="TOML config file, checked as mvae train checks it (its data section is used).",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="KEY=VALUE", help="Override one config key, e.g. data.min_onsets=4 (repeatable)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (summary and per-file report).")] = False,
    jobs: Annotated[int | None, typer.Option(metavar="N", help=JOBS_HELP)] = None,
    melody: Annotated[str | None, typer.Option(metavar="RULE", help=_flag_help(MELODY_HELP, "data.melody"))] = None,
) -> None:
    """Files used and skipped (by reason), loops, notes, pitch range, folding, collisions and timing spread."""
    with errors_to_exit(ValueError), parse_progress(stderr) as progress:
        overrides = [*(set_ or []), *flag_overrides({"data.melody": melody})]
        inspected = inspect_data(data, config=config, overrides=overrides, jobs=jobs, progress=progress)
    summary, report = inspected.summary, inspected.report
    if report.cache_warning:
        warn(report.cache_warning)
    if as_json:
        print_json(inspected.as_json())
        return
    print_summary(stdout, summary, title=f"data: {' '.join(data)}")
    print_skips(stdout, report, limit=50, full="mvae data inspect --json")


@app.command("plugins")
def plugins_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list (one object per plugin).")] = False,
) -> None:
    """Every available plugin: name, version, origin, hooks, config fields with defaults; broken ones with their error.

    Listing imports each plugin's code to read its hooks and Config; it never constructs a plugin or calls a hook.
    """
    from mvae_core.plugin_catalog import catalog

    with errors_to_exit():
        entries = catalog()
    if as_json:
        print_json(entries)
        return
    if not entries:
        stdout.print("no plugins available (none built in, no package registers an mvae.plugins entry point)")
        return
    stdout.print(catalog_table("plugins", "plugin", [(e["name"], e) for e in entries]))
    for e in entries:
        stdout.print(f"\n[bold]{escape(e['name'])}[/]\n  hooks: {', '.join(e['hooks']) or '-'}")
        if e["error"]:
            stdout.print(f"  [red]error:[/] {escape(e['error'])}")
        if e["config"]:
            stdout.print(settings_listing(f"plugins.{e['name']}", e["config"]))


def main() -> None:
    """Run the command line. A torchrun process (``WORLD_SIZE`` > 1) ends with :func:`os._exit` once the command has
    ended and its output is flushed, with the command's exit status: the interpreter's teardown, skipped so, can
    abort the process after a run that finished (SIGABRT, "terminate called without an active exception", from
    torch's gloo threads), and torchrun then reports the whole job failed. Nothing is left to tear down by then: the
    run's files are written and closed and the process group destroyed (:meth:`Distributed.close
    <mvae_core.distributed.Distributed.close>`). An exception other than ``SystemExit`` ends the process as usual."""
    if not _under_torchrun():
        app()
        return
    try:
        app()
        status = 0
    except SystemExit as end:
        status = exit_status(end)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _under_torchrun() -> bool:
    """Whether this process is one of a torchrun job's; a ``WORLD_SIZE`` that is not a number is the command's to
    report (:class:`~mvae_core.torchrun_env.DistributedError`), so it reads as not."""
    try:
        return world_size() > 1
    except DistributedError:
        return False


def exit_status(end: SystemExit) -> int:
    """The status the interpreter would exit with for ``end``: its code, 0 for ``None``; any other object is
    written to stderr and gives 1."""
    if end.code is None:
        return 0
    if isinstance(end.code, int):
        return end.code
    sys.stderr.write(f"{end.code}\n")
    return 1


if __name__ == "__main__":
    main()
