"""The one way mvae reads a name written with accents, a musician's (``--program flügelhorn``) or a MIDI track's
(``Mélodie``, ``E-Baß``): as its plain spelling, so that every rule that reads names reads both alike."""

from __future__ import annotations

import unicodedata


def plain(text: str) -> str:
    """``text`` without accents, however its writer composed them (NFC or NFD): each letter's compatibility
    decomposition (NFKD) less its combining marks, and ß as ss (``"Flügelhorn"``: ``"Flugelhorn"``, ``"Baß"``:
    ``"Bass"``). Text in ASCII is returned as it is."""
    letters = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return letters.replace("ß", "ss").replace("ẞ", "SS")
