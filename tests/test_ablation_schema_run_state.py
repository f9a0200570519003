"""A script reading ``mvae ablate``'s outputs could not tell every run's state without parsing English: in
summary.json a ``null`` ``exit_code`` meant a run skipped or a Ray worker that died, and the entries had no
``action`` to tell them apart; and why a run was not ok (its training exited non-zero, no epoch finished, a loss
that was not finite, …) was only in the ``error`` text, in summary.csv too. Now each row carries ``failure``, one
word of :data:`~mvae_core.ablation.columns.FAILURES`, and summary.json's entries of the runs not ok carry ``action``
and ``failure`` beside the columns they had. The rows are built by :func:`~mvae_core.ablation.rows.run_row` from
hand-made run folders and attempts, without training."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from mvae_core.ablation.columns import (
    EXITED_NON_ZERO,
    FAILURES,
    NO_EPOCH,
    NO_EXIT_CODE,
    NOT_FINITE,
    NOT_GENERATED,
    NOT_STARTED,
    RUN_STATE,
)
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import Outcome, Task, log_path, run_path
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_json import statistics

ROOT = Path(__file__).resolve().parents[1]
DIED = "Ray: the Ray worker running it died (WorkerCrashedError); run the same command again"
CANNOT_SEE = "node n7 cannot see /shared"


def _attempt(out: Path, config: str, outcome: Outcome, action: str = "new") -> tuple[Task, Outcome]:
    """This command's attempt at ``config``'s run of seed 0, which ended as ``outcome``."""
    task = Task(config, 0, run_path(out, config, 0), log_path(out, config, 0), (), action, 0, 2)
    return task, outcome


def _metrics(out: Path, config: str, *val_elbo: float | None) -> None:
    """A run folder of ``config`` whose ``metrics.jsonl`` has one line per ``val_elbo`` (and nothing else)."""
    path = run_path(out, config, 0)
    path.mkdir(parents=True)
    lines = [json.dumps({"epoch": epoch, "val_elbo": value}) for epoch, value in enumerate(val_elbo)]
    (path / "metrics.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rows(out: Path) -> dict[str, dict[str, Any]]:
    """One row per way a run can be not ok (by configuration name), as run_row makes them."""
    _metrics(out, "not-finite", 5.0, None)
    _metrics(out, "no-model", 5.0)  # an epoch finished, but nothing to generate from
    attempts: dict[str, tuple[Task, Outcome] | None] = {
        "exited": _attempt(out, "exited", Outcome(3, "boom", 1.0)),
        "died": _attempt(out, "died", Outcome(None, DIED, 0.0), action="resumed"),
        "died-first": _attempt(out, "died-first", Outcome(None, DIED, 0.0, started=False)),
        "blind": _attempt(out, "blind", Outcome(2, CANNOT_SEE, 0.0, started=False)),
        "empty": _attempt(out, "empty", Outcome(0, "", 1.0)),
        "skipped": None,
        "not-finite": None,
        "no-model": None,
    }
    return {config: run_row(out, config, 0, attempt, 4, "new") for config, attempt in attempts.items()}


EXPECTED = {
    "exited": ("failed", "new", 3, EXITED_NON_ZERO),
    "died": ("failed", "resumed", None, NO_EXIT_CODE),
    "died-first": (NOT_STARTED, "new", None, NO_EXIT_CODE),
    "blind": (NOT_STARTED, "new", 2, EXITED_NON_ZERO),
    "empty": ("failed", "new", 0, NO_EPOCH),
    "skipped": ("failed", "skipped", None, NO_EPOCH),
    "not-finite": ("failed", "skipped", None, NOT_FINITE),
    "no-model": ("failed", "skipped", None, NOT_GENERATED),
}
"""Per configuration of :func:`_rows`: its ``status``, ``action``, ``exit_code`` and ``failure``."""


def test_every_row_says_why_it_is_not_ok_in_a_word(tmp_path):
    rows = _rows(tmp_path)
    assert {c: (r["status"], r["action"], r["exit_code"], r["failure"]) for c, r in rows.items()} == EXPECTED
    assert {r["failure"] for r in rows.values()} == set(FAILURES)


def test_summary_csv_has_the_failure_of_each_run_and_none_for_an_ok_run(tmp_path):
    rows = _rows(tmp_path)
    ok = rows["exited"] | {"config": "fine", "run": "runs/fine/seed-0", "status": "ok", "exit_code": 0}
    write_csv([*rows.values(), ok | {"failure": None, "error": ""}], tmp_path / "summary.csv")
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as handle:
        cells = {row["config"]: (row["action"], row["exit_code"], row["failure"]) for row in csv.DictReader(handle)}
    expected = {c: (action, "" if code is None else str(code), failure) for c, (_, action, code, failure) in
                EXPECTED.items()}  # fmt: skip
    assert cells == expected | {"fine": ("new", "0", "")}


def test_summary_json_tells_every_null_exit_code_apart_without_the_error_text(tmp_path):
    rows = _rows(tmp_path)
    arms = [Configuration(config, ()) for config in rows]
    numbers = json.loads(json.dumps(statistics(list(rows.values()), arms, ())))
    entries = {entry["config"]: entry for entry in numbers["failed"] + numbers["not_started"]}
    assert all(list(entry) == list(RUN_STATE) for entry in entries.values())
    said = {c: (e["status"], e["action"], e["exit_code"], e["failure"]) for c, e in entries.items()}
    assert said == EXPECTED
    for entry in entries.values():  # why there is no exit code, read from the words alone
        assert (entry["exit_code"] is None) == (entry["action"] == "skipped" or entry["failure"] == NO_EXIT_CODE)


def _section(heading: str) -> str:
    text = (ROOT / "docs" / "ablation.md").read_text(encoding="utf-8")
    return text.split(f"\n### {heading}\n", 1)[1].split("\n### ", 1)[0]


def test_ablation_md_names_every_failure_word_and_the_keys_of_the_json_entries():
    (failure,) = [line for line in _section("summary.csv").splitlines() if line.startswith("| `failure` |")]
    for word in FAILURES:
        assert f"`{word}`" in failure, word
    (entries,) = [line for line in _section("summary.json").splitlines() if line.startswith("| `ok`, `failed`, ")]
    keys = entries.split("each with ", 1)[1].split(" (as in summary.csv", 1)[0]
    keys = re.sub(r"\([^()]*\)", "", keys)  # each key's own words in brackets (action's: new, resumed, skipped)
    assert re.findall(r"`(\w+)`", keys) == list(RUN_STATE)
