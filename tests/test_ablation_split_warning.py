"""An ablation's runs warn of their split in words an ablation's user can act on, alike for every seed (helper-489
F5). Each run's split warning advised ``mvae train``'s ``--seed N`` (``give another seed for another split (--seed
2)``), which ``mvae ablate`` does not take, with another N and other counts for each seed: summary.md listed one
warning row per seed. The ablation now sets ``MVAE_ABLATION_RUN=1`` for its runs (``split_notes.ABLATION_RUN``), whose
warning names the limit the split is under and the fixes an ablation has (more files, more seeds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mvae_core import split_notes
from mvae_core.ablation.runner import worker_env
from mvae_core.config import MvaeConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from tests.synth import melody_folder, random_melody, write_midi
from tests.training import tiny_config

FEW = (
    "validation is fewer than 50 loops from fewer than 3 files (the run's split.json names them): val, elbo, f1 and "
    "the epoch kept as the best rest on those alone; for steadier numbers add files, or run more seeds: the "
    "ablation's summaries average over one split per seed"
)


LOPSIDED = (
    "validation holds over 58.3% of the loops (the run's split.json names its files): the model trains on under "
    "41.7%, though data.train_fraction gives training 83.3% of the files; to train on more, cut long files into "
    "shorter ones, or run more seeds: the ablation's summaries average over one split per seed"
)


def _warning(folder: Path, seed: int) -> split_notes.Advice | None:
    """The split warning of a run of ``folder`` at ``seed``."""
    cfg: MvaeConfig = tiny_config(f"train.seed={seed}")
    table, _ = load_dataset([str(folder)], cfg.data)
    train, val, _ = split_by_source(table, cfg.data, seed)
    return split_notes.split_warning(cfg, train, val)


def test_an_ablation_run_says_the_same_words_at_every_seed_and_names_no_seed(tmp_path, monkeypatch):
    folder = melody_folder(tmp_path / "six", n_files=6, n_loops=4, seed=0)
    alone = [_warning(folder, seed) for seed in (0, 1)]
    assert all("(--seed " in w.command_line for w in alone) and alone[0] != alone[1]  # mvae train's, as before
    monkeypatch.setenv(split_notes.ABLATION_RUN, "1")
    said = {(str(w), w.command_line) for w in (_warning(folder, seed) for seed in (0, 1, 2))}
    assert said == {(FEW, FEW)}


def test_a_lopsided_split_of_an_ablation_run_says_so_without_its_counts(tmp_path, monkeypatch):
    """20 clips of 4 loops and a jam of 150 (as tests/test_train_lopsided_split.py): the seeds that validate on the
    jam say it alike."""
    folder = melody_folder(tmp_path / "jam", n_files=20, n_loops=4, seed=7)
    write_midi(folder / "zz_jam.mid", random_melody(np.random.default_rng(1), 150))
    monkeypatch.setenv(split_notes.ABLATION_RUN, "1")
    said = {str(w) for w in (_warning(folder, seed) for seed in range(12)) if w and "holds" in w}
    assert said == {LOPSIDED}


def test_the_ablation_sets_it_for_its_workers():
    assert worker_env(jobs=2, total_cores=4)[split_notes.ABLATION_RUN] == "1"


def test_the_summary_lists_a_split_warning_once_with_its_seeds(tiny_ablation):
    out, _, result = tiny_ablation
    assert result.exit_code == 0, result.output
    summary = (out / "summary.md").read_text()
    for config in ("all", "none"):
        assert f"| {config} | core: {FEW} | 0, 1 |" in summary, summary
    assert "--seed" not in summary.split("## Paired")[0]
    log = " ".join((out / "logs" / "all" / "seed-1.log").read_text().split())
    assert f"warning: {FEW}" in log
