"""The epoch line's kl column: a KL term that collapsed towards 0 (``au 0``) still shows how small it is."""

from __future__ import annotations

from mvae_core.progress import epoch_line

TERMS = {"onset": 56.9, "velocity": 0.19, "duration": 0.12, "timeshift": 43.73, "kl": 23.06, "total": 63.27}


def record(kl: float) -> dict:
    return {
        "epoch": 0, "lr": 1e-3, "weights": {"kl": 0.0}, "train": TERMS, "val": {**TERMS, "kl": kl},
        "val_elbo": 144.92, "onset_f1": 0.045, "rhythm_f1": 0.398, "timing_spread_ratio": 1.04, "active_units": 0,
        "timing_std": {"data": 0.56, "recon": 0.58}, "seconds": 5.5,
    }  # fmt: skip


def test_a_kl_term_near_zero_reads_with_two_significant_digits_not_as_a_stuck_zero():
    """8 WJD solos, epoch 1 under kl×0: the validation KL was 0.0137 with au 0 and printed ``kl  0.01``; a KL of
    0.004 printed ``kl  0.00`` every epoch, the stuck zero a collapsed latent space shows, while it still moved."""
    assert "kl 0.0041  f1" in epoch_line(record(0.00412), 2)
    assert "kl 0.014  f1" in epoch_line(record(0.0137), 2)
    assert "kl 4.4e-05  f1" in epoch_line(record(4.4e-05), 2)


def test_a_kl_term_from_0_1_up_keeps_its_two_decimals_in_its_column():
    assert "kl 23.06  f1" in epoch_line(record(23.06), 2)
    assert "kl  1.45  f1" in epoch_line(record(1.45), 2)
    assert "kl  0.10  f1" in epoch_line(record(0.1), 2)
