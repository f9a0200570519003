"""A DAW's one-bar clip becomes a 2-bar loop whose second bar is silence: the file gets a ``one bar`` warning.

A folder of one-bar loops (the usual length of a clip in Ableton Live or a step sequencer) trained a model that rests
in bar 2 of every loop, with nothing in the report to say why.
"""

from __future__ import annotations

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from tests.synth import SynthNote, write_midi

STEP = 240


def eighths(bars: int) -> list[SynthNote]:
    return [SynthNote(60 + s % 5, s * STEP, (s + 1) * STEP) for s in range(0, 16 * bars, 2)]


def kinds(path) -> list[str]:
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none"))
    (entry,) = report.entries
    assert entry["status"] == "ok"
    return [w["kind"] for w in entry.get("warnings", [])]  # no key when there is none


def test_a_one_bar_clip_is_warned_of(tmp_path):
    assert kinds(write_midi(tmp_path / "clip.mid", eighths(1))) == ["one bar"]


def test_a_note_held_into_bar_two_still_starts_in_bar_one(tmp_path):
    notes = [*eighths(1)[:-1], SynthNote(67, 14 * STEP, 30 * STEP)]
    assert kinds(write_midi(tmp_path / "clip.mid", notes)) == ["one bar"]


def test_two_bars_or_a_longer_file_ending_in_one_bar_are_not(tmp_path):
    assert kinds(write_midi(tmp_path / "two.mid", eighths(2))) == []
    assert kinds(write_midi(tmp_path / "three.mid", eighths(3))) == []  # a song's last loop may end in silence


def test_a_skipped_files_warning_is_listed_with_it_but_not_counted_among_the_datas(tmp_path):
    """A one-bar idea with too few notes was skipped, and its `one bar` warning still counted in the table's
    "warnings (files)" row, which reads as if the file were used."""
    import io

    from rich.console import Console

    from mvae_core.report import print_skips

    write_midi(tmp_path / "idea.mid", [SynthNote(60 + k, k * 480, k * 480 + 240) for k in range(3)])  # 3 notes
    write_midi(tmp_path / "song.mid", eighths(4))
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    assert [e["status"] for e in report.entries] == ["skipped", "ok"]
    assert report.entries[0]["warnings"][0]["kind"] == "one bar"
    assert report.warnings_by_kind() == {} and report.to_json()["warnings"] == {}
    console = Console(file=io.StringIO(), width=400)
    print_skips(console, report)
    assert f"  warning, {tmp_path / 'idea.mid'} (skipped): one bar: " in console.file.getvalue()
