"""``bench/pitch_folds.py``'s folds and pooling, on tiny synthetic inputs (no training): every group in one fold,
fold 0 the held-out group of ``bench/evaluation.py``; the pooled baseline is each fold's own random notes, and each
fold's generated loops weigh as much as its held-out loops."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from mvae_core.pitch_structure import LoopNotes
from tests.bench import BENCH, load_bench


@pytest.fixture
def folds(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))  # it imports bench/evaluation.py beside it, as when it runs
    return load_bench("pitch_folds.py")


def loops(*rows: list[int]) -> LoopNotes:
    """Loops whose notes are ``rows`` in order, one note per step."""
    owner = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    step = np.concatenate([np.arange(len(r)) for r in rows])
    return LoopNotes(len(rows), owner.astype(np.int64), step.astype(np.int64), np.concatenate(rows).astype(np.int64))


def test_every_group_is_in_one_fold_and_fold_0_is_the_evaluation_scripts_held_out_group(
    folds: ModuleType, tmp_path: Path
) -> None:
    players = [f"player {i}" for i in range(7)]
    lines = ["file,performer"]
    for i in range(20):
        (tmp_path / f"solo{i:02d}.mid").write_bytes(b"")
        lines.append(f"solo{i:02d}.mid,{players[i % 7]}")
    (tmp_path / "manifest.csv").write_text("\n".join(lines) + "\n")
    parts, column = folds.fold_files(tmp_path, 3, seed=4)
    assert column == "performer"
    assert sorted(p for part in parts for p in part) == sorted(tmp_path.glob("*.mid"))
    names = [folds.group_names(tmp_path, column, part) for part in parts]
    assert sorted(n for fold in names for n in fold) == players
    assert [len(n) for n in names] == [2, 3, 2]  # round(7/3), round(14/3) − 2, 7 − 5
    assert parts[0] == folds.evaluation.split_groups(tmp_path, 1 / 3, 4)[1]


def test_more_folds_than_groups_is_refused(folds: ModuleType, tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"tune{i}.mid").write_bytes(b"")
    with pytest.raises(SystemExit, match="--folds 4 is more than the groups"):
        folds.fold_files(tmp_path, 4, seed=0)


def test_pooled_baseline_is_each_folds_own_key_and_folds_weigh_as_their_held_out_loops(folds: ModuleType) -> None:
    # fold A's players play only C (row 0), fold B's only F sharp (row 6): random notes in each fold's own key are
    # one pitch class per loop (entropy 0); drawn from the pooled histogram they would mix both
    held_a, held_b = loops([0, 0], [0, 0]), loops([6, 6], [6, 6], [6, 6], [6, 6])
    made_a = loops(*[[1, 3]] * 8)  # 2 notes a loop
    made_b = loops(*[[1, 3, 5, 8]] * 8)  # 4 notes a loop
    result = folds.pooled([(held_a, made_a), (held_b, made_b)], pitch_low=48, seed=0)
    assert result["pc_entropy"]["baseline"] == 0.0
    assert result["in_key"]["baseline"] == 1.0
    # all 6 held-out loops; of the generated, 4 of A's (2 held-out loops of B's 4) and all 8 of B's
    assert result["notes"]["data"] == 2.0
    assert result["notes"]["generated"] == pytest.approx((4 * 2 + 8 * 4) / 12)
    assert result["mean_interval"]["data"] == 0.0


def test_concatenate_keeps_each_loop_whole(folds: ModuleType) -> None:
    joined = folds.concatenate([loops([0, 2]), loops([4], [5, 7, 9])])
    assert joined.n_loops == 3
    assert joined.loop.tolist() == [0, 0, 1, 2, 2, 2]
    assert joined.row.tolist() == [0, 2, 4, 5, 7, 9]
