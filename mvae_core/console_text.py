"""Text on a console whose encoding lacks some of it (Windows' cp1252 when output is piped or redirected, an ASCII
locale with ``PYTHONUTF8=0``, ``PYTHONIOENCODING=ascii``): mvae's glyphs are spelled in ASCII (``→`` as ``->``),
a file name's other characters as escapes, never a :class:`UnicodeEncodeError` after a run was saved.

The command line reconfigures its own stdout and stderr (:func:`tolerate_encoding`); the library, which must not
change a caller's streams, prints through :class:`SpelledStdout`. Neither imports torch or typer.
"""

from __future__ import annotations

import codecs
import io
import sys

ASCII_SPELLINGS = {
    "→": "->", "←": "<-", "↔": "<->", "≥": ">=", "≤": "<=", "≈": "~", "×": "x", "÷": "/", "±": "+/-", "−": "-",
    "–": "-", "—": "-", "…": "...", "·": "-", "●": "*", "²": "^2",
}  # fmt: skip
"""How mvae writes its own glyphs to a stream whose encoding lacks them (:func:`spell_unencodable`)."""

UNENCODABLE = "mvae.spell"
"""The codec error handler that spells what a stream's encoding cannot write (:func:`spell_unencodable`)."""


def spell_unencodable(error: UnicodeError) -> tuple[str | bytes, int]:
    """The error handler :data:`UNENCODABLE`: a glyph of :data:`ASCII_SPELLINGS` as its ASCII spelling (``->``), a
    byte that the file system gave undecoded (a file name under an ASCII locale, as ``surrogateescape`` keeps it) as
    that byte, anything else (a Japanese file name on a cp1252 console) as its escape (``\\u65e5``), one character
    at a time."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    char = error.object[error.start]
    if "\udc80" <= char <= "\udcff":
        return bytes([ord(char) - 0xDC00]), error.start + 1
    return ASCII_SPELLINGS.get(char, char.encode("ascii", "backslashreplace").decode("ascii")), error.start + 1


codecs.register_error(UNENCODABLE, spell_unencodable)


def writes_any_text(stream: object) -> bool:
    """Whether ``stream`` can write every character: it has no encoding (a ``StringIO``) or a UTF one."""
    encoding = getattr(stream, "encoding", None)
    return not encoding or codecs.lookup(encoding).name.startswith("utf")


def tolerate_encoding(stream: object) -> None:
    """Let ``stream`` (the command line's stdout or stderr) write any text: where its encoding is not a UTF one, what
    it cannot encode is spelled by :func:`spell_unencodable` instead of ending the command with
    :class:`UnicodeEncodeError` (an arrow in ``mvae train``'s last line, after the run was saved, used to exit 1
    with a traceback; ``mvae --help`` never printed). A UTF stream is left as it is."""
    if isinstance(stream, io.TextIOWrapper) and not writes_any_text(stream):
        stream.reconfigure(errors=UNENCODABLE)


class SpelledStdout(io.TextIOBase):
    """``sys.stdout`` as it is at each write (so a notebook's or pytest's capture still sees the text), writing
    what its encoding cannot as :func:`spell_unencodable` spells it; the stream itself is not changed. The file a
    library console prints to (a rich ``Console(file=SpelledStdout())``)."""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The current stdout's encoding (rich draws ASCII boxes for a non-UTF one)."""
        return getattr(sys.stdout, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        stream = sys.stdout
        if writes_any_text(stream):
            return stream.write(text)
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream with a narrow encoding: what it cannot write becomes ASCII
            return stream.write(text.encode("ascii", UNENCODABLE).decode("ascii", "replace"))
        stream.flush()  # what was written as text goes first
        buffer.write(text.encode(self.encoding, UNENCODABLE))
        buffer.flush()
        return len(text)

    def flush(self) -> None:
        sys.stdout.flush()

    def isatty(self) -> bool:
        return sys.stdout.isatty()

    def fileno(self) -> int:
        return sys.stdout.fileno()
