"""The one rule behind every "did you mean" of mvae: the known name closest to a misspelt one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The name of ``known`` closest to ``name`` (ignoring case, surrounding spaces and ``-`` against ``_``), or
    ``None`` when none is close enough (difflib's similarity ratio below 0.6)."""
    by_key = {k.lower().replace("-", "_"): k for k in known}
    close = difflib.get_close_matches(str(name).strip().lower().replace("-", "_"), list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


def did_you_mean(name: str, known: Iterable[str], otherwise: str = ".") -> str:
    """``; did you mean 'kl_anneal'?`` for ``kl-anneel``, or ``otherwise`` when nothing is close: the end of a
    sentence."""
    match = closest(name, known)
    return f"; did you mean {match!r}?" if match else otherwise
