"""``mvae evaluate RUN DATA --against OTHER`` as a researcher reads it (session 41's review). At 80 columns, the
table broke names mid-word onto lines of their own (``onset_f1_vs_origi`` / ``n``), which read as extra rows; now
the intervals wrap at their spaces and a name is broken only after a ``.`` or ``_``, its rest indented under it. And
the line under the table named a better run without saying what the single-run table says: its intervals are over
the draw of the loops for these two trained models, not over training seeds (another seed can reverse a verdict);
``--json`` says it as ``covers``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import mvae_core
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.cli_evaluate import _comparison_table, _folded
from mvae_core.evaluation_paired import COVERS
from tests.training import TINY


@pytest.fixture(scope="module")
def other_seed(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny set-up trained from another seed for one epoch: numbers that differ from the tiny run's, so that
    the table's columns are as wide as two real runs make them."""
    out = tmp_path_factory.mktemp("paired-narrow") / "run"
    mvae_core.train([synth_dir], out, overrides=[*TINY, "train.seed=1"], epochs=1, progress=False)
    return out


def compared(tiny_run: Path, other: Path, data: Path, monkeypatch: pytest.MonkeyPatch, *more: str, width: int = 80):
    monkeypatch.setattr(cli_output.out, "width", width)
    args = ["evaluate", str(tiny_run), str(data), "--against", str(other), "--samples", "16", "--resamples", "200"]
    printed = CliRunner().invoke(app, [*args, *more], terminal_width=width)
    assert printed.exit_code == 0, printed.output
    return printed.stdout


def printed_names(stdout: str) -> list[list[str]]:
    """Each number's name as the table prints it: the pieces of its lines, the first indented two spaces (a row of
    the table), each further one four (the rest of a name broken after a ``.`` or ``_``)."""
    lines = stdout.splitlines()
    names = []
    for index, line in enumerate(lines):
        if not (line.startswith("  ") and not line.startswith("   ") and line.split()):
            continue
        pieces = [line.split()[0]]
        for under in lines[index + 1 :]:
            if pieces[-1][-1] not in "._" or not under.startswith("    ") or under.startswith("     "):
                break
            pieces.append(under.split()[0])
        names.append(pieces)
    return names


@pytest.mark.parametrize("width", [80, 72])
def test_no_name_is_broken_inside_a_word(
    width: int, tiny_run: Path, other_seed: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdout = compared(tiny_run, other_seed, synth_dir, monkeypatch, width=width)
    assert max(map(len, stdout.splitlines())) <= width, stdout
    keys = json.loads(compared(tiny_run, other_seed, synth_dir, monkeypatch, "--json"))["numbers"]
    names = printed_names(stdout)
    assert ["".join(pieces) for pieces in names] == [key.split(".", 1)[1] for key in keys], stdout
    for pieces in names:
        assert all(piece[-1] in "._" for piece in pieces[:-1]), pieces
    if width == 80:  # every name whole, the intervals wrapped instead
        assert all(len(pieces) == 1 for pieces in names), stdout
    else:  # narrower: some names broken, each after a . or _
        assert any(len(pieces) > 1 for pieces in names), stdout


def test_a_name_breaks_only_after_a_dot_or_an_underscore() -> None:
    assert _folded("timing_mae_half_steps", 30) == "  timing_mae_half_steps"
    assert _folded("timing_mae_half_steps", 18).splitlines() == ["  timing_mae_half_", "    steps"]
    assert _folded("mean_interval.gap_closed", 17).splitlines() == ["  mean_interval.", "    gap_closed"]
    assert _folded("wasserstein1", 5) == "  wasserstein1"  # a word wider than the room stays whole


def test_the_verdicts_say_they_are_not_over_training_seeds_and_json_says_what_they_cover(
    tiny_run: Path, other_seed: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = " ".join(compared(tiny_run, other_seed, synth_dir, monkeypatch, width=100).split())
    footer = said[said.index("A − B [low, high]") :]
    assert f"Intervals and verdicts are {COVERS}: another training seed can reverse a verdict" in footer
    assert "compare configurations with mvae ablate" in footer
    assert COVERS == "over the draw of the loops for these two trained models, not over training seeds"
    as_json = json.loads(compared(tiny_run, other_seed, synth_dir, monkeypatch, "--json"))
    assert as_json["covers"] == COVERS


def every_row_whole(printed: str, entries: dict[str, dict]) -> None:
    """Each number's row of the printed comparison table carries its verdict (at the end of its first line) and its
    interval (on its lines), nothing cut to an ellipsis."""
    assert "…" not in printed, printed
    lines = printed.splitlines()
    rows = [index for index, line in enumerate(lines) if line.startswith("  ") and not line.startswith("   ")]
    assert len(rows) == len(entries), printed
    for index, entry in zip(rows, entries.values(), strict=True):
        below = lines[index + 1 :]
        row = [lines[index], *below[: next((i for i, line in enumerate(below) if not line.startswith("   ")), None)]]
        verdict = {"a": "A", "b": "B", "neither": "neither", None: "n/a"}[entry["better"]]
        assert lines[index].split()[-1] == verdict, row
        if entry["interval"] is not None and None not in entry["interval"]:
            words = " ".join(row).split()
            low, high = (f"{bound:.3g}" for bound in entry["interval"])
            assert f"[{low}," in words and f"{high}]" in words, row


@pytest.mark.parametrize("width", [50, 60])
def test_a_narrow_terminal_keeps_every_interval_and_verdict(
    width: int, tiny_run: Path, other_seed: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below the width where the names can fold, the table once dropped the interval column (56 and under with
    real runs) or cut ``better`` to ``nei`` (58-62), with no sign; now it is printed whole, past the width where it
    must be, and the terminal wraps it."""
    entries = json.loads(compared(tiny_run, other_seed, synth_dir, monkeypatch, "--json"))["numbers"]
    every_row_whole(compared(tiny_run, other_seed, synth_dir, monkeypatch, width=width), entries)


def test_at_any_width_the_table_is_whole_and_fits_where_it_can(
    tiny_run: Path, other_seed: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = json.loads(compared(tiny_run, other_seed, synth_dir, monkeypatch, "--json"))
    fitted = []
    for width in range(30, 101):
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(_comparison_table(result, width), crop=False)
        printed = console.export_text()
        every_row_whole(printed, result["numbers"])
        if max(map(len, printed.splitlines())) <= width:
            fitted.append(width)
    assert fitted == list(range(fitted[0], 101)), fitted  # once it fits, it fits at every wider width
    assert fitted[0] <= 72, fitted
