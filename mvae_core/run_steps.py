"""How messages about a run name the next step: :class:`Steps` (``mvae`` commands or ``mvae_core`` calls) and
:meth:`RunSteps.said_both_ways`, an error that says it both ways
(:meth:`~mvae_core.errors.MvaeError.command_line_message`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from mvae_core.config import PROVENANCE, read_toml
from mvae_core.errors import ConfigError, MvaeError
from mvae_core.host import OBJECT_ORIGIN, rebuilt_from_settings
from mvae_core.run_files import CONFIG, RunFiles

_Said = TypeVar("_Said", bound=MvaeError)


def object_plugins(versions: Mapping[str, Any], sections: Collection[str] = ()) -> list[str]:
    """The plugins that ``versions`` (a run's ``[provenance.versions]``, or the versions that train it) record as
    Python objects (``object module:Class``, :data:`~mvae_core.host.OBJECT_ORIGIN`), by name, that a resume must be
    handed back: not those its ``sections`` (the names of its ``[plugins.<name>]`` tables) let a resume construct
    again (:func:`~mvae_core.host.rebuilt_from_settings`)."""
    return [
        name
        for name, version in versions.items()
        if str(version).startswith(OBJECT_ORIGIN) and not rebuilt_from_settings(name, str(version), sections)
    ]


class Steps(NamedTuple):
    """How a message names the next step (:meth:`RunDir.steps`): as ``mvae`` commands or as ``mvae_core`` calls."""

    train: str  # a new run here, on DATA
    resume: str  # the run here, continued
    more_epochs: str  # the run here, continued with a larger epoch budget
    again: str  # the run that failed before its first checkpoint, started over
    generate: str  # loops from the run here
    evaluate: str  # the run here scored on DATA
    train_on_here: str  # a new run on the MIDI files in this folder
    trainer_out: str  # the option that names a run's folder
    init_from: str  # a new run on DATA that starts from the weights of the run here (--init-from)


class RunSteps(RunFiles):
    """The part of :class:`~mvae_core.run.RunDir` that spells the commands and calls about the run."""

    @property
    def train_command(self) -> str:
        """The command that trains a new run here, as messages show it."""
        return f"mvae train DATA --out {self.shell_path}"

    @property
    def shell_path(self) -> str:
        """The run's path as a command line shows it: quoted for the shell when it holds a space or a quote, so a
        command pasted from a message runs (``'my runs/a'``)."""
        return shlex.quote(str(self.path))

    @property
    def resume_command(self) -> str:
        """The command that continues the run here, as messages show it."""
        return f"mvae train --resume {self.shell_path}"

    def resume_call(self, *arguments: str, objects: Sequence[str] | None = None) -> str:
        """``mvae_core.train(out='RUN', resume=True[, arguments][, plugins=[...]])``: the call that continues the run
        here (a Python caller's :attr:`resume_command`), handing back the plugins it was given as Python ``objects``
        (by name, as ``(name, <the plugin object>)`` pairs; default: :meth:`plugin_objects`)."""
        objects = self.plugin_objects() if objects is None else objects
        pairs = ", ".join(f"({name!r}, <the plugin object>)" for name in objects)
        plugins = [f"plugins=[{pairs}]"] if objects else []
        return f"mvae_core.train({', '.join([f'out={str(self.path)!r}', 'resume=True', *arguments, *plugins])})"

    def plugin_objects(self) -> list[str]:
        """The plugins this run was trained with as Python objects (:func:`object_plugins` of its ``config.toml``),
        which a resume must be given back; none where that file cannot be read. Read here, not through the run's
        config reader: the messages that name the next step read it, those about a missing or damaged
        ``config.toml`` too, and the run's own errors say what is wrong with it."""
        try:
            config = read_toml(self.path / CONFIG)
        except ConfigError:
            return []
        provenance, plugins = config.get(PROVENANCE), config.get("plugins")
        versions = provenance.get("versions") if isinstance(provenance, dict) else None
        sections = (
            [name for name, table in plugins.items() if isinstance(table, dict)] if isinstance(plugins, dict) else []
        )
        return object_plugins(versions, sections) if isinstance(versions, dict) else []

    def steps(
        self, python: bool, objects: Sequence[str] | None = None, world: int = 1, epochs: int | None = None
    ) -> Steps:
        """How messages about this run name the next step: ``mvae`` commands, or (``python``) ``mvae_core`` calls.
        A resume hands back the plugins the run was given as Python ``objects`` (by name; default: those its
        ``config.toml`` records, :meth:`plugin_objects`; the command line cannot resume such a run, and its refusal
        says so), and runs under torchrun again when ``world`` (the processes that trained it) is more than 1.
        ``more_epochs`` names ``epochs`` as the budget, or ``N``."""
        here, budget = str(self.path), "N" if epochs is None else str(epochs)
        torchrun = " (under torchrun, as before)" if world > 1 else ""
        if python:
            objects = self.plugin_objects() if objects is None else objects
            return Steps(
                train=f"mvae_core.train(data=DATA, out={here!r})",
                resume=f"{self.resume_call(objects=objects)}{torchrun}",
                more_epochs=f"{self.resume_call(f'epochs={budget}', objects=objects)}{torchrun}",
                again=f"the same mvae_core.train call (out={here!r})",
                generate=f"mvae_core.load({here!r}).generate()",
                evaluate=f"mvae_core.evaluate({here!r}, DATA)",
                train_on_here=f"mvae_core.train(data=[{here!r}], out=RUN)",
                trainer_out="mvae_core.train(out=...)",
                init_from=f"mvae_core.train(data=DATA, init_from={here!r}, out=NEW_RUN)",
            )
        return Steps(
            train=self.train_command,
            resume=f"{self.resume_command}{torchrun}",
            more_epochs=f"{self.resume_command} --epochs {budget}{torchrun}",
            again=f"the same mvae train command (--out {self.shell_path})",
            generate=f"mvae generate {self.shell_path}",
            evaluate=f"mvae evaluate {self.shell_path} DATA",
            train_on_here=f"mvae train {self.shell_path} --out RUN",
            trainer_out="mvae train --out",
            init_from=f"mvae train DATA --init-from {self.shell_path} --out NEW_RUN",
        )

    def said_both_ways(self, error: type[_Said], message: Callable[[Steps], str], epochs: int | None = None) -> _Said:
        """``error`` with ``message`` naming the ``mvae_core`` calls, and the ``mvae`` commands on the command line
        (:meth:`MvaeError.command_line_message`): every message about this run that names a next step says it so
        (``epochs``: the budget :attr:`Steps.more_epochs` names)."""
        return error(
            message(self.steps(python=True, epochs=epochs)),
            command_line=message(self.steps(python=False, epochs=epochs)),
        )
