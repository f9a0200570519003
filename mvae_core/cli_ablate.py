"""``mvae ablate``: train configurations (plugin sets) × seeds as normal runs in parallel workers, then summarise.

The ``mvae`` command imports this module at start-up, so it imports neither torch nor matplotlib: the ablation
package is imported inside the command. Exit codes: 0 every run ok, 1 some run failed (the others still ran and
the summary was written), 2 bad input, 130 Ctrl-C, 143 SIGTERM.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from mvae_core.cli_output import fail
from mvae_core.cli_output import out as console
from mvae_core.config import ConfigError, MvaeConfig, build_config
from mvae_core.errors import MvaeError

if TYPE_CHECKING:
    from mvae_core.ablation.plan import Configuration
    from mvae_core.ablation.runner import Outcome, Task

DEFAULT_OUT = Path("runs/ablation")


def ablate(
    data: Annotated[list[str] | None, typer.Argument(help="MIDI files, folders or corpus:essen.")] = None,
    plugins: Annotated[
        str | None, typer.Option(help="Comma-separated plugins to ablate; default: the five built-ins ('all').")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="leave-one-out (default), add-one, factorial, or list (with --configs).")
    ] = None,
    configs: Annotated[
        Path | None, typer.Option("--configs", help="TOML file naming the configurations (implies --mode list).")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Base TOML config of every run.")] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override for every run: dotted.key=value (repeatable).")
    ] = None,
    seeds: Annotated[int, typer.Option(help="Seeds per configuration (train.seed 0 … N−1).")] = 3,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs of every run (default: train.epochs).")] = None,
    jobs: Annotated[int | None, typer.Option(help="Runs at once (default: CPU cores).")] = None,
    samples: Annotated[int, typer.Option(help="Latent points decoded per run for the generated timing.")] = 256,
    out: Annotated[Path, typer.Option(help="Ablation folder: runs/, logs/, configs/, summary files.")] = DEFAULT_OUT,
    executor: Annotated[str, typer.Option(help="local (worker processes on this machine) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster to join (auto, or HOST:PORT); default: a local Ray instance.")
    ] = None,
    cpus_per_run: Annotated[int, typer.Option(help="Ray: CPUs (and torch threads) per run.")] = 1,
    gpus_per_run: Annotated[float, typer.Option(help="Ray: GPUs per run (a fraction shares one).")] = 0.0,
) -> None:
    """Train every configuration × seed (leave-one-out, add-one, factorial or a list) as a normal run in parallel
    workers; re-running skips finished runs and resumes unfinished ones. Writes summary.csv, summary.md and
    ablation.png into --out."""
    from mvae_core.ablation import runner

    numbers = {
        "--seeds": seeds,
        "--samples": samples,
        "--jobs": jobs,
        "--epochs": epochs,
        "--cpus-per-run": cpus_per_run,
    }
    for name, value in numbers.items():
        if value is not None and value < 1:
            raise fail(f"{name} must be at least 1, got {value}")
    if executor not in ("local", "ray"):
        raise fail(f"--executor {executor!r}: choose local or ray")
    if executor == "local" and (address is not None or gpus_per_run or cpus_per_run != 1):
        raise fail("--address, --cpus-per-run and --gpus-per-run go with --executor ray")
    if gpus_per_run < 0:
        raise fail(f"--gpus-per-run must be >= 0, got {gpus_per_run}")
    arms = _configurations(mode, plugins, configs)
    built = _write_configs(arms, config, set_ or [], out)
    data = data or _default_data()
    jobs = jobs or runner.cores()
    _warm_cache(data, built, jobs)
    tasks, skipped = runner.plan_tasks(arms, seeds, epochs, data, out)
    if executor == "ray":
        where = f"; Ray tasks ({address or 'a local Ray instance'}), {cpus_per_run} CPU(s) each"
    else:
        where = f"; {min(jobs, len(tasks))} at once, {max(1, runner.cores() // jobs)} torch thread(s) each"
    console.print(
        f"ablation: {len(arms)} configurations × {_seeds(seeds)} = {len(arms) * seeds} runs in {escape(str(out))}: "
        f"{len(skipped)} finished (skipped), {sum(t.action == 'resumed' for t in tasks)} to resume, "
        f"{sum(t.action == 'new' for t in tasks)} new" + (escape(where) if tasks else "")
    )
    if executor == "ray":
        from mvae_core.ablation.ray_executor import run_on_ray, shared_paths

        def execute(report: Callable[[Task, Outcome], None]) -> dict[Task, Outcome]:
            return run_on_ray(tasks, report, shared_paths(data, out), address, cpus_per_run, gpus_per_run)
    else:

        def execute(report: Callable[[Task, Outcome], None]) -> dict[Task, Outcome]:
            return runner.run_all(tasks, jobs, runner.worker_env(jobs, runner.cores()), report)

    outcomes = _run(tasks, execute)
    _summarise(arms, seeds, samples, out, outcomes, data, mode or ("list" if configs else "leave-one-out"))


def _seeds(seeds: int) -> str:
    return "1 seed (train.seed 0)" if seeds == 1 else f"{seeds} seeds (train.seed 0–{seeds - 1})"


def _default_data() -> list[str]:
    from mvae_core.data.corpus import DEFAULT_DATA

    return DEFAULT_DATA


def _configurations(mode: str | None, plugins: str | None, configs: Path | None) -> list[Configuration]:
    from mvae_core.ablation.plan import PlanError, expand, read_configs
    from mvae_plugins import BUILTIN_PLUGINS

    try:
        if configs is not None or mode == "list":
            if mode not in (None, "list"):
                raise PlanError(f"--configs goes with --mode list, not --mode {mode}")
            if configs is None:
                raise PlanError("--mode list needs --configs FILE (the configurations to run)")
            if plugins is not None:
                raise PlanError(
                    "--plugins does not apply to --mode list: each configuration in --configs names its own"
                )
            return read_configs(configs)
        names = [n.strip() for n in (plugins or "all").split(",") if n.strip()]
        if "none" in names:
            raise PlanError("--plugins none leaves nothing to switch on and off; name the plugins, or 'all'")
        names = [m for n in names for m in (BUILTIN_PLUGINS if n == "all" else [n])]
        return expand(mode or "leave-one-out", names)
    except PlanError as exc:
        raise fail(str(exc)) from None


def _write_configs(arms: list[Configuration], base: Path | None, overrides: list[str], out: Path) -> list[MvaeConfig]:
    """Validate every configuration (config keys, plugin names and sections) before anything runs, then write
    ``out/configs/<name>.toml``; a different file already there (an earlier, different plan) is refused."""
    import tomli_w

    from mvae_core.plugins import PluginError, available_plugins, validated_sections

    built, texts = [], []
    try:
        available = available_plugins()
        base_tree: dict[str, Any] = {}
        if base is not None:
            build_config(base)  # unreadable or invalid: an error naming the file
            base_tree = tomllib.loads(base.read_text(encoding="utf-8"))
        for arm in arms:
            try:
                built.append(build_config(base, [*overrides, *arm.overrides], {"plugins.enabled": list(arm.plugins)}))
                validated_sections(built[-1].plugins, available)
                texts.append(tomli_w.dumps(arm.tree(base_tree, overrides)))
            except ConfigError as exc:
                raise ConfigError(f"configuration {arm.name!r}: {exc}") from None
    except (ConfigError, PluginError) as exc:
        raise fail(str(exc)) from None
    paths = [out / "configs" / f"{arm.name}.toml" for arm in arms]
    for arm, path, text in zip(arms, paths, texts, strict=True):
        if path.exists() and path.read_text(encoding="utf-8") != text:
            raise fail(
                f"{path} holds a different configuration {arm.name!r} from an earlier ablation in {out}; "
                f"choose another --out, or delete {out / 'runs' / arm.name} and {path} to redo it"
            )
    for path, text in zip(paths, texts, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return built


def _warm_cache(data: list[str], built: list[MvaeConfig], jobs: int) -> None:
    """Parse the data once per distinct ``[data]`` section, so that no worker parses it again."""
    from mvae_core.data.corpus import MissingCorpusExtra
    from mvae_core.data.load import load_dataset

    for section in {cfg.data.model_dump_json(): cfg.data for cfg in built}.values():
        try:
            table, report = load_dataset(data, section, jobs)
        except (MissingCorpusExtra, ValueError) as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            console.print("\ninterrupted while reading data; nothing was trained")
            raise typer.Exit(130) from None
        if table.n_loops == 0:
            raise fail(f"no loops to train on in {' '.join(data)} ({len(report.entries)} source(s) read, none usable)")
        console.print(f"data: {len(report.ok)} sources, {table.n_loops} loops (parse cache ready)")


def _run(
    tasks: list[Task], execute: Callable[[Callable[[Task, Outcome], None]], dict[Task, Outcome]]
) -> dict[tuple[str, int], tuple[Task, Outcome]]:
    """``execute(report)`` runs the tasks (local pool or Ray), calling ``report`` as each ends."""
    from mvae_core.signals import Interrupts

    done = 0

    def report(task: Task, outcome: Outcome) -> None:
        nonlocal done
        done += 1
        where = f"[{done}/{len(tasks)}] {task.config}/seed-{task.seed} ({task.action})"
        if outcome.exit_code == 0:
            console.print(f"{escape(where)}: done in {outcome.wall_seconds:.1f} s")
        else:
            console.print(f"{escape(where)}: [red]failed[/] (exit {outcome.exit_code}): {escape(outcome.error)}")

    with Interrupts() as interrupts:  # SIGINT and SIGTERM raise KeyboardInterrupt here
        try:
            outcomes = execute(report)
        except MvaeError as exc:  # the executor cannot run at all (Ray missing or unreachable)
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            console.print(
                f"\ninterrupted ({interrupts.name}); finished runs are kept, running ones were checkpointed. "
                "Run the same command again to finish the ablation."
            )
            raise typer.Exit(interrupts.exit_code) from None
    return {(t.config, t.seed): (t, o) for t, o in outcomes.items()}


def _summarise(
    arms: list[Configuration],
    seeds: int,
    samples: int,
    out: Path,
    outcomes: dict[tuple[str, int], tuple[Task, Outcome]],
    data: list[str],
    mode: str,
) -> None:
    from mvae_core.ablation.figure import PLOT_INSTALL, draw, matplotlib_available
    from mvae_core.ablation.rows import run_row
    from mvae_core.ablation.summary import (
        NOT_RECORDED,
        console_table,
        markdown,
        produced_before,
        warnings_by_config,
        write_csv,
    )

    earlier = produced_before(out / "summary.csv")
    from mvae_core.ablation.runner import run_path

    def produced(config: str, seed: int) -> str:
        return earlier.get(str(run_path(out, config, seed).relative_to(out)), NOT_RECORDED)

    rows = [
        run_row(out, arm.name, seed, outcomes.get((arm.name, seed)), samples, produced(arm.name, seed))
        for arm in arms
        for seed in range(seeds)
    ]
    failed = [r for r in rows if r["status"] != "ok"]
    about = [
        f"`mvae ablate` ({mode}) on {' '.join(data)}: {len(arms)} configurations × {_seeds(seeds)} "
        f"= {len(rows)} runs, {len(rows) - len(failed)} ok, {len(failed)} failed.",
        f"Generated timing: {samples} latent points drawn from N(0, I) with seed 0, decoded by each run's best model "
        "with the default (density-aware) rule. Definitions: docs/ablation.md.",
    ]
    write_csv(rows, out / "summary.csv")
    (out / "summary.md").write_text(markdown(rows, arms, about), encoding="utf-8")
    console.print(console_table(rows, arms))
    for config, warning, seeds_warned in warnings_by_config(rows, arms):
        console.print(f"[yellow]warning[/] {escape(config)} (seed {seeds_warned}): {escape(warning)}")
    written = [out / "summary.csv", out / "summary.md"]
    if matplotlib_available():
        draw(rows, arms, out / "ablation.png")
        written.append(out / "ablation.png")
    else:
        console.print(f"[yellow]ablation.png not drawn: it needs matplotlib ({PLOT_INSTALL})[/]")
    console.print(f"summary → {escape(', '.join(map(str, written)))}")
    if failed:
        console.print(f"[red]{len(failed)} run(s) failed[/] (see the summary and {escape(str(out / 'logs'))})")
        raise typer.Exit(1)
