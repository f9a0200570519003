"""A folder search leaves out the mvae runs below the folder it was given (``run folder``): ``mvae train ~/midi --out
~/midi/run1`` and the ``next:`` line's ``mvae generate`` put the model's own loops into ``~/midi/run1/samples``, which
the next ``mvae train ~/midi`` read as data."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipReason
from mvae_core.data.sources import expand, walk_midi
from mvae_core.run_files import RunFiles, holds_a_run
from mvae_core.tools import ToolError
from tests.synth import SynthNote, write_midi

STEP = 240
RUN_FOLDER = "run folder"  # the stable string reports and JSON carry


def tune(pitch: int = 60) -> list[SynthNote]:
    """Two loops of 8 notes each."""
    return [SynthNote(pitch + k % 5, k * 4 * STEP, (k * 4 + 1) * STEP) for k in range(16)]


def make_run(folder: Path, marker: str = "checkpoint.pt") -> Path:
    """A run folder as :meth:`RunFiles.exists` tells one (its marker file), with loops generated into ``samples``."""
    folder.mkdir(parents=True)
    (folder / marker).write_bytes(b"")
    (folder / "config.toml").write_text("")
    for k in range(3):
        write_midi(folder / "samples" / f"00{k}_z.mid", tune(48 + 2 * k))
    return folder


@pytest.fixture
def data_with_run(tmp_path: Path) -> Path:
    """``midi/`` with two MIDI files and a run ``midi/run1`` whose ``samples`` hold 3 generated loops."""
    data = tmp_path / "midi"
    write_midi(data / "a.mid", tune(60))
    write_midi(data / "album" / "b.mid", tune(65))
    make_run(data / "run1")
    return data


def test_a_run_below_a_data_folder_is_not_read_and_is_reported(data_with_run):
    _, report = load_dataset([str(data_with_run)], DataConfig(cache_dir="none"))
    by_source = {entry["source"]: entry for entry in report.entries}
    run = data_with_run / "run1"
    assert not [source for source in by_source if "samples" in source]  # the model's own loops are not data
    assert sorted(by_source) == sorted([str(data_with_run / "a.mid"), str(data_with_run / "album" / "b.mid"), str(run)])
    entry = by_source[str(run)]
    assert (entry["status"], entry["reason"]) == ("skipped", RUN_FOLDER)
    assert entry["detail"] == (
        "it holds an mvae run's checkpoint.pt or metrics.jsonl: neither its files nor loops generated into it are "
        f"read; to train on those loops, give the folder they are in as DATA, e.g. {run / 'samples'}"
    )
    written = report.to_json()  # what a run keeps in data_report.json
    assert (written["skipped"], written["ok"]) == ({RUN_FOLDER: 1}, 2) and entry in written["files"]


def test_the_run_folder_reason_is_a_stable_skip_reason():
    assert SkipReason.RUN_FOLDER.value == RUN_FOLDER


def test_data_inspect_shows_the_run_folder_in_its_table_and_json(data_with_run, wide_console):
    shown = CliRunner().invoke(cli.app, ["data", "inspect", str(data_with_run), "--jobs", "1"])
    assert shown.exit_code == 0, shown.output
    assert "run folder: 1" in shown.output  # the table's sources skipped row
    assert f"skipped {data_with_run / 'run1'}: run folder (it holds an mvae run's" in shown.output
    listed = CliRunner().invoke(cli.app, ["data", "inspect", str(data_with_run), "--json", "--jobs", "1"])
    assert listed.exit_code == 0, listed.output
    report = json.loads(listed.stdout)
    assert report["summary"]["skipped"] == {RUN_FOLDER: 1} and report["summary"]["sources_ok"] == 2
    assert [entry["source"] for entry in report["files"] if entry["reason"] == RUN_FOLDER] == [
        str(data_with_run / "run1")
    ]


@pytest.mark.parametrize(
    ("files", "a_run"),
    [
        (["checkpoint.pt"], True),
        (["metrics.jsonl"], True),
        (["checkpoint.pt", "metrics.jsonl"], True),
        (["config.toml", "split.json", "data_report.json"], False),  # stopped before its first epoch: no run yet
        (["model.safetensors", "config.toml"], False),
        ([], False),
    ],
)
def test_a_run_is_told_by_its_checkpoint_or_metrics(files, a_run, tmp_path):
    """The walk's test is the one a new run asks before it writes (:meth:`RunFiles.exists`)."""
    for file in files:
        (tmp_path / file).write_bytes(b"")
    assert holds_a_run(tmp_path) == RunFiles(tmp_path).exists() == a_run


def test_the_folder_search_imports_no_torch():
    """The data layer asks :mod:`mvae_core.run_files` what a run is; that must not pull torch into the parse workers."""
    program = "import sys, mvae_core.data.sources; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_folder_named_like_a_run_file_or_holding_part_of_one_is_read(tmp_path):
    data = tmp_path / "midi"
    write_midi(data / "metrics.jsonl" / "a.mid", tune(60))  # a folder that bears a run file's name
    write_midi(data / "run2" / "samples" / "b.mid", tune(62))  # a run that never finished an epoch: no run yet
    (data / "run2" / "config.toml").write_text("")
    (data / "run2" / "split.json").write_text("{}")
    write_midi(data / "bare" / "c.mid", tune(64))  # a folder holding a model without a run's files
    (data / "bare" / "model.safetensors").write_bytes(b"")
    files, errors = walk_midi(data)
    assert [path.relative_to(data).as_posix() for path in files] == [
        "bare/c.mid",
        "metrics.jsonl/a.mid",
        "run2/samples/b.mid",
    ]
    assert errors == []


def test_the_folder_given_is_searched_whatever_it_is(tmp_path):
    run = make_run(tmp_path / "run1", marker="metrics.jsonl")
    make_run(run / "nested")  # a run below the given one is still left out
    units, skipped, _ = expand([str(run), str(run / "samples")])
    assert [unit.path.relative_to(run).as_posix() for unit in units] == [f"samples/00{k}_z.mid" for k in range(3)]
    assert [(result.name, result.reason) for result in skipped] == [(str(run / "nested"), RUN_FOLDER)]


def test_runs_deeper_down_and_through_links_are_left_out(tmp_path):
    data = tmp_path / "midi"
    write_midi(data / "a.mid", tune(60))
    make_run(data / "ablation" / "baseline", marker="metrics.jsonl")  # an ablation's output folder in the data
    make_run(data / "ablation" / "no_kl_anneal")
    elsewhere = make_run(tmp_path / "elsewhere")
    os.symlink(elsewhere, data / "link_to_run")
    runs: list[Path] = []
    files, _ = walk_midi(data, runs=runs)
    assert files == [data / "a.mid"]
    assert runs == [data / "ablation" / "baseline", data / "ablation" / "no_kl_anneal", data / "link_to_run"]


def test_encode_counts_the_files_outside_run_folders_and_still_gives_an_example(tmp_path):
    from mvae_core.tools.encode import file_loops

    data = tmp_path / "midi"
    run = make_run(data / "run1")
    with pytest.raises(ToolError) as raised:
        file_loops(data, MvaeConfig(), command="mvae encode RUN")
    assert str(raised.value) == (
        f"{data} is a folder (0 MIDI files in it outside the run folder {run}); encode takes one MIDI file; "
        f"e.g. mvae encode RUN {run / 'samples' / '000_z.mid'}"
    )
    write_midi(data / "a.mid", tune(60))
    with pytest.raises(ToolError) as raised:
        file_loops(data, MvaeConfig(), command="mvae encode RUN")
    assert str(raised.value).startswith(f"{data} is a folder (1 MIDI file in it outside the run folder {run}); ")
    assert str(raised.value).endswith(f"e.g. mvae encode RUN {data / 'a.mid'}")


def test_a_resume_of_a_run_that_read_a_run_folder_is_refused_with_the_files_named(synth_dir, tmp_path):
    """A run trained before this rule on loops inside a run folder of its data: those files are gone from its data
    now, and the resume says so (a DataChanged naming them, not a traceback)."""
    import shutil

    import mvae_core
    from mvae_core.errors import DataChanged
    from tests.training import TINY

    data = shutil.copytree(synth_dir, tmp_path / "data")
    write_midi(data / "run1" / "samples" / "000_z.mid", tune(60))  # run1 is no run yet: its loops are read
    mvae_core.train([data], tmp_path / "run", overrides=TINY, epochs=1, progress=False)
    (data / "run1" / "metrics.jsonl").write_text("")  # now it is one, as an older mvae never told
    said = rf"{re.escape(str(data / 'run1' / 'samples' / '000_z.mid'))}\).*leaves out as the runs' own output"
    with pytest.raises(DataChanged, match=said):
        mvae_core.train(out=tmp_path / "run", resume=True, epochs=2, progress=False)
