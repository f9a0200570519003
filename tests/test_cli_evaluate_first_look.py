"""``mvae evaluate``'s table is some forty rows named as the code names them (``onset_f1_vs_origin``,
``plane_vs_data``, ``feel_oracle_mae_half_steps``) with nothing to say which to read or where they are defined: only
the pitch table's caption named docs/evaluation.md. Under the table, a line names the three rows a first look reads,
what their values mean, and the page that defines every row; it fits the terminal."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

import mvae_core.api as api
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.cli_evaluate import FIRST_LOOK

EVALUATION_MD = Path(__file__).resolve().parents[1] / "docs" / "evaluation.md"
PITCH = {"data": 0.84, "generated": 0.87, "baseline": 0.84, "separation": 0.02, "gap_closed": None, "overlap": 0.75}
SPREAD = {
    "data": [0.83, 0.85],
    "generated": [0.86, 0.88],
    "baseline": [0.83, 0.85],
    "gap_closed": None,
    "gap_scored": 0.12,
}
RESULT = {
    "loops": 121, "notes": 1832, "model": "melody_rnn", "seed": 0,
    "reconstruction": {"onset_f1_vs_origin": 2.9}, "timing": {"spread_ratio": 0.97},
    "generated": {"density_ratio": 0.6}, **{group: {} for group in ("latent", "evaluated", "versions")},
    "pitch": {feature: PITCH for feature in ("in_key", "stepwise")},
    "intervals": {"resamples": 1000, "level": 0.95, "pitch": {feature: SPREAD for feature in ("in_key", "stepwise")}},
}  # fmt: skip


def test_a_line_under_the_table_names_the_rows_to_read_first_and_the_page_that_defines_them(monkeypatch, tmp_path):
    monkeypatch.setattr(api, "evaluate", lambda *args, **kwargs: RESULT)
    monkeypatch.setattr(cli_output.out, "width", 80)
    monkeypatch.chdir(tmp_path)
    printed = CliRunner().invoke(app, ["evaluate", ".", "other-solos"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    after_table = printed.stdout.split("┘\n", 1)[1].split("pitch structure per loop", 1)[0]
    line = " ".join(after_table.split())
    assert "Every row is defined in docs/evaluation.md (Definitions)" in line, printed.stdout
    assert all(f"{name} {meaning}" in line for name, meaning in FIRST_LOOK)
    assert max(map(len, after_table.splitlines())) <= 80
    definitions = EVALUATION_MD.read_text(encoding="utf-8").split("## Definitions", 1)[1]
    for name, _ in FIRST_LOOK:  # a row of the table, defined on the page the line names
        assert re.search(rf"^\| `{name}`", definitions, flags=re.M), name
