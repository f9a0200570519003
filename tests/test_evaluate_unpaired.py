"""Two runs trained with other ``[data]`` reading settings (the default ``pitch_low = "auto"`` chooses each run's rows
from its own training data) could not be put side by side: ``--against`` refused them, and its advice, "evaluate each
on its own", left two tables to line up by hand. The refusal now names the settings that would pair them
(``--set data.min_onsets=6``) and ``--unpaired``, which evaluates each run on DATA read its own way and sets the two
side by side, each number with its own interval and its goal, with no difference and no verdict."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.errors import ConfigError, InputError
from mvae_core.evaluation import finite_number, point_number
from mvae_core.evaluation_paired import COMPARED, UNPAIRED, own_interval, side_by_side

FAST = ["--samples", "16", "--resamples", "200"]


@pytest.fixture(scope="module")
def other_reading(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny run's folder copied, its ``data.min_onsets`` 4 instead of 6: a run that reads DATA otherwise."""
    other = tmp_path_factory.mktemp("unpaired") / "other"
    shutil.copytree(tiny_run, other)
    config = other / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert "min_onsets = 6\n" in text
    config.write_text(text.replace("min_onsets = 6\n", "min_onsets = 4\n"), encoding="utf-8")
    return other


def test_the_refusal_names_the_settings_that_would_pair_the_runs_and_the_unpaired_comparison(
    tiny_run: Path, other_reading: Path, synth_dir: Path
) -> None:
    printed = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--against", str(other_reading)])
    said = " ".join(printed.stderr.split())
    assert printed.exit_code == 2, printed.output
    assert f"train {other_reading} again with --set data.min_onsets=6 or {tiny_run} again with --set" in said, said
    assert said.endswith("or compare them unpaired, each reading DATA with its own settings (mvae evaluate RUN DATA "
                         "--against OTHER --unpaired)"), said  # fmt: skip
    with pytest.raises(ConfigError, match=r"again with overrides=\['data\.min_onsets=6'\]") as refused:
        mvae_core.compare(tiny_run, other_reading, synth_dir, samples=16, resamples=200)
    assert str(refused.value).endswith("(mvae_core.compare(run, against, data, unpaired=True))")
    side = mvae_core.compare(tiny_run, other_reading, synth_dir, samples=16, resamples=200, unpaired=True)
    assert side["unpaired"] is True and side["against"] == str(other_reading.resolve())


def test_unpaired_sets_each_runs_own_evaluation_side_by_side(
    tiny_run: Path, other_reading: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["evaluate", str(tiny_run), str(synth_dir), "--against", str(other_reading), "--unpaired", *FAST]
    printed = CliRunner().invoke(app, [*args, "--json"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    result = json.loads(printed.stdout)
    own = {side: mvae_core.evaluate(run, synth_dir, samples=16, resamples=200)
           for side, run in (("a", tiny_run), ("b", other_reading))}  # fmt: skip
    assert result["unpaired"] is True and result["covers"] == UNPAIRED
    assert list(result["numbers"]) == list(COMPARED)
    for key, entry in result["numbers"].items():
        assert entry["better_is"] == COMPARED[key] and "better" not in entry and "difference" not in entry
        for side in ("a", "b"):
            number = point_number(own[side], key)
            assert entry[side] == (pytest.approx(number) if finite_number(number) else None), (key, side)
            assert entry[f"{side}_interval"] == own_interval(own[side], key)
    assert result["runs"]["b"]["loops"] == own["b"]["loops"]
    monkeypatch.setattr(cli_output.out, "width", 80)
    table = CliRunner().invoke(app, args, catch_exceptions=False).stdout
    assert "A [95 % interval]" in table and "paired interval" not in table, table
    assert "better" not in table.split("unpaired:")[0], table  # no verdict column
    assert max(map(len, table.splitlines())) <= 80, table
    assert "docs/evaluation.md#runs-that-read-data-differently" in " ".join(table.split())


def test_a_bad_other_run_is_refused_before_either_is_evaluated(tiny_run: Path, synth_dir: Path, monkeypatch) -> None:
    """``--unpaired`` evaluated RUN in full before it found OTHER missing, or the same run (helper-494 F2)."""
    monkeypatch.setattr(mvae_core.api, "evaluate", lambda *a, **k: pytest.fail("evaluated before the refusal"))
    with pytest.raises(InputError, match="no run directory there"):
        mvae_core.compare(tiny_run, tiny_run.parent / "missing", synth_dir, unpaired=True)
    with pytest.raises(InputError, match="compared against itself"):
        mvae_core.compare(tiny_run, tiny_run, synth_dir, unpaired=True)


def test_unpaired_needs_against_and_another_run(tiny_run: Path, synth_dir: Path) -> None:
    printed = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--unpaired"])
    assert printed.exit_code == 2 and "--against OTHER" in printed.stderr, printed.output
    result = mvae_core.evaluate(tiny_run, synth_dir, samples=16, resamples=20)
    with pytest.raises(InputError, match="compared against itself"):
        side_by_side(result, result)
