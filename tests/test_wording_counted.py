"""Counts in messages read as English: ``1 run failed``, ``2 runs failed``, never ``1 run(s) failed``
(:func:`mvae_core.wording.counted`, used by every message that counts runs, files, loops, notes, …)."""

from __future__ import annotations

from pathlib import Path

from mvae_core.ablation.failures import failed_runs_line
from mvae_core.ablation.out_folder import relocate_moved
from mvae_core.wording import counted


def test_a_count_of_one_is_singular_and_any_other_plural_with_thousands_separated():
    assert [counted(n, "run") for n in (0, 1, 2, 1234)] == ["0 runs", "1 run", "2 runs", "1,234 runs"]


def test_an_irregular_plural_is_given_explicitly():
    assert counted(1, "index", "indices") == "1 index" and counted(3, "index", "indices") == "3 indices"
    assert counted(2, "pitch bend") == "2 pitch bends"


def _row(config: str, status: str, error: str) -> dict:
    return {"config": config, "seed": 0, "status": status, "produced": "new", "error": error}


def test_the_ablations_last_line_about_one_run_is_singular(tmp_path: Path):
    """It said ``1 run(s) failed, each with: …``: one run has no "each"."""
    one = [_row("all", "ok", ""), _row("none", "failed", "error: bad")]
    assert failed_runs_line(one, tmp_path) == f"1 run failed, with: error: bad (see {tmp_path / 'summary.md'})"
    never = [_row("none", "not started", "node n7 cannot see /s")]
    assert (
        failed_runs_line(never, tmp_path)
        == f"1 run not started, with: node n7 cannot see /s (see {tmp_path / 'summary.md'})"
    )
    two = [_row("all", "failed", "error: bad"), _row("none", "failed", "error: bad")]
    assert failed_runs_line(two, tmp_path).startswith("2 runs failed, each with: error: bad (see ")


def test_the_runs_pointed_at_moved_data_are_counted_in_words(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("mvae_core.run_data.relocate", lambda path, data, jobs: None)
    said: list[str] = []
    relocate_moved([tmp_path / "runs/all/seed-0"], ["moved"], tmp_path, said.append)
    assert said == ["data moved: 1 run now read moved"]
