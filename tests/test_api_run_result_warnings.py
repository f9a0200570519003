"""``train(..., progress=False)`` hid the plugins' warnings: a 2-epoch run whose ``kl_anneal`` ramp reaches the full
KL weight in epoch 21 trained at 5 % of it, and nothing said so (a researcher comparing such runs compares no fix).
``RunResult.warnings()`` gives them, each once, as the console would have printed them (beside mvae's own, source
``core``: tests/test_api_training_warnings.py)."""

from __future__ import annotations

from pathlib import Path

import mvae_core
from tests.training import TINY


def test_a_quiet_run_still_tells_its_plugins_warnings(synth_dir: Path, tmp_path: Path) -> None:
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, progress=False,
                             plugins=["kl_anneal", "ts_ramp"])  # fmt: skip
    said = [line for line in result.warnings() if not line.startswith("core: ")]  # 6 files: few validation loops
    assert [line.split(":")[0] for line in said] == ["kl_anneal", "ts_ramp"], said
    assert "kl_anneal: " in said[0] and "epoch" in said[0]
    epochs = [e for r in result.metrics() for e in r["events"] if e["level"] == "warning" and e["source"] != "core"]
    assert len(said) == len({(e["source"], e["message"]) for e in epochs}) == 2


def test_a_run_without_plugins_has_no_plugin_warnings(synth_dir: Path, tmp_path: Path) -> None:
    result = mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, epochs=1, progress=False, plugins=[])
    assert [line.split(":")[0] for line in result.warnings()] == ["core"]  # few validation loops, mvae's own
