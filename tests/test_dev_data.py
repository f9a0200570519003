"""The real dev MIDI (../shared/data/dev, see its README.md): measured offsets are reproduced from ticks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import mido
import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.midi import read_midi_bytes

pytestmark = pytest.mark.shared_data

CFG = DataConfig(cache_dir="none", pitch_low=48)  # the rows the recorded tables were made at


def first_files(folder: Path, n: int) -> list[str]:
    files = sorted(folder.glob("*.mid"))[:n]
    assert len(files) == n, f"expected at least {n} MIDI files in {folder}"
    return [str(f) for f in files]


def note_on_ticks(path: str) -> list[int]:
    ticks = []
    for track in mido.MidiFile(path).tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                ticks.append(now)
    return sorted(ticks)


def test_wjd_performed_offsets_spread_like_the_readme_says(dev_data):
    # README: std 0.572 and mean |offset| 0.494 half-steps over all 88,524 notes; 5.2 % within ±0.05
    table, report = load_dataset(first_files(dev_data / "wjd_performed", 20), CFG, jobs=1)
    assert len(report.ok) == 20
    ts = table.timeshift.astype(np.float64)
    assert table.n_notes > 5000
    assert ts.std() == pytest.approx(0.572, abs=0.03)
    assert np.abs(ts).mean() == pytest.approx(0.494, abs=0.03)
    assert np.mean(np.abs(ts) <= 0.05) < 0.1
    assert set(table.velocity.tolist()) == {100}  # WJD velocity is a constant 100


def test_wjd_onsets_keep_their_exact_ticks_under_a_tempo_change_every_beat(dev_data):
    for path in first_files(dev_data / "wjd_performed", 3):
        score = read_midi_bytes(Path(path).read_bytes(), CFG)
        assert sorted(score.start.tolist()) == note_on_ticks(path), path


def test_essen_quantized_offsets_are_on_the_grid(dev_data):
    # README: 99.98 % of notes within ±0.05 (the rest are tuplets); 120 bpm
    table, report = load_dataset(first_files(dev_data / "essen_folk_quantized", 60), CFG, jobs=1)
    assert len(report.ok) == 60
    assert table.n_notes > 1000
    assert np.mean(np.abs(table.timeshift) <= 0.05) >= 0.99
    assert table.seconds_per_step == pytest.approx(np.full(table.n_loops, 0.125))


# The tables of the three dev sets as mvae built them before real-world MIDI handling (melody selection, lenient
# reading, meters, warnings) was added: files that were read before are read exactly as before. A deliberate change
# to how clean files parse updates these, and says so in its commit.
DEV_TABLES = {
    "wjd_performed": (6561, 85130, "90d984a2ede56113"),
    "asap_piano_skyline_performed": (8326, 257454, "86991b1811511940"),
    "essen_folk_quantized": (3250, 28781, "bc55ae5559af3da4"),
}


def table_digest(table) -> str:
    digest = hashlib.sha256()
    for column in ("row", "step", "velocity", "duration", "timeshift", "offsets", "source"):
        digest.update(np.ascontiguousarray(getattr(table, column)).tobytes())
    return digest.hexdigest()[:16]


@pytest.mark.parametrize("folder", sorted(DEV_TABLES))
def test_clean_files_give_the_same_table_as_before_real_world_handling(dev_data, folder):
    table, report = load_dataset([str(dev_data / folder)], CFG, jobs=2)
    assert (table.n_loops, table.n_notes, table_digest(table)) == DEV_TABLES[folder]
    assert report.totals()["left_out_notes"] == 0 and report.totals()["drum_notes"] == 0
