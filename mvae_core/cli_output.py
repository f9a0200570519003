"""The command line's two streams and its one error printer: results on stdout, errors and warnings on stderr.

Every ``mvae`` command prints through :data:`out` and :data:`err` and turns errors into exit codes with
:func:`errors_to_exit` (typed :class:`~mvae_core.errors.MvaeError`: its ``exit_code``) or :func:`fail` (a message the
command itself found). Neither imports torch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from mvae_core.errors import MvaeError

out = Console(highlight=False, soft_wrap=True)
err = Console(highlight=False, soft_wrap=True, stderr=True)


def fail(message: str, code: int = 2, label: str = "error") -> typer.Exit:
    """Print ``<label>: <message>`` on stderr; return the ``typer.Exit(code)`` for the caller to raise."""
    err.print(f"[red]{escape(label)}:[/] {escape(message)}")
    return typer.Exit(code)


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}")


@contextmanager
def errors_to_exit(*also: type[Exception]) -> Iterator[None]:
    """Inside the block, an :class:`MvaeError` (or one of ``also``, exit code 2) ends the command through
    :func:`fail`."""
    try:
        yield
    except MvaeError as exc:
        raise fail(str(exc), exc.exit_code, exc.label) from None
    except also as exc:
        raise fail(str(exc)) from None
