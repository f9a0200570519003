"""An ablation extended after its data changed in place. ``mvae ablate`` refuses other DATA paths than its runs
trained on, but the same paths with other contents (a file edited, added or removed since) would train the new seeds
on other music than the finished runs it skips, under one summary naming one data set. It now exits 2 before anything
trains, naming the runs and the files, as it does for other paths. A re-run that trains nothing still summarises the
finished runs, each of which trained on one data set."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.ablation.out_folder import check_same_content
from mvae_core.ablation.plan import Configuration
from mvae_core.cli import app
from mvae_core.data.load import load_dataset
from mvae_core.run import RunDir
from mvae_core.run_data import relocate
from tests.synth import melody_folder
from tests.training import TINY


def _extended(tiny_ablation, tmp_path):
    """A copy of the session's finished ablation whose runs read a copy of their data (``data``), and the arguments
    of the same command with 3 seeds over it."""
    finished, args, first = tiny_ablation
    assert first.exit_code == 0, first.output
    data = shutil.copytree(args[1], tmp_path / "data")
    out = shutil.copytree(finished, tmp_path / "abl")
    for run in sorted((out / "runs").glob("*/seed-*")):
        relocate(run, [data], jobs=1)  # the runs now name the copy, whose files are theirs byte for byte
    at = args.index("--seeds") + 1
    again = [args[0], data, *args[2:at], 3, *args[at + 1 :], *[a for s in TINY for a in ("--set", s)], "--out", out]
    return data, out, [str(a) for a in again]


@pytest.mark.slow
def test_more_seeds_over_edited_data_are_refused(tiny_ablation, tmp_path, wide_console):
    data, out, again = _extended(tiny_ablation, tmp_path)
    files = sorted(data.glob("*.mid"))
    files[0].write_bytes(files[1].read_bytes())  # the first file edited in place: other notes at the same path
    result = CliRunner().invoke(app, again, catch_exceptions=False)
    # before: exit 0, seed 2 trained on the edited file beside seeds 0 and 1 trained on the old one
    assert result.exit_code == 2, result.output
    assert "runs/all/seed-0" in result.output and "runs/none/seed-1" in result.output, result.output
    assert f"1 edited ({files[0]})" in result.output, result.output
    assert not (out / "runs" / "all" / "seed-2").exists()
    # the same command for the 2 finished seeds trains nothing: it summarises them as they trained
    at = again.index("--seeds") + 1
    summarised = CliRunner().invoke(app, [*again[:at], "2", *again[at + 1 :]], catch_exceptions=False)
    assert summarised.exit_code == 0 and "4 finished (skipped)" in summarised.output, summarised.output


@pytest.mark.slow
def test_a_file_added_to_the_data_is_refused_too(tiny_ablation, tmp_path, wide_console):
    data, out, again = _extended(tiny_ablation, tmp_path)
    files = sorted(data.glob("*.mid"))
    added = data / "zz-added.mid"
    shutil.copyfile(melody_folder(tmp_path / "other", n_files=1, seed=7) / "melody_00.mid", added)
    (data / files[1].name).unlink()
    result = CliRunner().invoke(app, again, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert f"1 new ({added})" in result.output and f"1 gone ({files[1]})" in result.output, result.output
    assert not (out / "runs" / "all" / "seed-2").exists()


@pytest.mark.slow
def test_data_given_as_a_relative_path_is_the_same_data(tiny_ablation, tmp_path, monkeypatch):
    """The runs keep their sources by absolute path, the data read for the check by the names DATA gives: the same
    files given as ``data`` from their parent folder were taken for 6 new and 6 gone ones."""
    _, out, _ = _extended(tiny_ablation, tmp_path)  # its runs name tmp_path/data's files by absolute path
    monkeypatch.chdir(tmp_path)
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    built = [RunDir(out / "runs" / arm.name / "seed-0").read_config() for arm in arms]
    _, report = load_dataset(["data"], built[0].data, 1)
    assert all(not name.startswith("/") for name in report.content())  # as DATA names them
    check_same_content(arms, built, {built[0].data.model_dump_json(): report.content()}, ["data"], out)  # no error
