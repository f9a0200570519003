"""corpus:essen conversion (music21) on small ABC tunes, and a clear error when music21 is missing."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.config import DataConfig
from mvae_core.data.corpus import MissingCorpusExtra, check_meters, corpus_files, split_tunes, tune_to_score
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipFile
from tests.synth import score_to_loops

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


def test_split_tunes_splits_every_tune_in_file_order():
    tunes = split_tunes(COLLECTION)
    assert [number for number, _ in tunes] == ["1", "2", "3", "4"]  # those in other meters too (tune_to_score skips)
    assert tunes[0][1].startswith("X:1\nT:Pickup tune")
    assert "X:2" not in tunes[0][1]  # one tune per chunk


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
    block = score_to_loops(score, DataConfig(pitch_low=48))
    # the triplet: onsets at 3840, 3840 + 320 and 3840 + 640 ticks; a 16th is 240 ticks
    assert block.step.tolist()[3:6] == [16, 19, 21]
    assert block.timeshift.tolist()[3:6] == pytest.approx([0.0, -2 / 3, 2 / 3])
    assert block.seconds_per_step.tolist() == [0.125, 0.125]  # ABC carries no tempo: 120 bpm


def test_a_quantized_tune_has_no_timeshift_outside_tuplets():
    pytest.importorskip("music21")
    block = score_to_loops(tune_to_score(tune("1")), DataConfig(pitch_low=48))
    assert block.step.tolist() == [12, 16, 20, 24, 28, 0, 4, 8, 12, 16]  # pickup on beat 4 of a (silent) bar
    assert not block.timeshift.any()


FEATURES = """X:7
T:Every kind of token the converter lays out
M:4/4
L:1/8
K:F
z2 c2 | d>e f<g (3abc' _B2 | [CEG]2 {ag}f2 e2- e/2d/2 B,/2=B,/2 | c4-
c2 z2 f2 f2 |
K:D
f2 g2 a4 | (5ABcde f3/ g/ [Ac]4 |]
"""


def music21_stream_notes(abc: str) -> tuple[list[int], list[int], list[int]]:
    """The reference: music21's full ABC-to-stream conversion (13 times slower), read the way mvae used to."""
    music21 = pytest.importorskip("music21")
    part = music21.converter.parse(abc, format="abc").stripTies().parts[0]
    measures = list(part.getElementsByClass("Measure"))
    pad = float(measures[0].paddingLeft) if measures else 0.0
    starts, ends, pitches = [], [], []
    for note in part.flatten().notes:
        if note.quarterLength > 0:
            onset = float(note.getOffsetInHierarchy(part)) + pad
            starts.append(round(onset * 960))
            ends.append(round((onset + float(note.quarterLength)) * 960))
            pitches.append(max(p.midi for p in note.pitches))
    order = sorted(range(len(starts)), key=lambda i: (starts[i], pitches[i]))
    return [pitches[i] for i in order], [starts[i] for i in order], [ends[i] for i in order]


def notes(score) -> tuple[list[int], list[int], list[int]]:
    return score.pitch.tolist(), score.start.tolist(), score.end.tolist()


def test_tuplets_chords_grace_notes_broken_rhythm_ties_and_key_changes_match_music21s_streams():
    pytest.importorskip("music21")
    score = tune_to_score(FEATURES)
    assert notes(score) == music21_stream_notes(FEATURES)
    pitch, start, end = notes(score)
    assert start[0] == 3840 - 960  # the pickup (a rest and a quarter note) ends on the first bar line
    assert end[1] - start[1] == 720 and end[2] - start[2] == 240  # d>e: a dotted 8th and a 16th
    assert [e - s for s, e in zip(start[5:8], end[5:8], strict=True)] == [320] * 3  # (3abc': 8th triplets
    assert pitch[8:10] == [70, 67]  # _B2, then the chord [CEG] as its top note; the grace notes {ag} left out
    assert (start[11], end[11] - start[11]) == (9600, 1200)  # e2- e/2: tied into one note
    assert pitch[13:15] == [58, 59]  # B,/2 is flat in F; =B,/2 is natural
    assert end[15] - start[15] == 2880  # c4- | c2: tied across the bar line
    assert pitch[18] == 78  # after K:D, f is F sharp


def test_a_tie_into_a_rest_does_not_hold_the_note_through_the_rest():
    pytest.importorskip("music21")
    pitch, start, end = notes(tune_to_score("X:1\nM:4/4\nL:1/4\nK:C\nC D- z F | G A B c |]\n"))
    assert (pitch[1], start[1], end[1]) == (62, 960, 1920)  # music21's streams would end it at 2880
    assert start[2] == 2880


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("M:4/0\nL:1/4\nK:C\nC D E F | G A B c |]", "no 4/4 bar: M:4/0"),  # no meter (music21 divides by zero)
        ("M:4/4\nL:1/4\nK:C\nC0 D/0 E F | G A B c |]", "corrupt"),
        ("M:4/4\nL:1/4\nK:C\n{CDE} z4 |]", "no notes"),  # grace notes only
    ],
)
def test_an_odd_tune_is_skipped_with_a_reason(body, reason):
    pytest.importorskip("music21")
    with pytest.raises(SkipFile, match=reason):
        tune_to_score(f"X:1\n{body}\n")


def in_four_four(abc: str) -> bool:
    try:
        check_meters(abc)
    except SkipFile:
        return False
    return True


def essen_sample(every: int) -> list[tuple[str, str]]:
    pytest.importorskip("music21")
    tunes = [(f"{p.stem}#{n}", abc) for p in corpus_files("essen") for n, abc in split_tunes(p.read_text("latin-1"))]
    tunes = [tune for tune in tunes if in_four_four(tune[1])]
    tied = [tune for tune in tunes if "-" in tune[1].split("K:", 1)[1]]
    return tied[:: every // 4] + tunes[::every]


def test_essen_tunes_give_the_same_notes_as_music21s_streams():
    """A sample of 76 tunes, including every 10th of those with a tie (all 2,022 in 4/4 matched when the converter was
    written, and all 477 in 2/2, 4/2 and other whole 4/4 bars when they were first read)."""
    for name, abc in essen_sample(every=40):
        assert notes(tune_to_score(abc)) == music21_stream_notes(abc), name


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
    assert "needs music21: install the 'corpus' extra: " in result.output and "-m pip install" in result.output


def test_cli_without_music21_prints_the_exact_install_command(monkeypatch, wide_console):
    result = run_inspect_without_music21(monkeypatch)
    assert "pip install 'mvae[corpus]'" in result.output


def test_unknown_corpus_is_a_clear_error():
    with pytest.raises(ValueError, match=r"unknown corpus 'bach'.*essen"):
        corpus_files("bach")
