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

from tests.bench import load_bench, run_script

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


def _scored(**reconstruction: float | None) -> dict:
    """One result of the bench (``mvae evaluate --json``'s groups and the bench's facts), every number 0.5 but the
    ``reconstruction`` ones given."""
    return {
        "model": "seed", "head": "categorical", "latent_dim": 2, "train_seed": 0, "epochs_run": 1, "pitch": {},
        "reconstruction": dict.fromkeys(("onset_f1", "origin_onset_f1", "onset_f1_vs_origin", "timing_mae_half_steps",
                                         "feel_oracle_mae_half_steps"), 0.5) | reconstruction,
        "timing": dict.fromkeys(("spread_ratio", "wasserstein1", "generated_within_0.05", "data_within_0.05"), 0.5),
        "generated": dict.fromkeys(("notes_per_loop", "data_notes_per_loop", "density_ratio"), 0.5),
        "latent": {"active_units": 2, "kl_per_dimension": [1.0, 1.0]},
    }  # fmt: skip


def test_the_rows_print_the_timing_error_s_ratio_to_the_feel_oracle_quantized_where_undefined() -> None:
    """The rows printed the timing MAE and the oracle's but not ``timing_mae_vs_feel_oracle``, the number of
    docs/evaluation.md that says whether the timing head beats each loop's own push or lag."""
    summary_lines = load_bench("evaluation.py").summary_lines
    assert (
        "| timing MAE 0.500 oracle 0.500 (ratio 0.947) |" in summary_lines(_scored(timing_mae_vs_feel_oracle=0.9466))[0]
    )
    quantized = summary_lines(_scored(feel_oracle_mae_half_steps=0.0, timing_mae_vs_feel_oracle=None))[0]
    assert "| timing MAE 0.500 oracle 0.000 (ratio quantized) |" in quantized  # evaluate's null, its table's word
    assert "(ratio n/a)" in summary_lines(_scored())[0]  # a result saved before evaluate reported it


def test_the_ratio_to_the_feel_oracle_is_summarised_over_the_train_seeds() -> None:
    across_seeds = load_bench("evaluation.py").across_seeds
    results = [_scored(timing_mae_vs_feel_oracle=v) | {"run": f"z2{s}"} for v, s in ((0.9, ""), (1.0, "-s1"))]
    (line,) = across_seeds(results)
    assert "; timing/oracle 0.95 ± 0.071 [0.315, 1.59]; " in line, line
    quantized = [_scored(timing_mae_vs_feel_oracle=None) | {"run": f"z2{s}"} for s in ("", "-s1")]
    assert "; timing/oracle quantized; " in across_seeds(quantized)[0]
    assert "; timing/oracle n/a; " in across_seeds([_scored() | {"run": f"z2{s}"} for s in ("", "-s1")])[0]
