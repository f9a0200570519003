"""Real-world MIDI: the melody out of multitrack files, meters as files carry them, lenient reading, warnings,
duplicates. Every file is written by the test, so each case's notes are known exactly."""

from __future__ import annotations

import json
import re
import shutil

import mido
import numpy as np
import pytest
from typer.testing import CliRunner

from mvae_core import cli
from mvae_core.config import ConfigError, DataConfig, build_config
from mvae_core.data.load import load_dataset
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason, bars_of_four_four
from tests.fuzz import smf
from tests.synth import SynthNote, SynthTrack, score_to_loops, write_midi, write_tracks

STEP = 240  # ticks of a 16th at 960 per beat
BAR = 16 * STEP
NO_CACHE = {"cache_dir": "none"}


def line(pitches: list[int], every: int = 2, start: int = 0, length: int = 1, velocity: int = 100) -> list[SynthNote]:
    """A monophonic line: one note every ``every`` steps from step ``start``."""
    return [
        SynthNote(p, (start + k * every) * STEP, (start + k * every + length) * STEP, velocity)
        for k, p in enumerate(pitches)
    ]


def tune(n: int = 64) -> list[int]:
    """``n`` melody pitches in the middle register."""
    return [60 + (3 * k) % 12 for k in range(n)]


def chords(n_bars: int, low: int = 48) -> list[SynthNote]:
    """A three-note chord on every beat, below the melody."""
    notes = []
    for beat in range(n_bars * 4):
        for offset in (0, 4, 7):
            notes.append(SynthNote(low + offset, beat * 4 * STEP, (beat * 4 + 3) * STEP, 70))
    return notes


def bass(n_bars: int) -> list[SynthNote]:
    """A bass note on every beat."""
    return [SynthNote(36 + (k % 5), k * 4 * STEP, (k * 4 + 3) * STEP, 90) for k in range(n_bars * 4)]


def drums(n_bars: int) -> list[SynthNote]:
    return [SynthNote(36 if k % 2 == 0 else 38, k * 4 * STEP, k * 4 * STEP + 60) for k in range(n_bars * 4)]


def read(path, **settings):
    cfg = DataConfig(**{"pitch_low": 48, **settings})  # a number: score_to_loops places notes in rows
    return read_midi_bytes(path.read_bytes(), cfg), cfg


def entry_of(path, **settings) -> dict:
    _, report = load_dataset([str(path)], DataConfig(**NO_CACHE, **settings))
    [entry] = report.entries
    return entry


@pytest.fixture
def pop_song(tmp_path):
    """Vocal (named), piano chords, bass and drums: 8 bars."""
    tracks = [
        SynthTrack(chords(8), "Piano", program=0, channel=0),
        SynthTrack(line(tune()), "Lead Vocal", program=52, channel=1),
        SynthTrack(bass(8), "Bass", program=33, channel=2),
        SynthTrack(drums(8), "Drums", program=0, channel=9),
    ]
    return write_tracks(tmp_path / "song.mid", tracks)


# -- melody selection ----------------------------------------------------------------------------------------------


def test_auto_takes_the_track_named_like_a_melody_and_counts_what_it_leaves_out(pop_song):
    score, _ = read(pop_song)
    assert sorted(score.pitch.tolist()) == sorted(tune())
    assert "named like a melody: track 2 'Lead Vocal' (channel 2, GM 53 Choir Aahs)" in score.melody
    assert score.counters == {"drum_notes": len(drums(8)), "left_out_notes": len(chords(8)) + len(bass(8))}
    entry = entry_of(pop_song)
    assert entry["status"] == "ok" and entry["notes"] == len(tune())
    assert entry["left_out_notes"] == len(chords(8)) + len(bass(8)) and entry["drum_notes"] == 32
    assert "warnings" not in entry  # one clean melody


def test_auto_without_a_named_or_programmed_melody_takes_the_top_line(tmp_path):
    tracks = [SynthTrack(chords(8)), SynthTrack(line(tune(), every=4, start=1), channel=1)]  # melody above, off-beat
    path = write_tracks(tmp_path / "plain.mid", tracks)
    score, _ = read(path)
    assert "no part named or programmed like a melody among 2: the top line of 2 pitched parts" in score.melody
    melody = set(line(tune(), every=4, start=1))
    top = {(n.pitch, n.start) for n in melody}
    chord_tops = {(55, beat * 4 * STEP) for beat in range(32)}  # the chord's highest note where no melody note starts
    assert set(zip(score.pitch.tolist(), score.start.tolist(), strict=True)) == top | chord_tops
    # a melody note cuts the sounding chord top short; chord notes under a sounding melody note are left out
    assert score.end[score.start == 0].tolist() == [1 * STEP]


def test_auto_takes_the_one_part_programmed_like_a_melody(tmp_path):
    tracks = [SynthTrack(chords(8), program=0), SynthTrack(line(tune()), program=80, channel=1)]  # 81 Lead 1
    score, _ = read(write_tracks(tmp_path / "leads.mid", tracks))
    assert score.melody.startswith("programmed like a melody: track 2 (channel 2, GM 81 Lead 1 (square))")
    assert sorted(score.pitch.tolist()) == sorted(tune())


def test_a_single_part_is_used_as_it_is(synth_dir):
    auto, _ = load_dataset([str(synth_dir)], DataConfig(**NO_CACHE))
    merged, _ = load_dataset([str(synth_dir)], DataConfig(**NO_CACHE, melody="all"))
    for column in ("row", "step", "velocity", "duration", "timeshift", "offsets"):
        assert np.array_equal(getattr(auto, column), getattr(merged, column)), column


@pytest.mark.parametrize(
    ("rule", "expected_notes"),
    [
        ("name:bass", len(bass(8))),
        ("track:3", len(bass(8))),  # tracks count from 0 and the conductor is track 0
        ("channel:3", len(bass(8))),  # channels as people count them, 1-16
        ("program:34", len(bass(8))),  # General MIDI 34, Electric Bass (finger)
        ("name:vocal, name:bass", len(tune()) + len(bass(8))),
        ("all", len(tune()) + len(bass(8)) + len(chords(8))),
    ],
)
def test_selectors_choose_parts(pop_song, rule, expected_notes):
    entry = entry_of(pop_song, melody=rule)
    assert entry["status"] == "ok"
    assert entry["notes"] + entry["collided"] == expected_notes
    assert entry["melody"].startswith(f"data.melody = {rule}")
    merged = [w for w in entry.get("warnings", []) if w["kind"] == "merged parts"]
    assert bool(merged) == ("," in rule or rule == "all")


def test_top_line_of_chosen_parts(pop_song):
    score, _ = read(pop_song, melody=["name:piano", "top-line"])
    assert set(score.pitch.tolist()) == {55}  # the top of every chord
    score, _ = read(pop_song, melody="top-line")
    assert max(score.pitch.tolist()) == max(tune()) and 36 not in score.pitch.tolist()


def test_a_selector_that_matches_nothing_names_the_parts(pop_song):
    with pytest.raises(SkipFile, match=r"no pitched part matches data.melody = name:flute \(track 1 'Piano'"):
        read(pop_song, melody="name:flute")
    assert entry_of(pop_song, melody="name:flute")["reason"] == SkipReason.NO_NOTES.value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("melodee", r"'melodee' is not a melody rule; use one of auto, all, top-line"),
        ("trak:2", r"'trak:2' is not a melody rule \(did you mean 'track:2'\?\); use one of"),
        ("topline", r"'topline' is not a melody rule \(did you mean 'top-line'\?\)"),
        ("channel:17", r"channel must be a whole number in 1..16"),
        ("program:0", r"program must be a whole number in 1..128"),
        ("auto, top-line", r"'auto' chooses by itself"),
    ],
)
def test_a_bad_melody_rule_is_a_config_error_naming_the_field(value, message):
    with pytest.raises(ConfigError, match=rf"data.melody.*{message}"):
        build_config(None, [f"data.melody={json.dumps(value)}"])


def _append_in_time_order(track: mido.MidiTrack, events: list[tuple[int, str, int, int]]) -> None:
    """``(tick, "note_on" | "note_off", pitch, channel)`` events as delta-timed messages, note-offs first on a tick."""
    now = 0
    for tick, kind, pitch, channel in sorted(events, key=lambda e: (e[0], e[1] == "note_on")):
        track.append(mido.Message(kind, note=pitch, velocity=90, channel=channel, time=tick - now))
        now = tick


def test_type_0_files_split_into_parts_by_channel(tmp_path):
    midi = mido.MidiFile(type=0, ticks_per_beat=960)
    track = mido.MidiTrack()
    events = [(n.start, "note_on", n.pitch, 0) for n in line(tune())] + [
        (n.end, "note_off", n.pitch, 0) for n in line(tune())
    ]
    events += [(n.start, "note_on", n.pitch, 1) for n in bass(8)] + [(n.end, "note_off", n.pitch, 1) for n in bass(8)]
    track.append(mido.Message("program_change", program=80, channel=0, time=0))
    _append_in_time_order(track, events)
    midi.tracks.append(track)
    path = tmp_path / "type0.mid"
    midi.save(str(path))
    score, _ = read(path)
    assert score.melody.startswith("programmed like a melody: track 0 (channel 1, GM 81")
    assert sorted(score.pitch.tolist()) == sorted(tune())


def test_a_type_0_files_song_title_does_not_choose_among_its_channels(tmp_path):
    """A type-0 file's one track is named after the song ("Theme from ..."); every channel carries that name, so it
    must not make the part with the most notes (the chords) the melody."""
    midi = mido.MidiFile(type=0, ticks_per_beat=960)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Theme from Summer", time=0)])
    events = [(n.start, "note_on", n.pitch, 0) for n in line([72 + k % 7 for k in range(64)])]
    events += [(n.end, "note_off", n.pitch, 0) for n in line([72 + k % 7 for k in range(64)])]
    events += [(n.start, "note_on", n.pitch, 1) for n in chords(8)] + [
        (n.end, "note_off", n.pitch, 1) for n in chords(8)
    ]
    _append_in_time_order(track, events)
    midi.tracks.append(track)
    path = tmp_path / "theme.mid"
    midi.save(str(path))
    score, _ = read(path)
    assert "named like a melody" not in score.melody
    assert score.melody.startswith("no part named or programmed like a melody among 2: the top line")
    assert sorted(score.pitch.tolist()) == sorted(72 + k % 7 for k in range(64))  # the tune is above every chord


# -- meters ----------------------------------------------------------------------------------------------------------


def test_meters_whose_bar_is_whole_four_four_bars_count_as_four_four():
    assert [bars_of_four_four(n, d) for n, d in ((4, 4), (2, 2), (8, 8), (4, 2), (8, 4), (1, 1))] == [1, 1, 1, 2, 2, 1]
    assert [bars_of_four_four(n, d) for n, d in ((3, 4), (2, 4), (6, 8), (12, 8), (5, 4), (0, 4))] == [0] * 6


def test_cut_time_gives_the_loops_of_four_four(tmp_path):
    notes = line(tune())
    common = score_to_loops(*read(write_midi(tmp_path / "c.mid", notes)))
    cut = score_to_loops(*read(write_midi(tmp_path / "cut.mid", notes, time_signatures=[(0, 2, 2)])))
    assert np.array_equal(common.step, cut.step) and np.array_equal(common.loop, cut.loop)


def test_a_change_to_cut_time_on_a_bar_line_keeps_the_loops_going(tmp_path):
    notes = line(tune(128))  # 16 bars
    path = write_midi(tmp_path / "change.mid", notes, time_signatures=[(0, 4, 4), (3 * BAR, 2, 2)])
    block = score_to_loops(*read(path))
    assert block.n_loops == 8 and block.counters["outside_loops"] == 0 and block.counters["other_meter_bars"] == 0


def test_a_wrong_two_four_header_is_named_and_can_be_overruled(tmp_path):
    path = write_midi(tmp_path / "pop909.mid", line(tune()), time_signatures=[(0, 2, 4)])
    with pytest.raises(SkipFile, match=r"no 4/4 bar: 16 bars in 2/4"):
        read(path)
    score, cfg = read(path, meter="4/4")
    assert score_to_loops(score, cfg).n_loops == 4


def test_time_signatures_and_tempi_are_read_from_every_track(tmp_path):
    waltz = write_tracks(
        tmp_path / "waltz.mid", [SynthTrack(line(tune()))], time_signatures=[(0, 3, 4)], conductor_in=0
    )
    with pytest.raises(SkipFile, match=r"no 4/4 bar: .* in 3/4"):
        read(waltz)  # the 3/4 sits in the note track, not in a conductor track
    slow = write_tracks(tmp_path / "slow.mid", [SynthTrack(line(tune()))], tempos=[(0, 90.0)], conductor_in=0)
    block = score_to_loops(*read(slow))
    assert block.seconds_per_step == pytest.approx(60 / 90 / 4)


# -- lenient reading -----------------------------------------------------------------------------------------------


def melody_bytes(velocity_byte: int = 0x64) -> tuple[bytes, bytes]:
    """A conductor chunk and a note chunk of 16 bars (raw bytes)."""
    conductor = smf.track([(0, smf.tempo(120))])
    events = []
    for k, pitch in enumerate(tune()):
        events += [
            (0 if k == 0 else STEP // 2, bytes([0x90, pitch, velocity_byte])),
            (STEP * 3 // 2, bytes([0x80, pitch, 0])),
        ]
    return conductor, smf.track(events)


def test_an_out_of_range_data_byte_is_clipped_with_a_warning(tmp_path):
    conductor, notes = melody_bytes(velocity_byte=0xC0)
    (tmp_path / "hot.mid").write_bytes(smf.smf([conductor, notes], division=960))
    entry = entry_of(tmp_path / "hot.mid")
    assert entry["status"] == "ok"
    assert [w["kind"] for w in entry["warnings"]] == ["recovered"] and "clipped" in entry["warnings"][0]["message"]


def test_an_unknown_chunk_is_skipped_with_a_warning(tmp_path):
    conductor, notes = melody_bytes()
    data = smf.header(1, 2, 960) + conductor + smf.chunk(b"XFIH", b"vendor data") + notes
    (tmp_path / "xf.mid").write_bytes(data)
    entry = entry_of(tmp_path / "xf.mid")
    assert entry["status"] == "ok" and entry["notes"] == len(tune())
    assert "skipped a chunk 'XFIH' of 11 bytes" in entry["warnings"][0]["message"]


def test_a_file_padded_with_zeros_gets_one_warning_for_its_padding(tmp_path):
    """Zeros read as a chunk '00000000' of 0 bytes every 8 bytes, each with its own warning: 131,049 of them (11.7 MB
    of data report) for a melody padded to 1 MiB, as a preallocated or cut-off download looks."""
    conductor, notes = melody_bytes()
    (tmp_path / "padded.mid").write_bytes(smf.header(1, 2, 960) + conductor + notes + bytes(64 * 1024))
    entry = entry_of(tmp_path / "padded.mid")
    assert entry["status"] == "ok" and entry["notes"] == len(tune())
    assert [w["message"] for w in entry["warnings"]] == [
        "skipped 8,192 chunks '00000000' of 0 bytes in all (not tracks)"
    ]


def test_a_header_with_no_tracks_has_no_notes(tmp_path):
    (tmp_path / "empty_header.mid").write_bytes(smf.header(1, 0, 960))
    entry = entry_of(tmp_path / "empty_header.mid")
    assert (entry["reason"], entry["detail"]) == (SkipReason.NO_NOTES.value, "the header lists no tracks")


def test_a_cut_last_track_keeps_the_notes_before_the_cut(tmp_path):
    conductor, notes = melody_bytes()
    whole = smf.smf([conductor, notes], division=960)
    (tmp_path / "cut.mid").write_bytes(whole[: len(whole) - len(notes) // 3])
    entry = entry_of(tmp_path / "cut.mid")
    assert entry["status"] == "ok" and 0 < entry["notes"] < len(tune())
    assert "the last track is cut short" in entry["warnings"][0]["message"]


# -- warnings ------------------------------------------------------------------------------------------------------


def kinds(entry: dict) -> list[str]:
    return [w["kind"] for w in entry.get("warnings", [])]


def test_merged_parts_and_chords_are_warned_about(pop_song):
    entry = entry_of(pop_song, melody="all")
    assert kinds(entry) == ["merged parts", "polyphonic"]
    assert "start together with another note" in entry["warnings"][1]["message"]


def test_timing_unrelated_to_the_grid_is_warned_about(tmp_path):
    rng = np.random.default_rng(0)
    starts = np.sort(rng.uniform(0, 32 * BAR, size=320)).astype(int)  # a performance on no beat at all
    notes = [SynthNote(60 + int(rng.integers(12)), int(s), int(s) + STEP) for s in starts]
    entry = entry_of(write_midi(tmp_path / "recording.mid", notes))
    assert "unaligned timing" in kinds(entry)
    aligned = [SynthNote(n.pitch, (n.start // STEP) * STEP, (n.start // STEP + 1) * STEP) for n in notes]
    assert "unaligned timing" not in kinds(entry_of(write_midi(tmp_path / "quantized.mid", aligned)))


def test_bar_lines_a_beat_off_are_warned_about(tmp_path):
    # phrases whose downbeat is the file's beat 2: a one-beat pickup the file does not mark
    notes = [SynthNote(60 + k % 5, (bar * 16 + step) * STEP, (bar * 16 + step + 1) * STEP) for bar in range(16)
             for k, step in enumerate((4, 4 + 3, 12, 14))]  # fmt: skip
    entry = entry_of(write_midi(tmp_path / "pickup.mid", notes))
    assert kinds(entry) == ["pickup"] and "bar lines may be 1 beat off" in entry["warnings"][0]["message"]


def _half_and_quarters(first_beat: int) -> list[SynthNote]:
    """Bars of a half note and two quarters, each bar starting on the file's beat ``first_beat`` (0: beat 1)."""
    beat = 4 * STEP
    start = first_beat * beat
    notes = [SynthNote(67, 0, beat)] if first_beat else []  # the pickup: a quarter before the first downbeat
    for bar in range(16):
        at = start + bar * 4 * beat
        notes += [SynthNote(60 + bar % 5, at, at + 2 * beat), SynthNote(64, at + 2 * beat, at + 3 * beat),
                  SynthNote(62, at + 3 * beat, at + 4 * beat)]  # fmt: skip
    return notes


def test_an_unmarked_one_beat_pickup_of_long_and_short_notes_is_warned_about(tmp_path):
    """A pickup written at tick 0 of a 4/4 bar, then bars of half + two quarters: the onsets fall as evenly on the
    file's beats 1, 2 and 4 (17 / 16 / 16) as in-phase bars would, so the onset rule missed it; the half notes on
    the file's beat 2 give it away."""
    entry = entry_of(write_midi(tmp_path / "pickup at tick 0.mid", _half_and_quarters(1)))
    assert kinds(entry) == ["pickup"]
    message = entry["warnings"][0]["message"]
    assert re.match(r"the notes on beats 2 and 4 are held 2\.\dx as long as those on beats 1 and 3, ", message)
    assert "bar lines may be 1 beat off" in message
    assert kinds(entry_of(write_midi(tmp_path / "in phase.mid", _half_and_quarters(0)))) == []


def test_a_clean_melody_gets_no_warning(synth_dir):
    _, report = load_dataset([str(synth_dir)], DataConfig(**NO_CACHE))
    assert report.warnings_by_kind() == {}


# -- duplicates and the split --------------------------------------------------------------------------------------


def test_byte_identical_copies_are_used_once(synth_dir, tmp_path):
    data = shutil.copytree(synth_dir, tmp_path / "data")
    shutil.copy(data / "melody_01.mid", data / "zz_copy_of_01.mid")
    table, report = load_dataset([str(data)], DataConfig(**NO_CACHE))
    copy = next(e for e in report.entries if e["source"].endswith("zz_copy_of_01.mid"))
    assert copy["reason"] == SkipReason.DUPLICATE.value
    assert copy["detail"] == f"the same bytes as {data / 'melody_01.mid'}"
    assert len(table.sources) == 6 and report.skipped_by_reason() == {"duplicate": 1}


def test_the_run_records_which_sources_validate(synth_dir, tmp_path):
    import mvae_core

    overrides = {"model.hidden": 16, "train.batch_size": 16}
    result = mvae_core.train(data=[synth_dir], out=tmp_path / "run", overrides=overrides, plugins=[], epochs=1,
                             progress=False)  # fmt: skip
    split = json.loads((result.path / "split.json").read_text())
    assert len(split["train"]) == 5 and len(split["validation"]) == 1
    assert set(split["train"]) | set(split["validation"]) == {str(p) for p in synth_dir.glob("*.mid")}


def test_the_melody_rule_is_part_of_the_parse_cache_key(pop_song, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, _ = load_dataset([str(pop_song)], cfg)
    other, report = load_dataset([str(pop_song)], cfg.model_copy(update={"melody": ["name:bass"]}))
    assert report.parsed_units == 1 and first.n_notes != other.n_notes


# -- the command line ----------------------------------------------------------------------------------------------


def test_inspect_says_per_file_what_became_the_melody(pop_song, wide_console):
    result = CliRunner().invoke(cli.app, ["data", "inspect", str(pop_song)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"melody of {pop_song}: named like a melody: track 2 'Lead Vocal'" in output
    assert f"left out {len(chords(8)) + len(bass(8))} notes of other parts and 32 drum notes" in output
    assert "not the melody (left out)" in output
    result = CliRunner().invoke(cli.app, ["data", "inspect", str(pop_song), "--melody", "all", "--json"])
    summary = json.loads(result.stdout)["summary"]
    assert summary["warnings"] == {"merged parts": 1, "polyphonic": 1}


@pytest.mark.parametrize(
    ("name", "named_like_a_melody"),
    [
        ("Lead Vocal", True),
        ("LeadVox", True),
        ("Bassoon Solo", True),  # was excluded as "bass"
        ("Harmonica Solo", True),  # was excluded as "harmon(y)"
        ("Rising Sun", False),  # was a melody: "sing" inside "Rising"
        ("Fortune Pad", False),
        ("Fortune", False),  # was a melody: "tune" inside "Fortune"
        ("Backing Vocals", False),
        ("Harmony Vox", False),
        ("Bass", False),
    ],
)
def test_a_track_is_named_like_a_melody_by_word_beginnings_only(name, named_like_a_melody):
    from mvae_core.data.melody import _named_like_melody

    assert _named_like_melody(name) is named_like_a_melody


def test_the_pickup_warning_of_a_bundled_tune_does_not_ask_to_edit_it(tmp_path):
    """corpus:essen/han2#53 (in make demo's data) was told to "shift the file", which no user can edit."""
    from mvae_core.data.diagnostics import diagnose
    from mvae_core.data.midi import read_midi_bytes

    path = write_midi(tmp_path / "pickup at tick 0.mid", _half_and_quarters(1))
    assert entry_of(path)["warnings"][0]["message"].endswith(
        "shift the file so that bar 1 starts on its first downbeat"
    )
    cfg = DataConfig(pitch_low=48)  # the corpus reader reads it at the rows "auto" chose, a number
    block = score_to_loops(read_midi_bytes(path.read_bytes(), cfg), cfg)  # what the corpus reader makes
    [(kind, message)] = diagnose(block, editable=False)
    assert kind == "pickup" and message.endswith("the tune is part of a bundled collection, so there is nothing to do")
