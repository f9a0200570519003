"""The console's epoch line: numbers that mean something, words where a number is undefined."""

from __future__ import annotations

import math

from rich.console import Console

from mvae_core.progress import EpochDisplay, epoch_line, events_view

TERMS = {"onset": 32.9, "velocity": 0.02, "duration": 0.09, "timeshift": 0.03, "kl": 23.06, "total": 33.0}


def record(spread: float | None, data_std: float | None = 0.3) -> dict:
    return {
        "epoch": 0, "lr": 1e-3, "weights": {"kl": 0.0, "timeshift": 1 / 15, "onset": 1.0}, "train": TERMS,
        "val": TERMS, "val_elbo": 56.14, "onset_f1": 0.0, "rhythm_f1": 0.0, "timing_spread_ratio": spread, "active_units": 2,
        "timing_std": {"data": data_std, "recon": None if spread is None or data_std is None else spread * data_std},
        "seconds": 2.1,
    }  # fmt: skip


def test_the_epoch_line_counts_from_1_and_shows_only_multipliers_that_are_not_1():
    line = epoch_line(record(0.8), 2)
    assert line.startswith("epoch   1/2  loss    33.00")
    assert "spread 0.80" in line and "w kl×0 timeshift×0.0667  lr 1.00e-03" in line


def test_an_undefined_timing_spread_reads_quantized_not_nan():
    for spread in (math.nan, None):
        line = epoch_line(record(spread), 2)
        assert "spread quantized" in line and "nan" not in line


def test_a_ratio_over_nearly_quantized_validation_notes_reads_quantized_not_a_huge_number():
    """A folder of mostly quantized DAW clips: the validation notes' timing std was 0.0012 half-steps, and an
    untrained model's reconstruction (std 0.48) printed ``spread 399.71``, which a musician reads as broken."""
    assert "spread quantized" in epoch_line(record(399.71, data_std=0.0012), 2)
    assert "spread quantized" in epoch_line(record(0.8, data_std=0.019), 2)  # under 0.02 half-steps: 1.25 ms at 120 bpm
    assert "spread quantized" in epoch_line(record(math.nan, data_std=math.nan), 2)  # fewer than two notes
    assert "spread 0.80" in epoch_line(record(0.8, data_std=0.02), 2)
    assert "spread 0.01" in epoch_line(record(0.01, data_std=0.3), 2)  # real timing the model has not learned yet


def test_the_epoch_line_and_ts_variance_monitor_call_the_same_validation_notes_quantized():
    from mvae_core.report import QUANTIZED_STD
    from mvae_plugins.ts_variance_monitor import Config

    assert Config().quantized_std == QUANTIZED_STD


def test_start_up_warnings_show_before_the_first_epoch_and_only_once():
    console = Console(record=True, width=200, soft_wrap=True)  # as the CLI's consoles
    at_start = {"source": "kl_anneal", "level": "warning", "message": "the ramp outlasts the run"}
    later = {"source": "ts_variance_monitor", "level": "warning", "message": "timeshift collapse"}
    with EpochDisplay(console, 2) as display:
        display.started([at_start])
        display({**record(0.8), "events": [dict(at_start), later]})  # an equal message emitted again is shown
        display({**record(0.8), "epoch": 1, "events": []})
    lines = [line for line in console.export_text().splitlines() if line]  # the bar leaves a blank line
    assert lines[0] == "  kl_anneal: the ramp outlasts the run" and lines[1].startswith("epoch   1/2")
    assert lines[2:4] == ["  kl_anneal: the ramp outlasts the run", "  ts_variance_monitor: timeshift collapse"]
    assert lines[4].startswith("epoch   2/2") and len(lines) == 5


def test_small_loss_terms_that_still_fall_do_not_read_as_a_stuck_zero():
    """On constant velocities or quantized timing (corpus:essen) the velocity and timeshift terms fall from 0.0018 to
    0.0004 over the epochs: they show with two significant digits, not as 0.00 every epoch."""
    tiny = {**TERMS, "velocity": 0.00179, "duration": 0.0629, "timeshift": 0.000412}
    line = epoch_line({**record(None), "val": tiny}, 2)
    assert "vel 0.0018 dur  0.063 ts 0.00041 kl 23.06" in line
    assert "vel   0.02 dur   0.09 ts   0.03" in epoch_line(record(None), 2)  # from 0.01 up: 2 decimals, as 0.02 reads


def test_a_warning_on_the_terminal_of_the_bar_goes_above_the_bar_not_onto_its_line():
    """stdout and stderr on one terminal: a start-up warning written to stderr landed on the bar's line (the first
    one was overwritten by the bar's next refresh), so it goes through the bar's console; to a file it goes to the
    warnings console."""
    import io

    at_start = {"source": "kl_anneal", "level": "warning", "message": "the ramp outlasts the run"}
    for stderr_is_terminal in (True, False):
        out, err = io.StringIO(), io.StringIO()
        console = Console(file=out, force_terminal=True, width=200)
        warnings = Console(file=err, force_terminal=stderr_is_terminal, width=200)
        with EpochDisplay(console, 2, warnings=warnings) as display:
            display.started([at_start])
        shown = out.getvalue() if stderr_is_terminal else err.getvalue()
        assert "the ramp outlasts the run" in shown
        assert "the ramp outlasts the run" not in (err.getvalue() if stderr_is_terminal else out.getvalue())


def test_terms_plugins_add_show_after_the_core_terms_and_a_non_finite_loss_reads_as_a_word():
    """A plugin's loss term (mvae_loss) was in metrics.jsonl only, and a NaN validation total printed ``nan``."""
    val = {**TERMS, "l2z": 0.01234, "total": math.nan}
    line = epoch_line({**record(0.8), "val": val}, 2)
    assert "kl 23.06 l2z 0.012  f1 0.000" in line
    assert "val non-finite  elbo" in line and "nan" not in line
    assert "loss non-finite" in epoch_line({**record(0.8), "train": {**TERMS, "total": None}}, 2)  # null in JSON
    assert len(epoch_line(record(0.8), 2)) == len(line) - len(" l2z 0.012") - len("non-finite") + 8


def test_start_up_warnings_on_a_terminal_read_as_a_list_one_line_each_in_a_log():
    """Four plugins' start-up warnings of ~200 characters each were one long line each, wrapped by the terminal to
    its left edge: a wall of text. On a terminal each message now wraps under itself, clear of the names; a log or
    a pipe still gets one line per warning, to grep."""
    import io

    events = [
        {"source": "kl_anneal", "level": "warning", "message": "the kl schedule reaches its final multiplier " * 3},
        {"source": "ts_variance_monitor", "level": "warning", "message": "never checks: the ramps end in epoch 21"},
    ]
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80, color_system=None, soft_wrap=True)  # as the CLI's
    terminal.print(events_view(events, terminal))  # what EpochDisplay.started prints there, above its bar
    lines = [line.rstrip() for line in screen.getvalue().splitlines()]
    indent = len("  ts_variance_monitor: ")  # the longest name, then one space: where every message starts
    assert lines[0].startswith("  kl_anneal:" + " " * (indent - len("  kl_anneal:"))) and len(lines[0]) <= 80
    wrapped = lines[1:3]  # the first message wraps twice, each time back to where it started
    assert len(lines) == 4 and all(line[:indent].isspace() and line[indent] != " " for line in wrapped)
    assert lines[3] == "  ts_variance_monitor: never checks: the ramps end in epoch 21"
    log = io.StringIO()
    with EpochDisplay(Console(file=log, width=80, soft_wrap=True), 2) as display:
        display.started(events)
    assert log.getvalue().splitlines() == [f"  {e['source']}: {e['message']}" for e in events]


def test_a_log_says_how_long_the_run_has_left_and_a_terminal_leaves_it_to_the_bar():
    """Without a bar (a log: nohup, a batch job, an ablation's run logs) nothing said how long a run had left."""
    import io

    from mvae_core.progress import time_left

    log = io.StringIO()
    with EpochDisplay(Console(file=log, width=80, soft_wrap=True), 4, first_epoch=1) as display:  # resumed
        for epoch, seconds in ((1, 30.0), (2, 90.0), (3, 12.0)):
            display({**record(0.8), "epoch": epoch, "seconds": seconds, "events": []})
    lines = log.getvalue().splitlines()
    assert lines[0].endswith("30.0s  ~1 min left") and lines[1].endswith("90.0s  ~1 min left")  # 2 × 30, 1 × 60
    assert lines[2].endswith("12.0s")  # the last epoch: nothing left to say
    assert [time_left(s) for s in (0.2, 59.4, 119, 7199, 7200, 36000)] == [
        "~1 s left", "~59 s left", "~2 min left", "~120 min left", "~2.0 h left", "~10.0 h left"
    ]  # fmt: skip
    screen = io.StringIO()
    with EpochDisplay(Console(file=screen, force_terminal=True, width=300, soft_wrap=True), 4) as display:
        display({**record(0.8), "epoch": 0, "seconds": 30.0, "events": []})
    assert "left" not in screen.getvalue()  # the bar shows its own eta there
