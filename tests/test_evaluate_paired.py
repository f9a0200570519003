"""Is run A better than run B on these held-out files, and by how much? Two separate ``mvae evaluate`` intervals that
overlap do not say; ``mvae evaluate RUN DATA --against OTHER`` (``mvae_core.compare``) draws DATA's loops the same for
both runs in every resample, so what the loops share cancels in A − B, and it names the better run only where a
direction is defined and the paired interval excludes 0. Two runs that would read DATA into other loops are refused,
naming both and the setting."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core import cli_output
from mvae_core.cli import app
from mvae_core.errors import ConfigError, InputError
from mvae_core.evaluation import wasserstein1, weighted_wasserstein1
from mvae_core.evaluation_paired import COMPARED, compared
from tests.training import TINY

FAST = {"samples": 16, "resamples": 200}


@pytest.fixture(scope="module")
def copy_of_tiny(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny run's folder copied elsewhere: the same weights and settings under another name."""
    copy = tmp_path_factory.mktemp("paired") / "copy"
    shutil.copytree(tiny_run, copy)
    return copy


@pytest.fixture(scope="module")
def seed_run(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny set-up with the ``seed`` model, one epoch: another model reading the data the same way."""
    out = tmp_path_factory.mktemp("paired-seed") / "run"
    mvae_core.train([synth_dir], out, overrides=[*TINY, 'model.name="seed"'], epochs=1, progress=False)
    return out


def test_the_same_weights_elsewhere_differ_by_nothing_in_what_the_data_alone_draws(
    tiny_run: Path, copy_of_tiny: Path, synth_dir: Path
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mvae_core.TrainedOnWarning)
        paired = mvae_core.compare(tiny_run, copy_of_tiny, synth_dir, **FAST)
        alone = mvae_core.evaluate(tiny_run, synth_dir, **FAST)
    onset = paired["numbers"]["reconstruction.onset_f1"]
    assert onset["a"] == onset["b"] == alone["reconstruction"]["onset_f1"]
    # reconstruction reads only DATA's loops: drawn the same for both, A − B is 0 in every resample, where a
    # single run's interval (the draw of the loops) is not a point
    assert onset["difference"] == 0.0 and onset["interval"] == [0.0, 0.0] and onset["excludes_zero"] is False
    low, high = alone["intervals"]["reconstruction"]["onset_f1"]
    assert high > low
    assert onset["better"] == "neither"


def test_each_number_of_both_runs_with_the_difference_and_a_verdict_only_where_defined(
    tiny_run: Path, seed_run: Path, synth_dir: Path
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mvae_core.TrainedOnWarning)
        paired = mvae_core.compare(tiny_run, seed_run, synth_dir, **FAST)
        b = mvae_core.evaluate(seed_run, synth_dir, **FAST)
    assert set(paired["numbers"]) == set(COMPARED)
    assert paired["runs"]["a"]["model"] == "melody_rnn" and paired["runs"]["b"]["model"] == "seed"
    onset = paired["numbers"]["reconstruction.onset_f1"]
    assert onset["b"] == b["reconstruction"]["onset_f1"]
    assert paired["numbers"]["timing.wasserstein1"]["b"] == b["timing"]["wasserstein1"]
    assert onset["difference"] == pytest.approx(onset["a"] - onset["b"])
    assert onset["better_is"] == "higher" and onset["better"] in {"a", "b", "neither"}
    notes = paired["numbers"]["generated.notes_per_loop"]
    assert notes["better_is"] is None and notes["better"] is None and notes["interval"] is not None
    assert paired["run"] == str(tiny_run.resolve()) and paired["against"] == str(seed_run.resolve())


def test_a_verdict_needs_the_deciding_interval_to_exclude_zero() -> None:
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.01, 1000)
    higher = compared(0.6, 0.5, 0.6 + noise, 0.5 + noise, "higher")
    assert higher["better"] == "a" and higher["excludes_zero"] and higher["deciding_interval"] == higher["interval"]
    # A overshoots 1 by 0.3, B falls short by 0.1: A − B is positive, but B is nearer 1
    nearer = compared(1.3, 0.9, 1.3 + noise, 0.9 + noise, "nearer 1")
    assert nearer["better"] == "b" and nearer["deciding_interval"][0] > 0
    tied = compared(1.1, 0.9, 1.1 + noise, 0.9 + noise[::-1], "nearer 1")
    assert tied["excludes_zero"] and tied["better"] == "neither"
    lower = compared(0.02, 0.05, 0.02 + noise, 0.05 + noise, "lower")
    assert lower["interval"][1] < 0 and lower["better"] == "a"
    undefined = compared(None, 0.9, np.full(1000, np.nan), 0.9 + noise, "nearer 1")
    assert undefined["interval"] is None and undefined["better"] is None and undefined["difference"] is None


def test_two_runs_that_read_the_data_otherwise_are_refused_naming_both_and_the_setting(
    tiny_run: Path, copy_of_tiny: Path, synth_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    shutil.copytree(copy_of_tiny, other)
    config = other / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert "min_onsets = 6\n" in text
    config.write_text(text.replace("min_onsets = 6\n", "min_onsets = 4\n"), encoding="utf-8")
    with pytest.raises(
        ConfigError, match=rf"^{tiny_run} and {other} read DATA into different loops \(data\.min_onsets 6 → 4\)"
    ):
        mvae_core.compare(tiny_run, other, synth_dir, **FAST)
    printed = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--against", str(other)])
    assert printed.exit_code == 2 and "data.min_onsets 6 → 4" in printed.stderr


def test_a_run_against_its_own_folder_is_refused(tiny_run: Path, synth_dir: Path) -> None:
    with pytest.raises(InputError, match="compared against itself"):
        mvae_core.compare(tiny_run, tiny_run, synth_dir, **FAST)


def test_the_command_warns_for_each_run_and_prints_the_comparison_in_100_columns(
    tiny_run: Path, copy_of_tiny: Path, synth_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_output.out, "width", 100)
    args = ["evaluate", str(tiny_run), str(synth_dir), "--against", str(copy_of_tiny), "--samples", "16"]
    printed = CliRunner().invoke(app, [*args, "--resamples", "200"], terminal_width=100)
    assert printed.exit_code == 0, printed.output
    assert printed.stderr.count("are files") == 2, printed.stderr  # the trained-on warning of each run
    assert str(tiny_run) in printed.stderr and str(copy_of_tiny) in printed.stderr
    lines = printed.stdout.splitlines()
    assert max(map(len, lines)) <= 100, printed.stdout
    row = next(line.split() for line in lines if line.split()[:1] == ["onset_f1"])
    assert row[1:] == ["higher", row[2], row[2], "0", "[0,", "0]", "neither"], printed.stdout
    as_json = CliRunner().invoke(app, [*args, "--resamples", "200", "--json"])
    numbers = json.loads(as_json.stdout)["numbers"]
    assert numbers["reconstruction.onset_f1"]["interval"] == [0.0, 0.0]
    assert set(numbers) == set(COMPARED)


def test_a_resampled_wasserstein_distance_counts_each_value_as_often_as_it_is_drawn() -> None:
    rng = np.random.default_rng(3)
    a, b = np.round(rng.normal(0, 0.2, 40), 2), np.round(rng.normal(0.1, 0.3, 25), 2)
    weights_a, weights_b = rng.integers(0, 4, (5, 40)), rng.integers(0, 4, (5, 25))
    resampled = weighted_wasserstein1(a, b, weights_a.astype(float), weights_b.astype(float))
    repeated = [wasserstein1(np.repeat(a, wa), np.repeat(b, wb)) for wa, wb in zip(weights_a, weights_b, strict=True)]
    assert resampled == pytest.approx(repeated, rel=1e-12)
