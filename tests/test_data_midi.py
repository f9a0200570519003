"""MIDI → loops with known ticks: grid, timeshift, duration, velocity, pitch rows, meters and tempo maps.

Files are written tick-exactly (tests/synth.py), so every expected value below is exact. 960 ticks per quarter:
a 16th step is 240 ticks, half a step 120 ticks, a loop (2 bars of 4/4) 7680 ticks.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import LoopBlock
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from tests.synth import SynthNote, random_melody, score_to_loops, write_midi

STEP = 240
LOOP = 32 * STEP


def loops_of(tmp_path, notes, cfg=None, **midi) -> LoopBlock:
    # rows MIDI 48..71, which these expectations assume (the default, "auto", chooses from the data)
    cfg = cfg or DataConfig(pitch_low=48)
    path = write_midi(tmp_path / "song.mid", notes, **midi)
    return score_to_loops(read_midi_bytes(path.read_bytes(), cfg), cfg)


def cells(block: LoopBlock) -> list[tuple[int, int, int]]:
    return [(int(lp), int(r), int(s)) for lp, r, s in zip(block.loop, block.row, block.step, strict=True)]


def note(pitch: int, start: int, steps_long: float = 1, velocity: int = 100, channel: int = 0) -> SynthNote:
    return SynthNote(pitch, start, start + round(steps_long * STEP), velocity, channel)


def test_known_onsets_give_exact_cells_timeshifts_durations_and_velocities(tmp_path):
    notes = [
        note(60, 0, steps_long=2, velocity=1),  # on the grid
        note(62, 5 * STEP + 60, steps_long=4, velocity=127),  # half of a half-step late
        note(64, 7 * STEP - 30, steps_long=8, velocity=64),  # a quarter of a half-step early
        note(65, LOOP + 3 * STEP, steps_long=40, velocity=90),  # second loop; longer than max_duration_steps
    ]
    block = loops_of(tmp_path, notes)
    assert cells(block) == [(0, 12, 0), (0, 14, 5), (0, 16, 7), (1, 17, 3)]
    assert block.timeshift.tolist() == [0.0, 0.5, -0.25, 0.0]
    assert block.duration.tolist() == [2 / 16, 4 / 16, 8 / 16, 1.0]
    assert block.velocity.tolist() == [1, 127, 64, 90]
    assert block.seconds_per_step.tolist() == [0.125, 0.125]  # 120 bpm: a 16th is 1/8 s


def test_duration_is_steps_over_max_duration_steps(tmp_path):
    notes = [note(60, 0, steps_long=1), note(62, 4 * STEP, steps_long=3), note(64, 8 * STEP, steps_long=6)]
    block = loops_of(tmp_path, notes, DataConfig(max_duration_steps=4, pitch_low=48))
    assert block.duration.tolist() == [0.25, 0.75, 1.0]


def test_seconds_per_step_follows_each_loops_tempo(tmp_path):
    notes = [note(60, 0), note(62, LOOP), note(64, 2 * LOOP)]
    block = loops_of(tmp_path, notes, tempos=[(0, 120.0), (LOOP, 60.0), (2 * LOOP, 90.0)])
    assert block.seconds_per_step == pytest.approx([0.125, 0.25, 60 / 90 / 4], rel=1e-6)


def test_grid_is_in_ticks_under_a_tempo_map_changing_every_beat_after_a_pickup(tmp_path):
    # a 2/4 pickup bar at tick 0, then 4/4 from tick 1920; the tempo alternates 120/60 bpm on every beat (B3)
    downbeat = 2 * 960
    tempos = [(beat * 960, 120.0 if beat % 2 == 0 else 60.0) for beat in range(2 + 2 * 8 + 1)]
    notes = [
        note(67, 100),  # inside the pickup bar: no loop
        note(60, downbeat - 60, steps_long=2),  # just before the first 4/4 downbeat: step 0, early
        note(62, downbeat + 5 * STEP + 60, steps_long=4),
        note(64, downbeat + 30 * STEP - 90, steps_long=3),
        note(65, downbeat + LOOP + 9 * STEP + 119),
    ]
    block = loops_of(tmp_path, notes, tempos=tempos, time_signatures=[(0, 2, 4), (downbeat, 4, 4)])
    assert cells(block) == [(0, 12, 0), (0, 14, 5), (0, 16, 30), (1, 17, 9)]
    assert block.timeshift == pytest.approx([-0.5, 0.5, -0.75, 119 / 120])
    assert block.duration.tolist() == [2 / 16, 4 / 16, 3 / 16, 1 / 16]  # steps, not seconds
    # every loop: 4 beats at 0.5 s + 4 beats at 1 s over 32 steps
    assert block.seconds_per_step == pytest.approx([6 / 32, 6 / 32], rel=1e-6)
    assert block.counters["outside_loops"] == 1
    assert block.counters["other_meter_bars"] == 1


def test_quarter_note_pickup_shifts_the_grid(tmp_path):
    notes = [note(60, 960 + k * 4 * STEP) for k in range(8)]
    block = loops_of(tmp_path, notes, time_signatures=[(0, 1, 4), (960, 4, 4)])
    assert cells(block) == [(0, 12, 4 * k) for k in range(8)]
    assert block.counters["other_meter_bars"] == 1


def test_note_just_before_a_downbeat_belongs_to_step_0_of_that_loop(tmp_path):
    block = loops_of(tmp_path, [note(60, 0), note(62, LOOP - 30), note(64, LOOP - 121)])
    assert cells(block) == [(0, 12, 0), (0, 16, 31), (1, 14, 0)]
    assert block.timeshift == pytest.approx([0.0, 119 / 120, -0.25])


def test_a_loop_is_32_steps_two_bars_of_four_four(tmp_path):
    # one note per quarter over 4 bars (ancestor B1: a "loop" of 32 steps at 12 steps/beat was 2 2/3 beats)
    block = loops_of(tmp_path, [note(60, beat * 960) for beat in range(16)])
    assert block.n_loops == 2
    assert block.loop.tolist() == [0] * 8 + [1] * 8
    assert block.step.tolist() == [0, 4, 8, 12, 16, 20, 24, 28] * 2
    assert block.seconds_per_step * 32 == pytest.approx([4.0, 4.0])  # 2 bars at 120 bpm


def test_pitch_row_is_pitch_minus_pitch_low_not_modulo_24(tmp_path):
    pitches = [48, 55, 60, 71]
    block = loops_of(tmp_path, [note(p, 4 * i * STEP) for i, p in enumerate(pitches)])
    assert block.row.tolist() == [0, 7, 12, 23]
    assert (block.row.astype(int) + 48).tolist() == pitches  # and back

    # ancestor A1: with pitch_low 40, `% 24` put MIDI 60 on row 12, which played back as 52 (+4 semitones mod 12)
    block = loops_of(tmp_path, [note(p, 4 * i * STEP) for i, p in enumerate(pitches)], DataConfig(pitch_low=40))
    assert block.row.tolist() == [8, 15, 20, 31 - 12]  # 71 is above 40..63: folded one octave down
    assert int(block.row[2]) + 40 == 60


def test_out_of_range_pitches_fold_by_octaves_or_drop_and_are_counted(tmp_path):
    pitches = [30, 47, 60, 72, 84, 100]  # 48..71 is in range
    notes = [note(p, 4 * i * STEP) for i, p in enumerate(pitches)]

    folded = loops_of(tmp_path, notes)
    assert folded.counters["folded"] == 5
    assert folded.counters["dropped"] == 0
    assert folded.row.tolist() == [30 + 24 - 48, 47 + 12 - 48, 12, 72 - 12 - 48, 84 - 24 - 48, 100 - 36 - 48]
    assert ((folded.row.astype(int) + 48) % 12).tolist() == [p % 12 for p in pitches]  # pitch class kept

    dropped = loops_of(tmp_path, notes, DataConfig(out_of_range="drop", pitch_low=48))
    assert dropped.counters["dropped"] == 5
    assert dropped.counters["folded"] == 0
    assert cells(dropped) == [(0, 12, 8)]


def test_fold_and_drop_counts_reach_the_report(tmp_path):
    notes = [note(60 if i % 2 else 90, i * 2 * STEP) for i in range(16)]  # 8 notes two octaves-ish above range
    write_midi(tmp_path / "song.mid", notes)
    _, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none", pitch_low=48))
    assert report.totals()["folded"] == 8
    table, report = load_dataset(
        [str(tmp_path)], DataConfig(cache_dir="none", out_of_range="drop", min_onsets=1, pitch_low=48)
    )
    assert report.totals()["dropped"] == 8
    assert table.n_notes == 8


def test_channel_10_is_melodic_and_channel_9_is_drums(tmp_path):
    # ancestor A4 dropped MIDI channel index 10 as if it were drums
    melodic = [note(60, 0, channel=10), note(62, 4 * STEP, channel=0)]
    drums = [note(36, 8 * STEP), note(38, 12 * STEP)]
    block = loops_of(tmp_path, melodic, drum_notes=drums)
    assert cells(block) == [(0, 12, 0), (0, 14, 4)]
    assert block.counters["notes_in_file"] == 2

    path = write_midi(tmp_path / "drums.mid", [], drum_notes=drums)
    with pytest.raises(SkipFile) as skip:
        read_midi_bytes(path.read_bytes(), DataConfig())
    assert skip.value.reason is SkipReason.DRUMS_ONLY


def test_two_notes_in_one_cell_keep_the_louder(tmp_path):
    notes = [
        note(60, 4 * STEP - 20, velocity=50),
        note(60, 4 * STEP + 30, velocity=110),  # same row, same step: louder wins
        note(62, 4 * STEP, velocity=30),  # another row: no collision
        note(64, 8 * STEP - 10, velocity=70),
        note(64, 8 * STEP + 10, velocity=70),  # a tie: the earlier stays
    ]
    block = loops_of(tmp_path, notes)
    assert cells(block) == [(0, 12, 4), (0, 14, 4), (0, 16, 8)]
    assert block.velocity.tolist() == [110, 30, 70]
    assert block.timeshift == pytest.approx([0.25, 0.0, -10 / 120])
    assert block.counters["collided"] == 2


THREE_FOUR_BARS = 3
START_44 = THREE_FOUR_BARS * 3 * 960


def waltz_then_four_four() -> tuple[list[SynthNote], list[tuple[int, int, int]]]:
    """Three 3/4 bars with a note on every beat, then two 4/4 loops of 8th notes, each 12 ticks late."""
    notes = [note(72, k * 960) for k in range(3 * THREE_FOUR_BARS)]
    notes += [note(60 + (k % 5), START_44 + k * 2 * STEP + 12) for k in range(32)]
    return notes, [(0, 3, 4), (START_44, 4, 4)]


def test_three_four_region_is_skipped_and_counted_and_the_following_four_four_is_used(tmp_path):
    notes, meters = waltz_then_four_four()
    block = loops_of(tmp_path, notes, time_signatures=meters)
    assert block.counters["other_meter_bars"] == THREE_FOUR_BARS
    assert block.counters["outside_loops"] == 9
    assert block.loop.tolist() == [0] * 16 + [1] * 16
    assert block.step.tolist() == list(range(0, 32, 2)) * 2
    assert block.timeshift == pytest.approx([0.1] * 32)


def test_bars_in_other_meters_are_counted_in_the_report_parsed_or_cached(tmp_path):
    notes, meters = waltz_then_four_four()
    path = write_midi(tmp_path / "waltz_then_march.mid", notes, time_signatures=meters)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    for parsed in (1, 0):
        table, report = load_dataset([str(path)], cfg)
        assert report.parsed_units == parsed
        assert report.totals()["other_meter_bars"] == THREE_FOUR_BARS
        assert table.n_loops == 2


def test_four_four_regions_around_a_three_four_region_are_both_used(tmp_path):
    # 4/4 for 1.5 loops (the half loop before the meter change is incomplete), 2 bars of 3/4, then 4/4
    start_34 = LOOP + LOOP // 2
    start_44 = start_34 + 2 * 2880
    notes = [note(60, k * 4 * STEP) for k in range(12)]  # loop 0 (8 notes) + 4 notes of the incomplete loop
    notes += [note(64, start_34 + 960)]
    notes += [note(67, start_44 + k * 4 * STEP) for k in range(8)]
    block = loops_of(tmp_path, notes, time_signatures=[(0, 4, 4), (start_34, 3, 4), (start_44, 4, 4)])
    assert block.loop.tolist() == [0] * 8 + [1] * 8
    assert block.row.tolist() == [12] * 8 + [19] * 8
    assert block.counters["outside_loops"] == 5
    assert block.counters["other_meter_bars"] == 2


def test_random_performed_melody_round_trips_to_its_ticks_under_a_changing_tempo(tmp_path):
    rng = np.random.default_rng(7)
    melody = random_melody(rng, n_loops=3, offset_std=0.4)
    tempos = [(beat * 960, float(rng.uniform(60, 200))) for beat in range(3 * 8)]
    block = loops_of(tmp_path, melody, DataConfig(pitch_low=52, pitch_classes=24), tempos=tempos)
    assert block.counters["collided"] == 0
    ticks = (block.loop.astype(int) * 32 + block.step) * STEP + np.round(block.timeshift.astype(float) * STEP / 2)
    rebuilt = sorted(zip(ticks.astype(int).tolist(), (block.row.astype(int) + 52).tolist(), strict=True))
    assert rebuilt == sorted((n.start, n.pitch) for n in melody)


def test_a_file_with_many_tempo_events_is_used(tmp_path):
    # ancestor B3 rejected every file with more than one tempo event
    notes = [note(60 + k % 7, k * 2 * STEP) for k in range(32)]
    write_midi(tmp_path / "tempo_map.mid", notes, tempos=[(b * 960, 100.0 + 10 * (b % 5)) for b in range(16)])
    table, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    assert [e["status"] for e in report.entries] == ["ok"]
    assert table.n_loops == 2


def test_a_type_2_files_patterns_are_read_one_after_another():
    """A type-2 file's tracks are independent sequences: pattern B sounds after pattern A, not with it (they were
    read as parts played together, and the top line mixed them)."""
    import io

    import mido

    midi = mido.MidiFile(type=2, ticks_per_beat=480)
    for pitch in (60, 67):  # pattern A: 16 quarter notes of C4; pattern B: of G4; each 4 bars
        track = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=4, denominator=4)])
        for _ in range(16):
            track.append(mido.Message("note_on", note=pitch, velocity=90, time=0))
            track.append(mido.Message("note_off", note=pitch, velocity=0, time=480))
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    score = read_midi_bytes(buffer.getvalue(), DataConfig())
    assert score.pitch.tolist() == [60] * 16 + [67] * 16
    assert score.start.tolist() == [480 * i for i in range(32)]


def _one_track(events: list[tuple[int, str, int, int]], resolution: int = 960) -> bytes:
    """A type-0 file of ``(tick, 'on'|'off'|'on0', pitch, velocity)`` events, in the order given (a DAW's order)."""
    import io

    import mido

    track, now = mido.MidiTrack(), 0
    for tick, kind, pitch, velocity in events:
        velocity = 0 if kind == "on0" else velocity
        message = "note_off" if kind == "off" else "note_on"
        track.append(mido.Message(message, note=pitch, velocity=velocity, time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=LOOP - now))
    midi = mido.MidiFile(type=0, ticks_per_beat=resolution)
    midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def test_a_zero_length_note_keeps_its_onset():
    """A note-on and its note-off on one tick (a trigger: step sequencers, onset transcriptions) is a note of
    duration 0 on its step; pretty_midi's pairing dropped it, and a file of such notes was 'no notes'."""
    events = [(k * 2 * STEP, kind, 60 + k, 90) for k in range(8) for kind in ("on", "on0" if k % 2 else "off")]
    score = read_midi_bytes(_one_track(events), DataConfig())
    assert score.pitch.tolist() == [60 + k for k in range(8)]
    assert score.start.tolist() == score.end.tolist() == [k * 2 * STEP for k in range(8)]
    block = score_to_loops(score, DataConfig(pitch_low=48))
    assert block.step.tolist() == [0, 2, 4, 6, 8, 10, 12, 14] and block.duration.tolist() == [0.0] * 8
    assert [kind for kind, _ in score.warnings] == ["zero-length notes"]


def test_a_repeated_note_written_before_the_old_note_off_stays_a_note():
    """Legato repeats whose new note-on comes before the old note-off on the same tick: both notes, one step each."""
    events = [(0, "on", 60, 90), (STEP, "on", 60, 91), (STEP, "off", 60, 0), (2 * STEP, "off", 60, 0)]
    score = read_midi_bytes(_one_track(events), DataConfig())
    assert list(zip(score.start.tolist(), score.end.tolist(), strict=True)) == [(0, STEP), (STEP, 2 * STEP)]


def test_a_note_without_note_off_is_held_to_the_end_of_its_track_with_a_warning():
    """A note a recording left hanging sounds until the track ends, as a player holds it; it was dropped without a
    word (a file of note-ons only was skipped as 'no notes')."""
    events = [(0, "on", 60, 90), (STEP, "off", 60, 0), (4 * STEP, "on", 64, 80)]
    score = read_midi_bytes(_one_track(events), DataConfig())
    assert list(zip(score.pitch.tolist(), score.start.tolist(), score.end.tolist(), strict=True)) == [
        (60, 0, STEP),
        (64, 4 * STEP, LOOP),  # the end of track event is at LOOP
    ]
    assert score.warnings == [
        (
            "recovered",
            "1 note of the melody has no note-off (the first at tick 960): it is held to the end of its track, "
            "as a player holds it",
        )
    ]
