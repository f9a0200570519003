"""The ``mvae`` command line (typer). Exit codes: 0 ok, 1 run failed, 2 bad input or config, 130 SIGINT, 143 SIGTERM.

torch-heavy modules are imported inside the commands that need them, so ``--help``, ``data inspect`` and the
parse worker processes (which re-import this module) start fast.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from mvae_core.cli_ablate import ablate
from mvae_core.cli_evaluate import evaluate
from mvae_core.cli_schedules import schedules_app
from mvae_core.cli_tools import tools_app
from mvae_core.config import ConfigError, MvaeConfig, build_config
from mvae_core.data.corpus import MissingCorpusExtra
from mvae_core.data.load import DataReport, load_dataset
from mvae_core.data.split import LoopSet, TooFewLoops, split_by_source
from mvae_core.data.table import NoteTable
from mvae_core.report import data_summary, print_skips, print_summary

if TYPE_CHECKING:
    from mvae_core.distributed import Distributed
    from mvae_core.run import RunDir
    from mvae_core.signals import Interrupts

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Train and play a MelodyVAE on your own MIDI.",
)
data_app = typer.Typer(no_args_is_help=True, help="Look at data before training on it.")
app.add_typer(data_app, name="data")
app.add_typer(schedules_app, name="schedules")
app.add_typer(tools_app)  # encode, interpolate, bend, map, plot, export
app.command("ablate")(ablate)
app.command("evaluate")(evaluate)
console = Console(highlight=False, soft_wrap=True)
DEFAULT_DATA = ["corpus:essen"]


def fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _data_or_exit(data: list[str], cfg: MvaeConfig, jobs: int | None) -> tuple[NoteTable, DataReport]:
    try:
        return load_dataset(data, cfg.data, jobs)
    except (MissingCorpusExtra, ValueError) as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        console.print("\ninterrupted while reading data; nothing was trained")
        raise typer.Exit(130) from None


@app.command()
def train(
    data: Annotated[list[str] | None, typer.Argument(help="MIDI files, folders or corpus:essen.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
    plugins: Annotated[str | None, typer.Option(help="Comma-separated plugin names, 'all' or 'none'.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override: dotted.key=value (repeatable).")] = None,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Loops per step.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    out: Annotated[Path | None, typer.Option(help="Run directory (default runs/<time>).")] = None,
    resume: Annotated[Path | None, typer.Option(help="Continue the run in this directory.")] = None,
    device: Annotated[str | None, typer.Option(help="auto, cpu or cuda.")] = None,
    jobs: Annotated[int | None, typer.Option(help="Processes for the first parse of the data.")] = None,
) -> None:
    """Train a MelodyVAE; writes config, data report, metrics, checkpoint and best model into the run directory.

    Under ``torchrun`` (``WORLD_SIZE`` > 1) every process runs this command; rank 0 alone writes and prints.
    """
    from mvae_core.distributed import Distributed, DistributedError
    from mvae_core.plugins import PluginError, PluginHost
    from mvae_core.run import RunDir
    from mvae_core.signals import Interrupts

    flags: dict[str, Any] = {"train.epochs": epochs, "train.batch_size": batch_size, "train.seed": seed}
    flags |= {"train.device": device, "plugins.enabled": plugins.split(",") if plugins else None}
    try:
        if resume is not None:
            fixed = {"DATA": data, "--config": config, "--set": set_, "--out": out, "--plugins": plugins}
            fixed |= {"--batch-size": batch_size, "--seed": seed, "--device": device}
            given = [name for name, value in fixed.items() if value]
            if given:
                raise fail(f"--resume continues a run with its saved config; {', '.join(given)} cannot change it")
            run = RunDir(resume)
            if not run.has_checkpoint():
                raise fail(f"--resume {resume}: nothing to resume there (no checkpoint.pt)")
            last = (run.read_metrics() or [{}])[-1]
            stops = [e["message"] for e in last.get("events", []) if e["level"] == "stop"]
            if stops:
                console.print(escape(f"{run.path} stopped ({'; '.join(stops)}); start a new run to train further"))
                return
            cfg, data = _resume_config(run, epochs)
        else:
            cfg = build_config(config, set_ or [], flags)
            run = RunDir(out or Path("runs") / time.strftime("%Y%m%d-%H%M%S"))
            if run.exists():
                raise fail(
                    f"{run.path} already holds a run; continue it with --resume {run.path} or choose another --out"
                )
            data = data or DEFAULT_DATA
        host = PluginHost.from_config(cfg.plugins)
        cfg = cfg.model_copy(update={"plugins": host.resolved()})
        dist = Distributed.from_env(_device(cfg.train.device))
        dist.check_batch_size(cfg.train.batch_size)
    except (ConfigError, PluginError, DistributedError) as exc:
        raise fail(str(exc)) from None
    console.quiet = not dist.is_main
    try:
        with Interrupts() as interrupts:
            try:
                with dist.main_first():  # rank 0 parses into the cache, the others then read it
                    train_set, val_set = _prepare_data(run, cfg, data, jobs, resume is not None, dist.is_main)
            except KeyboardInterrupt:  # SIGINT/SIGTERM after the data was read, before training
                console.print("\ninterrupted before training; nothing was trained")
                raise typer.Exit(interrupts.exit_code) from None
            except typer.Exit as exc:  # _data_or_exit turns an interrupt while reading into 130
                raise typer.Exit(interrupts.exit_code if interrupts.requested() else exc.exit_code) from None
            interrupts.defer()  # from here on a signal stops training at the next step, with a checkpoint
            if dist.is_main and (resume is None or epochs):  # a new run, or a changed epoch budget (kept)
                run.write_config(cfg, {"mvae": _version(), **host.versions}, data, _fingerprint(train_set, val_set))
            _train(run, cfg, host, train_set, val_set, resume is not None, dist, interrupts)
    finally:
        dist.close()


def _version() -> str:
    from mvae_core.version import VERSION

    return VERSION


def _prepare_data(
    run: RunDir, cfg: MvaeConfig, data: list[str], jobs: int | None, resuming: bool, writes: bool = True
) -> tuple[LoopSet, LoopSet]:
    """Load, report and split the data; on resume, refuse data whose split differs from the run's.

    ``writes``: create the run directory and write the data report (rank 0 of a distributed run only)."""
    table, report = _data_or_exit(data, cfg, jobs)
    print_summary(console, data_summary(table, report, cfg.data), title=f"data: {' '.join(data)}")
    print_skips(console, report)
    if writes:
        run.path.mkdir(parents=True, exist_ok=True)
    if writes and not resuming:
        run.write_data_report(report.to_json())
    if table.n_loops == 0:
        reasons = ", ".join(f"{r}: {n}" for r, n in report.skipped_by_reason().items()) or "no MIDI files found"
        raise fail(f"no loops to train on: {len(report.entries)} source(s) read, none usable ({reasons})")
    try:
        train_set, val_set, warnings = split_by_source(table, cfg.data, cfg.train.seed)
    except TooFewLoops as exc:
        raise fail(f"no training possible: {exc}") from None
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    saved = run.read_provenance().get("data_fingerprint") if resuming else None
    if saved is not None and saved != _fingerprint(train_set, val_set):
        raise fail(
            f"the data of {run.path} changed since the run started (its train/validation split differs); "
            "restore the files or start a new run"
        )
    return train_set, val_set


def _fingerprint(train_set: LoopSet, val_set: LoopSet) -> str:
    """Identifies the split: which sources and how many loops/examples on each side."""
    parts = [sorted(train_set.sources), sorted(val_set.sources), len(train_set), len(val_set)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def _train(
    run: RunDir, cfg: MvaeConfig, host: Any, train_set: LoopSet, val_set: LoopSet, resuming: bool,
    dist: Distributed, interrupts: Interrupts,
) -> None:  # fmt: skip
    """Train (or resume) into ``run``; maps every way a run ends to a message and an exit code (docs/cli.md)."""
    from mvae_core.checkpoint import CheckpointError
    from mvae_core.plugins import PluginError
    from mvae_core.progress import EpochDisplay
    from mvae_core.trainer import NonFiniteLoss, Trainer, TrainingPaused

    processes = f" × {dist.world} processes" if dist.world > 1 else ""
    console.print(
        escape(
            f"train {len(train_set)} examples ({len(train_set.sources)} sources, augmented) · val {len(val_set)} "
            f"loops · plugins: {', '.join(host.names) or 'none'} · device {dist.device}{processes} · run {run.path}"
        )
    )
    writer = run if dist.is_main else None  # only rank 0 writes run files
    trainer = Trainer(cfg, train_set, val_set, host, writer, dist=dist, pause_requested=interrupts.requested)
    resume_command = f"mvae train --resume {run.path}" + (" (under torchrun, as before)" if dist.world > 1 else "")
    try:
        if resuming:
            payload = run.load_checkpoint()
            trainer.restore(payload)
            if writer:
                writer.truncate_metrics(int(payload["epoch"]))
                writer.clear_failure()
            if trainer.start_epoch >= cfg.train.epochs:
                console.print(
                    escape(f"{run.path} has finished its {cfg.train.epochs} epochs; pass --epochs N to train further")
                )
                return
        with EpochDisplay(console, cfg.train.epochs, trainer.start_epoch) as display:
            trainer.on_epoch_end = display
            result = trainer.fit()
    except TrainingPaused as exc:
        where = f"after epoch {exc.epoch}" if exc.step == 0 else f"at step {exc.step} of epoch {exc.epoch + 1}"
        console.print(escape(f"\n{interrupts.name}: stopped {where} and checkpointed. Continue with: {resume_command}"))
        raise typer.Exit(interrupts.exit_code) from None
    except KeyboardInterrupt:  # raised by code, not by a signal (those are deferred during training)
        console.print(
            escape(f"\ninterrupted; the last finished epoch is checkpointed. Continue with: {resume_command}")
        )
        raise typer.Exit(130) from None
    except CheckpointError as exc:
        raise fail(str(exc)) from None
    except NonFiniteLoss as exc:
        if writer:
            writer.write_failure({"error": "non-finite loss", "message": str(exc), "epoch": exc.epoch,
                                  "step": exc.step, "terms": exc.terms})  # fmt: skip
        raise fail(f"{exc}; the best model so far is in {run.path} (reason in failure.json)", code=1) from None
    except PluginError as exc:
        if writer:
            writer.write_failure({"error": "plugin failed", "message": str(exc), "epoch": trainer.view.epoch})
        raise fail(
            f"{exc}; the best model so far is in {run.path}, and after a fix {resume_command} continues from the "
            "last finished epoch",
            code=1,
        ) from None
    for event in result.final_events:
        console.print(f"  [yellow]{event['source']}[/]: {escape(event['message'])}")
    reasons = f" (stopped: {'; '.join(result.stop_reasons)})" if result.stop_reasons else ""
    console.print(
        escape(f"done after {result.epochs_run} epochs{reasons}; best val_elbo {result.best_val_elbo:.3f} → {run.path}")
    )


def _resume_config(run: RunDir, epochs: int | None) -> tuple[MvaeConfig, list[str]]:
    cfg = run.read_config()
    if epochs:
        cfg = cfg.model_copy(update={"train": cfg.train.model_copy(update={"epochs": epochs})})
    return cfg, run.read_provenance().get("data", DEFAULT_DATA)


def _device(name: str) -> Any:
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise fail("train.device = 'cuda' but no CUDA device is available")
    return torch.device(name)


@app.command()
def generate(
    run_dir: Annotated[Path, typer.Argument(metavar="RUN", help="A trained run directory.")],
    out: Annotated[Path, typer.Option(help="Output folder (or a .mid file for a single point).")],
    z: Annotated[str | None, typer.Option(help="Latent point, e.g. 0.5,-1.")] = None,
    random: Annotated[int | None, typer.Option(help="Number of random latent points.")] = None,
    density: Annotated[float, typer.Option(help="Scale the expected number of notes.")] = 1.0,
    temperature: Annotated[float, typer.Option(help="Note choice: 1 as learned, 0 most likely, >1 wilder.")] = 1.0,
    timing_temperature: Annotated[float, typer.Option(help="Offset draw: 0 = mean timing, 1 = learned.")] = 1.0,
    poly: Annotated[bool, typer.Option(help="Any number of notes per step (chords).")] = False,
    threshold_min: Annotated[float | None, typer.Option(help="Ancestor rule: lowest onset probability.")] = None,
    threshold_max: Annotated[float | None, typer.Option(help="Ancestor rule: highest onset probability.")] = None,
    bars: Annotated[int, typer.Option(help="Loops per file, along a latent path (2 bars each).")] = 1,
    walk: Annotated[float, typer.Option(help="Latent distance between consecutive loops of --bars.")] = 0.3,
    noise: Annotated[float, typer.Option(help="Std of noise added to each latent point.")] = 0.0,
    grid_offset: Annotated[float, typer.Option(help="0 quantized, 1 learned timing, 2 exaggerated.")] = 1.0,
    tempo: Annotated[float, typer.Option(help="Tempo of the written MIDI in bpm.")] = 120.0,
    seed: Annotated[int, typer.Option(help="Seed for random points, noise, notes and offsets.")] = 0,
) -> None:
    """Decode latent points into MIDI, one file per point, named by the point."""
    from mvae_core.checkpoint import CheckpointError
    from mvae_core.generate import DecodeOptions, latent_points, latent_walk, notes_to_midi, point_name, render_loops
    from mvae_core.run import RunDir

    if z is not None and random is not None:
        raise fail("give either --z or --random, not both")
    if random is not None and random < 1:
        raise fail(f"--random must be at least 1, got {random}")
    if tempo <= 0 or grid_offset < 0 or density < 0 or temperature < 0 or timing_temperature < 0 or walk < 0:
        raise fail("--tempo must be > 0; --grid-offset, --density, --temperature, --timing-temperature, --walk >= 0")
    if bars < 1:
        raise fail(f"--bars must be at least 1, got {bars}")
    try:
        model, cfg = RunDir(run_dir).load_model()
        point = [float(v) for v in z.split(",")] if z is not None else None
        points = latent_points(random or (None if point else 1), point, noise, cfg.model.latent_dim, seed)
    except (CheckpointError, ConfigError, ValueError) as exc:
        raise fail(str(exc)) from None
    options = DecodeOptions(
        density=density, temperature=temperature, timing_temperature=timing_temperature, poly=poly,
        threshold_min=threshold_min, threshold_max=threshold_max, grid_offset=grid_offset, tempo=tempo, seed=seed,
    )  # fmt: skip
    paths = latent_walk(points, bars, walk, seed)
    single_file = out.suffix.lower() in (".mid", ".midi") and len(points) == 1
    (out.parent if single_file else out).mkdir(parents=True, exist_ok=True)
    files = render_loops(model, paths.flatten(0, 1), options, bars)
    for i, (path_points, loops) in enumerate(zip(paths, files, strict=True)):
        file = out if single_file else out / f"{i:03d}_{point_name(path_points[0])}.mid"
        notes_to_midi(loops, cfg, options).write(str(file))
        console.print(f"{file}  ({sum(len(loop) for loop in loops)} notes)")


@data_app.command("inspect")
def data_inspect(
    data: Annotated[list[str], typer.Argument(help="MIDI files, folders or corpus:essen.")],
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file (data section).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override: dotted.key=value.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (summary and per-file report).")] = False,
    jobs: Annotated[int | None, typer.Option(help="Processes for the first parse.")] = None,
) -> None:
    """Files used and skipped (by reason), loops, notes, pitch range, folding, collisions and timing spread."""
    try:
        cfg = build_config(config, set_ or [])
    except ConfigError as exc:
        raise fail(str(exc)) from None
    table, report = _data_or_exit(data, cfg, jobs)
    summary = data_summary(table, report, cfg.data)
    if as_json:
        from mvae_core.run import finite

        sys.stdout.write(json.dumps(finite({"summary": summary, "files": report.entries}), indent=1) + "\n")
        return
    print_summary(console, summary, title=f"data: {' '.join(data)}")
    print_skips(console, report, limit=50)


@app.command("plugins")
def plugins_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list (one object per plugin).")] = False,
) -> None:
    """Every available plugin: name, version, origin, hooks, config fields with defaults; broken ones with their error.

    Listing imports each plugin's code (built-in and installed packages) to read its hooks and Config; it never
    constructs a plugin or calls a hook.
    """
    from rich.padding import Padding
    from rich.table import Table

    from mvae_core.plugin_catalog import catalog
    from mvae_core.plugins import PluginError

    try:
        entries = catalog()
    except PluginError as exc:
        raise fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps(entries, indent=1) + "\n")
        return
    if not entries:
        console.print("no plugins available (none built in, no package registers an mvae.plugins entry point)")
        return
    table = Table(title="plugins", title_justify="left")
    for column in ("plugin", "version", "origin"):
        table.add_column(column, no_wrap=True)
    table.add_column("description")
    for e in entries:
        about = "[red]broken (see below)[/]" if e["error"] else escape(e["description"])
        table.add_row(e["name"], e["version"], e["origin"], about)
    console.print(table)
    for e in entries:
        console.print(f"\n[bold]{e['name']}[/]\n  hooks: {', '.join(e['hooks']) or '-'}")
        if e["error"]:
            console.print(f"  [red]error:[/] {escape(e['error'])}")
        if e["config"]:
            fields = Table("setting", "type", "default", "description", box=None, padding=(0, 2, 0, 0))
            for f in e["config"]:
                default = "(required)" if f["required"] else json.dumps(f["default"])
                fields.add_row(f["name"], escape(f["type"]), escape(default), escape(f["description"]))
            console.print(escape(f"  settings [plugins.{e['name']}]:"), Padding(fields, (0, 0, 0, 4)), sep="\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
