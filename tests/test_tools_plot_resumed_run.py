"""``mvae plot`` of a run stopped with Ctrl-C and resumed: the plugins repeat their four start-up warnings on each
start, and the footer listed every copy (``epoch 1 warning: kl_anneal: …``, then ``epoch 2 warning: kl_anneal: …``),
so after one resume its 8 lines were the same four warnings twice and a later event, the stop of early stopping, was
``… and 1 more events``. A repeated event is listed once with its epochs; a warning keeps its advice, at its end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mvae_core.tools.curves import draw_curves

# What a 6-epoch run with the default plugins records on each start (metrics.jsonl of a musician's run).
KL = (
    "the kl schedule linear(start=0, end=1, epochs=20, delay=0) reaches its final multiplier 1 in epoch 21, but this "
    "run ends with epoch 6 (multiplier 0.25 there); train for 21 epochs or more (--epochs 21; in Python, epochs=21), "
    "or shorten plugins.kl_anneal.schedule"
)
TS = (
    "the timeshift schedule linear(start=0.0666667, end=1, epochs=14, delay=0) reaches its final multiplier 1 in epoch "
    "15, but this run ends with epoch 6 (multiplier 0.4 there); train for 15 epochs or more (--epochs 15; in Python, "
    "epochs=15), or shorten plugins.ts_ramp.schedule"
)
START_UP = [
    {"source": "kl_anneal", "level": "warning", "message": KL},
    {"source": "ts_ramp", "level": "warning", "message": TS},
    {"source": "early_stopping", "level": "warning", "message": "can never stop: patience counts from epoch 21"},
    {"source": "ts_variance_monitor", "level": "warning", "message": "never checks: the ramps end in epoch 21"},
]
STOP = {"source": "early_stopping", "level": "stop", "message": "no val_elbo improvement for 3 epochs"}


def footer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, records: list[dict[str, Any]]) -> str:
    """The text under the panels of the figure ``draw_curves`` makes of ``records``, its lines joined by spaces."""
    import matplotlib.pyplot as plt

    drawn: list[Any] = []
    monkeypatch.setattr(plt, "close", drawn.append)
    draw_curves(records, tmp_path / "curves.png", "runs/solos: training curves")
    (figure,) = drawn
    return " ".join(text.get_text().strip() for text in figure.texts)


def record(epoch: int, events: list[dict[str, str]]) -> dict[str, Any]:
    losses = {"train": {"onset": 60.0, "kl": 4.0}, "val": {"onset": 61.0, "kl": 3.9}, "val_elbo": 160.0}
    return {"epoch": epoch, "lr": 1e-3, "events": events} | losses


def test_a_resumed_runs_start_up_warnings_are_listed_once_whole_and_the_stop_is_listed(tmp_path, monkeypatch):
    # stopped with Ctrl-C after epoch 1, resumed: the warnings again with epoch 2; early stopping stops after epoch 6
    records = [record(0, START_UP), record(1, START_UP), *(record(e, []) for e in range(2, 5)), record(5, [STOP])]
    text = footer(tmp_path, monkeypatch, records)  # one figure for every check: drawing one takes a second
    assert text.count("kl_anneal:") == 1 and text.count("ts_variance_monitor:") == 1
    assert "epochs 1, 2 warning: kl_anneal: the kl schedule" in text
    assert "epoch 6 stop: early_stopping: no val_elbo improvement for 3 epochs" in text
    assert "more events" not in text
    assert "or shorten plugins.ts_ramp.schedule" in text  # the longest warning's advice, at its end
