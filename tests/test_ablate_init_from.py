"""``mvae ablate --init-from RUN``: an ablation of fine-tuning. Every new run starts from the same trained weights
(as ``mvae train --init-from``), configurations the weights do not fit are refused before anything is written, a
re-run into a folder whose runs started from other weights is refused, and summary.md says where the runs started.
Before, ``mvae ablate`` had no such option ("No such option: --init-from")."""

from __future__ import annotations

import tomllib

import pytest

from mvae_core.ablation.runner import run_path
from mvae_core.starting_weights import read_starting_weights
from tests.test_ablate import TINY, mvae


@pytest.fixture(scope="module")
def fine_tuned(tiny_run, synth_dir, tmp_path_factory):
    """kl_anneal ablated over runs started from ``tiny_run``'s weights: 2 configurations × 1 seed × 1 epoch."""
    out = tmp_path_factory.mktemp("ablate-init-from") / "abl"
    args = ["ablate", synth_dir, "--plugins", "kl_anneal", "--seeds", 1, "--epochs", 1, "--jobs", 2, "--samples", 8]
    result = mvae(*args, *TINY, "--init-from", tiny_run, "--out", out)
    return out, args, result


def test_every_run_starts_from_the_weights_and_the_summary_says_so(fine_tuned, tiny_run):
    out, _, result = fine_tuned
    assert result.exit_code == 0, result.output
    starting = read_starting_weights(tiny_run)
    for config in ("all", "none"):
        provenance = tomllib.loads((run_path(out, config, 0) / "config.toml").read_text())["provenance"]
        assert provenance["init_from"]["weights_sha256"] == starting.digest
    summary = (out / "summary.md").read_text()
    assert f"Every run started from the weights of {starting.file} (" in summary
    assert f"weights_sha256 {starting.digest[:16]}…, with a fresh optimizer (`--init-from`)." in summary


def test_a_rerun_without_the_weights_is_refused_naming_the_runs(fine_tuned):
    out, args, first = fine_tuned
    assert first.exit_code == 0, first.output
    result = mvae(*args, *TINY, "--out", out)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert (
        f"error: {out} holds runs that started from other weights than their own random weights (no init_from) "
        "(runs/all/seed-0, runs/none/seed-0); give the same init_from to continue that ablation, or choose another "
        "output folder"
    ) in said


def test_a_configuration_the_weights_do_not_fit_is_refused_before_anything_is_written(tiny_run, synth_dir, tmp_path):
    out = tmp_path / "abl"
    result = mvae("ablate", synth_dir, "--plugins", "kl_anneal", *TINY, "--set", "model.hidden=48",
                  "--init-from", tiny_run, "--out", out)  # fmt: skip
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert f"error: configuration 'all': --init-from {tiny_run}: this run's settings do not fit its weights" in said
    assert "model.hidden 32 → 48 (tensors of other shapes)" in said
    assert not out.exists()


def test_a_missing_source_is_refused_before_anything_is_written(synth_dir, tmp_path):
    out = tmp_path / "abl"
    result = mvae("ablate", synth_dir, "--init-from", tmp_path / "nowhere", "--out", out)
    assert result.exit_code == 2
    assert f"--init-from {tmp_path / 'nowhere'}: no such file or folder" in " ".join(result.output.split())
    assert not out.exists()
