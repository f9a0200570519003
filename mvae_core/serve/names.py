"""How the live server names files to a musician: the training files on the pad (:func:`pad_names`) and an uploaded
file, from its ``X-Filename`` header (:func:`upload_name`). Names are only shown and echoed, never opened."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import unquote_to_bytes

UPLOAD_DEFAULT = "upload.mid"
"""An upload's name when its client sends none (or one with nothing printable in its last path part)."""
MAX_NAME_CHARS = 100  # an echoed upload name is cut to this many characters


def pad_names(sources: Sequence[str]) -> list[str]:
    """Each source's name as the pad shows it: the shortest trailing path (whole path parts) that no other source
    ends with, so ``…/session1/take1.mid`` and ``…/session2/take1.mid`` are ``session1/take1.mid`` and
    ``session2/take1.mid`` while a ``solo.mid`` alone in its name stays ``solo.mid`` (base names when they are already
    unique). A source that needs every part of its path (another source ends with all of it but the root) is shown
    as given, as is a source listed twice. Parts are joined with this system's separator; the order is the order of
    ``sources``."""
    parts = [PurePath(source).parts for source in sources]
    ends = Counter(p[-k:] for p in parts for k in range(1, len(p) + 1))
    names = []
    for source, p in zip(sources, parts, strict=True):
        k = next((k for k in range(1, len(p)) if ends[p[-k:]] == 1), None)
        names.append(str(PurePath(*p[-k:])) if k is not None else source)
    return names


def upload_name(header: str | None) -> str:
    """An uploaded file's name from its ``X-Filename`` header, as the server read it (latin-1, HTTP's charset).

    Its ``%XX`` escapes are decoded as UTF-8: the page sends ``encodeURIComponent(file.name)``, as a browser sends
    no header with characters outside latin-1, so a name in any script arrives as ASCII. Raw UTF-8 bytes
    (``curl -H 'X-Filename: Mélodie.mid'``) are read as UTF-8. A name whose escapes do not decode as UTF-8 (plain
    ASCII from an older client or a script, ``mix%ab.mid``; latin-1 percent-encoded, ``caf%E9.mid``) is kept as
    written, as is a ``%`` that starts no escape (``100% take.mid``): the name is only echoed, so it is never refused.
    Of the result it keeps the last path part, its printable characters, at most :data:`MAX_NAME_CHARS`;
    :data:`UPLOAD_DEFAULT` when that leaves nothing or no header was sent."""
    if header is None:
        return UPLOAD_DEFAULT
    try:
        text = header.encode("latin-1").decode("utf-8")
    except UnicodeError:  # latin-1 bytes (the characters the server read), or a Python caller's text
        text = header
    try:
        name = unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:  # not percent-encoded UTF-8: the name as its sender wrote it
        name = text
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in last if c.isprintable())[:MAX_NAME_CHARS] or UPLOAD_DEFAULT
