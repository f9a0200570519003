"""How a run's data differs from the split its ``split.json`` recorded
(:meth:`~mvae_core.run.RunDir.split_changes`): :class:`SplitChanges` (new, gone, moved and edited sources, and
whether only the rule that splits or reads the files changed, not the files), from the content digests compared by
:func:`edited_names` and :func:`tunes_read_again`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from mvae_core.data.sources import collection_of
from mvae_core.wording import listed


@dataclass(frozen=True)
class SplitChanges:
    """How a run's data differs from its ``split.json`` (:meth:`~mvae_core.run.RunDir.split_changes`); ``known`` is
    False for a run without one. ``str()`` says it in a message: ``new: a.mid; changed sides: b.mid, c.mid and 4
    more``."""

    new: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # the same file on the other side
    edited: list[str] = field(default_factory=list)
    known: bool = True
    unedited: bool = False  # split.json recorded a digest of every source's file, and every file still has it
    reread: bool = False  # each new or gone source is a tune of a collection file split.json recorded, unedited

    SHOWN: ClassVar[int] = 3  # names listed of each kind

    @property
    def sides_only(self) -> bool:
        """The same files, unedited, on other sides: the split's rule differs, not the data (a split by an older
        mvae, which did not keep copies with the same notes on one side)."""
        return self.known and bool(self.moved) and not (self.new or self.gone or self.edited)

    @property
    def read_otherwise(self) -> bool:
        """The same files, each byte for byte as ``split.json`` recorded it, yet other loops: this version of mvae
        reads the files otherwise (a parsing rule changed since the run started, e.g. a part named like drums left
        out), not an edit. Either the same sources on the same sides with other loop counts, or other tunes read
        from the same collection files (corpus:essen's tunes in 2/2 and 4/2, read since 2026-12-06), which redraws
        the split. False for a run whose ``split.json`` kept no digests: there an edit cannot be told from a new
        rule."""
        if not (self.known and self.unedited) or self.edited:
            return False
        return self.reread if self.new or self.gone else not self.moved

    def __str__(self) -> str:
        if not self.known:
            return "its train/validation split differs"
        kinds = (("new", self.new), ("gone or renamed", self.gone), ("changed sides", self.moved),
                 ("edited", self.edited))  # fmt: skip
        parts = [f"{kind}: {listed(names, self.SHOWN)}" for kind, names in kinds if names]
        return "; ".join(parts) or "the same files, but an edit changed how many loops they hold"


def edited_names(recorded: Mapping[str, str], content: Mapping[str, str]) -> list[str]:
    """The sources of ``content`` whose digest differs from the one ``recorded`` (``split.json``'s), sorted."""
    return sorted(name for name, digest in content.items() if recorded.get(name, digest) != digest)


def tunes_read_again(new: list[str], gone: list[str], recorded: Mapping[str, str], content: Mapping[str, str]) -> bool:
    """Whether every ``new`` and ``gone`` source is a tune of a collection file (:func:`collection_of`) whose digest is
    the same in ``recorded`` (``split.json``'s) and in ``content`` (now): a new reading of the same file, not a new or
    deleted file."""
    files_then = {(collection_of(name), digest) for name, digest in recorded.items()}
    files_now = {(collection_of(name), digest) for name, digest in content.items()}
    new_ok = all(collection_of(n) is not None and (collection_of(n), content.get(n)) in files_then for n in new)
    gone_ok = all(collection_of(n) is not None and (collection_of(n), recorded.get(n)) in files_now for n in gone)
    return bool(new or gone) and new_ok and gone_ok
