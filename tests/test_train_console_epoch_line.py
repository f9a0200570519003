"""The epoch line of the training console: plugin loss terms as they are named, and its width.

A loss term a plugin adds (``mvae_loss``) may have any non-empty name: the epoch line printed ``l2[z]`` as ``l2``
(rich read ``[z]`` as a style), and a name holding ``[/]`` stopped the training with a rich MarkupError.

The epoch line ran to ~195 columns: a terminal of 120 broke it at whatever character reached the edge. On a
terminal (or in Jupyter) narrower than the line it is now broken between terms, the losses, then the rest, each on
as many lines as the width needs, every line after the first under ``loss``; a log file or a pipe keeps one line per
epoch (grep, the docs' quoted output). The first fix split it once whatever the width: at 80 columns (macOS
Terminal's and xterm's default) both halves, ~108 and ~87 columns, wrapped again inside words ("du/r", "k/l")."""

from __future__ import annotations

import io
import re

from rich.console import Console

from mvae_core.progress import EpochDisplay, epoch_line
from tests.test_progress import TERMS, record


def test_plugin_term_names_print_as_they_are():
    out = io.StringIO()
    with EpochDisplay(Console(file=out, width=300, highlight=False, soft_wrap=True), 2) as display:
        rec = record(0.8)
        rec |= {"val": {**TERMS, "l2[z]": 0.012, "x[/]": 0.5}, "weights": {"l2[z]": 0.5}, "events": []}
        display(rec)
    line = out.getvalue()
    assert "kl 23.06 l2[z] 0.012 x[/] 0.50  f1" in line and "w l2[z]×0.5  lr" in line


def test_a_closing_tag_in_a_term_name_does_not_stop_the_training():
    out = io.StringIO()
    with EpochDisplay(Console(file=out, width=300), 2) as display:
        display(record(0.8) | {"val": {**TERMS, "x[/]": 0.5}, "events": []})
    assert "kl 23.06 x[/] 0.50  f1" in out.getvalue()


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def shown(width: int, terminal: bool) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=width, highlight=False, soft_wrap=True)
    with EpochDisplay(console, 100) as display:
        display({**record(0.8), "epoch": 99, "events": []})
    lines = [line.split("\r")[-1] for line in ANSI.sub("", out.getvalue()).split("\n")]  # \r: the bar redrawn
    return [line for line in lines if line.strip() and not line.startswith("training")]


def test_a_terminal_of_120_columns_gets_two_lines_that_fit():
    one = epoch_line({**record(0.8), "epoch": 99}, 100)
    assert len(one) > 120
    lines = shown(120, terminal=True)
    assert len(lines) == 2 and all(len(line) <= 120 for line in lines), lines
    assert lines[0].startswith("epoch 100/100  loss    33.00") and lines[0].endswith("kl 23.06")
    assert lines[1] == " " * len("epoch 100/100  ") + one.split("kl 23.06  ")[1]
    assert lines[1].lstrip().startswith("f1 0.000 rhythm 0.000  spread 0.80  au 2  w kl×0")
    assert " ".join(lines).split() == one.split()  # nothing lost


def test_a_wide_terminal_and_a_log_keep_one_line():
    one = epoch_line({**record(0.8), "epoch": 99}, 100)
    assert shown(250, terminal=True) == [one]
    assert shown(80, terminal=False) == [one]  # a file: rich's width is 80 there, the line is kept whole


def test_an_80_column_terminal_gets_four_lines_that_fit_broken_between_terms():
    one = epoch_line({**record(0.8), "epoch": 99}, 100)
    lines = shown(80, terminal=True)
    assert all(len(line) <= 80 for line in lines), lines
    indent = " " * len("epoch 100/100  ")
    assert [
        line.split()[0] if line.startswith("epoch") else line.removeprefix(indent).split()[0] for line in lines
    ] == ["epoch", "on", "f1", "w"], (
        lines
    )  # loss val elbo / on vel dur ts kl / f1 rhythm spread au / w lr seconds, each under loss
    assert all(line.startswith(indent) and line[len(indent)] != " " for line in lines[1:]), lines
    assert lines[0].endswith("elbo    56.14") and lines[1].endswith("kl 23.06") and lines[2].endswith("au 2")
    assert " ".join(lines).split() == one.split()  # nothing lost, no term cut in two


def test_terminals_of_60_to_100_columns_break_only_between_terms_and_fit():
    one = epoch_line({**record(0.8), "epoch": 99}, 100)
    names = {"val", "elbo", "on", "vel", "dur", "ts", "kl", "f1", "rhythm", "spread", "au", "w", "lr", "2.1s"}
    for width in (60, 70, 90, 100):
        lines = shown(width, terminal=True)
        assert all(len(line) <= width for line in lines), (width, lines)
        assert " ".join(lines).split() == one.split(), width  # nothing lost, no term cut in two
        assert all(line.split()[0] in names for line in lines[1:]), (width, lines)  # each goes on with a term


def test_the_time_left_ends_the_last_line_and_counts_in_its_width():
    """Jupyter without ipywidgets (no bar): the time left is the last term, on the last line, within the width."""
    from mvae_core.progress import time_left

    lines = epoch_line({**record(0.8), "epoch": 0}, 2, 80, time_left(60)).split("\n")
    assert lines[-1].endswith("2.1s  ~1 min left") and all(len(line) <= 80 for line in lines), lines


def test_quickstart_shows_the_80_column_layout_the_console_prints():
    """docs/quickstart.md (Reading the training output) said a narrow terminal shows each epoch as two lines."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "quickstart.md").read_text(encoding="utf-8")
    logged = next(line for line in text.splitlines() if line.startswith("epoch   1/2  loss"))
    start = text.index("At 80 columns that is four lines:")
    block = text[start:].split("```")[1].strip("\n").splitlines()
    printed = epoch_line({**record(0.8), "epoch": 0}, 2, 80).splitlines()
    assert " ".join(block).split() == logged.removesuffix("  ~6 s left").split()  # the log's epoch 1, broken
    assert [line.split()[0] for line in block] == [line.split()[0] for line in printed] == ["epoch", "on", "f1", "w"]
    assert all(len(line) <= 80 and line[:13] == p[:13] for line, p in zip(block, printed, strict=True))  # aligned


def test_a_terminal_too_narrow_for_the_indent_drops_it_rather_than_pass_the_width():
    """Below about 40 columns the indent under ``loss`` and one term were wider than the terminal, which wrapped
    those lines inside words again; a line whose first term does not fit after the indent starts at column 0."""
    one = epoch_line({**record(0.8), "epoch": 0}, 2)
    for width in (20, 30):
        lines = epoch_line({**record(0.8), "epoch": 0}, 2, width).split("\n")
        wider = [line for line in lines if len(line) > width]  # only a term wider than the terminal on its own
        assert set(wider) <= {"w kl×0 timeshift×0.0667"}, (width, lines)
        assert " ".join(lines).split() == one.split(), width  # nothing lost
