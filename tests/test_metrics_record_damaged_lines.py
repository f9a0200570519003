"""A metrics.jsonl line of another shape than the trainer writes (hand-edited, or garbled by a disk into other valid
JSON: ``"events": "x"``, ``"seconds": "x"``, ``"plugins": 5``) crashed ``mvae plot`` and the summary of ``mvae
ablate`` with a traceback (AttributeError, TypeError); such a value now reads as missing, a gap in a curve."""

from __future__ import annotations

import json
import shutil

import pytest

from mvae_core.ablation.facts import read_facts, run_state
from mvae_core.metrics_record import as_written
from mvae_core.tools.curves import plot_runs

DAMAGE = {
    "events": "x",
    "seconds": "x",
    "cpu_seconds": [1],
    "timing_std": 5,
    "timing_spread_ratio": {"a": 1},
    "plugins": 5,
    "val": [1],
    "onset_f1": True,
}


@pytest.fixture
def damaged(tiny_run, tmp_path):
    """A copy of ``tiny_run`` whose last metrics line holds a value of another type for each key of DAMAGE."""
    run = shutil.copytree(tiny_run, tmp_path / "run")
    lines = (run / "metrics.jsonl").read_text().splitlines()
    last = json.loads(lines[-1]) | DAMAGE
    (run / "metrics.jsonl").write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n")
    return run


def test_plot_draws_a_run_with_a_damaged_metrics_line(damaged, tmp_path):
    assert plot_runs([damaged], tmp_path / "curves.png").stat().st_size > 0


def test_the_ablation_reads_the_facts_of_a_run_with_a_damaged_metrics_line(damaged):
    facts = read_facts(damaged, 0)
    assert facts.epochs_run == 3 and facts.stop_reasons == () and facts.timing_spread_ratio is None
    assert facts.onset_f1 is None and facts.cpu_seconds is None and facts.best_val_elbo is not None
    assert run_state(damaged, 3) == "finished"


def test_events_and_tables_keep_their_well_formed_entries():
    record = {
        "epoch": 0,
        "events": [{"source": "core", "level": "stop", "message": "done"}, {"level": "stop"}, "x", 5],
        "train": {"onset": 1.5, "kl": None, "velocity": "x"},
        "plugins": {"free_bits": {"kl_per_dim": [0.1, 0.2]}, "other": 3},
        "custom": "kept",
    }
    assert as_written(record) == {
        "epoch": 0,
        "events": [{"source": "core", "level": "stop", "message": "done"}],
        "train": {"onset": 1.5, "kl": None},
        "plugins": {"free_bits": {"kl_per_dim": [0.1, 0.2]}},
        "custom": "kept",
    }
    assert record["events"][3] == 5  # the record read is not changed


def test_every_reader_of_a_run_s_metrics_gets_the_lines_as_written(damaged):
    """RunDir.read_metrics is the one place lines are read: a resume's stop reasons (``"events": 5`` raised
    TypeError there) and every other reader see a damaged value as missing."""
    from mvae_core.run import RunDir

    run = RunDir(damaged)
    assert run.stop_reasons() == []
    assert all(as_written(record) == record for record in run.read_metrics())
    lines = (damaged / "metrics.jsonl").read_text().splitlines()
    (damaged / "metrics.jsonl").write_text("\n".join([*lines[:-1], json.dumps(json.loads(lines[-1]) | {"events": 5})]))
    assert run.stop_reasons() == []


def test_replaced_is_a_table_of_texts():
    """Which plugin replaced a term (``replaced``) is text: it was read as a table of numbers and dropped whole, so a
    plugin's test of the lines it wrote (examples/mvae-free-bits) saw no replacement."""
    assert as_written({"epoch": 0, "replaced": {"kl": "free_bits", "x": 3}}) == {
        "epoch": 0,
        "replaced": {"kl": "free_bits"},
    }
    assert as_written({"epoch": 0, "replaced": "free_bits"}) == {"epoch": 0}
