"""General MIDI instruments by number and by name: the sound a written loop asks a player for.

Numbers are the General MIDI list's, 1–128 (1 is Acoustic Grand Piano, 67 Tenor Sax), as ``data.melody``'s
``program:N`` counts them; a MIDI program change message carries the number less one. A name is read without its
accents, as its plain spelling (``flügelhorn`` as ``flugelhorn``, ``Baß`` as ``Bass``:
:func:`~mvae_core.plain_text.plain`), in order:

1. as one of pretty_midi's copy of the General MIDI names, ignoring case, spaces and punctuation (``"tenor sax"``,
   ``"Tenor Sax"``);
2. a musician's name that shares no word with the General MIDI name it means (:data:`ALIASES`: ``"bass guitar"``,
   ``"upright bass"``, ``"rhodes"``, ``"violoncello"``) is read as that name's words, by these same rules, also among
   other words (``"hammond organ"``: Drawbar Organ); a player's word (:data:`PLAYER_ENDINGS`), or their plural, is read
   as the word of the list or the one-word alias it plays (``cellist``: cello, ``pianists``: piano, ``drummer``: drum,
   ``violoncellist``: violoncello; :func:`_played`);
3. a name whose words fit one instrument alone is that one (``"tenor saxophone"``, ``"elec piano 2"``), unless
   they are all drums' (:data:`DRUMS`: ``cymbal`` is no Reverse Cymbal). A word that is a word of the list, or its
   plural or singular, fits that word alone (``bass`` the basses, not Bassoon; ``drums`` Drum too); any other word
   fits a word of the list that it begins (``elec`` for Electric) or lengthens (``saxophone`` for Sax), unless it is
   another word mistyped (:func:`_typo_of`; a word of the list or a one-word alias: ``harpsicord`` is Harpsichord
   mistyped, no longer form of Harp; ``tombone`` no Melodic Tom; ``pano`` no Pan Flute; ``violincello`` is
   violoncello mistyped, no Violin), names an instrument General MIDI lacks or a drum (:data:`LACKING`,
   :data:`DRUMS`: ``melodica`` is no Melodic Tom, ``pandeiro`` no Pan Flute; a start of a word of the list never
   does, ``melodi`` is Melodic Tom) or, a longer form, ends with another word of the list (a compound:
   ``contrabassoon`` is no Contrabass) or is one with its first letter slipped (:func:`_first_letter_slips`:
   ``bello`` is no Tinkle Bell, it may be Cello).

Any other name is refused (:class:`OptionError`, exit 2), listing what it could mean: for a drum or a cymbal
(:data:`DRUMS`: ``tabla``, ``"drum kit"``, ``cymbal``), that General MIDI plays them on channel 10 and the programs
nearest to it (a word of a family's whole name it holds is no drum's: ``"chromatic percussion"``); else the instruments
holding its words (``"sax"``, ``"electric guitar"``), else the General MIDI instruments nearest to one General MIDI
lacks (``mandolin``: the acoustic guitars and Banjo, ``wurli``: the electric pianos; :data:`LACKING`), else the members
of the General MIDI family it names (``"synth lead"``: Lead 1–8), else the closest name by spelling (``"tenor sacks"``)
when it shares a word with the name: holds one of its words, or one of them mistyped (``"trumpit"``, ``"harpsicord"``;
not ``"melotone"`` for Melodic Tom), else the instruments its mistyped words would name (``pano``: the pianos;
``violincello``: Cello; ``bello``: Cello or the bells), else the instruments holding one of its words or of a compound's
(``contrabassoon``: Contrabass, Bassoon). So a mistyped name is the instrument it means or is refused, never read as
another.
"""

from __future__ import annotations

import functools
import itertools
import numbers
import re

import pretty_midi

from mvae_core.errors import OptionError
from mvae_core.plain_text import plain
from mvae_core.suggest import closest

PROGRAMS = (1, 128)
"""The General MIDI program numbers, first and last."""

PIANO = 1
"""The program a written loop asks for unless told otherwise: Acoustic Grand Piano."""

TYPO_EDITS = 2
"""How many single-letter slips (:func:`_typo_of`) a long word of the list may hold and still be read as mistyped;
a shorter word, one: ``harpsicord`` and ``harpiscord`` are Harpsichord mistyped, ``saxophone`` is no Xylophone."""

TYPO_LONG_WORD = 8
"""The letters from which a word of the list counts as long for :data:`TYPO_EDITS`."""

TYPO_SHORTEST = 3
"""The fewest letters of a word that a typo may mean: one letter changed in a shorter word makes another word rather
than a slip (``e`` is no ``1`` mistyped)."""

GUESS_SHORTEST = 4
"""The fewest letters of a word that a refusal guesses a mistyped word means (:func:`_corrected`): a slip of a
shorter one is as likely another word (``pano`` is offered the pianos, not Pan Flute; ``hat`` no Orchestra Hit)."""

SHORTEST_STEM = 3
"""The fewest letters of a start of a word of the list (``obo`` for Oboe), of a word of the list that a longer word
may lengthen (``sax`` for ``saxophone``), and of what is left of a player's word less its ending (``tub`` of
``tubist``)."""

PLAYER_ENDINGS = ("ist", "er")
"""How a word naming a player ends (``pianist``, ``drummer``): :func:`_played` reads it as the instrument's word."""


def program_name(program: int) -> str:
    """The General MIDI name of ``program`` (1–128): ``67`` → ``"Tenor Sax"``."""
    return str(pretty_midi.INSTRUMENT_MAP[program - 1])


def program_number(value: object, option: str = "program") -> int:
    """``value`` as a General MIDI program number: a whole number 1–128 (or its digits), or an instrument's name.

    A name is read by the rules of the module's docstring; any other raises :class:`OptionError` naming ``option``
    and listing what it could mean (``"sax"``: Soprano Sax, Alto Sax, …; ``"tenor sacks"``: Tenor Sax)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    low, high = PROGRAMS
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and low <= value <= high:
        return int(value)
    if not isinstance(value, str):
        raise OptionError(option, f"must be a General MIDI program {low}-{high} or an instrument's name, got {value!r}")
    return _named(value, option)


ALIASES = {
    "bass guitar": "electric bass",
    "upright bass": "acoustic bass",
    "double bass": "acoustic bass",
    "string bass": "acoustic bass",
    "keys": "piano",
    "rhodes": "electric piano 1",
    "hammond": "drawbar organ",
    "vibes": "vibraphone",
    "violoncello": "cello",
    "kettledrum": "timpani",
    "kettle drum": "timpani",
}
"""Musicians' names (their words in lower case, one space apart) that share no word with the General MIDI name they
mean, and that name's words: read by the same rules, ``"bass guitar"`` lists the two electric basses (finger, pick). An
upright or double bass is General MIDI's Acoustic Bass, the plucked jazz bass (its Contrabass is bowed); a violoncello
is the Cello, whose name is short for it; kettledrums are the Timpani. Among other words an alias is read the same way
(``"fender rhodes"``: fender electric piano 1), and a one-word alias mistyped is a typo like a word of the list's
(``violincello``: Cello)."""


LACKING = {
    "mandolin": ("Acoustic Guitar (steel)", "Acoustic Guitar (nylon)", "Banjo"),
    "ukulele": ("Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Banjo"),
    "bouzouki": ("Acoustic Guitar (steel)", "Banjo"),
    "balalaika": ("Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Banjo"),
    "lute": ("Acoustic Guitar (nylon)",),
    "oud": ("Acoustic Guitar (nylon)",),
    "zither": ("Koto", "Dulcimer"),
    "cimbalom": ("Dulcimer",),
    "santur": ("Dulcimer",),
    "erhu": ("Fiddle", "Violin"),
    "wurlitzer": ("Electric Piano 1", "Electric Piano 2"),
    "clavichord": ("Harpsichord", "Clavinet"),
    "mellotron": ("String Ensemble 1", "Flute", "Choir Aahs"),
    "moog": ("Lead 2 (sawtooth)", "Synth Bass 1"),
    "theremin": ("Lead 6 (voice)", "Whistle"),
    "cornet": ("Trumpet", "French Horn"),
    "flugelhorn": ("Trumpet", "French Horn"),
    "mellophone": ("French Horn", "Trumpet"),
    "euphonium": ("Tuba", "Trombone"),
    "sousaphone": ("Tuba",),
    "fife": ("Piccolo", "Flute"),
    "melodica": ("Harmonica", "Accordion"),
    "harmonium": ("Reed Organ", "Accordion"),
    "bandoneon": ("Tango Accordion", "Accordion"),
    "concertina": ("Accordion", "Tango Accordion"),
    "steelpan": ("Steel Drums",),
    "handpan": ("Steel Drums",),
}
"""Instruments General MIDI has no program for, as one word, and the General MIDI names nearest to each in sound,
the nearest first: a refusal offers them (:func:`_nearest`), and such a word is never read as a word of the list it
lengthens (``melodica`` is no Melodic Tom, ``steelpan`` no steel guitar). A mandolin, a bouzouki, a balalaika and a
ukulele are small plucked lutes, as the guitars and the banjo are; a lute and an oud are played like the nylon-strung
guitar; the koto is a zither, and General MIDI's Dulcimer the hammered one (a cimbalom, a santur); the erhu is a
fiddle; a Wurlitzer is the electric piano, and the Clavinet an electric clavichord; a Mellotron plays taped strings,
flutes and choir; a Moog's sounds are the sawtooth lead and the synth bass; a theremin sings a near sine with
vibrato; a cornet, a flugelhorn and a mellophone are trumpets and horns of other bores; a fife is a small flute; a
melodica, a harmonium, a bandoneon and a concertina sound free reeds, as the harmonica and the accordions do; a
steelpan and a handpan are steel drums. Drums and cymbals are :data:`DRUMS`."""

LACKING_OTHER_NAMES = {
    "wurli": "wurlitzer",
    "uke": "ukulele",
    "mando": "mandolin",
    "flugel": "flugelhorn",
    "minimoog": "moog",
    "santoor": "santur",
    "lutenist": "lute",
    "pantam": "handpan",
}
"""Other names musicians give an instrument of :data:`LACKING` (a short form, a model, another spelling, a player whose
word is no stem and ending: ``lutenist``), and the instrument: each is read as the instrument's word is
(:func:`_lacking`)."""

LACKING_SLIPS_SHORTEST = 5
"""The fewest letters of a word of :data:`LACKING` that a word one slip from it is taken to mean (:func:`_lacking`):
a slip of a shorter one is as likely another word (``mute`` is no ``lute`` mistyped, ``moon`` no ``moog``)."""

DRUM_CHANNEL_NOTE = (
    "General MIDI plays drums on MIDI channel 10, a note for each drum or cymbal, so a drum kit is no program"
)
"""Why a drum (:data:`DRUMS`) is refused: the General MIDI drum kit is a channel, not a program (docs/data.md:
drums)."""

PITCHED_PERCUSSION = ("Timpani", "Steel Drums", "Taiko Drum", "Melodic Tom", "Synth Drum", "Woodblock", "Agogo")
"""The General MIDI programs that play a drum or other percussion at a pitch, as a melody plays them."""

HAND_DRUMS_NEAREST = ("Melodic Tom", "Taiko Drum")
"""The General MIDI programs nearest to a hand drum played at a pitch (a tabla, a conga, a djembe): the tuned tom and
the taiko."""

DRUMS = {
    "drum": PITCHED_PERCUSSION,
    "drumkit": PITCHED_PERCUSSION,
    "drumset": PITCHED_PERCUSSION,
    "kit": PITCHED_PERCUSSION,
    "percussion": PITCHED_PERCUSSION,
    "cymbal": ("Reverse Cymbal",),
    "snare": (),
    "kick": (),
    "hihat": (),
    "hat": (),
    "tambourine": (),
    "shaker": (),
    "maraca": (),
    "guiro": (),
    "cabasa": (),
    "triangle": (),
    "tabla": HAND_DRUMS_NEAREST,
    "djembe": HAND_DRUMS_NEAREST,
    "conga": HAND_DRUMS_NEAREST,
    "bongo": HAND_DRUMS_NEAREST,
    "cajon": HAND_DRUMS_NEAREST,
    "timbale": HAND_DRUMS_NEAREST,
    "darbuka": HAND_DRUMS_NEAREST,
    "doumbek": HAND_DRUMS_NEAREST,
    "bodhran": HAND_DRUMS_NEAREST,
    "pandeiro": HAND_DRUMS_NEAREST,
    "pandero": HAND_DRUMS_NEAREST,
    "cowbell": ("Agogo",),
    "clave": ("Woodblock",),
    "castanet": ("Woodblock",),
}
"""Drums, cymbals and other unpitched percussion, as one word, and the General MIDI programs nearest to each, the
nearest first (none for a sound no program comes near: a snare, a hi-hat, a shaker): General MIDI plays them on channel
10 (:data:`DRUM_CHANNEL_NOTE`), so a name of one is refused saying so and naming those programs, also among other words
(``"snare drum"``, ``"drum kit"``, ``"crash cymbal"``, ``"hi-hat"``). The words ``drum`` and ``cymbal`` of the list keep
their reading in a General MIDI name (``"steel drum"``, ``"reverse cymbal"``), but a name of drums alone is no program:
``cymbal`` is no Reverse Cymbal, a crash played backwards, the one cymbal General MIDI has as a program. Any other is
read as :data:`LACKING`'s words are (:func:`_lacking`: ``djembes``, ``percussionist``, a slip of one of
:data:`LACKING_SLIPS_SHORTEST` letters), and never as a word of the list it lengthens (``pandeiro``, a Brazilian frame
drum, is no Pan Flute). A cowbell is the agogo's bell, claves and castanets click as the woodblock does; the tom of a
kit is General MIDI's Melodic Tom (``tom`` is read as it), and the timpani, the taiko and the steel drums are
programs."""


def _named(value: str, option: str) -> int:
    """The program of the instrument name ``value`` (the module's rules), else :class:`OptionError` naming
    ``option`` and listing what ``value`` could mean."""
    spelt = plain(value)
    meant = _reading(spelt)
    try:  # pretty_midi's match: any case, spaces and punctuation ignored
        return pretty_midi.instrument_name_to_program(meant) + 1
    except ValueError:
        pass
    low, high = PROGRAMS
    names = [program_name(n) for n in range(low, high + 1)]
    holding = _holding(meant, names)
    if len(holding) == 1 and not all(_drum(word) for word in _word_list(meant)):  # "tenor saxophone"; no "cymbal"
        return names.index(holding[0]) + low
    said = f"{value!r} (General MIDI: {meant!r})" if meant != spelt else repr(value)
    raise OptionError(option, f"is not a General MIDI instrument: {said}{_nearest(meant, names)}")


def _reading(value: str) -> str:
    """``value`` in the list's words: a player's word as the instrument's (:func:`_played`: ``"jazz guitarist"``:
    ``"jazz guitar"``, ``violoncellist``: ``violoncello``), then each alias among its words (:data:`ALIASES`) as the
    name it means, a word that name already holds read once (``"hammond organ"``: ``"drawbar organ"``);
    ``value`` itself when none is there."""
    words = _word_list(value)
    played = [_played(word) for word in words]
    read: list[str] = []
    at = 0
    while at < len(played):
        alias = next(
            (key for key in _aliases_longest_first() if played[at : at + len(key.split())] == key.split()), None
        )
        read.extend(ALIASES[alias].split() if alias else [played[at]])
        at += len(alias.split()) if alias else 1
    read = list(dict.fromkeys(read))
    return value if read == words else " ".join(read)


@functools.cache
def _aliases_longest_first() -> tuple[str, ...]:
    """The keys of :data:`ALIASES`, those of more words first (``"bass guitar"`` before a one-word alias)."""
    return tuple(sorted(ALIASES, key=lambda key: -len(key.split())))


def _played(word: str) -> str:
    """The word of the list or the one-word alias (:data:`ALIASES`) that a player's ``word`` names: ``word`` less
    one of :data:`PLAYER_ENDINGS` (:func:`_player_stem`), as it is, with a vowel added or a doubled last letter
    dropped (``harpist``: harp, ``cellists``: cello, ``fiddler``: fiddle, ``drummer``: drum, ``violoncellist``:
    violoncello), when exactly one of these is such a word and ``word`` is no word of the list; else ``word``."""
    stem = _player_stem(word)
    if stem is None or _list_knows(word):
        return word
    known = [form for form in _stem_forms(stem) if form in _list_words() or form in ALIASES]
    return known[0] if len(known) == 1 else word


def _stem_forms(stem: str) -> set[str]:
    """The words a player's ``stem`` (:func:`_player_stem`) may be the instrument's: as it is, with a vowel added or
    a doubled last letter dropped (``harp``, ``cell``: cello, ``fiddl``: fiddle, ``drumm``: drum)."""
    return {stem, *(stem + vowel for vowel in "aeio")} | ({stem[:-1]} if stem[-1] == stem[-2] else set())


def _player_stem(word: str) -> str | None:
    """``word``, or its singular (less an ``s``), less the first of :data:`PLAYER_ENDINGS` it ends with, when at least
    :data:`SHORTEST_STEM` letters are left (``pianist``, ``pianists``: pian); else ``None``."""
    one = word.removesuffix("s") if word.endswith(tuple(ending + "s" for ending in PLAYER_ENDINGS)) else word
    ending = next((ending for ending in PLAYER_ENDINGS if one.endswith(ending)), None)
    if ending is None or len(one) - len(ending) < SHORTEST_STEM:
        return None
    return one[: -len(ending)]


def _holding(value: str, names: list[str]) -> list[str]:
    """The ``names`` (General MIDI names or families') that hold each word of ``value``, as :func:`_names_word` reads
    a word (``"saxophone"``: Soprano Sax, Alto Sax, Tenor Sax, Baritone Sax)."""
    named = [_words_named(given) for given in _words(value)]
    return [name for name in names if named and all(_words(name) & words for words in named)]


@functools.cache
def _words_named(given: str) -> frozenset[str]:
    """The words of the General MIDI names and of their families' names that a musician's ``given`` word names
    (:func:`_names_word`)."""
    family_words = {word for family in _families() for word in _words(family)}
    return frozenset(word for word in _list_words() | family_words if _names_word(given, word))


def _nearest(value: str, names: list[str]) -> str:
    """The end of the error for an unknown instrument name: for one holding a drum's word (:func:`_drum`) other than in
    a family's whole name (``"chromatic percussion"``) and no slip of one name (:func:`_slip_of_a_name`: ``"percussion
    organ"`` is offered Percussive Organ), :data:`DRUM_CHANNEL_NOTE` and the names nearest to its drums (:data:`DRUMS`),
    else the names holding its words (:func:`_holding`), else the names nearest to an instrument General MIDI lacks that
    one of its words names (:func:`_lacking`), else the members of the General MIDI families it names, else the closest
    name by spelling when it shares a word with ``value`` (:func:`_holding` one, or :func:`_misspells`: ``"bass
    guitar"`` is no ``'Sitar'``, ``"melotone"`` no ``'Melodic Tom'``, ``"pano"`` no ``'Banjo'``), else the names its
    mistyped words would hold (:func:`_corrected`), else the names holding one of its words or of a compound word's
    parts (:func:`_parts`)."""
    words = _words(value)
    family_words = {word for family in _families() if _words(family) <= words for word in _words(family)}
    drums = [key for word in _word_list(value) if word not in family_words and (key := _drum(word))]
    if drums and not _slip_of_a_name(value, names):
        nearest = list(dict.fromkeys(name for key in drums for name in DRUMS[key]))
        return f"; {DRUM_CHANNEL_NOTE}" + (f"; the nearest programs it has: {_listed(nearest)}" if nearest else "")
    if holding := _holding(value, names):
        return f"; instruments with {'that word' if len(words) == 1 else 'those words'}: {_listed(holding)}"
    if lacking := [key for key in LACKING if any(_lacking(word) == key for word in words)]:
        return "".join(
            f"; General MIDI has no {key}, the nearest it has: {_listed(list(LACKING[key]))}" for key in lacking
        )
    if families := _holding(value, list(_families())):
        members = [name for family in families for name in _families()[family]]
        return f"; the General MIDI {' and '.join(families)} family: {_listed(members)}"
    match = closest(value, names)
    if match and any(_holding(word, [match]) or _misspells(word, match) for word in words):
        return f"; did you mean {match!r}?"
    if corrected := _corrected(value, names):
        return corrected
    if found := sorted({part for word in words for part in _parts(word) if _holding(part, names)}):
        partly = [name for name in names if any(_holding(word, [name]) for word in found)]
        return f"; instruments with {' or '.join(repr(word) for word in found)}: {_listed(partly)}"
    return "; see the General MIDI list (docs/cli.md, mvae generate)"


def _slip_of_a_name(value: str, names: list[str]) -> bool:
    """Whether ``value`` is one of ``names`` mistyped, word for word: as many words, each of ``value``'s a word of that
    name or that word mistyped (:func:`_typo_of`) and each of the name's so given: ``"percussion organ"`` of
    Percussive Organ, not ``"bass drum"`` (no name holds both words) nor ``"cymbal"`` (a word of Reverse Cymbal)."""
    words = _word_list(value)

    def matched(these: list[str], those: list[str]) -> bool:
        return all(any(_typo_of(one, other) or _typo_of(other, one) for other in those) for one in these)

    return any(
        len(listed := list(_words(name))) == len(words) and matched(words, listed) and matched(listed, words)
        for name in names
    )


def _corrected(value: str, names: list[str]) -> str:
    """``; did you mean …`` naming the instruments ``value`` would name with each of its words that the list does not
    know read as the word it mistypes (:func:`_mistyped_words`, also after a player's ending: ``harpsicordist``):
    ``'Cello'`` for ``violincello``, ``'FX 1 (rain)' or 'Telephone Ring'`` for ``rin``, the words and their
    instruments when one names several (``pano``: 'piano', the six pianos); ``""`` when there is none."""
    choices = [sorted(_meant_by_typo(word)) or [word] for word in _word_list(value)]
    guesses = [word for words in choices if len(words) > 1 or words[0] not in _word_list(value) for word in words]
    if not guesses:
        return ""
    readings = [_holding(_reading(" ".join(words)), names) for words in itertools.product(*choices)]
    found = [name for name in names if any(name in reading for reading in readings)]
    if not found:
        return ""
    if all(len(reading) <= 1 for reading in readings):
        return f"; did you mean {' or '.join(repr(name) for name in found)}?"
    which = "that word" if len(guesses) == 1 else "one of them"
    return f"; did you mean {' or '.join(repr(word) for word in guesses)}? instruments with {which}: {_listed(found)}"


def _meant_by_typo(word: str) -> frozenset[str]:
    """The words of :data:`GUESS_SHORTEST` letters or more that a ``word`` the list does not know mistypes
    (:func:`_mistyped_words`), or, when it mistypes none, its player's stem (``harpsicordist``: harpsichord), and, a
    longer form that is another word with its first letter slipped, the words it lengthens and that one
    (:func:`_first_letter_slips`; ``bello``: bell, cello); none for a word of the list."""
    if _list_knows(word):
        return frozenset()
    stem = _player_stem(word)
    typos = _mistyped_words(word) or (_mistyped_words(stem) if stem else frozenset())
    if _lengthened(word) and _first_letter_slips(word):  # read as neither (:func:`_names_word`): offer both
        typos = typos | _lengthened(word) | _first_letter_slips(word)
    return frozenset(typo for typo in typos if len(typo) >= GUESS_SHORTEST)


def _parts(word: str) -> list[str]:
    """The words of the list that a compound ``word`` joins (:func:`_compound_end`): the longest it lengthens and the
    one it ends with (``contrabassoon``: contrabass, bassoon); else ``[word]``."""
    end = _compound_end(word)
    starts = [known for known in _list_words() if len(known) >= SHORTEST_STEM and word.startswith(known)]
    return [max(starts, key=len), end] if end and starts else [word]


def _listed(names: list[str]) -> str:
    """``names`` quoted, one after another: ``'Alto Sax', 'Tenor Sax'``."""
    return ", ".join(repr(name) for name in names)


@functools.cache
def _families() -> dict[str, list[str]]:
    """The sixteen General MIDI families (pretty_midi's names: Piano, …, Synth Lead, Synth Pad, …) and their eight
    instruments each, in program order (made once; not to be changed by a caller)."""
    families: dict[str, list[str]] = {}
    for program in range(PROGRAMS[0], PROGRAMS[1] + 1):
        family = pretty_midi.program_to_instrument_class(program - 1)
        families.setdefault(family, []).append(program_name(program))
    return families


def _word_list(text: str) -> list[str]:
    """The words of ``text`` in order, in lower case, punctuation left out."""
    return re.findall(r"[a-z0-9]+", text.lower())


@functools.cache
def _words(text: str) -> frozenset[str]:
    """The words of ``text``, in lower case, punctuation left out (``"Electric Guitar (jazz)"``: electric, guitar,
    jazz)."""
    return frozenset(_word_list(text))


def _names_word(given: str, word: str) -> bool:
    """Whether a musician's ``given`` word names the General MIDI name's ``word``: the same, its plural or singular
    (``drums`` for Drum); else, when ``given`` is no word of the list in any of these forms (:func:`_list_knows`), its
    start (``elec`` for Electric) or a longer form of it (``saxophone`` for Sax: :func:`_lengthened`), both of
    :data:`SHORTEST_STEM` letters or more (``hi`` is no start of Hit), unless ``given`` is another word mistyped
    (:func:`_mistypes_another`) or names an instrument General MIDI lacks (:func:`_lacking`), or, for a longer form, is
    another word with its first letter slipped (:func:`_first_letter_slips`). So ``bass`` names Bass, not Bassoon,
    ``bassoons`` Bassoon, not Bass, ``harpsicord`` no Harp, ``contrabassoon`` no Contrabass, ``melodica`` no Melodic
    and ``bello`` no Bell."""
    if _same_word(given, word):
        return True
    if _list_knows(given) or _mistypes_another(given, word) or _lacking(given) is not None:
        return False
    if len(given) < SHORTEST_STEM:
        return False
    if word.startswith(given):
        return True
    return word in _lengthened(given) and not _first_letter_slips(given)


@functools.cache
def _lengthened(given: str) -> frozenset[str]:
    """The words of the list of :data:`SHORTEST_STEM` letters or more that ``given`` is a longer form of: begins with
    and is longer than, unless it is a compound ending with another word of the list (:func:`_compound_end`:
    ``contrabassoon`` lengthens no Contrabass)."""
    return frozenset(
        word
        for word in _list_words()
        if len(word) >= SHORTEST_STEM
        and len(given) > len(word)
        and given.startswith(word)
        and _compound_end(given) in (None, word)
    )


@functools.cache
def _first_letter_slips(given: str) -> frozenset[str]:
    """The words a typo may mean (:func:`_typo_targets`) of :data:`GUESS_SHORTEST` letters or more that ``given``, or
    its singular, is with its first letter slipped: one edit (:func:`_edits`) that changes, drops or adds the first
    letter or swaps it with the second (``bello``, ``bellos``: cello; ``panjo``: banjo). :func:`_typo_of` keeps the
    first letter, as another first letter most often makes another word (``lute``, ``singer``); a longer form that is
    such a slip is read as neither (``bello`` one letter from both Cello and Bell)."""
    forms = {given, given.removesuffix("s"), given.removesuffix("es")}
    return frozenset(
        word
        for word in _typo_targets()
        if len(word) >= GUESS_SHORTEST and word[:1] != given[:1] and any(_one_edit(form, word) for form in forms)
    )


@functools.cache
def _lacking(given: str) -> str | None:
    """The instrument of :data:`LACKING` or :data:`DRUMS` that ``given`` names, when it is no word of the list and
    no start of one (:func:`_list_knows`, :func:`_begins_a_list_word`: those keep their reading): its word or one of
    its other names (:data:`LACKING_OTHER_NAMES`: ``wurli``), as it is or its plural, as its player (``mandolinist``,
    ``lutist``, ``fifer``: :func:`_stem_forms`) or, one of :data:`LACKING_SLIPS_SHORTEST` letters or more, mistyped
    (:func:`_typo_of`: ``ukelele``, ``mandoline``) or with one slip of its first letter (``pandolin``, no Pan Flute;
    ``pando``); else ``None``. Such a word is only ever refused, so a slip that may mean it is taken to, unless
    it is nearer another word of the list that it mistypes (:func:`_mistyped_words`: ``harmonika`` is Harmonica
    mistyped, no harmonium; a tie stays with the word General MIDI lacks, not with a drum: ``bonjo`` is Banjo mistyped,
    no bongo, ``sqare`` square, no snare)."""
    if _list_knows(given) or _begins_a_list_word(given):
        return None
    stem = _player_stem(given)
    played = _stem_forms(stem) if stem is not None else set()
    names = [*((key, key) for key in [*LACKING, *DRUMS]), *LACKING_OTHER_NAMES.items()]

    def slip_of(name: str, key: str) -> bool:
        slipped = len(name) >= LACKING_SLIPS_SHORTEST and (_typo_of(given, name) or _one_edit(given, name))
        others = [_edits(given, word) for word in _mistyped_words(given) if not _same_word(word, name)]
        ties_kept = key not in DRUMS  # a drum's hint names no instrument to play: a tie goes to the list's word
        return slipped and (not others or _edits(given, name) < min(others) + ties_kept)

    return next((key for name, key in names if _same_word(given, name) or name in played or slip_of(name, key)), None)


@functools.cache
def _drum(given: str) -> str | None:
    """The word of :data:`DRUMS` that ``given`` names: as it is or its plural or singular (``drums``, ``cymbal``),
    or as :func:`_lacking` reads a word General MIDI lacks (``djembes``, ``percussionist``, ``pandiero``); else
    ``None``."""
    found = next((key for key in DRUMS if _same_word(given, key)), None) or _lacking(given)
    return found if found in DRUMS else None


@functools.cache
def _begins_a_list_word(given: str) -> bool:
    """Whether ``given``, of :data:`SHORTEST_STEM` letters or more, is the start of a longer word of the list (``obo``
    of Oboe, ``mute`` of Muted): :func:`_names_word` reads it as that word."""
    return len(given) >= SHORTEST_STEM and any(
        len(word) > len(given) and word.startswith(given) for word in _list_words()
    )


@functools.cache
def _compound_end(given: str) -> str | None:
    """The word of the list of more than :data:`SHORTEST_STEM` letters, the longest, that ``given`` ends with while
    being longer than it (``violincello``: cello, ``contrabassoon``: bassoon); ``None`` when there is none."""
    ends = [word for word in _list_words() if len(word) > SHORTEST_STEM and len(given) > len(word)]
    return max((word for word in ends if given.endswith(word)), key=len, default=None)


def _same_word(one: str, other: str) -> bool:
    """Whether ``one`` and ``other`` are one word, or one is the other's plural (``drum``, ``drums``; ``bass``,
    ``basses``)."""
    return one == other or one in (other + "s", other + "es") or other in (one + "s", one + "es")


@functools.cache
def _list_knows(given: str) -> bool:
    """Whether ``given`` is a word of a General MIDI name, or its plural or singular (:func:`_same_word`)."""
    return any(_same_word(given, word) for word in _list_words())


@functools.cache
def _list_words() -> frozenset[str]:
    """Every word of the 128 General MIDI names (:func:`_words`)."""
    return frozenset(word for program in range(PROGRAMS[0], PROGRAMS[1] + 1) for word in _words(program_name(program)))


def _misspells(given: str, name: str) -> bool:
    """Whether ``given``, a word the list does not know (:func:`_list_knows`), is a word of ``name`` mistyped
    (:func:`_typo_of`): ``trumpit`` for Trumpet, not ``melotone`` for Melodic Tom, whose whole name is only as close
    to it as any suggestion must be, nor ``pano`` for Banjo."""
    return not _list_knows(given) and any(_typo_of(given, word) for word in _words(name))


def _mistypes_another(given: str, word: str) -> bool:
    """Whether ``given`` (or, a player's word, its stem: :func:`_player_stem`) is a typo (:func:`_typo_of`) of a word
    other than ``word`` and its plural or singular, a word of the list or a one-word alias not meaning ``word``:
    ``harpsicord`` of Harpsichord, not a longer form of Harp; ``pano`` of Piano, not of Pan; ``violincello`` of
    violoncello (Cello), not of Violin; the stem of a player of ``word`` is no typo (``percussionist`` lengthens the
    Percussion family's word, no typo of Percussive)."""
    stem = _player_stem(given)
    typos = _mistyped_words(given) | (_mistyped_words(stem) if stem and not _same_word(stem, word) else frozenset())
    return any(not any(_same_word(meant, word) for meant in _words(ALIASES.get(other, other))) for other in typos)


@functools.cache
def _mistyped_words(given: str) -> frozenset[str]:
    """The words of the list and the one-word aliases (:data:`ALIASES`) that ``given`` is a typo of
    (:func:`_typo_of`)."""
    return frozenset(word for word in _typo_targets() if _typo_of(given, word))


@functools.cache
def _typo_targets() -> frozenset[str]:
    """The words a typo may mean: the list's (:func:`_list_words`) and the one-word aliases, of
    :data:`TYPO_SHORTEST` letters or more."""
    return frozenset(word for word in _list_words() | {*ALIASES} if " " not in word and len(word) >= TYPO_SHORTEST)


def _typo_of(given: str, word: str) -> bool:
    """Whether ``given`` is ``word`` mistyped: letters dropped, added, changed or two neighbours swapped, each one
    edit, at most :data:`TYPO_EDITS` of them for a word of :data:`TYPO_LONG_WORD` letters or more, else one; the
    first letter right (another first letter makes another word: ``singer`` is no finger mistyped, ``lute`` no
    flute), and never a word of fewer than :data:`TYPO_SHORTEST` letters."""
    allowed = TYPO_EDITS if len(word) >= TYPO_LONG_WORD else 1
    if len(word) < TYPO_SHORTEST or given[:1] != word[:1] or abs(len(given) - len(word)) > allowed:
        return False
    return given == word or _one_edit(given, word) or (allowed > 1 and _edits(given, word) <= allowed)


def _one_edit(one: str, other: str) -> bool:
    """Whether ``one`` is one edit from ``other`` (:func:`_edits` is 1), in one pass: less the letters both begin
    and end with, what is left of them is one letter against none or another, or two letters against the two swapped
    (``bello``, ``cello``)."""
    if one == other or abs(len(one) - len(other)) > 1:
        return False
    shorter = min(len(one), len(other))
    start = next((at for at in range(shorter) if one[at] != other[at]), shorter)
    end = next((at for at in range(shorter - start) if one[-1 - at] != other[-1 - at]), shorter - start)
    left, right = one[start : len(one) - end], other[start : len(other) - end]
    return (len(left) <= 1 and len(right) <= 1) or (len(left) == len(right) == 2 and left == right[::-1])


def _edits(one: str, other: str) -> int:
    """The fewest single-letter edits (drop, add, change, swap of two neighbours) that turn ``one`` into ``other``
    (the optimal-string-alignment distance)."""
    rows = [list(range(len(other) + 1))]
    for i, letter in enumerate(one, 1):
        row = [i]
        for j, theirs in enumerate(other, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (letter != theirs)))
            if i > 1 and j > 1 and letter == other[j - 2] and one[i - 2] == theirs:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
