"""A seeded folder of bad and odd MIDI files, with a manifest of what each file is and what may become of it.

``build_fuzz_folder(folder, seed)`` writes the same files for the same seed: valid melodies, truncated and
bit-flipped copies of them, random bytes, empty files, huge delta times, thousands of tempo changes, other meters,
zero-length and overlapping notes, drums only, type-0/2 and invalid headers, running-status abuse, text files named
``.mid``, files that cannot be read (a FIFO, links to devices, dangling links, symlink loops), a file over the size
limit, and file names and MIDI text events with shell syntax, format placeholders, rich markup, control characters
and non-UTF-8 bytes.

Each manifest entry names the outcomes allowed for its file: ``"ok"`` or :class:`SkipReason` values (``None`` means
any known outcome, for random mutations). Every entry must show up in the data report exactly once (aliases: one
name per group), and nothing in ``not_sources`` (folders named ``*.mid``, non-MIDI files) may show up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mvae_core.data.midi import MAX_BEATS
from mvae_core.data.score import SkipReason as R
from mvae_core.data.sources import MAX_UNIT_BYTES
from tests.fuzz import smf
from tests.synth import random_melody, write_midi

OK = "ok"
HOSTILE_TEXTS = (
    "{}",
    "{0}",
    "{source!r}",
    "%s%n%d%%",
    "%(name)s",
    "[red]red[/red]",
    "[/]",
    "[bold]unclosed",
    "[link=file:///etc/passwd]x[/link]",
    "$(touch PWNED)",
    "`touch PWNED`",
    "; touch PWNED #",
    "| touch PWNED",
    "a\nskipped fake.mid: ok",
    "tab\there",
    "cr\rhere",
    "\x1b[31mansi\x1b[0m",
    "-rf",
    "--help",
    "émoji 🎵 ✓",
    ":thumbs_up: :smile:",
    "rlo \u202eevil.exe",
    "line\u2028separator",
    "\\x00",
)


def outcomes(*values: str) -> frozenset[str]:
    return frozenset(values)


@dataclass(frozen=True)
class FuzzFile:
    rel: str  # path relative to the fuzz folder, as os.walk spells it (non-UTF-8 bytes as surrogates)
    category: str
    expect: frozenset[str] | None  # allowed outcomes ("ok" or a SkipReason value); None: any known outcome
    alias_of: str | None = None  # the same file as this other entry: the pair is reported once, under either name


@dataclass
class FuzzSet:
    folder: Path
    files: list[FuzzFile] = field(default_factory=list)
    not_sources: list[str] = field(default_factory=list)  # must not appear in the report

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.category] = counts.get(f.category, 0) + 1
        return counts


class _Builder:
    def __init__(self, folder: Path, seed: int) -> None:
        self.set = FuzzSet(folder)
        self.rng = np.random.default_rng(seed)
        self.folder = folder

    def put(self, rel: str, data: bytes, category: str, expect: frozenset[str] | None) -> Path:
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.set.files.append(FuzzFile(rel, category, expect))
        return path

    def note(self, rel: str, category: str, expect: frozenset[str] | None, alias_of: str | None = None) -> None:
        self.set.files.append(FuzzFile(rel, category, expect, alias_of))


def build_fuzz_folder(folder: Path, seed: int = 0) -> FuzzSet:
    """Write the fuzz files into ``folder`` (created) and return their manifest; deterministic per ``seed``."""
    b = _Builder(folder, seed)
    bases = _valid(b)
    _mutations(b, bases)
    _random_bytes(b)
    _structure(b)
    _timing(b)
    _meters(b)
    _notes(b)
    _running_status(b)
    _unreadable(b)
    _hostile_names(b)
    return b.set


def _valid(b: _Builder) -> list[bytes]:
    """Valid melodies (used), written by mido and by the raw writer; their bytes seed the mutations."""
    bases = []
    for i in range(4):
        path = write_midi(b.folder / "valid" / f"synth_{i}.mid", random_melody(b.rng, 3, offset_std=0.3))
        b.note(f"valid/synth_{i}.mid", "valid", outcomes(OK))
        bases.append(path.read_bytes())
    for i, division in enumerate((96, 480, 1024)):
        conductor = smf.track([(0, smf.tempo(100 + 20 * i)), (0, smf.time_signature(4, 2))])
        notes = smf.track(smf.notes_to_events(smf.melody(3, division, pitch=55 + i)))
        bases.append(
            b.put(f"valid/raw_{i}.mid", smf.smf([conductor, notes], 1, division), "valid", outcomes(OK)).read_bytes()
        )
    type0 = smf.track([(0, smf.tempo(90)), *smf.notes_to_events(smf.melody(2))])
    b.put("valid/type0.mid", smf.smf([type0], 0), "valid", outcomes(OK))
    return bases


def _mutations(b: _Builder, bases: list[bytes]) -> None:
    """Truncated and bit-flipped copies of valid files; cut points include the header's field boundaries."""
    for i, data in enumerate(bases):
        cuts = {1, 4, 8, 13, 14, 15, 22, len(data) - 1, len(data) - 4}
        cuts |= {int(c) for c in b.rng.integers(15, len(data), size=10)}
        for cut in sorted(cuts):
            expect = outcomes(R.EMPTY, R.NOT_MIDI, R.CORRUPT) if cut < 22 else None
            b.put(f"truncated/{i}_{cut:06d}.mid", data[:cut], "truncated", expect)
    for i, data in enumerate(bases):
        for k in range(18):
            flipped = bytearray(data)
            for pos in b.rng.integers(0, len(data), size=int(b.rng.integers(1, 9))):
                flipped[pos] ^= 1 << int(b.rng.integers(8))
            b.put(f"bitflip/{i}_{k:02d}.mid", bytes(flipped), "bitflip", None)
        # flips confined to the header and first track header, where every byte matters
        for k in range(4):
            flipped = bytearray(data)
            flipped[int(b.rng.integers(0, 22))] ^= 1 << int(b.rng.integers(8))
            b.put(f"bitflip/{i}_head_{k}.mid", bytes(flipped), "bitflip", None)


def _random_bytes(b: _Builder) -> None:
    for k in range(30):
        data = b.rng.bytes(int(b.rng.integers(1, 4096)))
        b.put(f"random/plain_{k:02d}.mid", b"x" + data, "random", outcomes(R.NOT_MIDI))
    for k in range(30):
        data = b"MThd" + b.rng.bytes(int(b.rng.integers(0, 4096)))
        b.put(f"random/mthd_{k:02d}.mid", data, "random", outcomes(R.CORRUPT, R.NO_NOTES))
    for k in range(12):  # a valid header, then random track bytes
        body = b.rng.bytes(int(b.rng.integers(0, 2048)))
        b.put(f"random/mtrk_{k:02d}.mid", smf.header() + smf.chunk(b"MTrk", body), "random", None)
    for name in ("empty.mid", "EMPTY.MIDI", "deep/er/empty.midi"):
        b.put(f"empty/{name}", b"", "empty", outcomes(R.EMPTY))


def _structure(b: _Builder) -> None:
    """Header and chunk oddities: format, track count, division, lying lengths, extra chunks, sizes."""
    conductor = smf.track([(0, smf.tempo(120))])
    notes = smf.track(smf.notes_to_events(smf.melody(2)))
    usable = outcomes(OK)
    cases: list[tuple[str, bytes, frozenset[str] | None]] = [
        ("type2.mid", smf.smf([conductor, notes, notes], 2), usable),
        ("type2_melody_first.mid", smf.smf([notes, conductor], 2), usable),
        ("type3.mid", smf.header(3, 2) + conductor + notes, None),
        ("type_ffff.mid", smf.header(0xFFFF, 2) + conductor + notes, None),
        ("zero_tracks.mid", smf.header(1, 0), outcomes(R.CORRUPT, R.NO_NOTES)),
        # the file's chunks are believed over the header's count (a warning says so)
        ("negative_tracks.mid", smf.header(1, 0xFFFF) + conductor + notes, usable),
        ("more_tracks_declared.mid", smf.header(1, 5) + conductor + notes, usable),
        ("fewer_tracks_declared.mid", smf.header(1, 1) + notes + conductor, usable),
        ("header_only.mid", smf.header(1, 1), outcomes(R.CORRUPT)),
        ("header_short.mid", b"MThd\x00\x00\x00\x02\x00\x01", outcomes(R.CORRUPT)),
        ("header_long.mid", smf.chunk(b"MThd", b"\x00\x01\x00\x02\x01\xe0" + b"\x00" * 10) + conductor + notes, usable),
        ("division_0.mid", smf.smf([conductor, notes], 1, 0), outcomes(R.CORRUPT)),
        ("division_1.mid", smf.smf([conductor, notes], 1, 1), None),
        ("division_max.mid", smf.smf([conductor, notes], 1, 0x7FFF), None),
        ("division_smpte.mid", smf.smf([conductor, notes], 1, 0xE728), outcomes(R.CORRUPT)),
        ("unknown_chunk.mid", smf.header(1, 2) + smf.chunk(b"XFIH", b"junk") + conductor + notes, None),
        ("trailing_garbage.mid", smf.smf([conductor, notes]) + b"\x00\xffgarbage" * 20, usable),
        (
            "track_length_too_long.mid",
            smf.header(1, 2) + conductor + smf.track(smf.notes_to_events(smf.melody(2)), length=1 << 30),
            None,
        ),
        (
            "track_length_too_short.mid",
            smf.header(1, 2) + conductor + smf.track(smf.notes_to_events(smf.melody(2)), length=5),
            None,
        ),
        ("track_no_end.mid", smf.smf([conductor, smf.track(smf.notes_to_events(smf.melody(2)), end=False)]), None),
        (
            "riff_rmid.mid",
            b"RIFF" + (100).to_bytes(4, "little") + b"RMIDdata" + smf.smf([conductor, notes]),
            outcomes(R.NOT_MIDI),
        ),
        ("mthd_later.mid", b"\x00" * 16 + smf.smf([conductor, notes]), outcomes(R.NOT_MIDI)),
        ("sysex_unterminated.mid", smf.smf([smf.track([(0, b"\xf0" + smf.vlq(5) + b"\x01\x02\x03")]), notes]), None),
        ("sysex_high_bytes.mid", smf.smf([smf.track([(0, b"\xf0\x03\x90\xff\xf7")]), notes]), None),
        (
            "meta_huge_length.mid",
            smf.smf([smf.track([(0, b"\xff\x01" + smf.vlq(50_000_000) + b"x")]), notes]),
            outcomes(R.CORRUPT),
        ),
        ("key_signature_bad.mid", smf.smf([smf.track([(0, smf.meta(0x59, b"\x7f\x05"))]), notes]), None),
        ("tempo_short.mid", smf.smf([smf.track([(0, smf.meta(0x51, b"\x07"))]), notes]), None),
        ("time_signature_short.mid", smf.smf([smf.track([(0, smf.meta(0x58, b"\x04"))]), notes]), None),
        ("undefined_status.mid", smf.smf([conductor, smf.track([(0, b"\xf4\x01\x02")])]), outcomes(R.CORRUPT)),
        # clipped to velocity 127: a note-on that is never closed, held to the end of its track: one note, no loop
        ("data_byte_high.mid", smf.smf([conductor, smf.track([(0, b"\x90\x3c\xff")])]), outcomes(R.NO_LOOPS)),
        ("many_empty_tracks.mid", smf.smf([conductor, *[smf.track([])] * 2000, notes]), usable),
    ]
    for name, data, expect in cases:
        b.put(f"structure/{name}", data, "structure", expect)
    oversize = b.folder / "structure" / "oversize.mid"
    with open(oversize, "wb") as handle:  # sparse: costs no disk, and mvae must not read it
        handle.write(smf.smf([conductor, notes]))
        handle.truncate(MAX_UNIT_BYTES + 1)
    b.note("structure/oversize.mid", "structure", outcomes(R.TOO_LARGE))
    for k, text in enumerate(
        [
            b"This is a text file that someone named .mid\n",
            b"<html><body>404 Not Found</body></html>",
            b'{"notes": [60, 62, 64]}',
            "\ufeffMThd in UTF-16 is not MThd".encode("utf-16"),
            b"#!/bin/sh\ntouch PWNED\n",
        ]
    ):
        b.put(f"structure/text_{k}.mid", text, "text", outcomes(R.NOT_MIDI))


def _timing(b: _Builder) -> None:
    """Huge delta times, tempo storms, absurd tempi."""
    melody = smf.notes_to_events(smf.melody(2))
    conductor = smf.track([(0, smf.tempo(120))])

    def put(name: str, tracks: list[bytes], expect: frozenset[str] | None, category: str = "huge_delta") -> None:
        b.put(f"timing/{name}", smf.smf(tracks), category, expect)

    big = outcomes(R.TOO_LARGE)
    put(
        "delta_max_before_notes.mid",
        [conductor, smf.track([(0x0FFFFFFF, smf.note_on(60)), (120, smf.note_off(60))])],
        big,
    )
    put("delta_max_after_notes.mid", [conductor, smf.track([*melody, (0x0FFFFFFF, smf.meta(0x01, b"late"))])], big)
    put("delta_max_conductor.mid", [smf.track([(0x0FFFFFFF, smf.tempo(90))]), smf.track(melody)], big)
    put("deltas_add_up.mid", [conductor, smf.track([*melody, *[(0x0FFFFFF, smf.meta(0x01, b"x"))] * 40])], big)
    overlong = smf.chunk(b"MTrk", smf.vlq(1, width=5) + smf.note_on(60) + smf.vlq(120, width=5) + smf.note_off(60))
    put("delta_5_byte_vlq.mid", [conductor, overlong], None)
    # a tick just below the tick limit: loops whose end lies beyond it must still get their seconds per step
    near = MAX_BEATS * 480 - 3840  # the last loop (480 ticks per beat) below the length limit ends on it
    late = [(near + k * 60, near + k * 60 + 30) for k in range(8)]
    events = smf.notes_to_events([(60 + k % 5, s, e, 80) for k, (s, e) in enumerate(late)])
    put("notes_at_tick_limit.mid", [conductor, smf.track(events)], outcomes(OK))
    # quadratic trap: a variable-length quantity that never ends (each byte has its top bit set)
    trap = smf.header(1, 1) + b"MTrk" + (300_000).to_bytes(4, "big") + b"\xff" * 300_000
    b.put("timing/vlq_never_ends.mid", trap, "huge_delta", outcomes(R.CORRUPT, R.TOO_LARGE))
    text_trap = smf.smf([conductor, smf.track([(0, b"\xff\x01" + b"\x81" * 200_000 + b"\x00")])])
    b.put("timing/meta_length_never_ends.mid", text_trap, "huge_delta", outcomes(R.CORRUPT, R.TOO_LARGE))

    # tempo storms on a usable melody: one tempo change every few ticks
    for count in (1_000, 5_000, 20_000):
        storm = [(0, smf.tempo(120))] + [(1, smf.tempo(100 + k % 50)) for k in range(count)]
        put(f"tempo_storm_{count}.mid", [smf.track(storm), smf.track(melody)], outcomes(OK), "tempo_storm")
    spread = [(240, smf.tempo(60 + (k * 37) % 200)) for k in range(3_000)]
    long_melody = smf.notes_to_events(smf.melody(24))
    put(
        "tempo_every_16th.mid",
        [smf.track([(0, smf.tempo(120)), *spread]), smf.track(long_melody)],
        outcomes(OK),
        "tempo_storm",
    )
    absurd = outcomes(R.ABSURD_TEMPO, R.CORRUPT)
    for name, us in (("tempo_zero.mid", 0), ("tempo_one_us.mid", 1), ("tempo_max.mid", 0xFFFFFF)):
        put(name, [smf.track([(0, smf.tempo_us(us))]), smf.track(melody)], absurd, "tempo_storm")
    put(
        "tempo_zero_mid_file.mid",
        [smf.track([(0, smf.tempo(120)), (960, smf.tempo_us(0))]), smf.track(melody)],
        None,
        "tempo_storm",
    )


def _meters(b: _Builder) -> None:
    melody = smf.notes_to_events(smf.melody(2))
    no_44 = outcomes(R.NO_FOUR_FOUR)
    for num, power, expect in (
        (3, 2, no_44),
        (7, 3, no_44),
        (5, 4, no_44),
        (6, 3, no_44),
        (12, 3, no_44),
        (2, 1, outcomes(OK)),  # 2/2: one bar is one 4/4 bar, so it counts as 4/4
        (4, 3, no_44),  # 4/8
        (1, 0, outcomes(OK)),  # 1/1: a whole note a bar, the length of 4/4
        (4, 255, None),  # denominator 2**255
        (0, 2, None),  # numerator 0
        (255, 7, no_44),
    ):
        track = smf.track([(0, smf.tempo(120)), (0, smf.time_signature(num, power))])
        b.put(f"meters/{num}_{power}.mid", smf.smf([track, smf.track(melody)]), "meters", expect)
    # 3/4 and 7/8 only, with signatures repeated on every bar
    for name, num, power, bar in (("waltz_every_bar", 3, 2, 360), ("seven_eight_every_bar", 7, 3, 420)):
        sigs = [(0 if k == 0 else bar, smf.time_signature(num, power)) for k in range(200)]
        b.put(f"meters/{name}.mid", smf.smf([smf.track(sigs), smf.track(melody)]), "meters", no_44)
    # 4/4 and 3/4 alternating every bar, thousands of times: many regions, none long enough for a loop
    churn = []
    for k in range(3000):
        churn.append((0 if k == 0 else (480 * 4 if k % 2 else 480 * 3), smf.time_signature(4 if k % 2 == 0 else 3, 2)))
    long = smf.notes_to_events(smf.melody(400))
    b.put("meters/alternating_44_34.mid", smf.smf([smf.track(churn), smf.track(long)]), "meters", outcomes(R.NO_LOOPS))
    # signatures in a note track (not track 0) and many signatures on one tick
    odd = smf.track([(0, smf.time_signature(3, 2)), *melody])
    b.put("meters/signature_in_note_track.mid", smf.smf([smf.track([(0, smf.tempo(120))]), odd]), "meters", None)
    same_tick = smf.track([(0, smf.time_signature(3, 2))] * 500 + [(0, smf.time_signature(4, 2))])
    b.put("meters/same_tick_last_wins.mid", smf.smf([same_tick, smf.track(melody)]), "meters", outcomes(OK))


def _notes(b: _Builder) -> None:
    conductor = smf.track([(0, smf.tempo(120))])
    step = 120

    def put(name: str, events: list[smf.Event], expect: frozenset[str] | None, category: str = "notes") -> None:
        b.put(f"notes/{name}", smf.smf([conductor, smf.track(events)]), category, expect)

    base = smf.melody(2)
    put("zero_length.mid", smf.notes_to_events([(p, s, s, v) for p, s, _, v in base]), outcomes(OK))
    put("all_zero_length_one_tick.mid", smf.notes_to_events([(60, 0, 0, 90)] * 50), outcomes(R.NO_LOOPS, R.NO_NOTES))
    overlapping = [(60, k * step, k * step + 8 * step, 90) for k in range(64)]
    put("overlapping_same_pitch.mid", smf.notes_to_events(overlapping), None)
    put("never_released.mid", [(step * (k > 0), smf.note_on(60 + k % 12)) for k in range(64)], None)
    put("only_note_offs.mid", [(step, smf.note_off(60 + k % 12)) for k in range(64)], outcomes(R.NO_NOTES))
    put("velocity_zero_only.mid", [(step, smf.note_on(60 + k % 12, 0)) for k in range(64)], outcomes(R.NO_NOTES))
    put(
        "pitch_extremes.mid",
        smf.notes_to_events([(0 if k % 2 else 127, k * step * 2, k * step * 2 + step, 90) for k in range(32)]),
        outcomes(OK),
    )
    put(
        "same_cell_pileup.mid",
        smf.notes_to_events([(60, 0, step, 1 + k % 127) for k in range(2000)]),
        outcomes(R.NO_LOOPS),
    )
    chords = [(p, k * 4 * step, (k + 1) * 4 * step, 90) for k in range(16) for p in (60, 64, 67, 72)]
    put("chords.mid", smf.notes_to_events(chords), outcomes(OK))
    put("one_note.mid", smf.notes_to_events([(60, 0, step, 90)]), outcomes(R.NO_LOOPS))
    put("notes_on_all_channels.mid", [e for c in range(16) for e in smf.notes_to_events(base, channel=c)], None)
    drums = smf.notes_to_events([(36 + k % 12, k * step, k * step + 60, 100) for k in range(64)], channel=9)
    for k in range(4):
        put(f"drums_only_{k}.mid", drums[k:], outcomes(R.DRUMS_ONLY), "drums")
    b.put("notes/no_events.mid", smf.smf([conductor, smf.track([])]), "notes", outcomes(R.NO_NOTES))
    put("program_changes_only.mid", [(0, bytes([0xC0, k])) for k in range(100)], outcomes(R.NO_NOTES))


def _running_status(b: _Builder) -> None:
    conductor = smf.track([(0, smf.tempo(120))])
    step = 120

    def put(name: str, body: bytes, expect: frozenset[str] | None) -> None:
        b.put(
            f"running_status/{name}",
            smf.smf([conductor, smf.chunk(b"MTrk", body + b"\x00\xff\x2f\x00")]),
            "running_status",
            expect,
        )

    pairs = [(smf.vlq(step), bytes([60 + k % 7, 80]), smf.vlq(step), bytes([60 + k % 7, 0])) for k in range(1, 64)]
    melody = b"\x00\x90\x3c\x50\x78\x3c\x00" + b"".join(b"".join(p) for p in pairs)
    put("long_run.mid", melody, outcomes(OK))
    put("at_track_start.mid", b"\x00\x3c\x50" + melody, outcomes(R.CORRUPT))
    put("after_meta.mid", b"\x00\x90\x3c\x50\x00\xff\x01\x01x\x78\x3e\x50" + melody[4:], None)
    put("after_sysex.mid", b"\x00\x90\x3c\x50\x00\xf0\x01\xf7\x78\x3e\x50" + melody[4:], None)
    put("realtime_bytes.mid", b"\x00\x90\x3c\x50\x00\xf8\x78\x3e\x50" + melody[4:], None)
    put("status_switch_program.mid", b"\x00\xc0\x05\x00\x06\x00\x07" + melody, outcomes(OK))
    put("three_byte_as_two.mid", b"\x00\x90\x3c" + melody, None)
    # running status cannot carry over from the previous track
    second = smf.chunk(b"MTrk", b"\x00\x3c\x50\x78\x3c\x00\x00\xff\x2f\x00")
    b.put(
        "running_status/across_tracks.mid",
        smf.smf([smf.track(smf.notes_to_events(smf.melody(1))), second]),
        "running_status",
        None,
    )
    for k in range(6):  # random data bytes after a status byte
        body = b"\x00\x90" + bytes(b.rng.integers(0, 128, size=600, dtype=np.uint8))
        put(f"random_data_{k}.mid", body, None)


def _unreadable(b: _Builder) -> None:
    """Names a folder walk lists but that cannot be read as a regular file."""
    base = b.folder / "unreadable"
    base.mkdir(parents=True, exist_ok=True)
    unreadable = outcomes(R.UNREADABLE)
    os.mkfifo(base / "fifo.mid")  # opening it for reading would block until a writer comes
    b.note("unreadable/fifo.mid", "unreadable", unreadable)
    for name, target in (("zero.mid", "/dev/zero"), ("urandom.mid", "/dev/urandom"), ("null.mid", "/dev/null")):
        os.symlink(target, base / name)
        b.note(f"unreadable/{name}", "unreadable", unreadable)
    os.symlink(base / "gone.mid", base / "dangling.mid")
    os.symlink(base / "gone.mid", base / "dangling_twin.mid")  # two dangling links to one place: two entries
    os.symlink("self.mid", base / "self.mid")
    b.note("unreadable/dangling.mid", "unreadable", unreadable)
    b.note("unreadable/dangling_twin.mid", "unreadable", unreadable)
    b.note("unreadable/self.mid", "unreadable", unreadable)
    (base / "ping").mkdir()
    (base / "pong").mkdir()
    os.symlink("../pong/loop.mid", base / "ping" / "loop.mid")  # a file-level loop across folders
    os.symlink("../ping/loop.mid", base / "pong" / "loop.mid")
    os.symlink("../pong", base / "ping" / "to_pong")  # a folder-level loop: never followed
    os.symlink("../ping", base / "pong" / "to_ping")
    b.note("unreadable/ping/loop.mid", "unreadable", unreadable)
    b.note("unreadable/pong/loop.mid", "unreadable", unreadable)
    # a folder named like a MIDI file is a folder: walked, never read as a file
    inner = write_midi(base / "folder.mid" / "inside.mid", random_melody(b.rng, 2))
    b.set.not_sources.append("unreadable/folder.mid")
    b.note("unreadable/folder.mid/inside.mid", "valid", outcomes(OK))
    os.symlink(inner, base / "alias.mid")  # the same file under two names: read once
    b.note("unreadable/alias.mid", "valid", outcomes(OK), alias_of="unreadable/folder.mid/inside.mid")
    os.symlink(base / "folder.mid", base / "link_to_folder.mid")  # a link to a folder is not followed
    b.set.not_sources.append("unreadable/link_to_folder.mid")
    (base / "notes.txt").write_text("not MIDI, not a .mid name: ignored")
    b.set.not_sources.append("unreadable/notes.txt")


def _hostile_names(b: _Builder) -> None:
    """File names and MIDI text events that must never be interpreted (shell, format strings, rich markup).

    Each name is written twice: ``NAME.mid`` is a valid melody (used) whose text events carry hostile text, and
    ``NAME.midi`` is not MIDI (skipped), so the name is also printed in the list of skipped files.
    """
    stems = [text for text in HOSTILE_TEXTS if "/" not in text]
    stems += [os.fsdecode(b"\xff\xfe non-utf8 \xc3("), os.fsdecode(b"latin1 caf\xe9"), "x" * 240]
    texts = [t.encode("utf-8", "surrogateescape") for t in HOSTILE_TEXTS] + [b"\xff\xfe\x80 not utf-8 \xc0"]
    for k, stem in enumerate(stems):
        text = texts[k % len(texts)]
        events: list[smf.Event] = [(0, smf.meta(kind, text)) for kind in (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07)]
        events += smf.notes_to_events(smf.melody(2, pitch=50 + k % 20))
        data = smf.smf([smf.track([(0, smf.tempo(120)), (0, smf.meta(0x03, text))]), smf.track(events)])
        b.put(f"names/{stem}.mid", data, "hostile_names", outcomes(OK))
        b.put(f"names/{stem}.midi", b"not midi: " + text, "hostile_names", outcomes(R.NOT_MIDI))
    for k, text in enumerate(("[red]dir[/]", "$(touch PWNED)", "{}%s")):  # hostile folder names too
        b.put(f"names/{text} {k}/inner.mid", b"MThd", "hostile_names", outcomes(R.CORRUPT))
    # a folder "[" holding "]…": the path reads "[/]…", a closing tag that rich markup would choke on
    b.put("names/[/]lone_close.mid", b"MThd", "hostile_names", outcomes(R.CORRUPT))
    b.put("names/[/red]x.mid", b"not midi", "hostile_names", outcomes(R.NOT_MIDI))
