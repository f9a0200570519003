"""With a top line as the melody, the pitched notes left out are those under the line too: ``mvae data inspect`` said
``left out 32 notes of other parts`` of a one-part file of chords, which has no other part."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.melody import took_top_line
from mvae_core.report import print_skips
from tests.synth import SynthNote, write_midi


def melody_lines(folder: Path, melody: list[str]) -> list[str]:
    _, report = load_dataset([str(folder)], DataConfig(cache_dir="none", melody=melody))
    out = io.StringIO()
    print_skips(Console(file=out, width=400), report)
    return [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("melody of")]


def test_a_top_line_of_one_part_leaves_out_notes_under_it_not_of_other_parts(tmp_path: Path) -> None:
    chords = [SynthNote(p + i % 3, i * 960, i * 960 + 900) for i in range(16) for p in (60, 64, 67)]
    write_midi(tmp_path / "chords.mid", chords)
    [line] = melody_lines(tmp_path, ["top-line"])
    assert line.endswith("; left out 32 notes of other parts or under the top line"), line


def test_a_part_named_like_a_melody_leaves_out_other_parts(tmp_path: Path) -> None:
    lead = [SynthNote(72 + i % 5, i * 480, i * 480 + 400) for i in range(32)]
    bass = [SynthNote(40, i * 960, i * 960 + 900, channel=1) for i in range(16)]
    write_midi(tmp_path / "song.mid", lead + bass)
    [line] = melody_lines(tmp_path, ["channel:1"])
    assert line.endswith("; left out 16 notes of other parts"), line


def test_which_reasons_say_a_top_line() -> None:
    assert took_top_line("data.melody = top-line: track 1 (channel 1, GM 1 Acoustic Grand Piano)")
    assert took_top_line("data.melody = name:piano, top-line: the top line of 2 pitched parts (…)")
    assert took_top_line("no part named or programmed like a melody among 3: the top line of 3 pitched parts (…)")
    assert not took_top_line("data.melody = all: track 1 (channel 1, …), track 2 (channel 2, …)")
    assert not took_top_line("named like a melody: track 2 'Top-line lead' (channel 2, GM 82 Lead 2 (sawtooth))")
