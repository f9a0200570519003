"""``mvae ablate``: the options of :func:`mvae_core.ablation.session.ablate`, its progress and summary on the console.

The ``mvae`` command imports this module at start-up, so it imports neither torch nor matplotlib: the ablation
package is imported inside the command. Exit codes: 0 every run ok, 1 some run failed (the others still ran and
the summary was written), 2 bad input, 130 Ctrl-C, 143 SIGTERM. The progress lines, the table and the files
written go to stdout; the plugins' warnings, notes about the summary and the failed runs to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mvae_core.ablation.plan import DEFAULT_OUT, DEFAULT_SAMPLES, DEFAULT_SEEDS, MAX_SEEDS
from mvae_core.cli_output import errors_to_exit, fail, warn
from mvae_core.cli_output import out as console
from mvae_core.cli_paths import given_path


def ablate(
    data: Annotated[
        list[str] | None, typer.Argument(metavar="DATA", help="MIDI files, folders or corpus:essen.")
    ] = None,
    plugins: Annotated[
        str | None,
        typer.Option(metavar="NAMES", help="Comma-separated plugins to ablate; default: the built-ins ('all')."),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(metavar="MODE", help="leave-one-out (default), add-one, factorial, or list (with --configs)."),
    ] = None,
    configs: Annotated[
        Path | None,
        typer.Option(
            "--configs",
            parser=given_path,
            metavar="FILE",
            help="TOML file naming the configurations (implies --mode list).",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", parser=given_path, metavar="FILE", help="Base TOML config of every run.")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="KEY=VALUE", help="Override one config key in every run, e.g. train.lr=3e-4 (repeatable)."
        ),
    ] = None,
    seeds: Annotated[
        int, typer.Option(metavar="N", help=f"Seeds per configuration, 1 to {MAX_SEEDS} (train.seed 0 … N−1).")
    ] = DEFAULT_SEEDS,
    epochs: Annotated[
        int | None, typer.Option(metavar="N", help="Maximum epochs of every run (default: train.epochs).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Runs at once (default: CPU cores; with --executor ray: as many as the cluster has room for).",
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option(metavar="N", help="Latent points decoded per run for the generated timing.")
    ] = DEFAULT_SAMPLES,
    out: Annotated[
        Path,
        typer.Option(parser=given_path, metavar="DIR", help="Ablation folder: runs/, logs/, configs/, summary files."),
    ] = DEFAULT_OUT,
    executor: Annotated[
        str, typer.Option(metavar="NAME", help="local (worker processes on this machine) or ray.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(metavar="ADDR", help="Ray cluster to join (auto, or HOST:PORT); default: a local Ray instance."),
    ] = None,
    cpus_per_run: Annotated[int, typer.Option(metavar="N", help="Ray: CPUs (and torch threads) per run.")] = 1,
    gpus_per_run: Annotated[float, typer.Option(metavar="F", help="Ray: GPUs per run (a fraction shares one).")] = 0.0,
    init_from: Annotated[
        Path | None,
        typer.Option(
            parser=given_path,
            metavar="RUN",
            help="Start every new run from a trained run's weights (as mvae train --init-from): an ablation of "
            "fine-tuning.",
        ),
    ] = None,
) -> None:
    """Train every configuration × seed (leave-one-out, add-one, factorial or a list) as a normal run in parallel
    workers; re-running skips finished runs and resumes unfinished ones. Writes summary.csv, summary.md,
    summary.json and ablation.png into --out."""
    from mvae_core.ablation.console_summary import console_table, told_apart
    from mvae_core.ablation.failures import failed_runs_line
    from mvae_core.ablation.session import ablate as run_ablation
    from mvae_core.progress import command_line

    with errors_to_exit():
        result = run_ablation(
            data,
            plugins=plugins,
            mode=mode,
            configs=configs,
            config=config,
            overrides=set_ or [],
            seeds=seeds,
            epochs=epochs,
            jobs=jobs,
            samples=samples,
            out=out,
            executor=executor,
            address=address,
            cpus_per_run=cpus_per_run,
            gpus_per_run=gpus_per_run,
            report=lambda line: console.print(escape(command_line(line))),
            init_from=init_from,
        )
    console.print(console_table(result.rows, result.configurations))
    for line in told_apart(result.rows, result.configurations, result.references):
        console.print(escape(line))
    for name, warning, seeds_warned in result.warnings:
        warn(f"{name} (seed{'s' * (',' in seeds_warned)} {seeds_warned}): {warning}")
    if result.plot_missing:
        warn(result.plot_missing)
    if result.outside_plan:  # said before training too, which a long ablation scrolls away
        warn(command_line(result.outside_plan))
    console.print(f"summary → {escape(', '.join(map(str, result.written)))}")
    if not_ok := failed_runs_line(result.rows, out):
        raise fail(not_ok, code=1)
