"""The epoch line of the training console: plugin loss terms as they are named, and its width.

A loss term a plugin adds (``mvae_loss``) may have any non-empty name: the epoch line printed ``l2[z]`` as ``l2``
(rich read ``[z]`` as a style), and a name holding ``[/]`` stopped the training with a rich MarkupError.

The epoch line ran to ~195 columns: a terminal of 120 broke it at whatever character reached the edge. On a
terminal (or in Jupyter) narrower than the line it is now two lines, split between the losses and the rest, the
second under ``loss``; a log file or a pipe keeps one line per epoch (grep, the docs' quoted output)."""

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
