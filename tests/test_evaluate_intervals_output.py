"""Where ``mvae evaluate``'s intervals are read: ``--json``'s ``intervals`` group (the other groups as they were),
the same for the same seed, and the console's ``[low, high]`` beside each number (docs/evaluation.md#intervals)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import mvae_core.api as api
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.decode_options import EVALUATION_RESAMPLES as RESAMPLES
from mvae_core.pitch_structure import FEATURES, LEVEL, NO_GAP

runner = CliRunner()
NUMBERS = {"reconstruction": ("onset_f1", "onset_f1_vs_origin"), "timing": ("spread_ratio",),
           "generated": ("notes_per_loop", "density_ratio")}  # fmt: skip


def test_the_json_gives_an_interval_beside_each_number_and_keeps_the_old_keys(tiny_run: Path, synth_dir: Path):
    args = ["evaluate", str(tiny_run), str(synth_dir), "--samples", "16", "--json"]
    printed = runner.invoke(app, args, catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    scores = json.loads(printed.stdout)
    spread = scores["intervals"]
    assert (spread["resamples"], spread["level"]) == (RESAMPLES, LEVEL)
    for group, names in NUMBERS.items():
        for name in names:
            low, high = spread[group][name]
            assert low <= scores[group][name] <= high, (group, name)
    for feature in FEATURES:
        point = scores["pitch"][feature]
        assert set(point) == {"data", "generated", "baseline", "separation", "gap_closed", "overlap"}  # as before
        assert set(spread["pitch"][feature]) == {"data", "generated", "baseline", "gap_closed", "gap_scored"}
        for part in ("data", "generated", "baseline"):
            low, high = spread["pitch"][feature][part]
            assert low <= point[part] <= high, (feature, part)
    assert runner.invoke(app, args, catch_exceptions=False).stdout == printed.stdout  # seeded by --seed


PITCH = {"data": 0.9955, "generated": 0.9716, "baseline": 0.9326, "separation": 1.029, "gap_closed": 0.6203,
         "overlap": 0.8208}  # fmt: skip
NO_GAP_PITCH = PITCH | {"separation": 0.05, "gap_closed": None}
SPREAD = {"data": [0.993, 0.997], "generated": [0.968, 0.975], "baseline": [0.93, 0.935], "gap_closed": [0.533, 0.702],
          "gap_scored": 1.0}  # fmt: skip
RESULT = {
    "loops": 534, "notes": 4643, "model": "melody_rnn", "seed": 0,
    "reconstruction": {"onset_f1_vs_origin": 1.944}, "timing": {"spread_ratio": 0.0}, "generated": {},
    **{group: {} for group in ("latent", "evaluated", "versions")},
    "pitch": {"in_key": PITCH, "mean_interval": PITCH, "stepwise": NO_GAP_PITCH},
    "intervals": {"resamples": 1000, "level": 0.95, "reconstruction": {"onset_f1_vs_origin": [1.73, 2.18]},
                  "timing": {"spread_ratio": [0.0, 0.0]},
                  "pitch": {"in_key": SPREAD, "mean_interval": SPREAD | {"gap_closed": None, "gap_scored": 0.87},
                            "stepwise": SPREAD | {"gap_closed": None, "gap_scored": 0.12}}},
}  # fmt: skip


def test_the_console_shows_each_interval_beside_its_number(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(api, "evaluate", lambda *args, **kwargs: RESULT)
    monkeypatch.setattr(cli_output.out, "width", 100)
    monkeypatch.chdir(tmp_path)
    printed = runner.invoke(app, ["evaluate", ".", "d"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    lines = printed.stdout.splitlines()
    assert any("onset_f1_vs_origin" in line and "1.944 [1.73, 2.18]" in line for line in lines), printed.stdout
    assert any("spread_ratio" in line and "0 [0, 0]" in line for line in lines), printed.stdout
    assert "[low, high]: the 95 % bootstrap interval over the draw of the loops (1000 resamples" in " ".join(lines)
    rows = {line.split()[0]: k for k, line in enumerate(lines) if line.split()[:1] in (["in_key"], ["mean_interval"],
                                                                                    ["stepwise"])}  # fmt: skip
    assert lines[rows["in_key"] + 1].split() == ["[0.968,", "0.975]", "[0.533,", "0.702]"]
    assert lines[rows["mean_interval"] + 1].split() == ["[0.968,", "0.975]", "[no", "gap", "in", "13", "%]"]
    assert lines[rows["stepwise"]].split()[5:7] == NO_GAP.split()
    assert lines[rows["stepwise"] + 1].split() == ["[0.968,", "0.975]", "[gap", "in", "12", "%]"]
