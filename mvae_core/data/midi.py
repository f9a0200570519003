"""Read one MIDI file into a :class:`TickScore` of its melody, or raise :class:`SkipFile` with a reason.

Every failure a user's MIDI can cause ends here as a reason, never as a crash or a hang: empty, not MIDI,
truncated or corrupt beyond recovery, too large, absurd tempo, no notes, drums only, no 4/4 bar. On the way:

* the file is read leniently (:mod:`.smf`: unknown chunks skipped, out-of-range data bytes clipped, a cut last
  track kept as far as it goes), each recovery a warning on the file;
* notes, tempo map and time signatures come from every track (:mod:`.midi_notes`);
* the melody is chosen by ``data.melody`` (:mod:`.melody`); drum notes and pitched notes left out are counted;
* bars come from the time signatures (``data.meter = "header"``; meters whose bar is whole 4/4 bars count as 4/4),
  or every file is taken as 4/4 from its first tick (``"4/4"``, for files whose header meter is known to be wrong).

Guards that keep every parse short (see docs/data.md, "What happens to bad files"):

* a run of more than :data:`MAX_HIGH_BYTE_RUN` bytes >= 0x80 is corrupt: mido decodes a variable-length number
  (at most 4 bytes in valid MIDI) byte by byte into an ever-growing integer, so one long run costs quadratic time;
* a file with an event at or past :data:`MAX_BEATS` quarter notes is too large (its end of track does not count).

The file's byte size is limited where units are read (:data:`mvae_core.data.sources.MAX_UNIT_BYTES`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import mido
import numpy as np

from mvae_core.config import DataConfig
from mvae_core.data.melody import choose, selected_drums
from mvae_core.data.midi_notes import FileNotes, Part, file_notes, seconds_at
from mvae_core.data.score import SkipFile, SkipReason, TickScore, four_four_segments, meters_text
from mvae_core.data.smf import CUT_SHORT, read_smf
from mvae_core.wording import counted

MAX_HIGH_BYTE_RUN = 4096
MAX_BEATS = 20_000
"""An event at or past this many quarter notes (5,000 bars of 4/4; 2 h 47 min at 120 bpm) skips the file as too large
(a delta time of up to 0x0FFFFFFF ticks is one event away). Counted in beats, not ticks: a song at 15,360 ticks per
quarter note is as long as the same song at 96 (a limit of 10,000,000 ticks, pretty_midi's, skipped songs of more
than 163 bars at 15,360)."""
WRONG_METER_FIX = (
    "(mvae learns loops of 4/4 bars); if its time signatures are wrong and the music is in 4/4, --set data.meter=4/4 "
    "reads every file as 4/4 from its first tick"
)
"""The end of a MIDI file's ``no 4/4 bar`` skip detail, after what bars it has (``10 bars in 3/4``)."""


def read_midi_bytes(data: bytes, cfg: DataConfig) -> TickScore:
    """Parse MIDI bytes into the notes of the file's melody (``cfg.melody``) on its bars (``cfg.meter``)."""
    if not data:
        raise SkipFile(SkipReason.EMPTY)
    if not data.startswith(b"MThd"):
        raise SkipFile(SkipReason.NOT_MIDI, "no MThd header" + _what_it_is(data))
    _check_high_byte_runs(data)
    smf = read_smf(data)
    last = max((_last_event_tick(track) for track in smf.tracks), default=0)
    if last >= MAX_BEATS * smf.ticks_per_beat:
        raise SkipFile(
            SkipReason.TOO_LARGE,
            f"an event at beat {last // smf.ticks_per_beat:,} (tick {last:,}); the limit is {MAX_BEATS:,} beats "
            f"({MAX_BEATS // 4:,} bars of 4/4): split the file",
        )
    notes = file_notes(smf.tracks)
    drums = notes.channel == 9
    if not drums.size:
        raise SkipFile(
            SkipReason.NO_NOTES,
            _cut_before_notes(smf.warnings) + _no_notes_detail(smf.tracks) + _read_leniently(smf.warnings),
        )
    if drums.all():
        tracks = "; ".join(p.label() for p in notes.parts)
        raise SkipFile(
            SkipReason.DRUMS_ONLY,
            f"all {len(drums):,} notes are on channel 10, the General MIDI drum channel, which is never melody: "
            f"{tracks}; if they are a melody, move them to another channel in your DAW",
        )
    choice = choose(notes, cfg.melody)
    if choice.drums:  # drum clips a DAW exported off channel 10, by their track's name
        drums |= np.isin(notes.part_of(), [notes.parts.index(p) for p in choice.drums])
    if not choice.keep.any() and choice.drums and drums.all():
        named = "; ".join(p.label() for p in choice.drums)
        raise SkipFile(
            SkipReason.DRUMS_ONLY,
            f"{named}: named like drums, though not on channel 10 (DAWs such as Ableton Live export drum clips on "
            f'channel 1); to use it as the melody, set data.melody = "{_selector(choice.drums[0])}"',
        )
    if not choice.keep.any():
        parts = "; ".join(p.label() for p in notes.parts if not p.is_drum)
        drum_parts = selected_drums(notes.parts, cfg.melody)
        drum_hint = (
            f"; it names {'; '.join(p.label() for p in drum_parts)}: channel 10 is the General MIDI drum channel, "
            "never melody; if that part is a melody, move it to another channel in your DAW"
            if drum_parts
            else ""
        )
        raise SkipFile(
            SkipReason.NO_NOTES, f"no pitched part matches data.melody = {', '.join(cfg.melody)} ({parts}){drum_hint}"
        )
    keep = choice.keep
    start, end = notes.start[keep], choice.end[keep]
    to_seconds = _tempo(notes.tempos, smf.ticks_per_beat)
    _check_tempo(to_seconds, smf.ticks_per_beat, int(start.min()), int(max(end.max(), start.max() + 1)), cfg)
    segments: list[tuple[int, int | None]]
    other: dict[str, int]
    if cfg.meter == "4/4":
        segments, other = [(0, None)], {}
    else:
        signatures = [signature for signature in notes.signatures if signature[1] > 0]
        segments, other = four_four_segments(signatures, smf.ticks_per_beat, int(start.max()))
    if not segments:
        raise SkipFile(SkipReason.NO_FOUR_FOUR, f"{meters_text(other)} {WRONG_METER_FIX}")
    counters = {"drum_notes": int(drums.sum()), "left_out_notes": int((~drums & ~keep).sum())}
    recovered = list(smf.warnings)
    empty_bars = [tick for tick, numerator, _ in notes.signatures if numerator == 0]
    if empty_bars and cfg.meter != "4/4":
        recovered.append(
            f"ignored {counted(len(empty_bars), 'time signature')} of 0 beats a bar (the first at tick {empty_bars[0]:,})"
        )
    unended = int(notes.unended[keep].sum())
    if unended:
        first = int(notes.start[keep & notes.unended].min())
        recovered.append(
            f"{counted(unended, 'note')} of the melody {'has' if unended == 1 else 'have'} no note-off (the first at "
            f"tick {first:,}): {'it is' if unended == 1 else 'each is'} held to the end of its track, as a player holds "
            "it"
        )
    return TickScore(
        resolution=smf.ticks_per_beat,
        pitch=notes.pitch[keep],
        start=start,
        end=np.maximum(end, start),
        velocity=notes.velocity[keep],
        segments=segments,
        seconds_at=to_seconds,
        other_meter_bars=sum(other.values()),
        counters=counters,
        melody=choice.reason,
        warnings=[("recovered", w) for w in recovered]
        + [("merged parts", w) for w in choice.warnings]
        + _zero_length(notes, keep),
    )


ZERO_LENGTH = "zero-length notes"
"""The kind of the warning that counts a file's zero-length melody notes (:func:`_zero_length`)."""


def _zero_length(notes: FileNotes, keep: np.ndarray) -> list[tuple[str, str]]:
    """The :data:`ZERO_LENGTH` warning when melody notes (``keep``) are zero-length, a note-off on their note-on's
    tick (:mod:`.midi_notes`): how many, where the first is, what it means for training and what to do; ``[]`` when
    none is. An unended note (held to the end of its track, a ``recovered`` warning) is not counted."""
    zero = keep & (notes.end == notes.start) & ~notes.unended
    count = int(zero.sum())
    if not count:
        return []
    first = int(notes.start[zero].min())
    return [
        (
            ZERO_LENGTH,
            f"{count:,} of the melody's {int(keep.sum()):,} notes are zero-length (a note-off on the note-on's tick, "
            f"the first at tick {first:,}): their onsets are used and their durations are 0, so a model trained on "
            "them learns durations of 0. If the file lost its note-offs (performance MIDI often does), fix them in "
            "your DAW (give the notes their lengths); if durations do not matter to you, ignore this",
        )
    ]


def _last_event_tick(track: mido.MidiTrack) -> int:
    """The tick of ``track``'s last event other than its end of track: a DAW may write the end of track with any
    delay (a huge one made a 4-bar file "too large"); an unended note is still held to it, which costs nothing."""
    tick = last = 0
    for message in track:
        tick += message.time
        if message.type != "end_of_track":
            last = tick
    return last


def _selector(part: Part) -> str:
    """A ``data.melody`` selector that takes ``part``, to write between double quotes: ``name:808 Drums``, or
    ``track:N`` for a name that a rule would split (a comma) or a quoted TOML string could not hold as written."""
    name = part.name.strip()
    if name and name.isprintable() and not any(c in name for c in ',"\\'):
        return f"name:{name}"
    return f"track:{part.track}"


CHANNEL_EVENTS: dict[str, tuple[str, str | None]] = {
    "note_off": ("note-off", None),
    "note_on": ("note-on of velocity 0", "note-ons of velocity 0"),  # one of velocity > 0 would be a note
    "control_change": ("control change", None),
    "pitchwheel": ("pitch bend", None),
    "program_change": ("program change", None),
    "aftertouch": ("channel pressure", None),
    "polytouch": ("key pressure", None),
    "sysex": ("SysEx message", None),
}
"""How :func:`_no_notes_detail` names each kind of event that is not a note: the noun in the singular and its plural
where ``+ s`` would not make it (:func:`~mvae_core.wording.counted`); ``<mido's name> message`` otherwise."""


def _cut_before_notes(warnings: list[str]) -> str:
    """The cause and its fix, to begin the detail of a file without a note whose reading found it cut short (a
    truncated download): the notes were in the part that is missing. Empty for a file read whole."""
    if any(warning.startswith(CUT_SHORT) for warning in warnings):
        return "the file is cut short before its first note: get the whole file again (download or export it anew); "
    return ""


def _read_leniently(warnings: list[str]) -> str:
    """What reading ``warnings`` recovered, to end a skip's detail: a file truncated before its notes is skipped
    for ``no notes``, and the cut is why."""
    return f"; read leniently: {'; '.join(warnings)}" if warnings else ""


def _no_notes_detail(tracks: list[mido.MidiTrack]) -> str:
    """What a file without a note holds: ``no note-on in its 2 tracks; it holds 64 control changes, 1 pitch bend``
    (an automation clip), or only meta events (an empty clip)."""
    counts = Counter(message.type for track in tracks for message in track if not message.is_meta)
    held = ", ".join(
        counted(count, *CHANNEL_EVENTS.get(kind, (f"{kind} message", None))) for kind, count in counts.most_common()
    )
    where = f"no note-on in its {counted(len(tracks), 'track')}"
    return f"{where}; it holds {held}" if held else f"{where}, only meta events (names, tempo, meter)"


AUDIO_FIX = "mvae reads MIDI, not audio: give the MIDI file the audio was made from, or transcribe it to MIDI"
NOTATION_FIX = "export MIDI from your notation program (MuseScore, Finale, Sibelius, Dorico: File > Export > MIDI)"
NOT_MIDI_FILES: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(start, re.DOTALL), what)
    for start, what in (  # (how a file starts, what such a file is, and what to give instead), first match wins
        (rb"\x1f\x8b", "gzip data, as an Ableton Live Set (.als) is: export its clips from Live as MIDI files"),
        (rb"FLhd", "an FL Studio project (.flp): export it from FL Studio as a MIDI file"),
        (rb"<REAPER_PROJECT", "a REAPER project (.rpp): export its MIDI from REAPER"),
        (
            rb"PK\x03\x04",
            "a zip archive (a MuseScore .mscz, a zipped download): unzip it, or export MIDI from MuseScore",
        ),
        (rb"RIFF", "a RIFF file (WAV audio, or MIDI in an RMID wrapper): give a Standard MIDI File"),
        (rb"\x00\x05\x16\x07", "a macOS AppleDouble file (the Finder's metadata of a file, not its content)"),
        (rb"ID3|\xff[\xfb\xfa\xf3\xf2]", f"MP3 audio: {AUDIO_FIX}"),
        (rb"fLaC", f"FLAC audio: {AUDIO_FIX}"),
        (rb"OggS", f"Ogg audio (Vorbis or Opus): {AUDIO_FIX}"),
        (
            rb"(\xef\xbb\xbf)?\s*(<\?xml|<score-(partwise|timewise)|<museScore)",
            f"an XML file (MusicXML, or a MuseScore .mscx): {NOTATION_FIX}",
        ),
        (
            rb"(?i)(\xef\xbb\xbf)?\s*(<!doctype html|<html)",
            "a web page (a download that saved the site's page instead of the file): download the MIDI file again",
        ),
        (rb"(\xef\xbb\xbf)?[\t\n\r\f\x20-\x7e]+\Z", "a text file (notes, lyrics, ABC): give the MIDI file itself"),
    )
)
"""Files often named ``.mid`` by mistake, by how they start (a pattern matched at the start of the file's first
:data:`SNIFF_BYTES`): a DAW project, audio, notation, a web page, text. A text file is one whose first bytes are all
printable ASCII; one holding accents there is not named."""
SNIFF_BYTES = 256


def _what_it_is(data: bytes) -> str:
    """``; it looks like an FL Studio project ...`` for a file mvae can name by its first bytes, else ``""``."""
    head = data[:SNIFF_BYTES]
    known = next((what for start, what in NOT_MIDI_FILES if start.match(head)), None)
    return f"; it looks like {known}" if known else ""


def _tempo(tempos: list[tuple[int, int]], resolution: int) -> Callable[[np.ndarray], np.ndarray]:
    """Ticks → seconds; :class:`SkipFile` for a tempo of 0 (an infinite tempo: not a performance)."""
    if any(usec <= 0 for _, usec in tempos):
        raise SkipFile(SkipReason.ABSURD_TEMPO, "a tempo of 0 microseconds per beat")
    return seconds_at(tempos, resolution)


def _check_tempo(
    to_seconds: Callable[[np.ndarray], np.ndarray], resolution: int, first: int, last: int, cfg: DataConfig
) -> None:
    """Skip files whose average tempo over their notes is absurd (local per-beat extremes are normal)."""
    seconds = float(np.diff(to_seconds(np.array([first, last])))[0])
    if not np.isfinite(seconds) or seconds <= 0:
        raise SkipFile(SkipReason.ABSURD_TEMPO, "non-positive or non-finite tempo")
    bpm = 60.0 * (last - first) / resolution / seconds
    if not cfg.min_bpm <= bpm <= cfg.max_bpm:
        bound = "data.min_bpm" if bpm < cfg.min_bpm else "data.max_bpm"
        raise SkipFile(
            SkipReason.ABSURD_TEMPO,
            f"average {_bpm_text(bpm)} bpm over its notes, outside data.min_bpm..data.max_bpm = "
            f"{cfg.min_bpm:g}..{cfg.max_bpm:g}; if that is the file's real tempo, set {bound}",
        )


def _bpm_text(bpm: float) -> str:
    """``1,200`` or ``0.25``: a tempo as a musician reads it (``.3g`` wrote 1200 bpm as ``1.2e+03``)."""
    return f"{bpm:,.0f}" if bpm >= 10 else f"{bpm:.2g}"


def _check_high_byte_runs(data: bytes) -> None:
    """Skip data whose longest run of bytes >= 0x80 is over :data:`MAX_HIGH_BYTE_RUN` (linear time)."""
    high = np.frombuffer(data, dtype=np.uint8) >= 0x80
    if not high.any():
        return
    edges = np.flatnonzero(np.diff(np.concatenate(([0], high.astype(np.int8), [0]))))
    longest = int((edges[1::2] - edges[::2]).max())
    if longest > MAX_HIGH_BYTE_RUN:
        detail = (
            f"{longest:,} bytes >= 0x80 in a row (a MIDI number is at most 4 bytes; the limit is {MAX_HIGH_BYTE_RUN:,})"
        )
        raise SkipFile(SkipReason.CORRUPT, detail)
