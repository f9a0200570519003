"""The ablation summary's columns and the words of its cells: the metrics compared across configurations (their
titles, units and which way each is better), the keys of a row (one per run, ``summary.csv``'s columns), and the
words that stand in for a missing value or a pair without a difference."""

from __future__ import annotations

from typing import Any

from mvae_core.config import ModelConfig
from mvae_core.goals import GOALS as NUMBER_GOALS
from mvae_core.goals import Goal
from mvae_core.report import TIMING_UNIT

METRICS: dict[str, str] = {
    "epochs_run": "epochs",
    "best_val_elbo": "best val_elbo",
    "onset_f1": "onset_f1",
    "timing_spread_ratio": "timing_spread_ratio",
    "active_units": "active_units",
    "gen_timing_std": "gen. timing std",
    "gen_within_0_05": "gen. within ±0.05",
    "gen_notes_per_loop": "gen. notes/loop",
    "in_key_gap": "in-key gap closed",
    "interval_gap": "interval gap closed",
    "stepwise_gap": "stepwise gap closed",
    "entropy_gap": "pc-entropy gap closed",
    "seconds": "seconds",
    "cpu_seconds": "CPU seconds",
}
"""The numbers compared across configurations (row key → column title); onset_f1, timing_spread_ratio and
active_units are the last epoch's; the gaps closed are those of mvae_core.pitch_structure against the run's
validation loops; seconds is wall-clock time (it grows with the machine's load), CPU seconds the training process's
CPU time (all threads), which depends on the load less than wall-clock time but still does: OpenMP threads that
spin-wait for a busy core count as CPU time (docs/ablation.md#summarycsv)."""
DIRECTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("best_val_elbo",), "lower is better (a loss)"),
    (("onset_f1",), "higher is better"),
    (("timing_spread_ratio",), "1 is the validation notes' own timing spread, below 1 a timing collapsing to the grid"),
    (("active_units",), "more is more of the latent in use, of model.latent_dim"),
    (
        ("gen_timing_std", "gen_within_0_05", "gen_notes_per_loop"),
        "closest to the data's own is best (summary.md's header and summary.json's data_own give them)",
    ),
    (
        ("in_key_gap", "interval_gap", "stepwise_gap", "entropy_gap"),
        "1 is like the validation loops, 0 no better than random notes in their key, above 1 past them",
    ),
    (("epochs_run", "seconds", "cpu_seconds"), "fewer is cheaper"),
)
"""Which way each metric of :data:`METRICS` is better (metrics → what their values mean), as summary.md says it under
its per-configuration table."""
PITCH_GAPS = {"in_key": "in_key_gap", "mean_interval": "interval_gap", "stepwise": "stepwise_gap",
              "pc_entropy": "entropy_gap"}  # fmt: skip
"""The pitch-structure features whose ``gap_closed`` a row carries (feature → row key)."""
GENERATED = {
    "gen_timing_std": "timeshift_std",
    "gen_within_0_05": "within_0_05",
    "gen_notes_per_loop": "notes_per_loop",
}
"""The generated columns, each with the data's own number it is read against (a field of
:class:`~mvae_core.ablation.about.OwnNumbers`, as summary.json's ``data_own`` names it): a row's ``data_own``."""
GOALS: dict[str, Goal] = {
    "epochs_run": None,
    "best_val_elbo": "lower",
    "onset_f1": NUMBER_GOALS["reconstruction.onset_f1"],
    "timing_spread_ratio": NUMBER_GOALS["timing.spread_ratio"],
    "active_units": None,
    **dict.fromkeys(GENERATED, "nearer the data's"),
    **{key: NUMBER_GOALS[f"pitch.{feature}.gap_closed"] for feature, key in PITCH_GAPS.items()},
    "seconds": None,
    "cpu_seconds": None,
}
"""Which way each metric of :data:`METRICS` is better (:data:`mvae_core.goals.Goal`), the goal its paired differences
are judged by (:func:`mvae_core.goals.deciding`, the rule of ``mvae evaluate --against``): a column that measures a
number ``mvae evaluate`` compares takes that number's goal (:data:`mvae_core.goals.GOALS`); the generated columns
are best at the data's own value (the row's ``data_own``); epochs, seconds and active units have none (a cost, or
how much of the latent is used: only whether runs differ is said). :data:`DIRECTIONS` says what the values mean."""
GAP_UNIT = "share of the gap closed"
UNITS: dict[str, str] = {
    "epochs_run": "epochs",
    "best_val_elbo": "a loss per validation loop, summed over its steps or cells",
    "onset_f1": "F1 score, 0 to 1",
    "timing_spread_ratio": "reconstructed ÷ true timing std",
    "active_units": "latent dimensions",
    "gen_timing_std": TIMING_UNIT,
    "gen_within_0_05": "share of notes, 0 to 1",
    "gen_notes_per_loop": "notes per loop",
    "in_key_gap": GAP_UNIT,
    "interval_gap": GAP_UNIT,
    "stepwise_gap": GAP_UNIT,
    "entropy_gap": GAP_UNIT,
    "seconds": "s, wall-clock",
    "cpu_seconds": "s, CPU time",
}
"""The unit of each metric of :data:`METRICS` (and of its paired differences), as summary.md, summary.json and the
figure say it."""
MODEL_EPOCHS = (
    "onset_f1, timing_spread_ratio and active_units are each run's last epoch's (metrics.jsonl); the gen. and gap "
    "columns are measured on its best model (model.safetensors, the lowest val_elbo, best_epoch in summary.csv), "
    "which early stopping can have reached many epochs before the last."
)
"""Which model each column describes: a run's columns come from two epochs when its last epoch was not its best."""
MODEL_SCALED = ("best_val_elbo",)
"""Metrics that measure a different quantity in each model, so no paired difference is taken between runs whose
``model`` cells differ (:data:`OTHER_MODEL` in its place): ``val_elbo``'s onset term is one token's cross-entropy
per step in ``melody_rnn`` and a binary cross-entropy per pitch × step cell in ``seed``, and its timing term a
cross-entropy over the timing bins or (the ``mse`` head) a squared error (docs/ablation.md)."""


def elbo_model(model: ModelConfig) -> str:
    """The run's model as its ``val_elbo`` measures it (a row's ``model`` cell; ``mvae plot``'s legend, where the runs'
    differ): the ``[model] name``, and its timing head (``seed, mse timing head``) or number of timing bins
    (``melody_rnn, 16 timing bins``) where these are not the defaults, since the timing term is then another quantity
    (a squared error; a cross-entropy over other bins). Runs whose cells differ have no :data:`MODEL_SCALED`
    difference."""
    defaults = ModelConfig()
    if model.timing_head != defaults.timing_head:
        return f"{model.name}, {model.timing_head} timing head"
    if model.timing_bins != defaults.timing_bins:
        return f"{model.name}, {model.timing_bins} timing bins"
    return model.name


OTHER_MODEL = "other model"
OTHER_MODEL_NOTE = (
    " `other model`: the two runs have different models (or timing heads), whose val_elbo measures a different"
    " quantity; compare them on onset_f1, the generated timing and the pitch gaps."
)
VALIDATED = ("best_val_elbo", "onset_f1", "timing_spread_ratio", "active_units", "in_key_gap", "interval_gap",
             "stepwise_gap", "entropy_gap")  # fmt: skip
"""Metrics measured on a run's validation loops, so no paired difference is taken between two runs that validated on
other loops (:data:`OTHER_LOOPS` in its place): a configuration with other ``[data]`` settings that shape the loops
(``data.min_onsets``, the pitch range, …) can split and read the same files into other validation loops, and a
difference would then mix the fix's effect with the data's. Transpositions only augment the training side."""
OTHER_LOOPS = "other validation loops"
OTHER_LOOPS_NOTE = (
    " `other validation loops`: the two runs validated on other loops (another [data] setting read the files into"
    " other loops or another split), so their validation numbers are not paired."
)
NOT_DEFINED = "n/a"
"""The word for a missing value that no other word explains (a number not defined for the run, or recorded as null,
NaN or inf)."""
MISSING_WORDS = {"timing_spread_ratio": "quantized"}
"""What a missing value of a metric means where a word says more than ``n/a``: the spread ratio is left out when the
validation notes have (almost) no timing spread (quantized data, :func:`mvae_core.report.shown_spread_ratio`), as on
the training console."""
COLUMNS = [
    *("config", "seed", "run", "model", "status", "action", "produced", "exit_code", "failure", "error"),
    *("stopped_by", "stop_reason", "warnings", "best_epoch"),
    *METRICS,
    "model_terms",
]
"""summary.csv's columns before those of the numbers beyond the metrics (:func:`plugin_columns`), each a key of a
row (:func:`~mvae_core.ablation.rows.run_row`): ``model_terms`` names the loss terms the run's model adds, whose
``val.<term>`` columns are the model's, not a plugin's."""
RUN_STATE = ("config", "seed", "run", "status", "action", "produced", "exit_code", "failure", "error")
"""The columns of :data:`COLUMNS` that say which run a row is and how it ended, each a fixed word or a number but
``error``: summary.json's entries of the runs not ok (``failed``, ``not_started``)."""


NOT_RECORDED = "before this folder's summary"
"""``produced`` of a run that no log header nor earlier ``summary.csv`` says how it came to be."""
NOT_STARTED = "not started"
"""The ``status`` of a run whose attempt in this command never started its training (a Ray node that cannot see the
shared storage), so its folder is as it was; and its ``produced`` too where nothing has trained it (its only attempt
was that one). An existing run whose resume never started keeps the ``produced`` of the command that left its
folder so (``new`` or ``resumed``)."""
NO_EXIT_CODE = "worker died"
"""What stands for the exit code of a run whose Ray task ended in Ray's error instead of returning the training's exit
status (:func:`~mvae_core.ablation.ray_executor.ray_failure`: its worker was killed, by an out-of-memory killer or Ray's
memory monitor too, or crashed, or its node died), in summary.md and on the console (:func:`exit_cell`,
:func:`exit_status`); its ``exit_code`` is ``None``: empty in summary.csv, ``null`` in summary.json, as every value
without a number, and the ``error`` says what happened. (It was 1, which no process had exited with.)"""
NOT_ATTEMPTED = "–"
"""summary.md's exit code cell of a run that this command did not attempt (``action`` ``skipped``)."""
EXITED_NON_ZERO = "exited non-zero"
"""``failure`` of a run whose attempt in this command ended with a non-zero ``exit_code`` (its training's exit status,
negative for a local worker killed by a signal; 2 for a Ray task that never started its training because its node
cannot see the shared storage)."""
NO_EPOCH = "no epoch finished"
"""``failure`` (and ``error``) of a run whose ``metrics.jsonl`` has no line, though no attempt of this command
failed."""
NOT_FINITE = "val_elbo not finite"
"""``failure`` of a run some epoch of which has a ``val_elbo`` that is NaN or infinite (``error`` names the epoch)."""
NOT_GENERATED = "generation failed"
"""``failure`` of a run whose best model could not be loaded to generate the notes of the summary's generated columns
(``error`` says why)."""
FAILURES = (EXITED_NON_ZERO, NO_EXIT_CODE, NO_EPOCH, NOT_FINITE, NOT_GENERATED)
"""The words of the ``failure`` column: why a run is not ok, in the order its row's status is decided
(:func:`~mvae_core.ablation.rows.run_row`); ``None`` (empty in summary.csv) for an ok run. With ``action`` they say
every row's state without its ``error`` text: ``exit_code`` is ``None`` exactly where ``action`` is ``skipped`` (no
attempt) or ``failure`` is :data:`NO_EXIT_CODE` (its Ray worker died); ``status`` ``not started`` goes with
:data:`EXITED_NON_ZERO` (exit 2: a Ray node that cannot see the shared storage) or :data:`NO_EXIT_CODE`."""


def exit_status(exit_code: int | None) -> str:
    """How an attempt ended, as the console's line says it: ``exit N``, or :data:`NO_EXIT_CODE` (``None``)."""
    return NO_EXIT_CODE if exit_code is None else f"exit {exit_code}"


def exit_cell(row: dict[str, Any]) -> str:
    """summary.md's exit code cell of the summary row ``row``: its ``exit_code``, :data:`NOT_ATTEMPTED` where this
    command skipped the run, else :data:`NO_EXIT_CODE` where it has none."""
    if row["exit_code"] is not None:
        return str(row["exit_code"])
    return NOT_ATTEMPTED if row.get("action") == "skipped" else NO_EXIT_CODE


MAX_EPOCHS = "max epochs"
CUT_SHORT = "cut short"
"""What ended a run that has fewer epochs than its own ``train.epochs`` and no plugin's stop: it was stopped (Ctrl-C,
a failure) and an ablation with a smaller ``--epochs`` counts it as finished."""


def stop_label(reasons: list[str] | tuple[str, ...], cut_short: bool = False) -> str:
    """What ended a run: the plugins that stopped it (``"early_stopping"``), else :data:`CUT_SHORT` when it ended
    before its epoch budget (``cut_short``), else ``"max epochs"``."""
    return ", ".join(r.split(":", 1)[0] for r in reasons) or (CUT_SHORT if cut_short else MAX_EPOCHS)


def plugin_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The columns of the numbers runs report beyond the metrics (``val.<term>``, ``plugins.<plugin>.<key>``: each
    row's ``plugin_numbers``), sorted: those of every run, so a configuration without the plugin has them empty.
    Among them the loss terms a run's model adds (:func:`~mvae_core.ablation.plugin_tables.model_columns`), which
    the summaries keep apart from the plugins' numbers."""
    return sorted({column for row in rows for column in row.get("plugin_numbers", {})})


UNREPORTED = "not reported"
"""Why an ok run of a configuration whose other runs report a plugin's number has none: its plugin did not record
that number in the run's last epoch."""
NOT_REPORTED = UNREPORTED + " by {config}"
"""Why a pair has no difference of a plugin's number: the run of ``config`` (the configuration's, else the
reference's) does not report it: its plugin is not enabled there, or did not record that number in the run's last
epoch."""


def missing_word(metric: str) -> str:
    """What a run's missing value of ``metric`` means: :data:`MISSING_WORDS`, else :data:`NOT_DEFINED`."""
    return MISSING_WORDS.get(metric, NOT_DEFINED)
