"""``init_from`` takes a run loaded with ``mvae_core.load`` as ``generate`` and ``evaluate`` do (a notebook holds one):
it raised ``OptionError: init_from is a trained run's folder or its model file …, got Run(…)``."""

from __future__ import annotations

import tomllib

import mvae_core


def test_a_loaded_run_gives_its_best_model(tiny_run, synth_dir, tmp_path):
    loaded = mvae_core.load(tiny_run)
    tuned = mvae_core.train([synth_dir], tmp_path / "tuned", plugins=[], epochs=1, init_from=loaded, progress=False)
    record = tomllib.loads((tuned.path / "config.toml").read_text(encoding="utf-8"))["provenance"]["init_from"]
    assert record["path"] == str((tiny_run / "model.safetensors").resolve())
