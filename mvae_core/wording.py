"""How mvae's messages word counts and lists: ``1 run`` / ``2 runs``, and a list that may be long, the first few
then how many more."""

from __future__ import annotations

from collections.abc import Sequence


def noun_for(count: int, noun: str, plural: str | None = None) -> str:
    """``noun`` alone, in the singular for exactly 1 and in the plural otherwise, for a message that gives the count
    another way (``unknown loss term 'klx'``, ``unknown loss terms 'klx', 'kly'``). The plural is ``plural`` when
    given, for an irregular word (``noun_for(2, "index", "indices")``), else ``noun`` + ``s``: mvae's one plural
    rule, which :func:`counted` uses too."""
    return noun if count == 1 else plural or noun + "s"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with ``noun`` in the singular for exactly 1 and in the plural otherwise (:func:`noun_for`): ``1 run``,
    ``0 runs``, ``2 runs``, ``1,234 runs`` (thousands separated by commas); ``counted(2, "index", "indices")`` for an
    irregular word."""
    return f"{count:,} {noun_for(count, noun, plural)}"


def listed(names: Sequence[str], shown: int = 3, separator: str = ", ") -> str:
    """The first ``shown`` of ``names`` joined by ``separator``, then ``and N more`` when there are more:
    ``a.mid, b.mid, c.mid and 4 more``; ``""`` for none."""
    more = len(names) - shown
    return separator.join(names[:shown]) + (f" and {more} more" if more > 0 else "")
