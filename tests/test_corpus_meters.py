"""corpus:essen reads a tune whose every meter is a whole number of 4/4 bars (2/2, ``C|``, 4/2), as MIDI files' meters
are read, with its pickup shifted to the tune's bar; any other tune is skipped as ``no 4/4 bar``, naming its meters.
Before, only tunes in 4/4 or ``C`` were read and the others left out unsaid: 410 of the Essen tunes (285 in 4/2, 64
in 2/2, ...) were never used, and 6,082 skipped without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data import cache, corpus, sources
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipFile, SkipReason, bars_of_four_four
from mvae_core.data.sources import Unit, fold_source, parse_unit

pytest.importorskip("music21")

COLLECTION = """%tunes in each kind of meter
X:1
T:Four-two with a pickup
M:4/2
L:1/8
K:C
G2 | c2d2e2f2 g2a2b2c'2 | d'2c'2b2a2 g8 |]

X:2
T:Cut time with a pickup
M:2/2
L:1/8
K:C
E2 | F2G2A2B2 | c2d2e2f2 | g2f2e2d2 | c8 |]

X:3
T:Cut time as a symbol
M:C|
L:1/8
K:C
c2d2e2f2 | g2a2b2c'2 | c'8 |]

X:4
T:A waltz
M:3/4
L:1/8
K:G
G2 A2 B2 | c2 d2 e2 | f2 g2 a2 | b6 |]

X:5
T:Four-four then three-four
M:4/4
L:1/8
K:C
c2d2e2f2 | g2a2b2c'2 |
M:3/4
c'2b2a2 |]

X:6
T:Four-four, then three-four inline
M:4/4
L:1/8
K:C
c2d2e2f2 | g2a2b2c'2 | [M:3/4] c'2b2a2 |]

X:7
T:Free meter
M:none
L:1/8
K:C
c2d2e2f2 g2a2b2c'2 |]
"""


def read(collection: str = COLLECTION) -> dict[str, sources.SourceResult]:
    parsed = parse_unit(Unit("abc", Path("meters.abc"), "corpus:test/meters"), collection.encode(), DataConfig())
    results = [fold_source(source, DataConfig(pitch_low=48)) for source in parsed]
    return {result.name.rsplit("#", 1)[1]: result for result in results}


def loops_and_steps(result: sources.SourceResult) -> list[tuple[int, int]]:
    assert result.block is not None, (result.reason, result.detail)
    return list(zip(result.block.loop.tolist(), result.block.step.tolist(), strict=True))


def test_a_tune_in_four_two_is_read_with_its_pickup_before_the_first_bar_line():
    notes = loops_and_steps(read()["1"])
    assert notes[0] == (0, 28)  # the pickup, a quarter, ends where a 4/2 bar (one loop) begins
    assert notes[1:9] == [(1, step) for step in range(0, 32, 4)]  # the first full bar fills loop 1
    assert notes[9] == (2, 0)  # the second bar line is the next loop's start


def test_a_tune_in_cut_time_is_read_with_its_pickup_before_the_first_bar_line():
    notes = loops_and_steps(read()["2"])
    assert notes[:2] == [(0, 12), (0, 16)]  # the pickup ends on the bar line of the 2/2 bar after a silent one
    assert notes[5] == (1, 0)  # a 2/2 bar is a 4/4 bar: its third bar line starts the next loop


def test_cut_time_written_as_a_symbol_is_read():
    assert loops_and_steps(read()["3"])[:2] == [(0, 0), (0, 4)]


@pytest.mark.parametrize(
    ("number", "detail"),
    [
        ("4", "M:3/4"),
        ("5", "M:4/4 and M:3/4: a tune is read only when each of its meters is 4/4 or a whole number of 4/4 bars"),
        ("6", "M:4/4 and M:3/4: a tune is read only when each of its meters is 4/4 or a whole number of 4/4 bars"),
        ("7", "M:none"),
    ],
)
def test_a_tune_in_another_meter_is_skipped_as_no_four_four_bar_naming_its_meters(number, detail):
    result = read()[number]
    assert (result.reason, result.detail, result.block) == (SkipReason.NO_FOUR_FOUR.value, detail, None)


def test_a_tune_without_a_meter_field_is_skipped_as_free_meter():
    with pytest.raises(SkipFile, match=r"no 4/4 bar: no M: field \(free meter\)"):
        corpus.tune_to_score("X:1\nL:1/8\nK:C\nc2d2e2f2 g2a2b2c'2 |]\n")


@pytest.mark.parametrize(
    ("meter", "fraction"),
    [("4/4", (4, 4)), ("C", (4, 4)), ("2/2", (2, 2)), ("C|", (2, 2)), ("4/2", (4, 2)), ("3/4", (3, 4))],
)
def test_abc_meters_are_whole_four_four_bars_by_the_rule_midi_files_are_read_by(meter, fraction):
    assert corpus.meter_bars(meter) == bars_of_four_four(*fraction)


@pytest.mark.parametrize("meter", ["none", "FREI4/4", "", "6/8", "2/4"])
def test_a_free_or_other_meter_is_no_four_four_bar(meter):
    assert corpus.meter_bars(meter) == 0


def test_a_parse_cache_of_the_version_before_is_not_reused(tmp_path, monkeypatch):
    """FORMAT_VERSION 28 keys every entry anew: a collection cached when 4/2 tunes were not read gets them now."""
    monkeypatch.setenv("MVAE_CACHE_DIR", str(tmp_path / "cache"))
    collection = tmp_path / "meters.abc"
    collection.write_text(COLLECTION, encoding="latin-1")
    monkeypatch.setattr(sources, "corpus_files", lambda name: [collection])

    def old_rule(abc: str) -> None:  # what mvae at FORMAT_VERSION 27 read: only 4/4 and C
        if not all(meter in ("4/4", "C") for meter in corpus._METER.findall(abc)):
            raise SkipFile(SkipReason.NO_FOUR_FOUR)

    with monkeypatch.context() as old:
        old.setattr(cache, "FORMAT_VERSION", 27)
        old.setattr(corpus, "check_meters", old_rule)
        table, _ = load_dataset(["corpus:essen"], DataConfig(), jobs=1)
        assert table.sources == []
    table, _ = load_dataset(["corpus:essen"], DataConfig(), jobs=1)
    assert table.sources == [f"corpus:essen/meters#{number}" for number in ("1", "2", "3")]
