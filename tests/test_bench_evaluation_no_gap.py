"""``bench/evaluation.py``'s pitch row says ``no gap`` where ``mvae evaluate``'s table does (random notes already
look like the data), not the ``n/a`` it prints for a number that is missing (it printed ``gap n/a`` for both)."""

from __future__ import annotations

import numpy as np

from mvae_core.generation import Note
from mvae_core.pitch_structure import LoopNotes, compare
from tests.bench import load_bench


def test_the_pitch_row_says_no_gap_where_evaluate_does():
    summary_lines = load_bench("evaluation.py").summary_lines
    rng = np.random.default_rng(1)

    def loops(high: int) -> LoopNotes:
        return LoopNotes.from_notes([[Note(k, int(r), 1.0, 0.5, 0.0) for k, r in
                                      enumerate(rng.integers(0, high, 12))] for _ in range(300)])  # fmt: skip

    pitch = compare(loops(24), loops(5), 48, seed=0)  # the data are random notes: entropy has no gap to close
    assert pitch["pc_entropy"]["gap_closed"] is None and pitch["pc_entropy"]["separation"] < 0.2
    result = {
        "model": "seed", "head": "categorical", "latent_dim": 2, "train_seed": 0, "epochs_run": 1, "pitch": pitch,
        "reconstruction": dict.fromkeys(("onset_f1", "origin_onset_f1", "onset_f1_vs_origin", "timing_mae_half_steps",
                                         "feel_oracle_mae_half_steps"), 0.5),
        "timing": dict.fromkeys(("spread_ratio", "wasserstein1", "generated_within_0.05", "data_within_0.05"), 1.0),
        "generated": dict.fromkeys(("notes_per_loop", "data_notes_per_loop", "density_ratio"), 1.0),
        "latent": {"active_units": 2, "kl_per_dimension": [1.0, 1.0]},
    }  # fmt: skip
    row = summary_lines(result)[1]
    assert "pc_entropy" in row and "gap no gap," in row.split("pc_entropy")[1].split(")")[0]
    assert "gap n/a," in row.split(" notes ")[1]  # notes: no number, no word
