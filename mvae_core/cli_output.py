"""The command line's two streams and its one error printer: results on stdout, errors and warnings on stderr.

Every ``mvae`` command prints through :data:`out` and :data:`err` and turns errors into exit codes with
:func:`errors_to_exit` (typed :class:`~mvae_core.errors.MvaeError`: its ``exit_code``) or :func:`fail` (a message the
command itself found). Neither imports torch.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from typer.core import TyperGroup

from mvae_core.console_text import tolerate_encoding
from mvae_core.errors import DISK_FULL, MvaeError, RunInterrupted, blocked_message, file_in_the_way
from mvae_core.files import WRITE_FIXES, finite, write_problem
from mvae_core.signals import interruption, signal_of
from mvae_core.torchrun_env import DistributedError, rank

try:  # the click that typer parses with: its own copy since typer 0.2x, the click package before
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, NoSuchOption, UsageError
except ImportError:  # pragma: no cover - older typer
    from click.exceptions import ClickException, NoArgsIsHelpError, NoSuchOption, UsageError

# emoji=False: a user's ``:name:`` (``--address host:abc:``, a folder named ``:smile:``) prints as written.
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(highlight=False, soft_wrap=True, stderr=True, emoji=False)


def fail(message: str, code: int = 2, label: str = "error") -> typer.Exit:
    """Print ``<label>: <message>`` on stderr; return the ``typer.Exit(code)`` for the caller to raise."""
    err.print(f"[red]{escape(label)}:[/] {escape(message)}")
    return typer.Exit(code)


def print_json(value: Any) -> None:
    """Print ``value`` as a command's ``--json`` document on stdout (indented, one trailing newline), every NaN or
    infinite number written as null (:func:`~mvae_core.files.finite`): strict JSON has neither, and a reader such
    as ``jq`` or a browser refuses ``NaN``. Every ``--json`` output of ``mvae`` goes through it."""
    sys.stdout.write(json.dumps(finite(value), indent=1) + "\n")


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(message)}")


@contextmanager
def warnings_shown(*categories: type[Warning]) -> Iterator[None]:
    """Every Python warning the block raises (``categories`` each time, not once per place) is printed by
    :func:`warn` when the block ends, also when it raises: on stderr, so ``--json`` output stays one document, and as
    the command line spells it (its ``command_line_message()`` where it has one: ``--loops`` for ``loops``)."""
    with warnings.catch_warnings(record=True) as warned:
        for category in categories:
            warnings.simplefilter("always", category)
        try:
            yield
        finally:
            for warning in warned:
                message = warning.message
                spelled = getattr(message, "command_line_message", None)
                warn(spelled() if callable(spelled) else str(message))


@contextmanager
def only_rank_0_reports() -> Iterator[None]:
    """Under torchrun only rank 0 prints to stdout: for the command inside the block, the other ranks' stdout console
    is quiet; after it, as it was (a script or a test may run several commands in one process: a quiet console left
    behind swallowed every later command's output)."""
    was = out.quiet
    out.quiet = torchrun_rank() > 0
    try:
        yield
    finally:
        out.quiet = was


@contextmanager
def errors_to_exit(*also: type[Exception], less: str | None = None) -> Iterator[None]:
    """Inside the block, an :class:`MvaeError` (or one of ``also``, exit code 2) ends the command through
    :func:`fail`. Under torchrun, ranks above 0 exit without a word for an error every rank meets alike
    (``same_on_every_rank``), once rank 0 has had time to say it (:func:`after_rank_0`; at once for a signal's stop,
    which torchrun's agent, signalled too, waits for), and name themselves in any other. The machine running out of
    memory or GPU memory (:func:`~mvae_core.out_of_memory.memory_ran_out`: in a model's method or a plugin's hook
    too, which is no bug of theirs) ends it with exit 1 in one line (:func:`~mvae_core.out_of_memory.ran_out_line`):
    free it and run the command again, or ``less``, what asks the command for less at once
    (``fewer points (--random N)``)."""
    try:
        yield
    except MvaeError as exc:
        rank = torchrun_rank()
        if rank > 0 and exc.same_on_every_rank:  # rank 0 says the same
            if isinstance(exc, RunInterrupted):  # torchrun's agent, signalled too, waits for every process
                raise typer.Exit(exc.exit_code) from None
            raise after_rank_0(exc.exit_code) from None
        prefix = f"rank {rank}: " if rank > 0 else ""
        raise fail(prefix + exc.command_line_message(), exc.exit_code, exc.label) from None
    except (MemoryError, RuntimeError) as exc:
        from mvae_core.out_of_memory import ran_out_line  # imports torch: only once it ran out

        if (said := ran_out_line(exc, less=less)) is None:
            raise  # a bug: its traceback
        raise fail(said, 1) from None
    except also as exc:
        raise fail(str(exc)) from None


RANK_0_SPEAKS_S = 30.0
"""How long at most a rank > 0 waits for rank 0 to say an error every rank met (:func:`after_rank_0`): rank 0 may
come to it seconds later (started, or done importing torch, after this process, on a loaded or another machine)."""


def after_rank_0(code: int) -> typer.Exit:
    """``typer.Exit(code)`` for a rank > 0 that says nothing of an error every rank meets alike, returned once rank 0
    has had time to say it. torchrun's agent stops every process of the job as soon as one has failed: a rank > 0
    that exited at once had rank 0 stopped before it printed, and no process said the error. So a process started by
    torchrun's agent (``TORCHELASTIC_RUN_ID`` set) first waits: its agent stops it once rank 0 has ended on the same
    machine (SIGTERM; Ctrl-C sends SIGINT), and a signal then ends the wait without a word; on a machine other than
    rank 0's it ends after :data:`RANK_0_SPEAKS_S` seconds. Without an agent (a test or a script that sets ``RANK``)
    nothing stops the others, and it returns at once; so it does off the main thread, where no signal handler can be
    set."""
    if "TORCHELASTIC_RUN_ID" not in os.environ or threading.current_thread() is not threading.main_thread():
        return typer.Exit(code)

    def stopped(signum: int, frame: object) -> None:
        for ignored in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C reaches a process twice: the terminal, the agent
            signal.signal(ignored, signal.SIG_IGN)
        raise typer.Exit(code) from None

    before = {signum: signal.signal(signum, stopped) for signum in (signal.SIGINT, signal.SIGTERM)}
    time.sleep(RANK_0_SPEAKS_S)
    for signum, handler in before.items():
        signal.signal(signum, handler)
    return typer.Exit(code)


def torchrun_rank() -> int:
    """This process's rank under torchrun (``RANK``); 0 in a process of its own, and 0 for a value that is no whole
    number, so that the error about it (:mod:`mvae_core.torchrun_env`) is printed, not hidden as another rank's."""
    try:
        return rank()
    except DistributedError:
        return 0


class CommandGroup(TyperGroup):
    """``mvae``'s top command group: any text prints on any console encoding (:func:`tolerate_encoding`); a
    file-system error about a path that no command handled (an output under an existing file, no permission, a full
    disk) ends the command with exit 2 and one line naming the path and what to do, not a traceback. Ctrl-C that
    escapes a command ends it with ``stopped: interrupted`` and exit 130, as everywhere else (a second signal while a
    command's own stop unwinds keeps that stop's line). A command line that does not parse (an unknown option, a bad value) is one ``error:`` line
    too, as every other error, not a framed box wrapped to the terminal's width; under torchrun rank 0 alone says it:
    every process was given the same one. Other errors pass through."""

    order: tuple[str, ...] = ()
    """The commands ``--help`` lists first, in this order (a subclass names them); the others follow as registered."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line, with stdout and stderr able to write any text (:func:`tolerate_encoding`)."""
        tolerate_encoding(sys.stdout)
        tolerate_encoding(sys.stderr)
        return super().main(*args, **kwargs)

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return [name for name in self.order if name in names] + [name for name in names if name not in self.order]

    def get_params(self, ctx: Any) -> list[Any]:
        return untyped_flags(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _untype_flags_under(command, ctx)
            _parsing_checked_under(command)
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        check_command_line(self, ctx, args)  # ``mvae`` alone
        return super().parse_args(ctx, args)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _usage_errors():  # mvae --bogus: the top group's own options
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            with _usage_errors():  # a command's options and arguments, and an unknown command
                return super().invoke(ctx)
        except KeyboardInterrupt as stop:  # a stop no command handled: typer would end it with 130 and not a word
            with errors_to_exit():
                if isinstance(stop.__context__, RunInterrupted):
                    # a second signal while the first one's stop unwound (an ablation worker gets SIGINT from its Ray
                    # task and again as that task's process dies): say the first stop, where it left the run
                    raise stop.__context__ from None
                raise RunInterrupted(interruption(signal_of(stop)), signal_of(stop)) from None
        except OSError as exc:
            full = exc.errno in DISK_FULL
            # A write into an open file names no file: one not written through files.atomic_write (which names
            # it), such as the per-run log that mvae ablate appends to.
            if exc.filename is None:
                if not full:
                    raise
                raise fail(f"{exc.strerror} while writing the output; {WRITE_FIXES[exc.errno]}") from None
            path = Path(exc.filename)
            if exc.errno in (errno.ENOTDIR, errno.EEXIST) and (blocker := file_in_the_way(path) or path).is_file():
                raise fail(blocked_message(blocker, path)) from None
            raise fail(f"{exc.filename}: {write_problem(exc)}") from None


def untyped_flags(params: list[Any]) -> list[Any]:
    """``params`` with no value type shown after a flag (``--poly``, ``--help``) in ``--help``: a flag takes no value,
    but typer 0.29 writes ``<bool>`` after each as if one were due. An option with a metavar of its own keeps it."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


def _untype_flags_under(command: Any, ctx: Any) -> None:
    """:func:`untyped_flags` for ``command``'s options (its ``--help`` too) and, for a group, every command below it."""
    untyped_flags(command.get_params(ctx))
    for child in getattr(command, "commands", {}).values():
        _untype_flags_under(child, ctx)


def repeated_option(params: list[Any], args: list[str]) -> str | None:
    """What is wrong with ``args`` (a command's, as typed) when an option that takes one value is given twice
    (``--config a.toml --config b.toml``): click keeps the last in silence, so a setting given first would be
    dropped without a word. ``None`` when none is; a flag given twice changes nothing and is let be."""
    takes_one = {
        spelling: param
        for param in params
        if param.param_type_name == "option"
        and not (param.is_flag or param.multiple or param.count)
        and param.nargs == 1
        for spelling in param.opts
    }
    given: dict[str, tuple[str, str]] = {}
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        name, equals, value = token.partition("=")
        param = takes_one.get(name if token.startswith("--") else token)
        if param is None:
            continue
        value = value if equals else next(tokens, "")
        if param.name in given:
            first, before = given[param.name]
            return f"{name} is given twice ({first} {before!r}, then {name} {value!r}): give it once"
        given[param.name] = (name, value)
    return None


def help_on_stderr(ctx: Any) -> typer.Exit:
    """A group called without a command (``mvae``, ``mvae data``): its help printed on stderr, and ``typer.Exit(2)``
    for the caller to raise, as for any command line that does not parse; ``--help`` asks for the help and prints it
    on stdout with exit 0. (click's ``no_args_is_help`` also exits 2, but typer's rich help prints itself on stdout
    while click's error is built, so the group asks for its help here instead.)"""
    with redirect_stdout(sys.stderr):  # typer's rich help prints itself as it is built
        text = ctx.get_help()
    if text:  # click's plain help returns its text
        sys.stderr.write(text + "\n")
    return typer.Exit(2)


def check_command_line(command: Any, ctx: Any, args: list[str]) -> None:
    """What ``command`` refuses of its command line ``args`` before click parses it: a group called without a command
    prints its help on stderr with exit 2 (:func:`help_on_stderr`); a command given an option of one value twice
    names it (:func:`repeated_option`, a usage error)."""
    if getattr(command, "commands", None) is not None:
        if not args and command.no_args_is_help and not ctx.resilient_parsing:
            raise help_on_stderr(ctx)
    elif (problem := repeated_option(command.get_params(ctx), args)) is not None:
        raise UsageError(problem, ctx)


def _parsing_checked_under(command: Any) -> None:
    """``command`` and every command below it check their command line (:func:`check_command_line`) before parsing
    it."""
    for child in getattr(command, "commands", {}).values():
        _parsing_checked_under(child)
    if getattr(command, "_parsing_checked", False):
        return
    parse_args = command.parse_args

    def checked(ctx: Any, args: list[str]) -> list[str]:
        check_command_line(command, ctx, args)
        return parse_args(ctx, args)

    command.parse_args, command._parsing_checked = checked, True


@contextmanager
def _usage_errors() -> Iterator[None]:
    """A command line that does not parse ends as ``error: <click's message>. See '<command> --help'.`` (exit 2); a
    group called without a command prints its help before this (:func:`help_on_stderr`), so click's own error for it
    passes."""
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except ClickException as exc:  # e.g. No such option: --bogus
        if torchrun_rank() > 0:  # every process was given the same command line: rank 0 says it
            raise after_rank_0(exc.exit_code) from None
        message = " ".join(exc.format_message().split())
        message += "" if message.endswith((".", "?")) else "."
        if isinstance(exc, NoSuchOption) and looks_negative(exc.option_name):
            message += f" {NEGATIVE_NUMBER}"
        ctx = exc.ctx if isinstance(exc, UsageError) else None
        raise fail(message + (f" See '{ctx.command_path} --help'." if ctx is not None else ""), exc.exit_code) from None


NEGATIVE_NUMBER = (
    "A number that starts with '-' and stands on its own (after a space) reads as an option: write a point's numbers "
    "as one value, with commas and no spaces (0.5,-1)."
)
"""What a command line hears after ``No such option: -1``: the usual cause is a latent point split by a space
(``--z 0.5 -1``, ``--z 0.5, -1``), whose negative number the parser takes for an option."""


def looks_negative(option: str) -> bool:
    """Whether an unknown option (as click names it: ``-1`` of ``-1.2``) is a negative number's start."""
    return option.startswith("-") and option[1:2] in set("0123456789.")


def catalog_table(title: str, kind: str, rows: list[tuple[str, dict[str, Any]]]) -> Table:
    """The overview table of ``mvae plugins`` / ``mvae models``: one ``(label, entry)`` row per registered name
    (``entry`` with ``version``, ``origin``, ``description`` and ``error``); a broken entry says so."""
    table = Table(title=escape(title), title_justify="left")
    for column in (kind, "version", "origin"):
        table.add_column(column, no_wrap=True)
    table.add_column("description")
    for label, e in rows:
        about = "[red]broken (see below)[/]" if e["error"] else escape(e["description"])
        table.add_row(escape(label), escape(e["version"]), escape(e["origin"]), about)
    return table


def shown_default(required: bool, default: Any) -> str:
    """A setting's default as the listings print it: ``(required)``, ``(unset)`` for None (a config file leaves such
    a key out: TOML has no null), else its JSON form (what a config file or ``--set`` writes, quotes included)."""
    if required:
        return "(required)"
    return "(unset)" if default is None else json.dumps(default)


def field_kind(field: dict[str, Any]) -> str:
    """A setting's type with its bounds (a ``config_fields`` entry), as the listings print it: ``float > 0, <= 1``."""
    return " ".join([field["type"], ", ".join(field["constraints"])]).strip()


def settings_listing(section: str, fields: list[dict[str, Any]]) -> Group:
    """``  settings [<section>]:`` and an indented table of ``fields`` (each with ``name``, ``type``,
    ``constraints``, ``default``, ``required``, ``description``), as ``mvae plugins`` and ``mvae models`` print a
    section's settings; then, when any field has ``may_change_on_resume`` (a plugin's setting marked
    ``MAY_CHANGE_ON_RESUME``), a line naming those whose edit in a run's ``config.toml`` a resume takes."""
    table = Table("setting", "type", "default", "description", box=None, padding=(0, 2, 0, 0))
    for f in fields:
        default = shown_default(f["required"], f["default"])
        table.add_row(f["name"], escape(field_kind(f)), escape(default), escape(f["description"]))
    parts: list[RenderableType] = [escape(f"  settings [{section}]:"), Padding(table, (0, 0, 0, 4))]
    marked = []  # what a resume takes an edit of: marked settings, and marked keys under a table of settings
    for f in fields:
        mark = f.get("may_change_on_resume")
        marked += [f["name"]] if mark is True else [f"{f['name']}.{key}" for key in mark or []]
    if marked:
        parts.append(
            escape(
                f"    a resume takes an edit of {', '.join(marked)} (with a warning); an edit of any other setting "
                "refuses it"
            )
        )
    return Group(*parts)
