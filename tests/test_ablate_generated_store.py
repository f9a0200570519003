"""``mvae ablate`` run again over finished runs decoded every run's generated samples again (each run's
:func:`~mvae_core.ablation.facts.generated_numbers`); it now keeps them in ``out/generated/<config>/seed-<k>.json``
under the key of everything that determines them, and computes them again only when that key differs or the entry
cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mvae_core
from mvae_core.ablation import facts, generated_store
from mvae_core.ablation.generated_store import generated_key, generated_path
from mvae_core.ablation.rows import run_row
from mvae_core.run import RunDir
from tests.training import TINY

SAMPLES = 16


@pytest.fixture
def ablation(synth_dir: Path, tmp_path: Path) -> Path:
    """An ablation folder holding one finished run, ``runs/all/seed-0``."""
    out = tmp_path / "abl"
    mvae_core.train([synth_dir], out / "runs" / "all" / "seed-0", overrides=TINY, plugins=[], epochs=1,
                    progress=False)  # fmt: skip
    return out


def _row(out: Path, samples: int = SAMPLES) -> dict:
    return run_row(out, "all", 0, None, samples, "new")


def _not_decoded(*args: object) -> dict:
    raise AssertionError("decoded again")


def test_a_run_skipped_again_reads_its_kept_numbers_instead_of_decoding(ablation, monkeypatch):
    first = _row(ablation)
    kept = generated_path(ablation, "all", 0)
    assert first["status"] == "ok" and kept == ablation / "generated" / "all" / "seed-0.json" and kept.is_file()
    with monkeypatch.context() as patched:
        patched.setattr(facts, "_measured", _not_decoded)
        assert json.dumps(_row(ablation)) == json.dumps(first)
    measured = []
    real = facts._measured
    monkeypatch.setattr(facts, "_measured", lambda *args: measured.append(args[2]) or real(*args))
    assert _row(ablation, SAMPLES * 2)["gen_notes_per_loop"] is not None  # other samples: another key
    assert measured == [SAMPLES * 2]
    kept.write_text('{"key": {"format": 1}, "numb')  # a damaged entry is computed again and written over
    assert json.dumps(_row(ablation)) == json.dumps(first)
    assert measured == [SAMPLES * 2, SAMPLES] and json.loads(kept.read_text())["numbers"]["gen_timing_std"] is not None


def test_the_key_changes_with_the_weights_the_samples_the_validation_loops_and_the_commit(ablation, monkeypatch):
    model, cfg = RunDir(ablation / "runs" / "all" / "seed-0").load_model()
    key = generated_key(model, cfg, SAMPLES, 0, "digest")
    assert generated_key(model, cfg, SAMPLES, 0, "digest") == key
    with monkeypatch.context() as patched:  # a checkout's other commit: every commit has the same version (helper-426)
        patched.setattr(generated_store, "source_commit", lambda: "0" * 12)
        assert generated_key(model, cfg, SAMPLES, 0, "digest") != key
    assert generated_key(model, cfg, SAMPLES + 1, 0, "digest") != key
    assert generated_key(model, cfg, SAMPLES, 1, "digest") != key
    assert generated_key(model, cfg, SAMPLES, 0, facts.NO_VALIDATION) != key
    next(model.parameters()).data.add_(1e-3)
    assert generated_key(model, cfg, SAMPLES, 0, "digest") != key
