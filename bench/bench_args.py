"""Argument checks the bench scripts share (a helper module, not a script): ``type=`` functions for argparse, so that
a bad value ends the way argparse ends one, before any work: exit 2 and ``error: argument --NAME: <why>`` on stderr.
Also :func:`option_value`, one option read before the parser runs (for settings that must be in place before a
library loads). Imports nothing but the standard library, so a script can use it before numpy loads."""

from __future__ import annotations

import argparse
from pathlib import Path


def count(text: str) -> int:
    """A whole number >= 1 (rounds, steps, calls, repeats, threads)."""
    value = _number(text, int, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: give a whole number >= 1")
    return value


def count_or_zero(text: str) -> int:
    """A whole number >= 0 (warm-up calls; a thread count where 0 means torch's default)."""
    value = _number(text, int, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text}: give a whole number >= 0")
    return value


def positive(text: str) -> float:
    """A number > 0 (a tempo)."""
    value = _number(text, float, "a number")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text}: give a number > 0")
    return value


def share(text: str) -> float:
    """A number from 0 to 1."""
    value = _number(text, float, "a number")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text}: give a share from 0 to 1")
    return value


def folder(text: str) -> Path:
    """An existing folder."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {'not a folder' if path.exists() else 'no such folder'}")
    return path


def existing(text: str) -> Path:
    """An existing file or folder."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text}: no such file or folder")
    return path


def counts(text: str) -> list[int]:
    """Comma-separated whole numbers >= 1, at least one."""
    return [count(part) for part in _parts(text)]


def numbers(text: str) -> list[float]:
    """Comma-separated numbers, at least one."""
    return [_number(part, float, "a number") for part in _parts(text)]


def model_names(text: str) -> list[str]:
    """Comma-separated names of installed models (``mvae models``), at least one."""
    from mvae_core.config import MvaeConfig  # here, not above: a script may import this module before numpy loads
    from mvae_core.errors import MvaeError
    from mvae_core.models import resolve_model

    names = _parts(text)
    for name in names:
        try:
            resolve_model(MvaeConfig.model_validate({"model": {"name": name}}))
        except MvaeError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return names


def option_value(argv: list[str], option: str, default: str) -> str:
    """The value of ``option`` in ``argv``, written ``--option VALUE`` or ``--option=VALUE``; ``default`` when it is
    absent. No abbreviation is taken: a script that reads an option this way gives its own parser
    ``allow_abbrev=False``, so that the two read the same words."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    pre.add_argument(option, default=default)
    return getattr(pre.parse_known_args(argv)[0], option.lstrip("-").replace("-", "_"))


def _number(text: str, kind: type[int] | type[float], what: str) -> int | float:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def _parts(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(f"{text!r}: give comma-separated values")
    return parts
