"""``mvae evaluate RUN DATA...``: reconstruction, timing, latent and generation numbers of a trained run on data.

Imported by the ``mvae`` command at start-up, so torch is imported only when the command runs.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(highlight=False, soft_wrap=True)


def evaluate(
    run_dir: Annotated[Path, typer.Argument(metavar="RUN", help="A trained run directory.")],
    data: Annotated[list[str], typer.Argument(help="MIDI files, folders or corpus:essen to evaluate on.")],
    samples: Annotated[int, typer.Option(help="Random latent points for the generated-loop numbers.")] = 1024,
    seed: Annotated[int, typer.Option(help="Seed for latent points and timing draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    jobs: Annotated[int | None, typer.Option(help="Processes for the first parse of the data.")] = None,
) -> None:
    """Score a run on DATA (read with the run's data settings, all loops, no augmentation); see docs/evaluation.md."""
    from mvae_core.checkpoint import CheckpointError
    from mvae_core.config import ConfigError
    from mvae_core.data.corpus import MissingCorpusExtra
    from mvae_core.data.load import load_dataset
    from mvae_core.evaluation import all_loops
    from mvae_core.evaluation import evaluate as run_evaluation
    from mvae_core.run import RunDir, finite

    if samples < 1:
        raise _fail(f"--samples must be at least 1, got {samples}")
    try:
        model, cfg = RunDir(run_dir).load_model()
        table, report = load_dataset(data, cfg.data, jobs)
    except (CheckpointError, ConfigError, MissingCorpusExtra, ValueError) as exc:
        raise _fail(str(exc)) from None
    if table.n_loops == 0:
        reasons = ", ".join(f"{r}: {n}" for r, n in report.skipped_by_reason().items()) or "no MIDI files found"
        raise _fail(f"no loops to evaluate on ({reasons})")
    result = run_evaluation(model, cfg, all_loops(table), samples, seed)
    if as_json:
        sys.stdout.write(json.dumps(finite(result), indent=1) + "\n")
        return
    table_view = Table(title=f"evaluate {run_dir} on {' '.join(data)}", title_justify="left")
    table_view.add_column("group")
    table_view.add_column("metric")
    table_view.add_column("value", justify="right")
    table_view.add_row("data", "loops · notes", f"{result['loops']} · {result['notes']}")
    for group in ("reconstruction", "timing", "latent", "generated"):
        for name, value in result[group].items():
            table_view.add_row(group, escape(name), _format(value))
    console.print(table_view)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/] {escape(message)}")
    return typer.Exit(2)
