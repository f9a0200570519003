"""DATA arguments → readable *units* (a MIDI file, or one ABC collection of a corpus) → per-source results.

A unit is what is hashed and cached; a source is what is split (a MIDI file is one source; an Essen ABC
collection holds one source per tune). Readers never raise for bad input: they return skipped results.
"""

from __future__ import annotations

import errno
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from mvae_core.config import DataConfig
from mvae_core.data.corpus import CORPUS_PREFIX, corpus_files, split_tunes, tune_to_score
from mvae_core.data.diagnostics import diagnose
from mvae_core.data.loops import LoopBlock, PitchedLoops, fold_into_rows, pitched_loops
from mvae_core.data.midi import read_midi_bytes
from mvae_core.data.score import SkipFile, SkipReason
from mvae_core.files import NotRegular, TooLarge, not_regular, read_bounded
from mvae_core.run_files import RUN_MARKERS, holds_a_run

MIDI_SUFFIXES = (".mid", ".midi")  # the names of a MIDI file mvae writes
READ_SUFFIXES = (*MIDI_SUFFIXES, ".smf", ".kar")  # ... and reads: hardware sequencers' .smf, karaoke .kar files
APPLEDOUBLE_PREFIX = "._"  # macOS writes "._song.mid" beside "song.mid" on non-Mac disks: the Finder's metadata
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz")
"""Archives a folder search notes (a MIDI pack downloaded and never unpacked): mvae does not read inside them."""
MAX_UNIT_BYTES = 8 << 20  # larger files are skipped unread: parsing them would take minutes (see docs/data.md)
TOO_LARGE_FIX = (
    "split the file, or strip the controller data that may fill it (pitch bends, aftertouch, control changes) in a "
    "MIDI editor: mvae reads none of it"
)
"""The end of a ``too large`` skip's detail for a file over :data:`MAX_UNIT_BYTES` (a fixed limit, no setting)."""


@dataclass(frozen=True)
class Unit:
    kind: str  # "midi" or "abc"
    path: Path
    label: str  # how sources of this unit are named in reports


@dataclass
class SourceResult:
    """One source's outcome. ``block`` is None when skipped."""

    name: str
    reason: str | None = None
    detail: str = ""
    block: LoopBlock | None = None
    counters: dict[str, int] = field(default_factory=dict)
    melody: str = ""  # which notes of the file were used, and why
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)
    content: str = ""  # its file's content digest, set by the loader (the parse cache does not keep it)
    twin: str = ""  # a duplicate's: the source with the same bytes before it

    @property
    def ok(self) -> bool:
        return self.block is not None


@dataclass
class ParsedSource:
    """One source as parsed, before the pitch rows (what the parse cache keeps; :func:`fold_source` makes its
    :class:`SourceResult`): ``notes`` is None when it was skipped (``reason``), ``warnings`` the reader's."""

    name: str
    reason: str | None = None
    detail: str = ""
    notes: PitchedLoops | None = None
    melody: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)


def expand(data_args: list[str]) -> tuple[list[Unit], list[SourceResult], list[Path]]:
    """Resolve files, folders (recursive: :func:`walk_midi`) and ``corpus:NAME`` into units, and the archives
    (:data:`ARCHIVE_SUFFIXES`) found in the folders, which are not read.

    Paths that cannot be listed or read come back as skipped results instead of raising, and so do the run folders
    below a folder (:func:`holds_a_run`: ``run folder``, :func:`run_folder_detail`), which are not searched.
    """
    units: list[Unit] = []
    skipped: list[SourceResult] = []
    archives: list[Path] = []
    for arg in data_args:
        if arg.startswith(CORPUS_PREFIX):
            name = arg[len(CORPUS_PREFIX) :]
            units.extend(Unit("abc", p, f"{arg}/{p.stem}") for p in corpus_files(name))
            continue
        path = Path(arg)
        if path.is_dir():
            runs: list[Path] = []
            files, errors = walk_midi(path, archives, runs)
            units.extend(Unit("midi", p, str(p)) for p in files)
            skipped.extend(SourceResult(str(p), SkipReason.RUN_FOLDER.value, run_folder_detail(p)) for p in runs)
            skipped.extend(SourceResult(str(p), SkipReason.UNREADABLE.value, msg) for p, msg in errors)
        elif path.is_file():
            units.append(Unit("midi", path, str(path)))
        else:
            skipped.append(SourceResult(str(path), SkipReason.UNREADABLE.value, _not_a_file(path)))
    return _dedupe(units), skipped, sorted(archives, key=lambda path: path.parts)


def _not_a_file(path: Path) -> str:
    """Why ``path``, neither a folder nor a regular file, is no unit: nothing there, or what stands there (never
    opened, so a FIFO does not block), in the words a folder search gives the same file (:func:`unreadable_detail`,
    :func:`~mvae_core.files.read_bounded`'s :class:`~mvae_core.files.NotRegular`)."""
    if not os.path.lexists(path):
        return "no such file or folder"
    try:
        mode = path.stat().st_mode
    except OSError as exc:  # a dangling link, a link loop, a folder on the way it may not enter
        return unreadable_detail(path, exc)
    return not_regular(mode)


def unreadable_detail(path: Path | str, error: OSError) -> str:
    """The detail of an ``unreadable`` skip of ``path`` (a file or a folder) that the OS refused with ``error``, the
    same whether a folder search found it or DATA named it: a symbolic link to nothing names its target and says to
    fix or remove the link (``ls`` shows the link, so "No such file or directory" read as wrong); a loop of links says
    so; a permission refused gives the ``chmod`` that grants it, of the first folder on the way that may not be
    entered where there is one (the file's own ``chmod`` would fail there); any other error is the OS's words."""
    code = error.errno
    if os.path.islink(path) and code in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
        target = os.readlink(path)
        if code == errno.ELOOP:
            return f"a loop of symbolic links: it links to {target}, and the links never reach a file; fix or remove it"
        return (
            f"a symbolic link to {target}, which does not exist: point the link at the file's new place, or remove it"
        )
    if code == errno.ELOOP:  # a folder on the way is a loop of links
        return f"{error.strerror}: a loop of symbolic links on the way to it; fix or remove the link"
    if code in (errno.EACCES, errno.EPERM):
        if blocked := _folder_not_entered(Path(path)):  # the file may be readable: the way to it is not
            grant = f"chmod u+x {shlex.quote(str(blocked))}"
            return f"{error.strerror}: the folder {blocked} on the way to it may not be entered; enter it with {grant}"
        folder = os.path.isdir(path)
        grant = f"chmod u+{'rx' if folder else 'r'} {shlex.quote(str(path))}"
        return f"{error.strerror}; give yourself read access to the {'folder' if folder else 'file'} with {grant}"
    return error.strerror or str(error)


def _folder_not_entered(path: Path) -> Path | None:
    """The first folder on the way to ``path`` (from the root down) that this process may not enter, or None."""
    return next((folder for folder in reversed(path.absolute().parents) if not os.access(folder, os.X_OK)), None)


def is_midi_name(name: str) -> bool:
    """Whether a folder search takes the file ``name``: a :data:`READ_SUFFIXES` name (any case) that is not a macOS
    AppleDouble file (``._song.mid``: the Finder's metadata of ``song.mid``, hidden on a Mac, not MIDI)."""
    return name.lower().endswith(READ_SUFFIXES) and not name.startswith(APPLEDOUBLE_PREFIX)


def walk_midi(
    folder: Path, archives: list[Path] | None = None, runs: list[Path] | None = None
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The MIDI files under ``folder`` (:func:`is_midi_name`), in path order, and the folders that could not be listed
    with the OS's reason; the archives among the other files are appended to ``archives`` when it is given.

    A subfolder that is an mvae run (:func:`holds_a_run`) is not searched: its loops generated into ``RUN/samples``
    (the ``next:`` line of ``mvae train``), an ablation's runs or a bent copy in a data folder are the model's own
    output, not data. Those folders are appended to ``runs`` in path order when it is given; ``folder`` itself is
    searched whatever it is.

    Symlinks to folders are followed (a folder of links to albums), and each real folder (device and inode) is
    searched once: a link to a folder already searched, or to the folder it sits in or one above that
    (:func:`_leads_up`: ``up -> ..`` would search the data folder's siblings, and ``home -> ~`` in data under the home
    folder the whole home), is passed over, so link loops end and the search stays below the folders it was given
    and the links' own targets. Of a level's subfolders, the real ones are claimed before the links (then by name),
    so a file keeps its own path where it has one there."""
    errors: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        where = Path(exc.filename or folder)
        errors.append((where, unreadable_detail(where, exc)))

    searched: set[tuple[int, int]] = set()
    _first_search(str(folder), searched)
    files: list[Path] = []
    found_runs: list[str] = []
    for root, subfolders, names in os.walk(folder, onerror=on_error, followlinks=True):
        links_last = sorted(subfolders, key=lambda name: (os.path.islink(os.path.join(root, name)), name))
        subfolders[:] = []
        for name in links_last:
            path = os.path.join(root, name)
            if _leads_up(root, name) or not _first_search(path, searched):
                continue
            if holds_a_run(path):
                found_runs.append(path)
            else:
                subfolders.append(name)
        for name in names:
            if is_midi_name(name):
                files.append(Path(os.path.join(root, name)))
            elif archives is not None and name.lower().endswith(ARCHIVE_SUFFIXES):
                archives.append(Path(os.path.join(root, name)))
    if runs is not None:
        runs.extend(sorted(map(Path, found_runs), key=lambda path: path.parts))
    return sorted(files, key=lambda path: path.parts), errors  # Path order (by parts), without Path.__lt__ calls


def run_folder_detail(run: Path) -> str:
    """The detail of a ``run folder`` skip: why the run folder ``run`` below a DATA folder is not read, and how to
    train on loops generated into it."""
    return (
        f"it holds an mvae run's {' or '.join(RUN_MARKERS)}: neither its files nor loops generated into it are read; "
        f"to train on those loops, give the folder they are in as DATA, e.g. {run / 'samples'}"
    )


def _leads_up(root: str, name: str) -> bool:
    """Whether ``root/name`` is a symlink to ``root`` itself or to a folder above it (both real paths)."""
    link = os.path.join(root, name)
    if not os.path.islink(link):
        return False
    here, target = os.path.realpath(root), os.path.realpath(link)
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


def _first_search(path: str, searched: set[tuple[int, int]]) -> bool:
    """Whether the folder at ``path`` (a link followed) is not in ``searched`` yet; it is added. One whose ``stat``
    fails is searched (listing it reports the OS's reason)."""
    try:
        info = os.stat(path)
    except OSError:
        return True
    key = (info.st_dev, info.st_ino)
    if key in searched:
        return False
    searched.add(key)
    return True


def _dedupe(units: list[Unit]) -> list[Unit]:
    """Drop units that name a file named before (the same device and inode: through a link, or named twice).
    Links that lead nowhere (dangling, loops) are distinct names."""
    seen, unique = set(), []
    for unit in units:
        try:
            info = os.stat(unit.path)
            key: tuple[str, object] = (unit.kind, (info.st_dev, info.st_ino))
        except OSError:
            key = (unit.kind, os.path.abspath(unit.path))
        if key not in seen:
            seen.add(key)
            unique.append(unit)
    return unique


def read_unit_bytes(path: Path) -> bytes:
    """The bytes of a unit's file; raises :class:`SkipFile` (``unreadable`` or ``too large``), never blocks: a FIFO
    named ``.mid`` does not wait for a writer, a link to ``/dev/zero`` is not read forever, and a file over
    :data:`MAX_UNIT_BYTES` is not read at all (:func:`~mvae_core.files.read_bounded`)."""
    try:
        return read_bounded(path, MAX_UNIT_BYTES)
    except TooLarge as exc:
        raise SkipFile(SkipReason.TOO_LARGE, f"{exc}: {TOO_LARGE_FIX}") from None
    except NotRegular as exc:
        raise SkipFile(SkipReason.UNREADABLE, str(exc)) from None
    except OSError as exc:
        raise SkipFile(SkipReason.UNREADABLE, unreadable_detail(path, exc)) from None


def parse_unit(unit: Unit, data: bytes, cfg: DataConfig) -> list[ParsedSource]:
    """Parse one unit's bytes into its sources before the pitch rows (never raises for bad input; reads none of
    ``cfg``'s :data:`~mvae_core.data.loops.WINDOW_SETTINGS`)."""
    if unit.kind == "midi":
        return [_parsed(unit.label, lambda: read_midi_bytes(data, cfg), cfg)]
    text = data.decode("latin-1")
    return [
        _parsed(f"{unit.label}{TUNE_MARK}{tune_id}", lambda abc=abc: tune_to_score(abc), cfg)
        for tune_id, abc in split_tunes(text)
    ]


TUNE_MARK = "#"
"""Between a collection file's label and a tune's id in the tune's source name (``corpus:essen/altdeu10#12``)."""


def collection_of(source: str) -> str | None:
    """The label of the collection file whose tune ``source`` names (``corpus:essen/altdeu10`` of
    ``corpus:essen/altdeu10#12``); None for a MIDI file's source, whose name ends in its suffix."""
    label, mark, tune = source.rpartition(TUNE_MARK)
    return label if mark and tune and "." not in tune and "/" not in tune else None


def _parsed(name: str, read, cfg: DataConfig) -> ParsedSource:
    try:
        score = read()
        notes = pitched_loops(score, cfg)
    except SkipFile as skip:
        return ParsedSource(name, skip.reason.value, skip.detail)
    return ParsedSource(name, None, "", notes, score.melody, score.warnings)


def fold_source(parsed: ParsedSource, cfg: DataConfig) -> SourceResult:
    """``parsed`` in ``cfg``'s pitch rows (:func:`~mvae_core.data.loops.fold_into_rows`), with the warnings of its
    loops there after the reader's; no loop there: skipped as ``no loops``, its detail made from its counters
    (``load._no_loop_detail``)."""
    if parsed.notes is None:
        return SourceResult(parsed.name, parsed.reason, parsed.detail)
    block = fold_into_rows(parsed.notes, cfg)
    warnings = parsed.warnings + diagnose(block, editable=not parsed.name.startswith(CORPUS_PREFIX))
    if block.n_loops == 0:
        return SourceResult(parsed.name, SkipReason.NO_LOOPS.value, "", None, block.counters, parsed.melody, warnings)
    return SourceResult(parsed.name, None, "", block, block.counters, parsed.melody, warnings)
