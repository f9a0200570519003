"""``mvae evaluate`` gives the reconstruction's errors a bootstrap interval, as its other main numbers: the velocity
and timing errors, the feel oracle's, the timing error in milliseconds and the timing error's ratio to the oracle's
(``timing_mae_vs_feel_oracle``), each resample's by the formula of the point number (``evaluation.mean_errors``), in
``--json``'s ``intervals.reconstruction`` and beside each number in the table (docs/evaluation.md#intervals)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core.api as api
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.data.load import load_dataset
from mvae_core.data.split import LoopSet
from mvae_core.evaluation import evaluate, mean_errors
from mvae_core.models import build_model
from tests.training import SEED, tiny_config

ERRORS = ("velocity_mae", "timing_mae_half_steps", "feel_oracle_mae_half_steps", "timing_mae_ms",
          "timing_mae_vs_feel_oracle")  # fmt: skip


@pytest.fixture(scope="module")
def scores(tiny_run: Path, synth_dir: Path) -> dict[str, Any]:
    """``mvae evaluate TINY_RUN SYNTH_DIR --json`` (a small sample of generated loops, the default resamples)."""
    printed = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--samples", "8", "--json"])
    assert printed.exit_code == 0, printed.output
    return json.loads(printed.stdout)


def test_the_json_gives_each_error_an_interval_that_holds_it(scores: dict[str, Any]) -> None:
    spread = scores["intervals"]
    assert set(spread) == {"resamples", "level", "reconstruction", "timing", "generated", "pitch"}  # no new group
    assert list(spread["reconstruction"]) == ["onset_f1", "onset_f1_vs_origin", *ERRORS]
    assert list(scores["reconstruction"])[-len(ERRORS) :] == list(ERRORS)
    for name in ERRORS:
        low, high = spread["reconstruction"][name]
        assert low <= scores["reconstruction"][name] <= high, name
        assert low < high, name  # 24 loops with other notes: the draw moves each
    point = scores["reconstruction"]
    assert point["timing_mae_vs_feel_oracle"] == pytest.approx(
        point["timing_mae_half_steps"] / point["feel_oracle_mae_half_steps"], rel=1e-12
    )


@pytest.mark.parametrize(
    "loops", [[3] * 6], ids=["one loop six times"]
)  # one loop alone: no interval (test_evaluation_fix_one_loop)
def test_the_intervals_of_loops_that_are_all_alike_hold_the_number_alone(synth_dir: Path, loops: list[int]) -> None:
    cfg = tiny_config(SEED)
    table, _ = load_dataset([str(synth_dir)], cfg.data, jobs=1)
    alike = LoopSet(table, np.array(loops), np.zeros(len(loops), dtype=np.int64))
    result = evaluate(build_model(cfg), cfg, alike, samples=8, resamples=50)
    for name in ERRORS:
        point = result["reconstruction"][name]
        assert np.isfinite(point) and point > 0, name
        assert result["intervals"]["reconstruction"][name] == pytest.approx([point, point], rel=1e-12), name


def test_the_ratio_to_the_oracle_is_infinite_where_only_the_oracle_is_0_and_undefined_where_both_are() -> None:
    # per loop: summed velocity, timing, oracle and millisecond errors, then the note count
    per_loop = np.array([[2.0, 0.5, 0.0, 10.0, 4.0], [1.0, 0.0, 0.0, 0.0, 2.0], [3.0, 0.3, 0.6, 6.0, 3.0]])
    weights = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    ratios = mean_errors(per_loop, weights)["timing_mae_vs_feel_oracle"]
    assert ratios[0] == np.inf and np.isnan(ratios[1]) and np.isnan(ratios[3])
    assert ratios[2] == pytest.approx((0.8 / 9) / (0.6 / 9))


def test_the_table_shows_each_error_with_its_interval_on_one_line_within_80_columns(
    scores: dict[str, Any], monkeypatch, tmp_path: Path
) -> None:
    # the real intervals, then the widest a number (.4g) and its bounds (.3g) write for an error: 30 characters
    widest = {name: 0.0001234 for name in ERRORS}
    widest_scores = scores | {
        "reconstruction": scores["reconstruction"] | widest,
        "intervals": scores["intervals"] | {"reconstruction": {name: [0.000123, 0.000456] for name in ERRORS}},
    }
    monkeypatch.setattr(cli_output.out, "width", 80)
    monkeypatch.chdir(tmp_path)  # its first line names the run as given: a short name, whatever the temporary path
    for result in (scores, widest_scores):
        monkeypatch.setattr(api, "evaluate", lambda *args, result=result, **kwargs: result)
        printed = CliRunner().invoke(app, ["evaluate", ".", "d"], catch_exceptions=False)
        assert printed.exit_code == 0, printed.output
        lines = printed.stdout.splitlines()
        assert max(map(len, lines[: next(k for k, line in enumerate(lines) if line.startswith("└"))])) <= 80
        for name in ERRORS:
            (row,) = [
                line for line in lines if line.startswith("│") and f" {name} " in line
            ]  # a row, not the units line
            low, high = result["intervals"]["reconstruction"][name]
            value = f"{result['reconstruction'][name]:.4g} [{low:.3g}, {high:.3g}]"
            assert row.split("│")[3].strip() == value, lines


def test_the_ratio_to_the_oracle_reads_quantized_in_the_table_where_it_is_undefined(
    scores: dict[str, Any], monkeypatch, tmp_path: Path
) -> None:
    """On quantized data the oracle's error is 0: the table said ``inf`` (or ``n/a``) where the spread ratio above it
    says ``quantized``."""
    monkeypatch.chdir(tmp_path)
    for undefined in (float("inf"), float("nan")):
        quantized = scores | {
            "reconstruction": scores["reconstruction"] | {"timing_mae_vs_feel_oracle": undefined},
            "intervals": scores["intervals"] | {"reconstruction": {}},
        }
        monkeypatch.setattr(api, "evaluate", lambda *args, result=quantized, **kwargs: result)
        printed = CliRunner().invoke(app, ["evaluate", ".", "d"], catch_exceptions=False)
        (row,) = [
            line
            for line in printed.stdout.splitlines()
            if line.startswith("│") and " timing_mae_vs_feel_oracle " in line
        ]
        assert row.split("│")[3].strip() == "quantized", row
