"""The training display: one line per epoch (losses per term, applied weights, metrics) under a progress bar."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def epoch_line(record: dict[str, Any], epochs: int) -> str:
    """``epoch 3/100  loss … val … elbo …  on … vel … dur … ts … kl …  f1 …  spread …  au …  w kl×0.25  lr …``."""
    t, v = record["train"], record["val"]
    weights = " ".join(f"{k}×{w:.3g}" for k, w in record["weights"].items() if w != 1.0) or "-"
    spread = record["timing_spread_ratio"]
    return (
        f"epoch {record['epoch'] + 1:>3}/{epochs}  loss {t['total']:8.2f}  val {v['total']:8.2f}  "
        f"elbo {record['val_elbo']:8.2f}  on {v['onset']:6.1f} vel {v['velocity']:5.2f} dur {v['duration']:5.2f} "
        f"ts {v['timeshift']:5.2f} kl {v['kl']:5.2f}  f1 {record['onset_f1']:.3f}  "
        f"spread {'-' if spread is None else f'{spread:.2f}'}  au {record['active_units']}  "
        f"w {weights}  lr {record['lr']:.2e}  {record['seconds']:.1f}s"
    )


class EpochDisplay:
    """Context manager; call it with each epoch's record (it is the trainer's ``on_epoch_end``)."""

    def __init__(self, console: Console, epochs: int, first_epoch: int = 0) -> None:
        self.console, self.epochs = console, epochs
        self.progress = Progress(
            TextColumn("training"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("epochs", total=epochs, completed=first_epoch)

    def __enter__(self) -> EpochDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def __call__(self, record: dict[str, Any]) -> None:
        self.progress.console.print(epoch_line(record, self.epochs))
        for event in record["events"]:
            self.progress.console.print(f"  [yellow]{escape(event['source'])}[/]: {escape(event['message'])}")
        self.progress.advance(self.task)
