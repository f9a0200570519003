"""What a training run shows on a console: the data summary, one line per epoch (losses per term, applied weights,
metrics) under a progress bar, plugins' events, and the run's notes (:class:`ConsoleReporter`); and what every
training keeps and raises of its warnings, whoever shows it (:class:`WarningsKept`)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mvae_core.config import LOSS_TERMS, DataConfig
from mvae_core.data.load import DataReport, ParseProgress
from mvae_core.data.table import NoteTable
from mvae_core.epoch_labels import LABEL
from mvae_core.errors import CORE_SOURCE, TrainingWarning, callers_level
from mvae_core.metrics_record import not_computed
from mvae_core.report import data_summary, parse_progress, print_skips, print_summary, shown_spread_ratio
from mvae_core.run_files import DATA_REPORT
from mvae_core.view import epoch_number
from mvae_core.wording import counted, listed


def epoch_line(record: dict[str, Any], epochs: int, width: int | None = None, left: str = "") -> str:
    """``epoch 3/100  loss … val … elbo …  on … vel … dur … ts … kl … [<plugin term> …]  f1 … rhythm …
    spread …  au …  w kl×0.25  lr …  2.1s [~12 min left]``: the validation terms are the core's, then those
    plugins add (``mvae_loss``), by name; a loss that is not finite reads ``non-finite``, a term not computed
    (:func:`~mvae_core.metrics_record.not_computed`) reads :data:`NOT_COMPUTED`; ``left``, where given, is the time
    the run has left (:func:`time_left`). A line wider than ``width`` (a terminal's) breaks between terms, never
    inside one (:func:`packed`): the losses, then on lines of their own the metrics, weights, learning rate and
    seconds, each half on as many lines as ``width`` needs (``loss val elbo`` / ``on … kl`` / ``f1 … au`` /
    ``w … s`` at 80 columns), every line after the first aligned under ``loss``. With no ``width`` (a log, a pipe)
    it is one line. Its labels are :data:`~mvae_core.epoch_labels.LABEL`'s, which no term may have."""
    t, v = record["train"], record["val"]
    weights = " ".join(f"{k}×{w:.3g}" for k, w in record["weights"].items() if w != 1.0) or "-"

    def val_term(name: str, shown: str) -> str:
        return f"{NOT_COMPUTED:>{len(shown)}}" if not_computed(record, "val", name) else shown

    epoch = f"epoch {epoch_number(record['epoch']):>3}/{epochs}  "
    # each half in groups of terms that read together, each term after the separator before it on one line
    losses = [
        [
            ("", f"{LABEL.loss} {loss(t['total'], 8, '.2f')}"),
            ("  ", f"{LABEL.val} {loss(v['total'], 8, '.2f')}"),
            ("  ", f"{LABEL.elbo} {loss(record['val_elbo'], 8, '.2f')}"),
        ],
        [
            ("  ", f"{LABEL.onset} {val_term('onset', loss(v['onset'], 6, '.1f'))}"),
            (" ", f"{LABEL.velocity} {val_term('velocity', small(v['velocity']))}"),
            (" ", f"{LABEL.duration} {val_term('duration', small(v['duration']))}"),
            (" ", f"{LABEL.timeshift} {val_term('timeshift', small(v['timeshift']))}"),
            (" ", f"kl {val_term('kl', small(v['kl'], 5))}"),
            *(
                (" ", f"{name} {val_term(name, small(value)).strip()}")
                for name, value in v.items()
                if name not in SHOWN_TERMS
            ),
        ],
    ]
    rest = [
        [
            ("  ", f"{LABEL.onset_f1} {record['onset_f1']:.3f}"),
            (" ", f"{LABEL.rhythm_f1} {record['rhythm_f1']:.3f}"),
            ("  ", f"{LABEL.spread} {epoch_spread(record)}"),
            ("  ", f"{LABEL.active_units} {record['active_units']}"),
        ],
        [
            ("  ", f"{LABEL.weights} {weights}"),
            ("  ", f"{LABEL.lr} {record['lr']:.2e}"),
            ("  ", f"{record['seconds']:.1f}s"),
            *((("  ", left),) if left else ()),
        ],
    ]
    line = epoch + "".join(separator + term for group in (*losses, *rest) for separator, term in group)
    if width is None or len(line) <= width:
        return line
    lines = packed(losses, width, len(epoch)) + packed(rest, width, len(epoch))
    indent = " " * len(epoch)
    first = [epoch + lines[0][len(epoch) :]] if lines[0].startswith(indent) else [epoch.rstrip(), lines[0]]
    return "\n".join([*first, *lines[1:]])


def packed(groups: list[list[tuple[str, str]]], width: int, indent: int) -> list[str]:
    """The groups of terms (each term after the separator it has on one line) on lines of at most ``width``
    characters, each starting with ``indent`` spaces (none where the indent and the line's first term would not fit):
    a group joins the line before where it fits there whole, else starts a line; a group wider than a line of its own
    breaks between its terms. Only a single term wider than ``width`` goes past it."""
    lines: list[str] = []

    def start(term: str) -> None:
        lines.append(" " * indent * (indent + len(term) <= width) + term)

    for group in groups:
        whole = "".join(separator + term for separator, term in group)
        if lines and len(lines[-1]) + len(whole) <= width:
            lines[-1] += whole
            continue
        start(group[0][1])
        for separator, term in group[1:]:
            if len(lines[-1]) + len(separator) + len(term) <= width:
                lines[-1] += separator + term
            else:
                start(term)
    return lines


SHOWN_TERMS = (*LOSS_TERMS, "total")
"""The validation terms the epoch line shows in their own places; any other is a plugin's, shown after them."""

NON_FINITE = "non-finite"
"""How the epoch line shows a loss that is NaN or infinite."""

NOT_COMPUTED = "off"
"""How the epoch line shows a validation loss term that reads 0 at multiplier 0
(:func:`~mvae_core.metrics_record.not_computed`): weighted 0 this epoch, and its 0 is no measurement (``w`` beside it
says ``×0``)."""


def loss(value: float | None, width: int, spec: str) -> str:
    """``value`` formatted with ``spec``, right-aligned in ``width``; :data:`NON_FINITE` for NaN, an infinity or
    None (how ``metrics.jsonl`` stores a non-finite number)."""
    if value is None or not math.isfinite(value):
        return f"{NON_FINITE:>{width}}"
    return f"{value:{width}{spec}}"


def small(value: float | None, width: int = 6) -> str:
    """A loss term that can be far below 0.01 (velocity and duration errors, the timeshift term on data with little
    timing, the KL term of a latent space that collapsed: ``au 0``), right-aligned in ``width`` characters: 2 decimals
    from 0.1 up, 2 significant digits below (``0.0018``, ``4.4e-05``), so a term that is small but still falling does
    not read as a stuck ``0.00``."""
    if value is None or not math.isfinite(value) or value == 0 or abs(value) >= 0.1:
        return loss(value, width, ".2f")
    return f"{value:>{width}.2g}"


def spread_text(spread: float | None) -> str:
    """The timing spread ratio, or ``quantized`` where it is undefined (validation notes with no timing spread, or
    fewer than two of them)."""
    return f"{spread:.2f}" if spread is not None and math.isfinite(spread) else "quantized"


def epoch_spread(record: dict[str, Any]) -> str:
    """The epoch's timing spread ratio (:func:`~mvae_core.report.shown_spread_ratio`), or ``quantized`` where it means
    nothing."""
    return spread_text(shown_spread_ratio(record))


class EpochDisplay:
    """Context manager; call it with each epoch's record (it is the trainer's ``on_epoch_end``); :meth:`started`
    is the trainer's ``on_start``. Epoch lines and events go to ``console``, warnings (events of level ``warning``)
    to ``warnings`` (the same console unless given: the command line gives stderr). When both are terminals (one
    screen) a warning goes above the progress bar through ``console`` instead: written to the other stream it would
    land on the bar's line, which the next refresh of the bar overwrites."""

    console: Console
    epochs: int
    warnings: Console

    def __init__(self, console: Console, epochs: int, first_epoch: int = 0, warnings: Console | None = None) -> None:
        self.console, self.epochs = console, epochs
        one_screen = warnings is not None and warnings.is_terminal and console.is_terminal
        self.warnings = console if warnings is None or one_screen else warnings
        self.shown: list[dict[str, Any]] = []  # events printed by started(), not printed again with their epoch
        self.timed: list[float] = []  # the seconds of each epoch shown, for a log's time left
        self.progress = Progress(
            TextColumn("training"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[eta]}"),  # the time left as a log's epoch lines say it (rich's needs 2 epochs)
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("epochs", total=epochs, completed=first_epoch, eta="")

    def __enter__(self) -> EpochDisplay:
        if self.drawn:
            self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.drawn:
            self.progress.stop()

    @property
    def drawn(self) -> bool:
        """Whether the bar is drawn: on a terminal, or in Jupyter with ipywidgets (:func:`jupyter_widgets`).
        Elsewhere (a log file, a pipe) rich never draws it, and stopping it would leave an empty line after the last
        epoch line; the epoch lines then say the time left themselves."""
        return self.console.is_terminal or (self.console.is_jupyter and jupyter_widgets())

    @property
    def screen(self) -> bool:
        """Whether the console is a screen of a known width, a terminal or Jupyter, where an epoch line wider than it
        is broken between its terms onto as many lines as it needs (:func:`epoch_line`), bar or no bar."""
        return self.console.is_terminal or self.console.is_jupyter

    def started(self, events: list[dict[str, Any]]) -> None:
        """Print the events of ``mvae_train_start`` now (warnings about the run's settings), before the first epoch:
        the warnings together, then the rest, each group aligned (:func:`events_view`)."""
        warned = [event for event in events if event.get("level") == "warning"]
        others = [event for event in events if event.get("level") != "warning"]
        for group, console in ((warned, self.warnings), (others, self.progress.console)):
            if group:
                console.print(events_view(group, console))
        self.shown += events

    def __call__(self, record: dict[str, Any]) -> None:
        console = self.progress.console
        self.timed.append(record["seconds"])
        left = self.epochs - epoch_number(record["epoch"])
        rest = sum(self.timed) / len(self.timed) * left if left > 0 else None  # seconds
        # no bar to say the time left: a log (nohup, a batch job, an ablation's logs), or Jupyter without ipywidgets
        said = time_left(rest) if not self.drawn and rest is not None else ""
        # a screen narrower than the line would break it anywhere: epoch_line breaks it between terms
        line = epoch_line(record, self.epochs, console.width if self.screen else None, said)
        console.print(line, markup=False)  # a plugin's term name ("l2[z]") is text, not rich markup
        for event in record["events"]:
            if not any(event is shown for shown in self.shown):
                self._show(event)
        self.progress.update(self.task, advance=1, eta="" if rest is None else f"eta {remaining(rest)}")

    def _show(self, event: dict[str, Any]) -> None:
        """A warning on the warnings console (above the bar when that is the terminal too), anything else with the
        epoch lines."""
        console = self.warnings if event.get("level") == "warning" else self.progress.console
        console.print(events_view([event], console))


def jupyter_widgets() -> bool:
    """Whether rich can draw a live progress bar in Jupyter: it needs ipywidgets, which mvae does not install.
    Without it, starting the bar put rich's ``UserWarning: install "ipywidgets" for Jupyter support`` into the
    notebook cell of :func:`mvae_core.train` and drew nothing, so the cell never said the time left."""
    try:
        import ipywidgets  # noqa: F401  # only asked in Jupyter, where rich would import it for the bar anyway
    except ImportError:
        return False
    return True


def remaining(seconds: float) -> str:
    """``~12 min``: the rest of a run, as a log's epoch lines (``~12 min left``, :func:`time_left`) and a terminal's bar
    (``eta ~12 min``) say it (the mean epoch so far times the epochs left), rounded as a person says it: seconds under a
    minute, minutes under two hours, then hours."""
    if seconds < 60:
        return f"~{max(1, round(seconds))} s"
    if seconds < 7200:
        return f"~{round(seconds / 60)} min"
    return f"~{seconds / 3600:.1f} h"


def time_left(seconds: float) -> str:
    """``~12 min left``: :func:`remaining` as a sentence."""
    return f"{remaining(seconds)} left"


def event_line(event: dict[str, Any]) -> str:
    """``  <source>: <message>`` (rich markup; the texts are escaped)."""
    return f"  [yellow]{escape(event['source'])}[/]: {escape(event['message'])}"


def events_view(events: list[dict[str, Any]], console: Console) -> RenderableType:
    """How ``console`` shows plugins' events: one :func:`event_line` each in a log or a pipe (a line to grep); on a
    terminal or in Jupyter, each message wrapped under itself, clear of the names, which stand in a column of their
    own: a long message reads as a paragraph and several as a list, not as a wall of text."""
    if not (console.is_terminal or console.is_jupyter):
        return Group(*(event_line(event) for event in events))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for event in events:
        grid.add_row(f"  [yellow]{escape(event['source'])}[/]:", escape(event["message"]))
    return grid


class Advice(str):
    """A note that says what to do next: as a string, the ``mvae_core`` call a Python caller makes
    (``mvae_core.train(out='runs/a', resume=True, epochs=N)``); ``command_line``, the same with the ``mvae`` command
    (``mvae train --resume runs/a --epochs N``). Reporters that know nothing of it show the string."""

    command_line: str

    def __new__(cls, python: str, command_line: str) -> Advice:
        advice = super().__new__(cls, python)
        advice.command_line = command_line
        return advice


def command_line(message: str) -> str:
    """``message`` as the ``mvae`` command says it: an :class:`Advice`'s ``command_line``, any other string as it is."""
    return message.command_line if isinstance(message, Advice) else message


COLUMNS_NOTE = (
    "each epoch: lower losses and higher f1 and rhythm are better; the lowest elbo is the model kept (loss and val "
    "also move with the weights under w); every column is explained in docs/quickstart.md (Reading the training output)"
)
"""Printed above the first epoch line: the line's columns (elbo, kl, au, ...) are jargon, and this says where they are
explained and which way each kind should move."""


class ConsoleReporter:
    """Shows a training run on ``console`` (what :func:`mvae_core.train` reports: data, notes, epochs, events);
    warnings (notes and events of level ``warning``) go to ``warnings``, the same console unless given (the command
    line gives stderr, so they stay out of a log of stdout and a pipe). A note that is :class:`Advice` names the
    ``mvae`` command (``command_line``, the default: this is the ``mvae`` command's console) or the ``mvae_core``
    call (``command_line=False``: the console of :func:`mvae_core.train` in a notebook or script)."""

    console: Console
    warnings: Console
    command_line: bool

    def __init__(self, console: Console, warnings: Console | None = None, command_line: bool = True) -> None:
        self.console = console
        self.warnings = warnings or console
        self.command_line = command_line

    def parsing(self) -> AbstractContextManager[ParseProgress | None]:
        """A context manager giving what the data's first parse tells of each file it parses: a progress bar on the
        warnings console when it is a terminal (:func:`~mvae_core.report.parse_progress`), else ``None``."""
        return parse_progress(self.warnings)

    def data(self, table: NoteTable, report: DataReport, cfg: DataConfig, title: str) -> None:
        print_summary(self.console, data_summary(table, report, cfg), title=title)
        print_skips(self.console, report)

    def note(self, message: str, level: str = "info") -> None:
        if self.command_line:
            message = command_line(message)
        if level == "warning":
            self.warnings.print("[yellow]warning:[/] " + escape(message))
        else:
            self.console.print(escape(message))

    def event(self, event: dict[str, Any]) -> None:
        console = self.warnings if event.get("level") == "warning" else self.console
        console.print(events_view([event], console))

    @contextmanager
    def training(self, epochs: int, first_epoch: int) -> Iterator[EpochDisplay]:
        """:data:`COLUMNS_NOTE`, then the epochs' display."""
        self.console.print(COLUMNS_NOTE, markup=False)
        with EpochDisplay(self.console, epochs, first_epoch, self.warnings) as display:
            yield display


class SilentReporter:
    """Shows nothing (``train(..., progress=False)``, and the processes of rank > 0 under torchrun)."""

    def data(self, table: NoteTable, report: DataReport, cfg: DataConfig, title: str) -> None:
        """Nothing."""

    def note(self, message: str, level: str = "info") -> None:
        """Nothing."""

    def event(self, event: dict[str, Any]) -> None:
        """Nothing."""

    def training(self, epochs: int, first_epoch: int) -> Any:
        return nullcontext(NoDisplay())


class NoDisplay:
    """The display of :class:`SilentReporter`: takes the trainer's ``on_epoch_end`` and ``on_start`` calls."""

    def __call__(self, record: dict[str, Any]) -> None:
        """Nothing."""

    def started(self, events: list[dict[str, Any]]) -> None:
        """Nothing."""


class WarningsKept:
    """The reporter a :func:`mvae_core.train` call reports through, around the one ``progress`` asks for
    (``shown``): everything goes on to ``shown``, and each warning of mvae's own is kept in :attr:`kept` as an event
    (source :data:`~mvae_core.errors.CORE_SOURCE`, level ``warning``): a note of level ``warning`` (an
    :class:`Advice` worded for the command line when ``command_line``, as ``shown`` words it), and the data's
    per-file warnings, one per kind (:func:`data_warnings`). The session writes the kept events into the first metrics
    line its training writes, after the plugins' start-up events, where ``RunResult.warnings()``, the ablation's
    summaries and ``mvae plot`` read a run's warnings, and gives them to its ``RunResult``; ``shown``'s display gets
    no warning of mvae's own (:class:`KeptDisplay`: ``shown`` said them as notes). With ``warn`` (``progress=False``
    on the process that reports, where nothing else says them) every warning is also raised as a
    :class:`~mvae_core.errors.TrainingWarning` attributed to the caller's line: mvae's own as they come, the plugins'
    warning events (start-up, per epoch, after the last epoch) as the display or :meth:`event` gets them."""

    shown: Any
    warn: bool
    command_line: bool
    kept: list[dict[str, Any]]

    def __init__(self, shown: Any, warn: bool = False, command_line: bool = False) -> None:
        self.shown, self.warn, self.command_line = shown, warn, command_line
        self.kept = []

    def parsing(self) -> AbstractContextManager[ParseProgress | None]:
        """``shown``'s ``parsing()`` where it has one (it is optional), else nothing shown."""
        parsing = getattr(self.shown, "parsing", None)
        return parsing() if parsing is not None else nullcontext()

    def data(self, table: NoteTable, report: DataReport, cfg: DataConfig, title: str) -> None:
        self.shown.data(table, report, cfg, title)
        for message in data_warnings(report):
            self._keep(message)

    def note(self, message: str, level: str = "info") -> None:
        self.shown.note(message, level)
        if level == "warning":
            self._keep(command_line(message) if self.command_line else str(message))

    def event(self, event: dict[str, Any]) -> None:
        self.shown.event(event)
        self.raise_warnings([event])

    @contextmanager
    def training(self, epochs: int, first_epoch: int) -> Iterator[KeptDisplay]:
        """``shown``'s display, as :class:`KeptDisplay` passes it the trainer's calls."""
        with self.shown.training(epochs, first_epoch) as display:
            yield KeptDisplay(display, self)

    def raise_warnings(self, events: list[dict[str, Any]]) -> None:
        """With :attr:`warn`, each of ``events`` of level ``warning`` as a :class:`TrainingWarning`."""
        for event in events if self.warn else ():
            if event.get("level") == "warning":
                warning = TrainingWarning(event["message"], event.get("source", CORE_SOURCE))
                warnings.warn(warning, stacklevel=callers_level())

    def _keep(self, message: str) -> None:
        kept = {"source": CORE_SOURCE, "level": "warning", "message": message}
        self.kept.append(kept)
        self.raise_warnings([kept])


class KeptDisplay:
    """A reporter's display (``display``) as :class:`WarningsKept` (``reporter``) passes it the trainer's calls:
    their events without mvae's own warnings (:func:`mvaes_warning`: the reporter said them as notes when they came,
    those of a resumed epoch in the session that began it); with the reporter's ``warn``, the plugins' warnings among
    them raised, each once (the start-up events come again in their epoch's record). ``started(events)`` reaches
    ``display`` only where it has that method (a plain function is a display too)."""

    def __init__(self, display: Any, reporter: WarningsKept) -> None:
        self.display, self.reporter = display, reporter
        self.begun: list[dict[str, Any]] = []  # the start-up events, raised already

    def started(self, events: list[dict[str, Any]]) -> None:
        self.begun = self._shown(events)
        self.reporter.raise_warnings(self.begun)
        if (started := getattr(self.display, "started", None)) is not None:
            started(self.begun)

    def __call__(self, record: dict[str, Any]) -> None:
        events = self._shown(record["events"])
        self.reporter.raise_warnings([event for event in events if not any(event is b for b in self.begun)])
        self.display(record if len(events) == len(record["events"]) else {**record, "events": events})

    @staticmethod
    def _shown(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [event for event in events if not mvaes_warning(event)]


def mvaes_warning(event: dict[str, Any]) -> bool:
    """Whether ``event`` is a warning of mvae's own (source :data:`~mvae_core.errors.CORE_SOURCE`, level ``warning``),
    which :class:`WarningsKept` keeps; the core's other events, its stops, are shown."""
    return event.get("source") == CORE_SOURCE and event.get("level") == "warning"


def data_warnings(report: DataReport) -> list[str]:
    """The per-file warnings of the data's used files (each source's ``warnings`` in ``report``, which
    :func:`~mvae_core.report.print_skips` prints file by file) as one warning per kind: ``FILE: KIND: MESSAGE`` for
    one file; for several, how many and which, and the first one's message as an example (the run's
    ``data_report.json`` has each file's)."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for entry in report.ok:
        for warning in entry.get("warnings", []):
            by_kind.setdefault(warning["kind"], []).append((entry["source"], warning["message"]))
    said = []
    for kind, warned in by_kind.items():
        source, message = warned[0]
        if len(warned) > 1:
            files = f"{listed([name for name, _ in warned])}; the run's {DATA_REPORT} has each file's"
            said.append(f"{kind} in {counted(len(warned), 'file')} of the data ({files}), e.g. {source}: {message}")
        else:
            said.append(f"{source}: {kind}: {message}")
    return said
