"""An ablation as one library call: :func:`ablate` plans the configurations, validates and writes their configs,
parses the data once, trains every configuration × seed (local worker processes or Ray tasks) and writes the
summary. ``mvae ablate`` parses its options, calls it, prints what it returns and maps its errors to exit codes.

Re-running with the same ``out`` skips finished runs and resumes unfinished ones; a different configuration under
an existing name is refused. Failed runs do not raise: they are rows with a status other than ``ok``
(:attr:`AblationResult.failed`, and apart those not started, :attr:`AblationResult.not_started`).
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from mvae_core.ablation import runner
from mvae_core.ablation.about import (
    OwnNumbers,
    chosen_per_run,
    data_line,
    numerics_line,
    own_numbers,
    own_numbers_line,
    run_provenances,
    seed_range,
    set_per_run,
    settings_line,
    threads_line,
    validation_line,
    versions_line,
)
from mvae_core.ablation.arguments import (
    Report,
    assignments,
    base_config,
    check_options,
    configurations,
    optional_path,
)
from mvae_core.ablation.columns import NOT_RECORDED, exit_status
from mvae_core.ablation.estimates import paired as paired_differences
from mvae_core.ablation.estimates import paired_plugin_numbers, per_config, warnings_by_config
from mvae_core.ablation.facts import GENERATED_SEED, run_state
from mvae_core.ablation.failures import RunCounts, failed, not_started
from mvae_core.ablation.figure import draw
from mvae_core.ablation.out_folder import (
    built_configs,
    check_same_content,
    check_same_data,
    check_same_start,
    outside_plan,
    relocate_moved,
)
from mvae_core.ablation.plan import ALL, DEFAULT_OUT, DEFAULT_SAMPLES, DEFAULT_SEEDS, REFERENCES, Configuration
from mvae_core.ablation.ray_executor import check_room, joined, live_nodes, run_on_ray, shared_paths
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import Outcome, Task
from mvae_core.ablation.summary_csv import produced_before, write_csv
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown
from mvae_core.config import MvaeConfig
from mvae_core.cores import cores
from mvae_core.data.corpus import DEFAULT_DATA
from mvae_core.data.load import absolute_data, check_paths, data_arguments
from mvae_core.errors import DataError, InputError, OptionError, RunInterrupted
from mvae_core.files import atomic_write, finite
from mvae_core.generation import DecodeOptions
from mvae_core.keywords import known_keywords
from mvae_core.progress import command_line
from mvae_core.starting_weights import StartingWeights, read_starting_weights
from mvae_core.suggest import closest
from mvae_core.tools import ToolError, require_extra
from mvae_core.torchrun_env import world_size
from mvae_core.wording import counted


@dataclass(frozen=True)
class AblationResult:
    """What an ablation wrote into its folder, ``path`` (``out`` of :func:`ablate`)."""

    path: Path
    configurations: list[Configuration]
    rows: list[dict[str, Any]]
    """One per configuration × seed, as in ``summary.csv`` (``status`` ``ok`` or why not), with ``data_own``: the
    data's own value of each generated column (``gen_timing_std`` …), which its paired differences are decided by."""
    written: list[Path]
    """``summary.csv``, ``summary.md``, ``summary.json`` and, with matplotlib installed, ``ablation.png``."""
    warnings: list[tuple[str, str, str]]
    """(configuration, a warning of its runs, the seeds that gave it): mvae's own (``core: …``: the data, its split,
    few validation loops, the run's settings) and the plugins' start-up warnings (:func:`~.facts.read_facts`)."""
    plot_missing: str | None
    """Why ``ablation.png`` was not drawn (matplotlib missing), else None."""
    outside_plan: str = ""
    """The runs in ``out/runs`` this summary leaves out (another ``seeds`` or plan), with how to include them (an
    :class:`~mvae_core.progress.Advice`: ``seeds=N`` here, ``--seeds N`` as its ``command_line``); ``""`` when there
    are none."""
    references: tuple[str, ...] = REFERENCES
    """The configurations summary.md takes paired differences against (:meth:`paired`): ``all`` and ``none``, or a
    ``configs`` file's ``references``."""

    @property
    def out(self) -> Path:
        """The old name of :attr:`path` (the name :class:`~mvae_core.RunResult` and the others use); warns."""
        warnings.warn("AblationResult.out is now AblationResult.path", DeprecationWarning, stacklevel=2)
        return self.path

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The rows of the runs that failed (``status`` ``failed``; ``failure`` says why in a word, ``error`` in full):
        not ok, though this command's attempt started their training, or it skipped them, as summary.json's
        ``failed`` lists them (:func:`~.failures.failed`); those not started are apart, :attr:`not_started`."""
        return [row for row in self.rows if failed(row)]

    @property
    def not_started(self) -> list[dict[str, Any]]:
        """The rows of the runs whose attempt in this command never started their training (``status`` ``not
        started``), as summary.json's ``not_started`` lists them (:func:`~.failures.not_started`)."""
        return [row for row in self.rows if not_started(row)]

    @property
    def counts(self) -> dict[str, int]:
        """summary.json's ``counts``: ``runs``, ``ok``, ``failed`` (``status`` ``failed``) and ``not_started``
        (:meth:`~.failures.RunCounts.as_json`)."""
        return RunCounts.of(self.rows).as_json()

    def per_configuration(self) -> list[dict[str, Any]]:
        """``summary.md``'s per-configuration statistics: per configuration, ``config``, ``runs``, ``ok``, ``stops``
        (a Counter of what stopped its ok runs) and, per metric of ``summary.csv`` (``best_val_elbo``, ...), an
        :class:`~mvae_core.ablation.stats.Estimate` (``n``, ``mean``, ``std``, ``low``, ``high``: the 95 %
        t-interval) over its ok runs, with ``missing`` (metric → a Counter of why runs lack it)."""
        return per_config(self.rows, self.configurations)

    def paired(self, reference: str = ALL) -> list[dict[str, Any]]:
        """``summary.md``'s paired differences against ``reference`` (``"all"`` or ``"none"``, or any configuration):
        per other configuration, ``config``, ``pairs`` and, per metric, the
        :class:`~mvae_core.ablation.stats.Estimate` of *configuration − reference* over the seeds where both runs are
        ok, with ``missing`` as in :meth:`per_configuration` (also ``other model`` and ``other validation loops``
        for pairs whose runs are not compared on a metric); ``deciding`` (metric → the Estimate of the difference
        that decides which run is better: for the gaps closed and ``timing_spread_ratio`` the change in distance
        from 1, for the generated columns from the data's own value, below 0 the configuration the nearer; for the
        others the difference itself), ``excludes_zero`` (metric → whether the deciding difference's 95 % interval
        excludes 0: bold in summary.md, counted on the console; ``None`` for ``seconds`` and ``cpu_seconds``, which
        are not judged, for a difference without an interval (fewer than 2 pairs), and for one other than 0 alike in
        both of 2 pairs, with no spread to judge (:func:`~mvae_core.ablation.stats.no_spread`), as in summary.json) and
        ``better`` (metric → ``"configuration"``, ``"reference"`` or ``"neither"`` by that interval, ``None`` for a
        metric without a goal, not judged or without an interval); ``[]`` when it is the only configuration.
        :class:`OptionError` naming the configurations when none has that name (a typo would otherwise read as an
        ablation without differences)."""
        return paired_differences(self.rows, self.configurations, self._configuration(reference))

    def paired_plugin_numbers(self, reference: str = ALL) -> list[dict[str, Any]]:
        """``summary.md``'s plugins' numbers paired against ``reference``, as :meth:`paired` pairs the metrics: per
        other configuration, ``config``, ``pairs``, ``numbers`` (per ``val.<term>`` or ``plugins.<plugin>.<key>``
        column that a run of either reports, the :class:`~mvae_core.ablation.stats.Estimate` of *configuration −
        reference* over the pairs where both runs report it) and ``missing`` (column → a Counter of why the other
        pairs have none: ``not reported by <name>``, ``other validation loops``, ``n/a``) and ``excludes_zero``
        (column → whether its 95 % interval excludes 0, as :meth:`paired`'s); ``[]`` and :class:`OptionError` as
        :meth:`paired`."""
        return paired_plugin_numbers(self.rows, self.configurations, self._configuration(reference))

    def _configuration(self, name: str) -> str:
        """``name``, when it names one of :attr:`configurations`; else :class:`OptionError` naming ``reference``, the
        closest name and every configuration."""
        names = [c.name for c in self.configurations]
        if name not in names:
            match = closest(str(name), names)
            hint = f" (did you mean {match!r}?)" if match else ""
            raise OptionError(
                "reference",
                f"{name!r} is not a configuration of this ablation{hint}; its configurations: {', '.join(names)}",
            )
        return name

    def __repr__(self) -> str:
        """``AblationResult('runs/ablation', 7 configurations, 21 runs (1 failed, 2 not started), summary.md)``: what
        it is in a notebook cell, not every row of the summary (``rows`` has them, :attr:`failed` and
        :attr:`not_started` those not ok)."""
        ended = RunCounts.of(self.rows).not_ok_part(reasons=False)
        failed = f" ({ended})" if ended else ""
        summary = next((path.name for path in self.written if path.suffix == ".md"), "no summary")
        return (
            f"AblationResult({str(self.path)!r}, {len(self.configurations)} configurations, {len(self.rows)} runs"
            f"{failed}, {summary})"
        )


@known_keywords("ablation option")
def ablate(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    plugins: str | Sequence[str] | None = None,
    mode: str | None = None,
    configs: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | Mapping[str, Any] | MvaeConfig | None = None,
    overrides: Mapping[str, Any] | Sequence[str] = (),
    seeds: int = DEFAULT_SEEDS,
    epochs: int | None = None,
    jobs: int | None = None,
    samples: int = DEFAULT_SAMPLES,
    out: str | os.PathLike[str] = DEFAULT_OUT,
    executor: str = "local",
    address: str | None = None,
    cpus_per_run: int = 1,
    gpus_per_run: float = 0.0,
    report: Report | None = None,
    init_from: str | os.PathLike[str] | None = None,
) -> AblationResult:
    """Train every configuration × ``seeds`` (``train.seed`` 0 … N−1) as a normal run under ``out/runs`` and
    summarise them (docs/ablation.md).

    :param data: MIDI files, folders or ``corpus:essen`` (one, or a list; default ``corpus:essen``).
    :param plugins: the plugins to switch on and off (names, or a comma-separated string; default every built-in):
        registered names only, as each run trains in a process of its own (a plugin object is an OptionError).
    :param mode: ``leave-one-out`` (default), ``add-one``, ``factorial``, or ``list`` (with ``configs``).
    :param configs: a TOML file naming the configurations (implies ``mode="list"``).
    :param config: the base config of every run, as :func:`mvae_core.train` takes it (a TOML file, a config tree or
        an ``MvaeConfig``); ``overrides`` apply over it, as ``train`` takes them: ``{"train.lr": 3e-4}`` or
        ``["train.lr=3e-4"]`` (or one such string).
    :param jobs: runs at once (default: this machine's CPU cores). ``executor="ray"`` runs Ray tasks instead, on the
        cluster at ``address`` (default: a local Ray instance), ``cpus_per_run`` / ``gpus_per_run`` each, at most
        ``jobs`` at once (default: as many as the cluster has room for).
    :param seeds: runs per configuration, 1 to :data:`~mvae_core.ablation.plan.MAX_SEEDS`.
    :param samples: latent points each run's best model decodes for the generated-timing columns (1 to evaluate's
        :data:`~mvae_core.generation.MAX_LOOPS`).
    :param init_from: every new run starts from these weights, as :func:`mvae_core.train` takes them (a trained
        run's folder, its ``model.safetensors`` or ``checkpoint.pt``): an ablation of fine-tuning. Read once before
        anything runs; a configuration the weights do not fit is a :class:`ConfigError` naming it, and runs already
        in ``out`` that started from other weights (or from none) are a :class:`PlanError`.
    :param report: called with each line of progress (the plan, the data read, each run as it ends), e.g. ``print``;
        by default nothing is said.
    :raises InputError, PlanError, ConfigError, PluginError: a bad option, plan or configuration, before anything
        runs (nothing is written). A bad option is an :class:`~mvae_core.errors.OptionError` naming the argument
        (the ``mvae ablate`` command renders it as its option).
    :raises RayUnavailable: ``executor="ray"`` and Ray is not installed, no Ray head answers at ``address`` within
        :data:`~mvae_core.ablation.ray_executor.CONNECT_SECONDS` (nothing there, or another server), or Ray cannot
        join or start (nothing is written);
        an :class:`~mvae_core.errors.OptionError` when no node of the cluster has ``cpus_per_run`` CPUs or
        ``gpus_per_run`` GPUs (nothing is written).
    :raises DataError: a DATA path does not exist (nothing is written), or the data gives no loops.
    :raises PlanError: runs in ``out`` trained on other contents of the same DATA (files edited, added or removed
        since) while this plan has runs to train: found once the data is read, before anything trains.
    :raises RunInterrupted: SIGINT/SIGTERM/SIGHUP; finished runs are kept, running ones checkpointed (run it again).
    :raises InputError: under torchrun (``WORLD_SIZE`` > 1): every rank would run the whole ablation.
    """
    if (world := world_size()) > 1:
        raise InputError(
            f"an ablation starts its own processes (the local pool, or Ray on several machines: docs/scaling.md) and "
            f"cannot run under torchrun (WORLD_SIZE={world}): start it without torchrun"
        )
    check_options(seeds, samples, jobs, epochs, cpus_per_run, gpus_per_run, executor, address)
    overrides = assignments(overrides)
    out, configs, config = Path(out), optional_path(configs), base_config(config)
    report = report if report is not None else _say_nothing
    if not callable(report):
        raise OptionError("report", f"takes a function of one line of text, such as print, got {report!r}")
    data = data_arguments(data) or DEFAULT_DATA
    check_paths(data)  # a mistyped DATA path names itself, before anything is written
    arms, references = configurations(mode, plugins, configs)
    starting = None if init_from is None else read_starting_weights(init_from)  # read once, before anything runs
    built, files = built_configs(arms, config, overrides, out, starting, epochs)
    moved = check_same_data(arms, data, out)
    check_same_start(arms, out, starting)
    # a Ray task runs on any node, in a folder of Ray's: its command and log name absolute paths
    planned = (absolute_data(data), out.absolute()) if executor == "ray" else (data, out)
    tasks, skipped = runner.plan_tasks(arms, seeds, epochs, *planned, starting.file if starting else None)
    # Ray only for runs to train (a re-run that only summarises starts none); nothing is written before it joins
    with_ray = executor == "ray" and bool(tasks)
    if with_ray and address is None:  # a local instance gets this machine's cores: too many is known before it starts
        check_room(cpus_per_run, 0, [{"CPU": cores()}])
    with joined(address) if with_ray else contextlib.nullcontext():
        if with_ray:
            check_room(cpus_per_run, gpus_per_run, live_nodes())
        for path, text in files.items():
            atomic_write(path, partial(Path.write_text, data=text, encoding="utf-8"), durable=False)
        contents, own = _warm_cache(data, built, jobs or cores(), report)
        relocate_moved(moved, data, out, report)
        if tasks:  # a re-run that only summarises trains nothing on the data as it is now
            check_same_content(arms, built, contents, data, out)
        if executor == "ray":
            at_once = f", at most {jobs} at once" if jobs else ""
            where = f"; Ray tasks ({address or 'a local Ray instance'}), {counted(cpus_per_run, 'CPU')} each{at_once}"
        else:
            jobs = jobs or cores()
            threads = counted(runner.threads_per_run(jobs, cores()), "torch thread")
            where = f"; {min(jobs, len(tasks))} at once, {threads} each"
        report(
            f"ablation: {counted(len(arms), 'configuration')} × {_seeds(seeds)} = "
            f"{counted(len(arms) * seeds, 'run')} in {out}: "
            f"{len(skipped)} finished (skipped), {sum(t.action == 'resumed' for t in tasks)} to resume, "
            f"{sum(t.action == 'new' for t in tasks)} new" + (where if tasks else "")
        )
        if left_out := outside_plan(arms, seeds, out):
            report(left_out)
        outcomes = _execute(tasks, executor, jobs, data, out, cpus_per_run, gpus_per_run, report)
    with _interrupts_while("measuring the runs' generated notes for the summary; every run is kept"):
        mode = mode or ("list" if configs else "leave-one-out")
        return _summarise(arms, built, seeds, epochs, samples, out, outcomes, data, mode, own, starting, references)


def _say_nothing(line: str) -> None:
    """:func:`ablate`'s ``report`` when none is given."""


def _seeds(seeds: int) -> str:
    return f"{counted(seeds, 'seed')} (train.seed {seed_range(seeds)})"


def _warm_cache(
    data: list[str], built: list[MvaeConfig], jobs: int, report: Report
) -> tuple[dict[str, dict[str, str]], dict[str, OwnNumbers]]:
    """Parse the data once per distinct ``[data]`` section, so that no worker parses it again. Returns, by section
    (its JSON), the content digest of each source used (:meth:`~mvae_core.data.load.DataReport.content`) and the
    data's own numbers that the generated columns are read against (:class:`~mvae_core.ablation.about.OwnNumbers`).
    A stop or the memory running out while it reads ends the ablation as it ends ``mvae train`` then (nothing was
    trained)."""
    from mvae_core.data.corpus import MissingCorpusExtra
    from mvae_core.data.load import load_dataset, reading_memory, reading_stopped
    from mvae_core.report import data_summary
    from mvae_core.signals import signal_of

    contents: dict[str, dict[str, str]] = {}
    own: dict[str, OwnNumbers] = {}
    for section in {cfg.data.model_dump_json(): cfg.data for cfg in built}.values():
        try:
            with reading_memory(data, section, jobs, training=True):
                table, data_report = load_dataset(data, section, jobs)
        except (MissingCorpusExtra, ValueError) as exc:
            raise DataError(str(exc)) from None
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (signals.Terminated)
            raise reading_stopped(signal_of(stop), section, training=True) from None
        if table.n_loops == 0:
            raise DataError(
                f"no loops to train on in {' '.join(data)} "
                f"({counted(len(data_report.entries), 'source')} read, none usable)"
            )
        report(f"data: {counted(len(data_report.ok), 'source')}, {counted(table.n_loops, 'loop')} (parse cache ready)")
        contents[section.model_dump_json()] = data_report.content()
        own[section.model_dump_json()] = OwnNumbers.of(data_summary(table, data_report, section))
    return contents, own


def _execute(
    tasks: list[Task],
    executor: str,
    jobs: int | None,
    data: list[str],
    out: Path,
    cpus_per_run: int,
    gpus_per_run: float,
    report: Report,
) -> dict[tuple[str, int], tuple[Task, Outcome]]:
    """Run the tasks on the local pool (``jobs`` at once, a number) or Ray (at most ``jobs`` at once; ``None``: as
    many as the cluster has room for), reporting each as it ends."""
    done = 0

    def on_done(task: Task, outcome: Outcome) -> None:
        nonlocal done
        done += 1
        where = f"[{done}/{len(tasks)}] {task.config}/seed-{task.seed} ({task.action})"
        if outcome.exit_code == 0:
            report(f"{where}: done in {outcome.wall_seconds:.1f} s")
        else:
            ended = "failed" if outcome.started else "not started"
            report(f"{where}: {ended} ({exit_status(outcome.exit_code)}): {outcome.error}")

    if not tasks:  # every run finished before: nothing to start (and no Ray joined)
        return {}
    with _interrupts_while(partial(_kept_after_stop, tasks)):
        if executor == "ray":
            outcomes = run_on_ray(tasks, on_done, shared_paths(data, out), cpus_per_run, gpus_per_run, jobs)
        else:
            outcomes = runner.run_all(tasks, jobs, runner.worker_env(jobs, cores()), on_done)
    return {(t.config, t.seed): (t, o) for t, o in outcomes.items()}


EVERY_RUN_FINISHED = "every run had finished, but the summary was not written"
"""What a stop keeps that came when every run of the command had finished its training (a Ctrl-C just after the
last one ended, before the summary)."""
RUNS_CHECKPOINTED = "finished runs are kept, running ones were checkpointed"
"""What a stop keeps that came while runs still trained: each running one got one SIGINT and checkpointed."""


def _kept_after_stop(tasks: list[Task]) -> str:
    """What a stop of the ``tasks`` keeps, read from their runs once the running ones have stopped:
    :data:`EVERY_RUN_FINISHED` when each task's run is finished (to its ``--epochs``, as a re-run would skip it),
    else :data:`RUNS_CHECKPOINTED`."""
    if all(run_state(task.path, task.epochs) == "finished" for task in tasks):
        return EVERY_RUN_FINISHED
    return RUNS_CHECKPOINTED


@contextlib.contextmanager
def _interrupts_while(kept: str | Callable[[], str]) -> Iterator[None]:
    """SIGINT and SIGTERM in the block end the ablation as :class:`RunInterrupted` (exit 130 or 143), its message
    saying what is ``kept`` (a function is asked when the signal has ended the block; when runs were still writing
    their checkpoints, :meth:`StillStopping.kept`) and to run the same command again (as ``str()``: the same
    ``mvae_core.ablate`` call); no summary is written."""
    from mvae_core.signals import Interrupts, interruption

    with Interrupts() as interrupts:  # SIGINT and SIGTERM raise KeyboardInterrupt here
        try:
            yield
        except KeyboardInterrupt as stop:
            if isinstance(stop, runner.StillStopping):
                now = stop.kept()
            elif isinstance(kept, str):
                now = kept
            else:
                now = kept()
            said = f"{interruption(interrupts.signum)}; {now}. Run the same command again"
            raise RunInterrupted(
                f"{said} (in Python, the same mvae_core.ablate call) to finish the ablation.",
                interrupts.signum,
                command_line=f"{said} to finish the ablation.",
            ) from None


def _summarise(
    arms: list[Configuration],
    built: list[MvaeConfig],
    seeds: int,
    epochs: int | None,
    samples: int,
    out: Path,
    outcomes: dict[tuple[str, int], tuple[Task, Outcome]],
    data: list[str],
    mode: str,
    own: Mapping[str, OwnNumbers],
    starting: StartingWeights | None = None,
    references: tuple[str, ...] = REFERENCES,
) -> AblationResult:
    earlier = produced_before(out / "summary.csv")

    def produced(config: str, seed: int) -> str:
        return earlier.get(str(runner.run_path(out, config, seed).relative_to(out)), NOT_RECORDED)

    sections = {arm.name: cfg.data.model_dump_json() for arm, cfg in zip(arms, built, strict=True)}
    rows = [  # each with its generated columns' targets (data_own): their paired differences are decided by them
        run_row(out, arm.name, seed, outcomes.get((arm.name, seed)), samples, produced(arm.name, seed))
        | {"data_own": own[sections[arm.name]].targets()}
        for arm in arms
        for seed in range(seeds)
    ]
    started = (
        [f"Every run started from the weights of {starting.described()}, weights_sha256 {starting.digest[:16]}…, "
         "with a fresh optimizer (`--init-from`)."]
        if starting
        else []
    )  # fmt: skip
    about = [
        f"`mvae ablate` ({mode}) on {' '.join(data)}: {counted(len(arms), 'configuration')} × {_seeds(seeds)} "
        f"= {len(rows)} runs, {RunCounts.of(rows)}.",
        *started,
        f"Generated timing: {samples} latent points drawn from N(0, I) with seed {GENERATED_SEED}, decoded by each "
        f"run's best model with `mvae generate`'s default options (temperature {DecodeOptions.temperature:g}, "
        f"timing temperature {DecodeOptions.timing_temperature:g}, seed {GENERATED_SEED}). Definitions: "
        "docs/ablation.md.",
        settings_line(arms, built, out, set_per_run(seeds, epochs) | chosen_per_run(built)),
        own_numbers_line(sections, own),
        versions_line(provenances := run_provenances(rows, out)),
        *([numerics] if (numerics := numerics_line(provenances)) else []),
        *([threads] if (threads := threads_line(provenances)) else []),
        data_line(rows, out, sections),
        *([shared] if (shared := validation_line(rows)) else []),
        *([command_line(left_out)] if (left_out := outside_plan(arms, seeds, out)) else []),  # beside `mvae ablate`
    ]
    atomic_write(out / "summary.csv", partial(write_csv, rows), durable=False)
    summary = markdown(rows, arms, about, references)
    atomic_write(out / "summary.md", partial(Path.write_text, data=summary, encoding="utf-8"), durable=False)
    numbers = {"about": about, "data": absolute_data(data), "seeds": seeds, "samples": samples}
    numbers["data_own"] = own_numbers(sections, own)
    numbers |= statistics(rows, arms, references)
    text = json.dumps(finite(numbers), indent=1, ensure_ascii=False) + "\n"
    atomic_write(out / "summary.json", partial(Path.write_text, data=text, encoding="utf-8"), durable=False)
    written = [out / "summary.csv", out / "summary.md", out / "summary.json"]
    plot_missing = None
    try:
        require_extra("plot", "matplotlib")
    except ToolError as exc:
        plot_missing = f"ablation.png not drawn: {exc}"
    else:
        draw(rows, arms, out / "ablation.png")
        written.append(out / "ablation.png")
    return AblationResult(out, arms, rows, written, warnings_by_config(rows, arms), plot_missing, left_out, references)
