"""Two skip details said what was wrong and not what to do: ``too large (9,437,184 bytes; the limit is 8,388,608)``
and ``no 4/4 bar (6 bars in 3/4)``. The first now says to split the file or strip the controller data mvae does not
read (the limit is fixed, no setting); the second names the setting for a wrong header, and that setting takes the
file."""

from __future__ import annotations

from pathlib import Path

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipReason
from mvae_core.data.sources import MAX_UNIT_BYTES
from tests.synth import SynthNote, write_midi


def _entry(path: Path, **settings: object) -> dict:
    _, report = load_dataset([str(path)], DataConfig(cache_dir="none", **settings))
    (entry,) = report.entries
    return entry


def test_a_file_over_the_size_limit_is_told_to_be_split_or_stripped(tmp_path: Path) -> None:
    path = tmp_path / "live set.mid"
    with open(path, "wb") as handle:  # sparse: the size is what counts, the file is never read
        handle.write(b"MThd")
        handle.truncate(MAX_UNIT_BYTES + 1)
    entry = _entry(path)
    assert entry["reason"] == SkipReason.TOO_LARGE.value
    assert entry["detail"] == (
        f"{MAX_UNIT_BYTES + 1:,} bytes; the limit is {MAX_UNIT_BYTES:,}: split the file, or strip the controller data "
        "that may fill it (pitch bends, aftertouch, control changes) in a MIDI editor: mvae reads none of it"
    )


def test_a_file_with_no_four_four_bar_names_the_setting_that_reads_it_as_four_four(tmp_path: Path) -> None:
    notes = [SynthNote(60 + k % 12, k * 480, k * 480 + 400) for k in range(36)]  # 6 bars of 3/4 at 960 per quarter
    path = write_midi(tmp_path / "waltz.mid", notes, time_signatures=[(0, 3, 4)])
    entry = _entry(path)
    assert entry["reason"] == SkipReason.NO_FOUR_FOUR.value
    assert entry["detail"] == (
        "6 bars in 3/4 (mvae learns loops of 4/4 bars); if its time signatures are wrong and the music is in 4/4, "
        "--set data.meter=4/4 reads every file as 4/4 from its first tick"
    )
    assert _entry(path, meter="4/4")["loops"] > 0  # the setting named takes the file
