"""A run's data at a new place: the DATA arguments given to a resume, paired with those the run was started with.

A run stores its DATA arguments as absolute paths and its split as source names under them
(``/home/me/midi/solo.mid``). When the folder moves (another disk, another machine, a renamed parent), a resume
is given the new places in the same order; :meth:`Relocation.saved_name` maps every source read from a new place
back to the name it had, so the split can be compared with the one the run saved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mvae_core.data.corpus import CORPUS_PREFIX
from mvae_core.errors import DataError
from mvae_core.wording import counted


@dataclass(frozen=True)
class Relocation:
    """``moves``: ``(now, before)`` for each DATA argument whose place changed, longest ``now`` first (so a
    nested argument wins over the folder around it). Empty when nothing moved."""

    moves: tuple[tuple[str, str], ...] = ()

    @classmethod
    def between(cls, before: list[str], now: list[str]) -> Relocation:
        """Pairs the run's saved DATA (``before``) with the DATA given now, argument by argument (both absolute).

        :raises DataError: when the counts differ or a corpus is not given in its place: the pairing would be
            a guess. The message lists what the run was started with.
        """
        started = " ".join(before)
        if len(before) != len(now):
            raise DataError(
                f"the run was started with {counted(len(before), 'DATA argument')} ({started}); give the new place of "
                f"each, in that order ({len(now)} given)"
            )
        moves = []
        for was, is_ in zip(before, now, strict=True):
            if was == is_:
                continue
            if was.startswith(CORPUS_PREFIX) or is_.startswith(CORPUS_PREFIX):
                raise DataError(
                    f"DATA {is_}: the run read {was} in this place ({started}); a corpus does not move, give it as it "
                    "was"
                )
            moves.append((is_.rstrip(os.sep) or os.sep, was.rstrip(os.sep) or os.sep))
        return cls(tuple(sorted(moves, key=lambda move: len(move[0]), reverse=True)))

    def __bool__(self) -> bool:
        return bool(self.moves)

    def saved_name(self, source: str) -> str:
        """The name ``source`` (read from a new place) had when the run was started; other names unchanged."""
        for now, before in self.moves:
            if source == now:
                return before
            if source.startswith(now + os.sep):
                return before + source[len(now) :]
        return source

    def describe(self) -> str:
        """``before → now`` for each move, for the line a resume prints."""
        return ", ".join(f"{before} → {now}" for now, before in self.moves)
