"""Bad input is skipped with a reason, counted once per file, and explained by the CLI (never a traceback)."""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipReason
from tests.loading import load_within
from tests.synth import SynthNote, write_midi

STEP = 240
LOOP = 32 * STEP


def melody(n_loops: int = 2, per_loop: int = 8) -> list[SynthNote]:
    every = 32 // per_loop
    return [SynthNote(60 + k % 7, k * every * STEP, (k * every + 1) * STEP) for k in range(n_loops * per_loop)]


def write_bad_files(folder: Path) -> dict[str, SkipReason]:
    """One file per reason a MIDI file in a folder can be skipped; returns {file name: expected reason}."""
    folder.mkdir(parents=True, exist_ok=True)
    good = write_midi(folder / "good.mid", melody()).read_bytes()
    expected = {}

    def put(name: str, data: bytes, reason: SkipReason) -> None:
        (folder / name).write_bytes(data)
        expected[name] = reason

    def put_midi(name: str, reason: SkipReason, notes=(), **kwargs) -> None:
        write_midi(folder / name, list(notes), **kwargs)
        expected[name] = reason

    put("empty.mid", b"", SkipReason.EMPTY)
    put("text.mid", b"This is a text file that someone named .mid\n", SkipReason.NOT_MIDI)
    put("truncated.mid", good[: len(good) // 3], SkipReason.NO_LOOPS)  # read up to the cut: too few notes
    put("garbage.mid", b"MThd" + np.random.default_rng(3).bytes(300), SkipReason.CORRUPT)
    put("zero_ticks.mid", good[:12] + struct.pack(">h", 0) + good[14:], SkipReason.CORRUPT)
    put_midi("drums.mid", SkipReason.DRUMS_ONLY, drum_notes=[SynthNote(36, k * 960, k * 960 + 100) for k in range(16)])
    put_midi("silent.mid", SkipReason.NO_NOTES)
    put_midi("waltz.mid", SkipReason.NO_FOUR_FOUR, melody(), time_signatures=[(0, 3, 4)])
    put_midi("slow.mid", SkipReason.ABSURD_TEMPO, melody(), tempos=[(0, 5.0)])  # average 5 bpm
    put_midi("fast.mid", SkipReason.ABSURD_TEMPO, melody(), tempos=[(0, 5000.0)])
    put_midi("sparse.mid", SkipReason.NO_LOOPS, melody(per_loop=4)[::2])  # 2 notes per loop < min_onsets
    # 4/4 for one bar only, then 3/4: no complete 2-bar loop at all
    put_midi("one_bar.mid", SkipReason.NO_LOOPS, melody(n_loops=1), time_signatures=[(0, 4, 4), (3840, 3, 4)])
    os.symlink(folder / "gone.mid", folder / "dangling.mid")
    expected["dangling.mid"] = SkipReason.UNREADABLE
    os.symlink("self.mid", folder / "self.mid")  # a symlink loop on a file name
    expected["self.mid"] = SkipReason.UNREADABLE
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")  # a symlink loop on a folder: must not be walked forever
    os.symlink(folder / "good.mid", folder / "sub" / "zz_same_as_good.mid")  # same file twice: counted once
    return expected


@pytest.fixture
def bad_folder(tmp_path: Path) -> tuple[Path, dict[str, SkipReason]]:
    folder = tmp_path / "bad"
    return folder, write_bad_files(folder)


def by_name(report) -> dict[str, dict]:
    return {Path(e["source"]).name: e for e in report.entries}


def test_every_bad_file_is_skipped_once_with_its_reason(bad_folder):
    folder, expected = bad_folder
    table, report = load_within([str(folder)], DataConfig(cache_dir="none"))
    names = [Path(e["source"]).name for e in report.entries]
    assert len(names) == len(set(names)) == len(expected) + 1  # + good.mid (its symlinked twin is the same file)
    entries = by_name(report)
    good_name = "good.mid" if "good.mid" in entries else "zz_same_as_good.mid"
    assert entries.pop(good_name)["status"] == "ok"
    assert {name: e["reason"] for name, e in entries.items()} == {n: r.value for n, r in expected.items()}
    assert all(e["status"] == "skipped" for e in entries.values())
    assert [Path(source).name for source in table.sources] == [good_name]
    assert table.n_loops == 2


def test_skip_reasons_survive_the_parse_cache(bad_folder, tmp_path):
    folder, _ = bad_folder
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    _, first = load_within([str(folder)], cfg)
    _, second = load_within([str(folder)], cfg)
    assert second.parsed_units == 0
    assert second.entries == first.entries


def test_missing_path_and_dangling_symlink_arguments_are_unreadable(tmp_path):
    os.symlink(tmp_path / "nowhere.mid", tmp_path / "link.mid")
    _, report = load_dataset([str(tmp_path / "missing.mid"), str(tmp_path / "link.mid")], DataConfig())
    assert [(e["reason"], e["detail"]) for e in report.entries] == [
        (SkipReason.UNREADABLE.value, "no such file or folder"),
        (
            SkipReason.UNREADABLE.value,
            f"a symbolic link to {tmp_path / 'nowhere.mid'}, which does not exist: point the link at the file's new "
            "place, or remove it",
        ),
    ]


def test_absurd_tempo_is_about_the_average_not_per_beat_extremes(tmp_path):
    # per-beat tempi of 20 and 2000 bpm are extreme, but their average is a normal tempo
    tempos = [(beat * 960, 20.0 if beat % 2 else 2000.0) for beat in range(16)]
    write_midi(tmp_path / "rubato.mid", melody(), tempos=tempos)
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    assert report.entries[0]["status"] == "ok"


@pytest.mark.parametrize(
    ("bpm", "detail"),
    [
        (1200.0, "average 1,200 bpm over its notes, outside data.min_bpm..data.max_bpm = 10..1000; if that is the "
         "file's real tempo, set data.max_bpm"),
        (5.0, "average 5 bpm over its notes, outside data.min_bpm..data.max_bpm = 10..1000; if that is the file's "
         "real tempo, set data.min_bpm"),
    ],
)  # fmt: skip
def test_absurd_tempo_says_the_tempo_in_plain_numbers_and_which_setting_to_change(tmp_path, bpm, detail):
    write_midi(tmp_path / "tempo.mid", melody(), tempos=[(0, bpm)])
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    assert (report.entries[0]["reason"], report.entries[0]["detail"]) == (SkipReason.ABSURD_TEMPO.value, detail)


def test_cli_inspect_prints_the_skip_reasons(bad_folder, wide_console):
    folder, expected = bad_folder
    result = CliRunner().invoke(cli.app, ["data", "inspect", str(folder), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for name, reason in expected.items():
        assert f"{name}: {reason.value}" in result.output
    assert "sources used" in result.output


def test_cli_inspect_json_has_summary_and_files(bad_folder):
    folder, expected = bad_folder
    result = CliRunner().invoke(cli.app, ["data", "inspect", str(folder), "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.output

    report = json.loads(result.stdout, parse_constant=lambda constant: pytest.fail(f"{constant} is not JSON"))
    assert set(report) == {"summary", "files"}
    assert report["summary"]["sources_ok"] == 1
    assert report["summary"]["skipped"][SkipReason.ABSURD_TEMPO.value] == 2
    assert report["summary"]["skipped"][SkipReason.CORRUPT.value] == 2
    truncated = next(f for f in report["files"] if f["source"].endswith("truncated.mid"))
    assert truncated["warnings"][0]["kind"] == "recovered" and "cut short" in truncated["warnings"][0]["message"]
    assert sum(report["summary"]["skipped"].values()) == len(expected)
    assert len(report["files"]) == len(expected) + 1


def test_cli_inspect_json_is_strict_json_when_every_file_is_bad(bad_folder):
    folder, _ = bad_folder
    (folder / "good.mid").unlink()
    result = CliRunner().invoke(cli.app, ["data", "inspect", str(folder), "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout, parse_constant=lambda constant: pytest.fail(f"{constant} is not JSON"))
    assert report["summary"]["sources_ok"] == 0


def test_cli_train_on_only_bad_files_exits_2_and_says_why(bad_folder, tmp_path, wide_console):
    folder, _ = bad_folder
    (folder / "good.mid").unlink()
    run_dir = tmp_path / "run"
    result = CliRunner().invoke(cli.app, ["train", str(folder), "--out", str(run_dir), "--epochs", "1", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert re.search(r"error:[^\n]*(no loops|0 loop)", result.output), result.output  # says why
    assert "empty file" in result.output  # and which files were skipped for what
    assert not (run_dir / "checkpoint.pt").exists()
