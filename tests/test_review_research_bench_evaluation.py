"""``bench/evaluation.py`` end to end on a few quantized Essen tunes: numbers ``mvae evaluate`` leaves undefined
print as ``n/a``, each configuration's numbers are saved as it ends, and a run trained with other settings is not
reused silently."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--epochs", "1", "--samples", "16", "--set", "model.hidden=32", "--set", "data.transpositions=[]"]


def bench(data: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "bench" / "evaluation.py"), "--data", str(data), "--out", str(out), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_quantized_data_scores_and_a_changed_setting_is_refused(dev_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "essen"
    data.mkdir()
    for tune in sorted((dev_data / "essen_folk_quantized").glob("*.mid"))[:8]:
        shutil.copy(tune, data)
    out = tmp_path / "bench"
    done = bench(data, out, *TINY)
    assert done.returncode == 0, done.stderr[-2000:]  # it raised TypeError formatting the spread ratio's null
    assert "| spread n/a W1 " in done.stdout
    (result,) = json.loads((out / "essen" / "results.json").read_text())
    assert result["timing"]["spread_ratio"] is None and result["timing"]["data_within_0.05"] == 1.0
    refused = bench(data, out, *TINY[:-2], "--set", "data.transpositions=[-5, 5]")
    assert refused.returncode == 1
    assert "was trained with other settings (data.transpositions: [] → [-5, 5])" in refused.stderr
