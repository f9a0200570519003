"""mvae_core.train's epoch display in a Jupyter notebook that has no ipywidgets (mvae does not install it)."""

from __future__ import annotations

import sys
import warnings

from rich.console import Console

from mvae_core.progress import EpochDisplay

TERMS = {"onset": 32.9, "velocity": 0.02, "duration": 0.09, "timeshift": 0.03, "kl": 23.06, "total": 33.0}


def record(epoch: int) -> dict:
    return {
        "epoch": epoch, "lr": 1e-3, "weights": {}, "train": TERMS, "val": TERMS, "val_elbo": 56.14, "onset_f1": 0.0,
        "rhythm_f1": 0.0, "timing_spread_ratio": 0.8, "active_units": 2, "timing_std": {"data": 0.3, "recon": 0.24},
        "seconds": 30.0, "events": [],
    }  # fmt: skip


def test_without_ipywidgets_the_cell_gets_no_rich_warning_and_the_epoch_lines_say_the_time_left(monkeypatch):
    """The walk-through of docs/python_api.md run as a notebook (nbclient, a kernel without ipywidgets): the train
    cell showed ``UserWarning: install "ipywidgets" for Jupyter support`` from rich's internals, no bar, and no time
    left anywhere, since the epoch lines leave that to the bar."""
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets raises ImportError
    console = Console(force_jupyter=True, record=True, width=115)  # rich's width in Jupyter
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with EpochDisplay(console, 3) as display:
            display(record(0))
            display(record(1))
            display(record(2))
    lines = console.export_text().splitlines()
    assert lines[0].startswith("epoch   1/3  loss") and lines[0].endswith("kl 23.06")  # too wide: two lines
    assert lines[1].endswith("30.0s  ~1 min left") and lines[3].endswith("30.0s  ~30 s left")
    assert lines[5].endswith("30.0s") and len(lines) == 6  # and no blank line a bar leaves
