"""Which notes of a multitrack MIDI file are its melody (``[data] melody``).

A *part* is the notes of one track on one channel (:class:`~mvae_core.data.midi_notes.Part`). Drum parts (channel
10) are never melody; they are counted. The rule is a list of items:

* ``auto`` (the default): drum parts off channel 10 are left out first (by ``all`` and ``top-line`` too; a selector
  takes what it names): a part whose track is named like drums
  (a whole word ``drums``, ``perc``, ``kick``, ``snare``, ``hihat``, …: not ``Drummer`` or ``Percy``; and no melody
  word), counting a track's name only when the
  track holds one pitched part, as DAWs (Ableton Live among them) export a drum clip on channel 1 (:func:`named_drums`);
  then the only pitched part when there is one (every single-track melody file); else the one
  part named like a melody or a vocal (``melody``, ``vocal``, ``voice``, ``lead``, ``sing``, …, and no word like
  ``backing`` or ``bass``), counting a track's name only when the track holds one pitched part (a type-0 file's one
  track holds every channel and is named after the song); else by General MIDI program (:data:`BY_PROGRAM`): the
  one part whose program is a voice or a lead, or the top line of those parts when several are (a lead vocal and a
  backing one, two synth leads: not the piano's chord tops); else, when none is, the same of the parts whose program is
  a solo instrument (:data:`SOLO_PROGRAMS`: a band file's sax, trumpet, flute or violin over piano and bass; two horns
  playing the head, or trading fours); a part whose name (counted as above) says it is no melody (``Backing Vox``,
  ``Synth Bass``, ``Sax Harmony``) is left out of these, and so is a part of mostly chords (:func:`mostly_chords`: a
  choir's pad) when another of them plays a line (a synth lead), the reason naming it and the selector that takes it
  (:func:`chords_left_out`). Else the top line of all pitched parts. A top line's reason names its parts and ends with
  the selector that takes one part (:func:`one_part_hint`);
* ``all``: every pitched part but those named like drums, merged;
* ``top-line``: the top line (skyline) of the chosen parts (every pitched part but those named like drums): at each
  moment the highest sounding note; a note that starts under a higher one still sounding is left out, and a lower
  note stops where a higher one starts;
* selectors, which choose parts (their union): ``track:N`` (the file's track index, from 0), ``name:TEXT`` (the
  track's name contains TEXT, any case, accents ignored), ``channel:N`` (1–16) and ``program:N`` (General MIDI,
  1–128). With ``top-line`` as well, the top line of those parts.

:func:`choose` returns which notes are used and a sentence saying which parts and why, for the data report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from mvae_core.data.midi_notes import FileNotes, Part
from mvae_core.plain_text import plain
from mvae_core.suggest import closest

RULES = ("auto", "all", "top-line")
SELECTOR_KINDS: dict[str, tuple[int, int] | None] = {
    "track": (0, 65535),
    "channel": (1, 16),
    "program": (1, 128),
    "name": None,
}
# Word beginnings (a word starts a name, or follows a non-letter or a lower-to-upper case change: "LeadVox"), so
# that "Rising" is not "sing" and "Fortune" not "tune"; a harmonica and a bassoon play melodies.
MELODY_WORDS = ("melod", "vocal", "voice", "vox", "lead", "sing", "tune", "theme", "solo")
NOT_MELODY_WORDS = ("back", "harmon(?!ica)", "chord", "bass(?!oon)", "drum", "perc", "pad", "accomp", "comp", "string",
                    "rhythm")  # fmt: skip
DRUM_WORDS = ("drums?", "drumkit", "perc", "percussion", "kicks?", "snares?", "hi[- ]?hats?", "hats", "hh", "claps?",
              "cymbals?")  # fmt: skip
"""Whole words (:func:`_whole_words`): a title such as "The Little Drummer Boy" or "Percy ..." names no drums."""
MELODY_PROGRAMS = frozenset([52, 53, 54, *range(80, 88)])  # GM from 0: choir and voice oohs, synth voice, leads 1-8
SOLO_PROGRAMS = frozenset([22, 40, 41, 42, 56, 57, 59, 60, *range(64, 80), 109, 110, 111])
"""General MIDI programs (from 0) of instruments that play one line, the tune of a band arrangement when no voice or
lead does (the top line of several, two horns on the head): harmonica, violin, viola, cello, trumpet, trombone,
muted trumpet, French horn, the saxes and reeds (65-72 as GM counts), the pipes (73-80), bagpipe, fiddle, shanai.
Not the bass instruments (contrabass, tuba), nor the sections and synth brass, which play chords."""
_SELECTOR = re.compile(r"^(track|channel|program|name):(.+)$")
_SELECTOR_VALUES = {"track": "N, the track's number from 0", "channel": "N, 1-16", "program": "N, General MIDI 1-128",
                    "name": "TEXT, part of the track's name, e.g. name:vocal"}  # fmt: skip


def parse_rule(value: str | list[str]) -> list[str]:
    """The rule as a list of items (``"top-line"``, ``"name:vocal, top-line"`` or a list); raises ``ValueError``
    naming a bad item and the accepted ones. An empty item (``"top-line,"``, ``"a,,b"``) is an error, as an empty
    plugin name is, never skipped: a trailing comma may be a selector left out."""
    items = [part.strip() for part in value.split(",")] if isinstance(value, str) else [str(v).strip() for v in value]
    if not any(items):
        raise ValueError(f"give a rule: one of {', '.join(RULES)}, or selectors such as track:1 or name:vocal")
    if "" in items:
        raise ValueError("an empty rule item; give the rule's items separated by commas (e.g. name:vocal, top-line)")
    for item in items:
        if item in RULES:
            continue
        match = _SELECTOR.match(item)
        kind = item.removesuffix(":")
        if not match and kind in SELECTOR_KINDS:
            raise ValueError(f"{item!r}: give {kind}:{_SELECTOR_VALUES[kind]} (nothing follows the colon)")
        if not match:
            raise ValueError(
                f"{item!r} is not a melody rule{_did_you_mean(item)}; use one of {', '.join(RULES)}, or selectors "
                "track:N, name:TEXT, channel:N (1-16), program:N (General MIDI, 1-128)"
            )
        bounds = SELECTOR_KINDS[match.group(1)]
        if bounds is not None:
            number = match.group(2).strip()
            if not number.isdigit() or not bounds[0] <= int(number) <= bounds[1]:
                raise ValueError(f"{item!r}: {match.group(1)} must be a whole number in {bounds[0]}..{bounds[1]}")
    if "auto" in items and len(items) > 1:
        raise ValueError("'auto' chooses by itself; give it alone, or give selectors instead")
    return items


def _did_you_mean(item: str) -> str:
    """`` (did you mean 'track:1'?)`` when ``item`` is a misspelt rule or selector kind."""
    head, colon, rest = item.partition(":")
    known = list(SELECTOR_KINDS) if colon else list(RULES)
    close = closest(head, known)
    return f" (did you mean {close + colon + rest!r}?)" if close else ""


@dataclass
class Choice:
    """The notes used as the melody (``keep``, with ``end`` shortened by the top line) and why."""

    keep: np.ndarray  # bool per note of the file
    end: np.ndarray  # int64 per note: its end, cut where a higher note of the top line starts
    reason: str
    used: list[Part]
    warnings: list[str] = field(default_factory=list)
    drums: list[Part] = field(default_factory=list)  # parts off channel 10 taken for drums by their name (no selector)


def choose(notes: FileNotes, rule: list[str]) -> Choice:
    """Apply ``rule`` (from :func:`parse_rule`) to ``notes``; ``reason`` is a sentence for the data report."""
    pitched = [p for p in notes.parts if not p.is_drum]
    part_of = notes.part_of()
    selectors = [item for item in rule if item not in RULES]
    # auto, all and top-line leave out a drum clip a DAW exported off channel 10 (Ableton Live's "Drums1" on channel
    # 1: its hats would be the top line's notes between the tune's); a selector takes whatever it names
    drums = [] if selectors else named_drums(pitched)
    pitched = [p for p in pitched if p not in drums]
    chords: list[Part] = []
    if rule == ["auto"]:
        parts, why, top_line, chords = _auto(pitched, notes)
    else:
        parts = [p for p in pitched if any(_matches(p, s) for s in selectors)] if selectors else pitched
        top_line = "top-line" in rule
        why = f"{RULE_REASON}{', '.join(rule)}"
    wanted = np.isin(part_of, [notes.parts.index(p) for p in parts])
    end = notes.end.copy()
    if top_line and wanted.any():
        wanted, end = _top_line(notes, wanted)
    described = ", ".join(p.label() for p in parts) or "no part"
    if top_line and len(parts) > 1:
        reason = f"{why}: the top line of {len(parts)} pitched parts ({described})"
        reason += one_part_hint(parts) if rule == ["auto"] else ""
    else:
        reason = f"{why}: {described}"
    reason += chords_left_out(chords, pitched)
    warnings = []
    if not top_line and len(parts) > 1:
        kind = _one_part_kind(parts)
        one = f'"{kind}:N" for one of them (N as listed)' if kind else "a track, a name"
        warnings.append(
            f"merged {len(parts)} pitched parts ({described}): accompaniment lands on the melody's grid; choose the "
            f"melody with data.melody: {one}, or top-line"
        )
    return Choice(wanted, end, reason, parts, warnings, drums)


def named_drums(pitched: list[Part]) -> list[Part]:
    """The parts of ``pitched`` (none on channel 10) whose track is named like drums and like no melody, a track's
    name counting only when the track holds one of them (a type-0 file's one track is named after the song)."""
    return [p for p in _alone_on_their_track(pitched) if _named_like_drums(p.name)]


def _alone_on_their_track(parts: list[Part]) -> list[Part]:
    """The parts of ``parts`` that are the only one of ``parts`` on their track: only their track's name says what
    they are (a type-0 file's one track holds every channel and is named after the song, "Theme from ...")."""
    per_track: dict[int, int] = {}
    for part in parts:
        per_track[part.track] = per_track.get(part.track, 0) + 1
    return [p for p in parts if per_track[p.track] == 1]


def _auto(pitched: list[Part], notes: FileNotes) -> tuple[list[Part], str, bool, list[Part]]:
    """The parts ``auto`` uses, why, whether it takes their top line, and the parts of its choice by program left
    out as chords (:func:`mostly_chords`) beside one that plays a line."""
    if len(pitched) <= 1:
        return pitched, "the only pitched part", False, []
    # a name shared by several parts of one track (a type-0 file's one track, named after the song) says nothing
    # about which of them is the melody: "Theme from ..." would pick the part with the most notes, the chords
    named = [p for p in _alone_on_their_track(pitched) if _named_like_melody(p.name)]
    if named:
        best = max(named, key=lambda p: p.notes)  # "Lead Vocal" over a short "Vocal ad-lib"
        return [best], "named like a melody", False, []
    named_unlike = [p for p in _alone_on_their_track(pitched) if _named_unlike_melody(p.name)]  # "Backing Vox"
    for programs, one_reason, several_reason in BY_PROGRAM:
        programmed = [p for p in pitched if p.program in programs and p not in named_unlike]
        chords = [p for p in programmed if mostly_chords(notes, p)] if len(programmed) > 1 else []
        if len(chords) < len(programmed):  # a choir's pad beside a synth lead: the lead's line, not the pad's tops
            programmed = [p for p in programmed if p not in chords]
        else:
            chords = []
        if len(programmed) == 1:
            return programmed, one_reason, False, chords
        if programmed:  # two voices or leads, two horns: their top line, not the piano's chord tops
            return programmed, f"{several_reason} {len(pitched)}", True, chords
    return pitched, f"{AUTO_TOP_LINE} {len(pitched)}", True, []


CHORD_SHARE = 0.5
"""A part plays mostly chords when at least this share of its notes sound together with another of its notes for
at least half of the shorter one's length (:func:`mostly_chords`); a line's legato overlaps are far shorter."""


def mostly_chords(notes: FileNotes, part: Part) -> bool:
    """Whether ``part`` of ``notes`` plays mostly chords (:data:`CHORD_SHARE` of its notes :func:`held_together`): a
    choir's or a pad's held chords, not a line whose notes only touch (legato) or a rare double stop. ``auto`` leaves
    such a part out of its choice by program when another part of that choice plays a line."""
    mine = (notes.track == part.track) & (notes.channel == part.channel)
    together = held_together(notes.start[mine], notes.end[mine])
    return bool(len(together)) and float(together.mean()) >= CHORD_SHARE


def held_together(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per note (its ``start`` and ``end`` ticks), whether it sounds together with another for at least half of the
    shorter one's length: the two overlap (by more than 0 ticks) and the overlap is at least half the shorter's length.
    A zero-length note is held with none. Ticks are integers: ``start`` or ``end`` of another dtype (floats, even
    whole ones, or booleans) is a TypeError naming it, since the midpoint test below is exact only in integers.

    Counted in O(n log n), not pair by pair (one note held under 50,000 would take 50,000² comparisons): for two
    notes of some length, the overlap is at least half the shorter one's length exactly when the longer one (either,
    when as long) holds the shorter one's midpoint, ends included, and a note holding the midpoint of a longer one
    has its own midpoint inside it; so two such notes are held together exactly when either holds the other's
    midpoint. A note is held together with another when more than one note of some length (itself one) holds its
    midpoint, or when more than one midpoint lies in it."""
    start, end = _ticks("start", start), _ticks("end", end)
    sounding = end > start
    low, high = 2 * start[sounding], 2 * end[sounding]  # doubled ticks: midpoints are whole numbers
    middle = start[sounding] + end[sounding]
    holding = np.searchsorted(np.sort(low), middle, "right") - np.searchsorted(np.sort(high), middle, "left")
    middles = np.sort(middle)
    holds = np.searchsorted(middles, high, "right") - np.searchsorted(middles, low, "left")
    together = np.zeros(len(start), dtype=bool)
    together[sounding] = (holding > 1) | (holds > 1)
    return together


def _ticks(name: str, values: np.ndarray) -> np.ndarray:
    """``values`` (the argument ``name`` of :func:`held_together`) as int64 ticks; a TypeError naming ``name`` when
    they are not integers (an empty sequence holds none that are not)."""
    array = np.asarray(values)
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(
            f"held_together: {name} holds {array.dtype} values; it takes integer ticks (a note's start and end in "
            "MIDI ticks): scale and round times to whole ticks first"
        )
    return array.astype(np.int64, copy=False)


CHORDS_LEFT_OUT = "; left out, mostly chords: {parts}"
"""What a :attr:`Choice.reason` of ``auto`` ends with when its choice by program left parts out as chords
(:func:`chords_left_out`), each with the selector that takes it (``data.melody = "track:N"``) where one does."""


def chords_left_out(chords: list[Part], pitched: list[Part]) -> str:
    """:data:`CHORDS_LEFT_OUT` naming ``chords``, each with the selector that takes it alone among ``pitched``:
    ``track`` when no other part is on its track, else ``channel`` when none is on its channel; ``""`` for none."""
    named = []
    for part in chords:
        for kind, number in (("track", lambda p: p.track), ("channel", lambda p: p.channel + 1)):
            if [number(p) for p in pitched].count(number(part)) == 1:
                named.append(f'{part.label()} (to use it, set data.melody = "{kind}:{number(part)}")')
                break
        else:
            named.append(part.label())
    return CHORDS_LEFT_OUT.format(parts=", ".join(named)) if chords else ""


AUTO_TOP_LINE = "no part named or programmed like a melody among"
"""How a :attr:`Choice.reason` of ``auto`` begins when it took the top line of every pitched part."""
VOICE_TOP_LINE = "several voices or leads (by General MIDI program) among"
"""How a :attr:`Choice.reason` of ``auto`` begins when it took the top line of the parts of :data:`MELODY_PROGRAMS`
alone (piano, guitar, bass and pads left out)."""
SOLO_TOP_LINE = "several solo instruments (no voice or lead) among"
"""How a :attr:`Choice.reason` of ``auto`` begins when it took the top line of the parts of :data:`SOLO_PROGRAMS`
alone (piano, guitar, bass and pads left out)."""
BY_PROGRAM = (
    (MELODY_PROGRAMS, "programmed like a melody", VOICE_TOP_LINE),
    (SOLO_PROGRAMS, "the one solo instrument (no voice or lead)", SOLO_TOP_LINE),
)
"""``auto``'s choice by General MIDI program, in order: the programs, the reason when one part has one of them, and
how the reason begins when several have (their top line). The first of these that a part has decides."""
ONE_PART_HINT = 'if one of them is the melody, set data.melody = "{kind}:N" (N as listed)'
"""What a :attr:`Choice.reason` of ``auto``'s top line ends with (:func:`one_part_hint`)."""


def one_part_hint(parts: list[Part]) -> str:
    """:data:`ONE_PART_HINT` with the selector that takes any one of ``parts`` alone: ``track`` when each is on a
    track of its own, else ``channel`` when each is on a channel of its own (a type-0 file's one track); ``""`` when
    neither is (no one selector takes one part: selectors are a union)."""
    kind = _one_part_kind(parts)
    return "; " + ONE_PART_HINT.format(kind=kind) if kind else ""


def _one_part_kind(parts: list[Part]) -> str | None:
    """``"track"`` when each of ``parts`` is on a track of its own, else ``"channel"`` when each is on a channel of
    its own; None when neither is."""
    for kind, number in (("track", lambda p: p.track), ("channel", lambda p: p.channel)):
        if len({number(p) for p in parts}) == len(parts):
            return kind
    return None


RULE_REASON = "data.melody = "
"""How a :attr:`Choice.reason` of a rule given as selectors or ``all``/``top-line`` begins (the rule follows)."""


def took_top_line(reason: str) -> bool:
    """Whether a :attr:`Choice.reason` (as a report entry keeps it, ``melody``) says that the melody is a top line:
    then the file's pitched notes left out (``left_out_notes``) include those under the line, of the melody's own
    parts too, not only those of other parts."""
    rule = reason.partition(": ")[0]
    if rule.startswith((AUTO_TOP_LINE, *(several for _, _, several in BY_PROGRAM))):
        return True
    return rule.startswith(RULE_REASON) and "top-line" in rule.removeprefix(RULE_REASON).split(", ")


def _word_starts(stems: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding any of ``stems`` at the start of a word of a name split by :func:`_words`."""
    return re.compile(rf"(?<![a-z])(?:{'|'.join(stems)})")


_MELODY_NAME, _NOT_MELODY_NAME = _word_starts(MELODY_WORDS), _word_starts(NOT_MELODY_WORDS)


def _whole_words(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding any of ``words`` as a whole word of a name split by :func:`_words` (a digit may follow:
    "drums1")."""
    return re.compile(rf"(?<![a-z])(?:{'|'.join(words)})(?![a-z])")


_DRUM_NAME = _whole_words(DRUM_WORDS)


def _words(name: str) -> str:
    """``name`` in lower case with a space where its case went from lower to upper ("LeadVox" → "lead vox"), read
    without accents ("Mélodie" → "melodie", "E-Baß" → "e-bass": :func:`~mvae_core.plain_text.plain`)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", plain(name)).lower()


def _named_like_melody(name: str) -> bool:
    words = _words(name)
    return bool(_MELODY_NAME.search(words)) and not _NOT_MELODY_NAME.search(words)


def _named_unlike_melody(name: str) -> bool:
    """Whether ``name`` says its part is no melody (``Backing Vox``, ``Synth Bass``, ``Sax Harmony``)."""
    return bool(_NOT_MELODY_NAME.search(_words(name)))


def _named_like_drums(name: str) -> bool:
    words = _words(name)
    return bool(_DRUM_NAME.search(words)) and not _MELODY_NAME.search(words)


def selected_drums(parts: list[Part], rule: list[str]) -> list[Part]:
    """The parts of ``parts`` on channel 10 that a selector of ``rule`` names: :func:`choose` never takes them, and a
    file whose only match they are is skipped with them named."""
    selectors = [item for item in rule if item not in RULES]
    return [p for p in parts if p.is_drum and any(_matches(p, s) for s in selectors)]


def _matches(part: Part, selector: str) -> bool:
    kind, _, value = selector.partition(":")
    value = value.strip()
    if kind == "name":
        return plain(value).casefold() in plain(part.name).casefold()
    number = int(value)
    return {"track": part.track, "channel": part.channel + 1, "program": part.program + 1}[kind] == number


def _top_line(notes: FileNotes, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The skyline of the ``wanted`` notes: which stay, and their ends (cut where the next kept note starts)."""
    index = np.flatnonzero(wanted)
    order = index[np.lexsort((-notes.pitch[index], notes.start[index]))]  # by start, highest first
    keep = np.zeros(len(wanted), dtype=bool)
    end = notes.end.copy()
    current = -1
    for i in order:
        if current >= 0:
            same_onset = notes.start[i] == notes.start[current]
            under = notes.start[i] < end[current] and notes.pitch[i] < notes.pitch[current]
            if same_onset or under:
                continue
            end[current] = min(end[current], notes.start[i])
        keep[i] = True
        current = i
    return keep, end
