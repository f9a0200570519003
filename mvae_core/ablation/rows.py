"""One row of the summary per run: what its directory says, its status, and the timing and pitch structure of its
generated notes."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from mvae_core.ablation.columns import (
    EXITED_NON_ZERO,
    MISSING_WORDS,
    NO_EPOCH,
    NO_EXIT_CODE,
    NOT_FINITE,
    NOT_GENERATED,
    NOT_STARTED,
    elbo_model,
    stop_label,
)
from mvae_core.ablation.facts import generated_numbers, read_facts
from mvae_core.ablation.generated_store import generated_path
from mvae_core.ablation.runner import Outcome, Task, latest_attempt_action, latest_attempt_start, log_path, run_path
from mvae_core.ablation.stats import finite_values
from mvae_core.checkpoint import CheckpointError
from mvae_core.config import ConfigError, MvaeConfig
from mvae_core.errors import MvaeError
from mvae_core.run import RunDir
from mvae_core.run_plugins import model_added_terms
from mvae_core.view import epoch_number


def run_row(
    out: Path, config: str, seed: int, attempt: tuple[Task, Outcome] | None, samples: int, produced_before: str
) -> dict[str, Any]:
    """The keys of :data:`~mvae_core.ablation.columns.COLUMNS`, ``model_terms`` among them (which ``val.<term>`` of
    ``plugin_numbers`` are loss terms the run's model adds, :func:`_model_terms`, not a plugin's), plus
    ``val_curve``, ``plugin_numbers`` (the last epoch's, :func:`~mvae_core.ablation.facts.plugin_numbers`),
    ``missing`` (row key → why a value is ``None`` where a word says more than ``n/a``) and ``validation_loops`` (a
    digest of the run's validation loops, ``None`` where unknown; both
    :func:`~mvae_core.ablation.facts.generated_numbers`).
    ``attempt`` is this command's ``mvae train`` of the run (``None`` when it was finished before); ``produced`` is
    :func:`_produced`.
    ``warnings`` are mvae's own of every attempt and the plugins' of the run's latest attempt, which began where
    the last header of its log says (:func:`~mvae_core.ablation.runner.latest_attempt_start`;
    :func:`~mvae_core.ablation.facts.read_facts`).

    The status is :data:`~mvae_core.ablation.columns.NOT_STARTED` when the attempt never started its training
    (:attr:`~mvae_core.ablation.runner.Outcome.started`: nothing of the run changed, its other columns are its
    folder's as it was), ``failed`` when the attempt exited non-zero, no epoch finished, some epoch's ``val_elbo`` is
    not finite, or the best model cannot be loaded; else ``ok``, and only then are the generated notes measured.
    ``failure`` says which of these, as a word of :data:`~mvae_core.ablation.columns.FAILURES` (``None`` for an ok
    run; :func:`_attempt_failure` for an attempt's), and ``error`` the message.
    """
    path, log = run_path(out, config, seed), log_path(out, config, seed)
    try:
        cfg: MvaeConfig | None = RunDir(path).read_config()
    except MvaeError:  # e.g. a run that failed before writing it
        cfg = None
    budget = cfg.train.epochs if cfg is not None else 0  # train.epochs, which a resume with --epochs updates
    facts = read_facts(path, latest_attempt_start(log))
    outcome = attempt[1] if attempt else None
    status, failure, error = "ok", None, ""
    if outcome is not None and not outcome.started:
        status, failure, error = NOT_STARTED, _attempt_failure(outcome), outcome.error
    elif outcome is not None and outcome.exit_code != 0:
        status, failure, error = "failed", _attempt_failure(outcome), outcome.error
    elif facts.epochs_run == 0:
        status, failure, error = "failed", NO_EPOCH, NO_EPOCH
    elif facts.nonfinite_epoch is not None:
        status, failure = "failed", NOT_FINITE
        error = f"val_elbo is not finite at epoch {epoch_number(facts.nonfinite_epoch)}"
    generated: dict[str, Any] = {}
    if status == "ok":
        try:
            generated = generated_numbers(path, samples, kept=generated_path(out, config, seed))
        except (CheckpointError, ConfigError, OSError) as exc:
            status, failure, error = "failed", NOT_GENERATED, f"generating from the best model: {exc}"
    row = {
        "config": config,
        "seed": seed,
        "run": str(path.relative_to(out)),
        "model": "" if cfg is None else elbo_model(cfg.model),
        "status": status,
        "action": attempt[0].action if attempt else "skipped",
        "produced": _produced(attempt, log, produced_before),
        "exit_code": None if outcome is None else outcome.exit_code,
        "failure": failure,
        "error": error,
        "stopped_by": stop_label(facts.stop_reasons, facts.epochs_run < budget) if facts.epochs_run else "",
        "stop_reason": list(facts.stop_reasons),
        "warnings": list(facts.warnings),
        "best_epoch": facts.best_epoch,
        "epochs_run": facts.epochs_run,
        "best_val_elbo": facts.best_val_elbo,
        "onset_f1": facts.onset_f1,
        "timing_spread_ratio": facts.timing_spread_ratio,
        "active_units": facts.active_units,
        **{key: value for key, value in generated.items() if key not in ("missing", "validation_loops")},
        "seconds": facts.seconds,
        "cpu_seconds": facts.cpu_seconds,
        "val_curve": list(facts.val_elbo),
        "plugin_numbers": dict(facts.plugin_numbers),
        "model_terms": _model_terms(cfg, facts.plugin_numbers),
        "missing": generated.get("missing", {}),
        "validation_loops": generated.get("validation_loops"),
    }
    if status == "ok":  # a word for a metric an ok run has no value of, as the summaries count it
        row["missing"] = row["missing"] | {m: word for m, word in MISSING_WORDS.items() if not finite_values([row[m]])}
    return row


def _model_terms(cfg: MvaeConfig | None, numbers: dict[str, float | None]) -> list[str]:
    """The loss terms the run's model adds with its settings (:func:`~mvae_core.run_plugins.model_added_terms`:
    ``melody_rnn``'s ``bag`` where ``bag_weight`` > 0), which its ``val.<term>`` numbers hold beside those plugins
    add; asked only where the run has such a number. ``[]`` where the config cannot be read or its model cannot be
    built here (a model whose package is not installed): its terms then count as plugins'. The answer depends on
    the model's and the data's settings alone, so each such pair builds its model once (:func:`_added_terms`), not
    once per seed."""
    if cfg is None or not any(column.startswith("val.") for column in numbers):
        return []
    return list(_added_terms(cfg.model_dump_json(include={"model", "data"})))


@functools.cache
def _added_terms(settings: str) -> tuple[str, ...]:
    """:func:`~mvae_core.run_plugins.model_added_terms` of a config whose ``[model]`` and ``[data]`` are
    ``settings`` (JSON), ``()`` where the model cannot be built here."""
    try:
        return model_added_terms(MvaeConfig.model_validate_json(settings))
    except MvaeError:
        return ()


def _attempt_failure(outcome: Outcome) -> str:
    """The ``failure`` of a run whose attempt in this command failed or never started its training:
    :data:`~mvae_core.ablation.columns.NO_EXIT_CODE` where no exit status reached the driver (its Ray worker died),
    else :data:`~mvae_core.ablation.columns.EXITED_NON_ZERO`."""
    return NO_EXIT_CODE if outcome.exit_code is None else EXITED_NON_ZERO


def _produced(attempt: tuple[Task, Outcome] | None, log: Path, produced_before: str) -> str:
    """How the run came to be (``produced``): ``new`` or ``resumed`` by this command's attempt when it started its
    training. Else (a skipped run, or an attempt that never started) what the last attempt header of its ``log`` says
    (:func:`~mvae_core.ablation.runner.latest_attempt_action`; that attempt's command may have been stopped before
    it wrote a summary); without one, :data:`~mvae_core.ablation.columns.NOT_STARTED` for a new run whose attempt
    never started (nothing trained it), else ``produced_before``, its cell in the previous ``summary.csv``. So an
    existing run whose resume never started reads what the command that left its folder so made of it."""
    if attempt is not None and attempt[1].started:
        return attempt[0].action
    if (logged := latest_attempt_action(log)) is not None:
        return logged
    return NOT_STARTED if attempt is not None and attempt[0].action == "new" else produced_before
