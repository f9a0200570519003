"""Two ``data.melody`` messages that left a musician guessing: ``name:`` with nothing after the colon said "did you
mean 'name:'?" (itself), and a selector naming the drum track (``name:Drums``, ``channel:10``) skipped the file as
matching no part, listing only the other parts, as if the named track were not there."""

from __future__ import annotations

from pathlib import Path

import pretty_midi
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.melody import parse_rule


@pytest.mark.parametrize(("item", "wanted"), [("name:", "name:TEXT"), ("track:", "track:N"), ("program:", "program:N")])
def test_a_selector_with_nothing_after_its_colon_says_what_goes_there(item: str, wanted: str):
    with pytest.raises(ValueError) as error:
        parse_rule(f"top-line, {item}")
    assert wanted in str(error.value) and "did you mean" not in str(error.value)


def daw_export(path: Path) -> None:
    """A lead on channel 1 and a drum track 'Drums' on channel 10, two bars of 8ths each."""
    song = pretty_midi.PrettyMIDI(initial_tempo=120)
    lead = pretty_midi.Instrument(81, name="Lead")
    drums = pretty_midi.Instrument(0, is_drum=True, name="Drums")
    for k in range(16):
        lead.notes.append(pretty_midi.Note(90, 60 + k % 12, k * 0.25, k * 0.25 + 0.2))
        drums.notes.append(pretty_midi.Note(100, 36, k * 0.25, k * 0.25 + 0.1))
    song.instruments = [lead, drums]
    song.write(str(path))


@pytest.mark.parametrize("rule", ["name:Drums", "channel:10"])
def test_a_selector_that_names_only_the_drum_track_says_why_it_is_not_taken(tmp_path: Path, rule: str):
    song = tmp_path / "song.mid"
    daw_export(song)
    _, report = load_dataset([str(song)], DataConfig(cache_dir="none", melody=rule))
    (entry,) = report.entries
    assert entry["reason"] == "no notes"
    assert (
        "it names track 2 'Drums' (channel 10, drums): channel 10 is the General MIDI drum channel" in entry["detail"]
    )
    assert "move it to another channel" in entry["detail"]


def test_a_selector_that_matches_nothing_at_all_gets_no_drum_hint(tmp_path: Path):
    song = tmp_path / "song.mid"
    daw_export(song)
    _, report = load_dataset([str(song)], DataConfig(cache_dir="none", melody="name:vocal"))
    assert "drum channel" not in report.entries[0]["detail"]
