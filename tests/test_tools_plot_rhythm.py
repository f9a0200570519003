"""``mvae plot`` draws ``rhythm_f1`` beside ``onset_f1``: the training console shows both, and with the default
decoder the onset F1 (pitch and step) stays low while the rhythm F1 (step only) is the number that moves, so the
plot showed a flat line at the bottom of its panel where the console showed progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.tools.curves import draw_curves


def test_the_last_panel_has_both_f1_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import matplotlib.pyplot as plt

    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)
    losses = {"train": {"kl": 1.0, "onset": 9.0}, "val": {"kl": 1.2, "onset": 9.5}, "val_elbo": 11.0, "lr": 1e-3}
    records = [{"epoch": e, "onset_f1": 0.04, "rhythm_f1": 0.3 + e / 10, "active_units": 2} | losses for e in range(3)]
    draw_curves(records, tmp_path / "c.png", "t")
    (figure,) = drawn
    lines = {line.get_label(): list(line.get_ydata()) for ax in figure.axes for line in ax.get_lines()}
    assert lines["onset_f1"] == [0.04] * 3
    assert lines["rhythm_f1"] == pytest.approx([0.3, 0.4, 0.5])


def test_quantized_data_and_a_long_warning_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """On quantized data (make demo) the timing panel's legend listed timing_spread_ratio with no line beside it, and
    the event footer cut a long warning at 150 characters, losing its advice."""
    import matplotlib.pyplot as plt

    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)
    said = ("the validation data has no timing spread (its notes sit on the 16th grid, std 0.000 half-steps), so the "
            "spread ratio is undefined and there is nothing to watch: this monitor is not needed")  # fmt: skip
    warning = {"source": "ts_variance_monitor", "level": "warning", "message": said}
    losses = {"train": {"kl": 1.0}, "val": {"kl": 1.2}, "val_elbo": 11.0, "lr": 1e-3, "timing_spread_ratio": None}
    records = [{"epoch": e, "events": [warning] if e == 1 else []} | losses for e in range(3)]
    draw_curves(records, tmp_path / "c.png", "t")
    (figure,) = drawn
    labels = [text.get_text() for ax in figure.axes if ax.get_legend() for text in ax.get_legend().get_texts()]
    assert "timing_spread_ratio: none (quantized data)" in labels
    footer = " ".join(text.get_text().strip() for text in figure.texts)
    assert "this monitor is not needed" in footer
