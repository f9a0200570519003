"""The one way mvae's messages name a list that may be long: the first few, then how many more."""

from __future__ import annotations

from collections.abc import Sequence


def listed(names: Sequence[str], shown: int = 3, separator: str = ", ") -> str:
    """The first ``shown`` of ``names`` joined by ``separator``, then ``and N more`` when there are more:
    ``a.mid, b.mid, c.mid and 4 more``; ``""`` for none."""
    more = len(names) - shown
    return separator.join(names[:shown]) + (f" and {more} more" if more > 0 else "")
