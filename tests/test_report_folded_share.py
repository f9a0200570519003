"""``mvae data inspect``'s row ``folded / dropped / collided │ 1720 / 0 / 40 notes`` gave a count a musician cannot
judge: it was 22 % of twelve saxophone solos' notes, each a step of the line turned into an octave leap (session 33's
review). The row gives each count's share of the notes in loops, and over :data:`OUT_OF_ROWS_ADVISED` (the
quickstart's "more than a few percent") a line that says to move or widen the pitch rows; ``--json`` has the shares."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.report import OUT_OF_ROWS_ADVISED, print_summary

QUICKSTART = Path(__file__).resolve().parents[1] / "docs" / "quickstart.md"


def row(**counts: float | None) -> str:
    """The printed ``folded / dropped / collided`` row of a one-source summary with ``counts``, joined into one line."""
    summary = {"sources_ok": 1, "skipped": {}, "loops": 10, "notes": 90, "notes_per_loop": 9.0, "pitch_range": [48, 71]}
    summary |= {"other_meter_bars": 0, "drum_notes": 0, "left_out_notes": 0, "warnings": {}, "cached_units": 0}
    summary |= {"timeshift_std": 0.3, "within_0.05": 0.1, "quantized": False, "min_onsets": 6}
    summary |= {"parsed_units": 1, "seconds": 0.0, "collided": 0, "dropped": 0, "dropped_share": 0.0} | counts
    out = io.StringIO()
    print_summary(Console(file=out, width=200), summary)
    lines = out.getvalue().splitlines()
    start = next(k for k, line in enumerate(lines) if "folded / dropped / collided" in line)
    rest = [line for line in lines[start + 1 :] if line.startswith("│ " + " " * 20)]  # the row's own wrapped lines
    return " ".join(" ".join(line.strip("│ ").split()) for line in [lines[start], *rest])


def test_the_count_says_its_share_and_over_the_limit_what_to_do():
    assert "1720 (21.8% of the notes) / 0 / 0 notes" in row(folded=1720, folded_share=1720 / 7873)
    assert "move or widen them (data.pitch_low, data.pitch_classes; docs/quickstart.md, Folded)" in row(
        folded=1720, folded_share=1720 / 7873
    )
    small = row(folded=122, folded_share=122 / 7873)
    assert "122 (1.5% of the notes) / 0 / 0 notes" in small and "pitch_low" not in small
    dropped = row(folded=0, folded_share=0.0, dropped=300, dropped_share=0.1)
    assert "0 / 300 (10.0% of the notes) / 0 notes" in dropped and "move or widen" in dropped


def test_a_summary_without_the_shares_gives_the_counts():
    assert "5 / 0 / 0 notes" in row(folded=5, dropped_share=None)


def test_inspect_json_has_the_share_of_the_notes_in_loops(synth_dir, tmp_path):
    result = CliRunner().invoke(
        app,
        ["data", "inspect", str(synth_dir), "--json", "--set", "data.pitch_low=60", "--set", "data.pitch_classes=12"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    in_loops = summary["notes_in_files"] - summary["outside_loops"]
    assert summary["folded"] > 0 and summary["folded_share"] == summary["folded"] / in_loops
    assert summary["dropped_share"] == 0


def test_the_quickstart_gives_the_limit():
    text = " ".join(QUICKSTART.read_text(encoding="utf-8").split())
    assert f"when more than {OUT_OF_ROWS_ADVISED:.0%}".replace("%", " %") in text
