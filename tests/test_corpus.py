"""corpus:essen conversion (music21) on small ABC tunes, and a clear error when music21 is missing."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.config import DataConfig
from mvae_core.data.corpus import MissingCorpusExtra, corpus_files, split_tunes, tune_to_score
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import score_to_loops

COLLECTION = """%a collection file with four tunes
X:1
T:Pickup tune
M:4/4
L:1/8
K:C
c2 | d2 e2 f2 g2 | a2 b2 c'2 d'2 | e'8 |]

X:2
T:A waltz
M:3/4
L:1/8
K:G
G2 A2 B2 | c6 |]

X:3
T:Common time, a tie and a triplet
M:C
L:1/4
K:D
D E- E F | (3DEF G A B |]

X:4
T:Changes meter
M:4/4
L:1/4
K:C
C D E F |
M:3/4
G A B |]
"""


def tune(number: str) -> str:
    return dict(split_tunes(COLLECTION))[number]


def test_split_tunes_keeps_only_tunes_entirely_in_four_four_or_common_time():
    tunes = split_tunes(COLLECTION)
    assert [number for number, _ in tunes] == ["1", "3"]
    assert tunes[0][1].startswith("X:1\nT:Pickup tune")
    assert "X:3" not in tunes[0][1]  # one tune per chunk


def test_a_pickup_is_shifted_so_the_first_downbeat_is_on_a_bar_line():
    pytest.importorskip("music21")
    score = tune_to_score(tune("1"))
    assert score.resolution == 960
    assert score.start.tolist()[:3] == [2880, 3840, 4800]  # a quarter-note pickup ends at the first bar line
    assert score.start[1] % 3840 == 0
    assert score.pitch.tolist()[:2] == [72, 74]
    assert score.velocity.tolist() == [100] * 10
    assert score.end[-1] - score.start[-1] == 4 * 960  # e'8 with L:1/8 is a whole note


def test_ties_are_merged_and_triplets_are_off_the_sixteenth_grid():
    pytest.importorskip("music21")
    score = tune_to_score(tune("3"))
    assert score.pitch.tolist() == [62, 64, 66, 62, 64, 66, 67, 69, 71]
    assert (score.start[1], score.end[1]) == (960, 2880)  # E- E: one half note
    block = score_to_loops(score, DataConfig())
    # the triplet: onsets at 3840, 3840 + 320 and 3840 + 640 ticks; a 16th is 240 ticks
    assert block.step.tolist()[3:6] == [16, 19, 21]
    assert block.timeshift.tolist()[3:6] == pytest.approx([0.0, -2 / 3, 2 / 3])
    assert block.seconds_per_step.tolist() == [0.125, 0.125]  # ABC carries no tempo: 120 bpm


def test_a_quantized_tune_has_no_timeshift_outside_tuplets():
    pytest.importorskip("music21")
    block = score_to_loops(tune_to_score(tune("1")), DataConfig())
    assert block.step.tolist() == [12, 16, 20, 24, 28, 0, 4, 8, 12, 16]  # pickup on beat 4 of a (silent) bar
    assert not block.timeshift.any()


def test_missing_music21_names_the_corpus_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "music21", None)  # makes `import music21` raise ImportError
    with pytest.raises(MissingCorpusExtra, match="'corpus' extra"):
        corpus_files("essen")
    with pytest.raises(MissingCorpusExtra, match="music21"):
        tune_to_score(tune("1"))
    with pytest.raises(MissingCorpusExtra):
        load_dataset(["corpus:essen"], DataConfig(cache_dir="none"))


def run_inspect_without_music21(monkeypatch):
    monkeypatch.setitem(sys.modules, "music21", None)
    return CliRunner().invoke(cli.app, ["data", "inspect", "corpus:essen"])


def test_cli_without_music21_exits_2_naming_the_extra(monkeypatch, wide_console):
    result = run_inspect_without_music21(monkeypatch)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "needs music21, the 'corpus' extra: pip install" in result.output


def test_cli_without_music21_prints_the_exact_install_command(monkeypatch, wide_console):
    result = run_inspect_without_music21(monkeypatch)
    assert "pip install 'mvae[corpus]'" in result.output


def test_unknown_corpus_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown corpus 'bach'.*essen"):
        corpus_files("bach")
