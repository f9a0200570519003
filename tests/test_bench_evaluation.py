"""``bench/evaluation.py`` end to end on a few quantized Essen tunes: numbers ``mvae evaluate`` leaves undefined
print as ``n/a``, each configuration's numbers are saved as it ends, and a run trained with other settings is not
reused silently."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.bench import run_script

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--epochs", "1", "--samples", "16", "--set", "model.hidden=32", "--set", "data.transpositions=[]"]


def bench(data: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command, in this process (its ``mvae train`` and ``mvae evaluate`` still run as processes)."""
    with contextlib.chdir(ROOT):
        return run_script("evaluation.py", "--data", str(data), "--out", str(out), *args)


def test_quantized_data_scores_and_a_changed_setting_is_refused(dev_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "essen"
    data.mkdir()
    for tune in sorted((dev_data / "essen_folk_quantized").glob("*.mid"))[:8]:
        shutil.copy(tune, data)
    out = tmp_path / "bench"
    done = bench(data, out, *TINY)
    assert done.returncode == 0, done.stderr[-2000:]  # it raised TypeError formatting the spread ratio's null
    assert "| spread quantized W1 " in done.stdout  # the word evaluate and the training console print (it said n/a)
    (result,) = json.loads((out / "essen" / "results.json").read_text())
    assert result["timing"]["spread_ratio"] is None and result["timing"]["data_within_0.05"] == 1.0
    refused = bench(data, out, *TINY[:-2], "--set", "data.transpositions=[-5, 5]")
    assert refused.returncode == 1
    assert "was trained with other settings (data.transpositions: [] → [-5, 5])" in refused.stderr


def test_asap_performances_of_one_piece_stay_on_one_side(tmp_path: Path) -> None:
    """ASAP's manifest names a ``piece`` (no performer or title): the split went by file, so other performances of
    every held-out piece were trained on."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from evaluation import split_groups
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rows = ["file,piece,composer,performance"]
    for piece in range(6):
        for player in range(3):
            name = f"p{piece}_{player}.mid"
            (tmp_path / name).write_bytes(b"")
            rows.append(f"{name},Bach/Fugue/{piece},Bach,Bach/Fugue/{piece}/{player}")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    train, held, column = split_groups(tmp_path, 1 / 3, seed=0)
    assert column == "piece" and len(held) == 6
    assert {p.name.split("_")[0] for p in train}.isdisjoint({p.name.split("_")[0] for p in held})
