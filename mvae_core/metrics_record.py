"""The shape of a ``metrics.jsonl`` line as the trainer writes it, and :func:`as_written`, which reads a line of
another shape (hand-edited, or garbled by a disk into other valid JSON) as one with those values missing.

Every reader of metrics lines (``mvae plot``, the ablation's summary, a resume's stop reasons) gets them through
:meth:`~mvae_core.run.RunDir.read_metrics`, which applies :func:`as_written`, so it sees only the types the trainer
writes: a value of another type reads as missing, as in a line written before that value was kept, so a
``"seconds": "x"`` or an ``"events": 5`` leaves a gap in a curve instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CLOCK_KEYS = ("seconds", "cpu_seconds")
"""The keys of a metrics line that time the epoch: the only ones that differ between two identical runs."""
RECORD_NUMBERS = ("epoch", "lr", "val_elbo", "onset_f1", "rhythm_f1", "timing_spread_ratio", "active_units",
                  *CLOCK_KEYS)  # fmt: skip
"""The top-level numbers of an epoch's record (a metrics line), which plugins see in ``mvae_epoch_end`` (or null in
the file: NaN and inf are written as null)."""
RECORD_TABLES = ("train", "val", "weights", "timing_std")
"""The top-level tables of numbers (or nulls) in that record (``val.<term>``, ``timing_std.data``, …; the keys of
``train``, ``val`` and ``weights`` depend on the model and plugins, ``timing_std``'s are :data:`TIMING_STD_KEYS`). Beside them the record holds ``events``, at times ``replaced`` (a table of texts:
which plugin replaced a term), and ``plugins`` joins later."""
TIMING_STD_KEYS = ("data", "recon")
"""The entries of ``timing_std`` in every run, whatever the model and plugins: the true and the reconstructed
timeshift's std at the validation notes (validation writes them; a plugin's setting may watch them)."""
EVENT_TEXTS = ("source", "level", "message")
"""The texts of an event (``events`` is a list of such tables); ``source`` may be left out."""


def as_written(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` (a metrics line with an ``epoch``) with every value of another type than the trainer writes left
    out: a known number that is no number (``true`` is none), a table that is no table (and its entries that are no
    numbers; ``replaced``'s that are no texts), ``events`` that are no list (and its events that are no table of
    :data:`EVENT_TEXTS`), ``plugins`` that is no table of tables. Other keys are kept as they are; ``record`` itself
    is not changed."""
    kept = dict(record)
    for key in RECORD_NUMBERS:
        if key != "epoch" and key in kept and kept[key] is not None and not _number(kept[key]):  # the reader checks it
            del kept[key]
    for key in RECORD_TABLES:
        if key in kept:
            if isinstance(kept[key], dict):
                kept[key] = {name: value for name, value in kept[key].items() if value is None or _number(value)}
            else:
                del kept[key]
    if "replaced" in kept:
        if isinstance(kept["replaced"], dict):
            kept["replaced"] = {term: name for term, name in kept["replaced"].items() if isinstance(name, str)}
        else:
            del kept["replaced"]
    if "events" in kept:
        if isinstance(kept["events"], list):
            kept["events"] = [event for event in kept["events"] if _event(event)]
        else:
            del kept["events"]
    if "plugins" in kept:
        if isinstance(kept["plugins"], dict):
            kept["plugins"] = {name: values for name, values in kept["plugins"].items() if isinstance(values, dict)}
        else:
            del kept["plugins"]
    return kept


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _event(event: Any) -> bool:
    """An event as the trainer writes it: a table whose :data:`EVENT_TEXTS` are texts (its source, when given)."""
    return isinstance(event, dict) and all(
        isinstance(event[key], str) if key in event else key == "source" for key in EVENT_TEXTS
    )


LOSS_SPLITS = ("train", "val")
"""The tables of an epoch's record that hold a loss per term (and ``total``)."""


def not_computed(record: Mapping[str, Any], split: str, term: str) -> bool:
    """Whether the loss ``term`` was not computed for ``split`` (one of :data:`LOSS_SPLITS`) in the epoch of
    ``record`` (a metrics line): ``record[split][term]`` is 0 and ``record["weights"][term]`` is 0 too. The one rule
    behind the epoch line's :data:`~mvae_core.progress.NOT_COMPUTED` and ``mvae plot``'s gaps. A plugin's
    ``mvae_loss`` need not compute a term that the step weights 0, and returns a zero tensor for it (docs/hooks.md):
    in training, and in validation, which weights with the epoch's last step's multipliers (the record's
    ``weights``). The record keeps that 0 (``null`` means a value that is not finite). A term computed at multiplier 0
    (the core's ``kl`` in ``kl_anneal``'s first epoch, ``val.mu_l2`` of hooks.md's example) has a value above 0 and is
    shown; one computed as exactly 0 at multiplier 0 cannot be told from one skipped, and weighs nothing in the loss
    either. With ``per_step``, an epoch whose multiplier is 0 in only some steps averages their zeros into its train
    value, which is then not 0."""
    values, weights = record.get(split), record.get("weights")
    if not isinstance(values, Mapping) or not isinstance(weights, Mapping):
        return False
    return values.get(term) == 0 and weights.get(term) == 0  # None (null: not finite) and a missing one are not 0


STEP_PLACE = ("epoch", "step", "global_step")
"""The whole numbers (from 0) that place a line of ``steps.jsonl`` in the run: its epoch, its step within the epoch,
and its step over the run (``epoch × steps_per_epoch + step``)."""
STEP_EPOCH_LENGTH = "steps_per_epoch"
"""The key of a ``steps.jsonl`` line that says how many steps the run's epochs have (the same in every line of a
run: the data and the batch size cannot change on resume), so a reader places the line on the epochs' scale
without working it out from other lines. Lines written before it was kept lack it."""
STEP_TABLES = ("train", "plugins")
"""The tables of numbers in a ``steps.jsonl`` line, which ``mvae plot --metric steps.<table>…`` reaches: ``train``,
the step's loss per term and ``total`` as the core computed them (every ``train.step_records``-th step; lines without
it: a step only plugins recorded in, or written before the setting existed), and ``plugins``, what plugins recorded
(``trainer.record_step``), by plugin and key."""


def step_line(
    epoch: int,
    step: int,
    global_step: int,
    steps_per_epoch: int | None,
    plugins: dict[str, dict[str, Any]],
    train: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A line of ``steps.jsonl`` as the trainer writes it: one training step that the core recorded its losses in
    (``train``: per term and ``total``, each the mean per loop over the step's global batch, as ``mvae_step_end``'s
    ``losses``; None: not recorded, and the line has no such key) or plugins recorded numbers in
    (``trainer.record_step``), placed by :data:`STEP_PLACE`, with the epoch's length (:data:`STEP_EPOCH_LENGTH`;
    None: a line written without it, which then has no such key), the plugins' numbers under ``plugins`` by plugin
    and key (NaN and infinities are written as ``null``, as in a metrics line)."""
    length = {} if steps_per_epoch is None else {STEP_EPOCH_LENGTH: steps_per_epoch}
    losses = {} if train is None else {"train": train}
    return {"epoch": epoch, "step": step, "global_step": global_step, **length, **losses, "plugins": plugins}


def step_as_written(line: Any) -> dict[str, Any] | None:
    """``line`` (a parsed line of ``steps.jsonl``) as :func:`step_line` shapes it, or None when it is none: a line
    without its :data:`STEP_PLACE` as whole numbers. A :data:`STEP_EPOCH_LENGTH` that is no whole number above 0 is
    left out (read as in a line written before it was kept), and so are a ``train`` that is no table, ``plugins``
    entries that are no table, and values that are no number nor ``null`` (as :func:`as_written` leaves them out of a
    metrics line)."""
    if not isinstance(line, dict) or not all(type(line.get(key)) is int for key in STEP_PLACE):
        return None
    length = line.get(STEP_EPOCH_LENGTH)
    plugins, train = line.get("plugins"), line.get("train")
    numbers = {
        name: _numbers(values)
        for name, values in (plugins.items() if isinstance(plugins, dict) else ())
        if isinstance(values, dict)
    }
    steps_per_epoch = length if type(length) is int and length > 0 else None
    losses = _numbers(train) if isinstance(train, dict) else None
    return step_line(line["epoch"], line["step"], line["global_step"], steps_per_epoch, numbers, losses)


def _numbers(table: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``table`` whose values are numbers or ``null``."""
    return {key: value for key, value in table.items() if value is None or _number(value)}
