"""The errors a user can cause, one base class for all of them, and the exit code ``mvae`` maps each to.

Every message names the input at fault (a field, a file, a plugin, a run directory) and says what to do. The command
line prints ``error: <message>`` on stderr and exits with the error's ``exit_code``; Python callers catch the types.
Exit codes (docs/cli.md#exit-codes): 1 a run failed, 2 bad input or config, 128 + signal number when interrupted;
an error none of these is (a bug in mvae) ends the command with its traceback and Python's exit code, 1.
Errors defined next to the code that raises them (``PluginError``, ``CheckpointError``, ``NonFiniteLoss``, …)
derive from :class:`MvaeError` too.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from mvae_core.wording import counted

DISK_FULL: tuple[int, ...] = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
"""The ``errno`` of a write the disk refused for want of room (full, over quota, a file over the file system's
limit), wherever the error says it happened."""


def shortened(text: str, most: int = 40) -> str:
    """``text`` as a message quotes a value: whole when it has at most ``most`` characters, else its start and ``…``,
    ``most`` characters in all (a 5 MB setting made a 5 MB error line)."""
    return text if len(text) <= most else text[: most - 1] + "…"


class MvaeError(Exception):
    """Base of mvae's typed errors; ``exit_code`` is the status the ``mvae`` command exits with (2: bad input)."""

    exit_code: int = 2
    label: ClassVar[str] = "error"  # how the command line introduces the message
    # under torchrun: every process meets this error alike (a config, an option, a signal), so rank 0 alone says it
    same_on_every_rank: ClassVar[bool] = False

    def __init__(self, *args: object, command_line: str | None = None) -> None:
        """``command_line``: the message as the ``mvae`` command says it, where ``str()`` tells a Python caller what
        to call (the ``mvae_core`` call where the command line names a command)."""
        super().__init__(*args)
        self._command_line = command_line

    def command_line_message(self) -> str:
        """The message as the ``mvae`` command prints it: the same as ``str()``, unless the error names what to do
        next (``command_line``: the ``mvae`` command where ``str()`` names the ``mvae_core`` call) or a subclass
        names an option (``--grid-offset`` for ``grid_offset``)."""
        return self._command_line or str(self)


class ConfigError(MvaeError, ValueError):
    """A configuration value is invalid; the message names the field (and the closest valid name for a typo)."""

    same_on_every_rank: ClassVar[bool] = True


class InputError(MvaeError, ValueError):
    """A bad argument (an option value, a latent point, a path); the message names it and the accepted values."""

    same_on_every_rank: ClassVar[bool] = True


class OptionError(InputError):
    """An argument out of range (a generation option, ``jobs``, an ablation option): ``option`` is its Python name
    (``grid_offset``), ``rule`` what it accepts. The command line names it as its option (``--grid-offset``), and so
    each argument of ``others`` that ``rule`` names as ``{name}`` (``must not be above {threshold_max}``)."""

    option: str
    rule: str
    others: tuple[str, ...]

    def __init__(self, option: str, rule: str, others: tuple[str, ...] = ()) -> None:
        self.option, self.rule, self.others = option, rule, others
        super().__init__(self._message(str))

    def _message(self, name: Callable[[str], str]) -> str:
        rule = self.rule
        for other in self.others:
            rule = rule.replace(f"{{{other}}}", name(other))
        return f"{name(self.option)} {rule}"

    def command_line_message(self) -> str:
        return self._message(option_flag)


class ConflictingOptions(InputError):
    """Two arguments that exclude each other were both given. ``meanings`` maps each one's Python name to what it
    asks for, in the order the message names them; the command line names them as options (``--z``)."""

    def __init__(self, **meanings: str) -> None:
        self.meanings = meanings
        super().__init__(self._message(str))

    def _message(self, name: Callable[[str], str]) -> str:
        given = " or ".join(f"{name(option)} ({meaning})" for option, meaning in self.meanings.items())
        return f"give either {given}, not both"

    def command_line_message(self) -> str:
        return self._message(option_flag)


class RenamedOption(FutureWarning):
    """An argument given by its old name ``old``, which still works as ``new`` does; ``effect`` says what ``value``
    gives, since a reader of the old name may expect something else. The command line names both as options."""

    old: str
    new: str
    value: object
    effect: str

    def __init__(self, old: str, new: str, value: object, effect: str) -> None:
        self.old, self.new, self.value, self.effect = old, new, value, effect
        super().__init__(self._message(lambda name: name, lambda name: f"{name}={value}"))

    def _message(self, name: Callable[[str], str], given: Callable[[str], str]) -> str:
        return f"{given(self.old)} {self.effect}; its new name is {name(self.new)} ({given(self.new)})"

    def command_line_message(self) -> str:
        return self._message(option_flag, lambda name: f"{option_flag(name)} {self.value}")


class WalkWithOneLoop(UserWarning):
    """``walk`` given (other than its default) while each file has one loop: it is the distance between the loops of
    a file, so it changed nothing. The command line names both as options."""

    def __init__(self) -> None:
        super().__init__(self._message(lambda name: name, "loops=N"))

    @staticmethod
    def _message(name: Callable[[str], str], more: str) -> str:
        return f"{name('walk')} is the distance between the loops of a file, and each file has one loop; give {more}"

    def command_line_message(self) -> str:
        return self._message(option_flag, "--loops N")


class EarlierLoopFiles(UserWarning):
    """``folder``, which loop files were just written into, also holds ``earlier`` (sorted by name): loop files of
    the same kind (MIDI or WAV) that this write did not write, an earlier one's, which a DAW would load with these.
    ``str()`` speaks of a call, the command line of a command."""

    folder: Path
    earlier: list[Path]

    def __init__(self, folder: Path, earlier: list[Path]) -> None:
        self.folder, self.earlier = folder, earlier
        super().__init__(self._message("call", "an earlier call's or command's"))

    def _message(self, writer: str, whose: str) -> str:
        names = ", ".join(path.name for path in self.earlier[:3]) + (", …" if len(self.earlier) > 3 else "")
        return (
            f"{self.folder} also holds {counted(len(self.earlier), 'loop file')} this {writer} did not write "
            f"({names}): {whose}, which a DAW would load with these; delete them or give a new folder"
        )

    def command_line_message(self) -> str:
        return self._message("command", "an earlier command's")


CORE_SOURCE = "core"
"""The ``source`` of what mvae itself (not a plugin) puts in a run's events and warnings: its stop events, and its
own warnings (:class:`TrainingWarning`)."""


class TrainingWarning(UserWarning):
    """A warning of a training run (:func:`mvae_core.train`), as its console prints it on a ``warning:`` line: one of
    mvae's own (``source`` :data:`CORE_SOURCE`: the data and its split, few validation loops, a resume's edited
    settings or other versions, …) or a plugin's warning event (``source``, its name). ``train(progress=False)``
    raises each through :mod:`warnings`, attributed to the caller's line, on the one process that reports (rank 0
    under torchrun); every one is also in ``RunResult.warnings()``, whatever ``progress`` was. ``str()`` is
    ``source: message``, as ``RunResult.warnings()`` gives it."""

    source: str
    message: str

    def __init__(self, message: str, source: str = CORE_SOURCE) -> None:
        super().__init__(message, source)  # its arguments as given: a copy (pickle, pytest-xdist's) is the same warning
        self.source, self.message = source, message

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
"""The folder of the ``mvae_core`` package: the frames of a warning's stack that :func:`callers_level` passes over."""


def callers_level() -> int:
    """The ``stacklevel`` at which a warning raised in ``mvae_core`` names the caller's line: the first frame outside
    the package (a script's or notebook's ``train(...)`` or ``run.evaluate(...)``), past every call within it (call
    it in the ``warnings.warn`` call)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def option_flag(name: str) -> str:
    """The command-line option of the Python argument ``name``: ``grid_offset`` → ``--grid-offset``."""
    return "--" + name.replace("_", "-")


class DataError(MvaeError):
    """The data cannot be trained or evaluated on: a path that does not exist, or no usable loops (with the skip
    reasons)."""


class DataChanged(DataError):
    """Resume refused: the run's data no longer gives the train/validation split it started with."""


class RunExists(MvaeError):
    """A new run was asked for in a directory that already holds one. ``message`` says where that run stands and the
    step that fits it (the Python call that continues it, with a larger epoch budget when it finished; another
    folder when a plugin stopped it or another process trains it), ``command_line`` the same with the ``mvae``
    command (as for :class:`RunFailed`)."""


class RunBusy(MvaeError):
    """Another process is training the run directory asked for (it holds the run's lock)."""


class ResumeRefused(MvaeError):
    """A run cannot be resumed as asked (no checkpoint, options that would change it, a plugin object missing)."""


class RunFailed(MvaeError):
    """Training started and failed (a non-finite loss, a plugin error, a write the disk refused, the machine out of
    memory or disk space); ``failure.json`` in ``run`` says why (where the disk took it) and the best model so far is
    kept. A finished training whose last lines a full disk refused ends so too, without ``failure.json``: its run is
    complete. So does the memory running out as the model is first built, before any data is read
    (:func:`~mvae_core.run_ending.model_check_memory`): nothing of the run is written then, and ``run`` may not exist
    yet. The original error is ``__cause__``. ``message`` tells a Python caller how to continue (the ``mvae_core.train`` call), ``command_line`` the ``mvae`` command."""

    exit_code: int = 1

    def __init__(self, message: str, run: Path, command_line: str | None = None) -> None:
        super().__init__(message, command_line=command_line)
        self.run = run


class ReadingRanOut(MvaeError):
    """The memory ran out while the data was read or split (a first parse of a huge MIDI folder, say): the message
    names the data, what the parse cache keeps and what needs less memory. Nothing of a run was written then: no
    folder for a new run (none is made before its data is usable, so a failure.json would stand where no run is), and
    a resumed run stays as its checkpoint left it. Exit code 1, as for a training that ran out of memory."""

    exit_code: int = 1


class RunInterrupted(MvaeError):
    """SIGINT, SIGTERM or SIGHUP stopped a command; when training had started, a checkpoint to resume from was
    written. ``exit_code`` is 128 + the signal number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). ``message``
    and ``command_line`` as for :class:`RunFailed`."""

    label: ClassVar[str] = "stopped"
    same_on_every_rank: ClassVar[bool] = True
    exit_code: int  # 128 + signum, set by __init__
    signum: int

    def __init__(self, message: str, signum: int = signal.SIGINT, command_line: str | None = None) -> None:
        super().__init__(message, command_line=command_line)
        self.signum = signum
        self.exit_code = 128 + signum


def file_in_the_way(path: Path) -> Path | None:
    """The existing file among ``path``'s parent folders (a file where a folder is needed to write ``path``);
    ``None`` when there is none (a file at ``path`` itself is not in the way: it would be replaced)."""
    for ancestor in (path, *path.parents):
        if ancestor.exists():
            return None if ancestor.is_dir() or ancestor == path else ancestor
    return None


def blocked_message(blocker: Path, wanted: Path) -> str:
    """What to say when the file ``blocker`` stands where a folder is needed to write ``wanted``."""
    where = "" if blocker == wanted else f" (for {wanted})"
    return f"{blocker} is a file where a folder is needed{where}: choose another path or move the file"
