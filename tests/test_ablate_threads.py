"""summary.md says when the runs of an ablation trained with different torch thread counts: a re-run with another
--jobs resumes unfinished runs with other threads (their last digits then differ from an uninterrupted run's, as
docs/ablation.md says), and each run's config.toml records it, but the summary said only "Trained by mvae 0.1.0"."""

from __future__ import annotations

from pathlib import Path

from mvae_core.ablation.about import run_provenances, threads_line

PROVENANCE = """[provenance.versions]
mvae = "0.1.0"
"torch.threads" = "1"
"""
RESUMED = """[provenance]
resumed = [
    { from_epoch = 3, versions = { "mvae.commit" = "9c287714a76d" } },
    { from_epoch = 7, versions = { "torch.threads" = "2" } },
]
"""


def _run(out: Path, name: str, text: str) -> dict[str, str]:
    run = out / "runs" / name / "seed-0"
    run.mkdir(parents=True)
    (run / "config.toml").write_text(text, encoding="utf-8")
    return {"run": f"runs/{name}/seed-0"}


def test_one_thread_count_throughout_is_not_mentioned(tmp_path):
    rows = [_run(tmp_path, "all", PROVENANCE), _run(tmp_path, "none", PROVENANCE)]
    rows.append({"run": "runs/failed/seed-0"})  # failed before it wrote its config.toml: nothing recorded
    assert threads_line(run_provenances(rows, tmp_path)) is None


def test_a_run_resumed_with_other_threads_is_counted(tmp_path):
    rows = [_run(tmp_path, "all", RESUMED + PROVENANCE), _run(tmp_path, "none", PROVENANCE)]
    line = threads_line(run_provenances(rows, tmp_path))
    assert line is not None and line.startswith("Torch threads: 1 → 2 (1 run), 1 (1 run). ")
    assert "another --jobs or --cpus-per-run" in line
