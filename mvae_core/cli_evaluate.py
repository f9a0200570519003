"""``mvae evaluate RUN DATA...``: reconstruction, timing, latent and generation numbers of a trained run on data.

Imported by the ``mvae`` command at start-up, so torch is imported only when the command runs.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from mvae_core.cli_output import errors_to_exit, print_json, warnings_shown
from mvae_core.cli_output import out as stdout
from mvae_core.cli_paths import given_path
from mvae_core.decode_options import EVALUATION_RESAMPLES, EVALUATION_SAMPLES, DecodeOptions


def evaluate(
    run_dir: Annotated[Path, typer.Argument(parser=given_path, metavar="RUN", help="A trained run directory.")],
    data: Annotated[
        list[str], typer.Argument(metavar="DATA", help="MIDI files, folders or corpus:essen to evaluate on.")
    ],
    samples: Annotated[
        int, typer.Option(help="Random latent points for the generated-loop numbers.")
    ] = EVALUATION_SAMPLES,
    seed: Annotated[int, typer.Option(help="Seed for latent points and timing draws.")] = DecodeOptions.seed,
    temperature: Annotated[
        float, typer.Option(help="Note temperature of the generated loops, as generate's (0 = deterministic).")
    ] = DecodeOptions.temperature,
    resamples: Annotated[
        int, typer.Option(help="Bootstrap resamples behind the intervals (more: steadier ends, slower).")
    ] = EVALUATION_RESAMPLES,
    against: Annotated[
        Path | None,
        typer.Option(
            parser=given_path,
            metavar="OTHER",
            help="A second run to compare RUN with on the same loops: A − B with paired intervals.",
        ),
    ] = None,
    unpaired: Annotated[
        bool,
        typer.Option(
            "--unpaired",
            help="With --against: each run reads DATA with its own data settings (runs whose reading differs); "
            "both numbers side by side with their own intervals, no paired verdict.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    jobs: Annotated[int | None, typer.Option(help="Processes for the first parse of the data.")] = None,
) -> None:
    """Score a run on DATA (read with the run's data settings, all loops, no augmentation), or compare it with
    --against OTHER; see docs/evaluation.md."""
    from mvae_core.api import SkippedSourcesWarning, TrainedOnWarning, compare
    from mvae_core.api import evaluate as score

    if unpaired and against is None:
        raise typer.BadParameter("it sets RUN beside --against OTHER: give --against OTHER", param_hint="--unpaired")
    less = "fewer latent points (--samples N)"
    options = {"samples": samples, "seed": seed, "jobs": jobs, "temperature": temperature, "resamples": resamples}
    with errors_to_exit(less=less), warnings_shown(TrainedOnWarning, SkippedSourcesWarning):
        if against is None:
            result = score(run_dir, data, **options)
        else:
            result = compare(run_dir, against, data, **options, unpaired=unpaired)
    if as_json:
        print_json(result)
    elif against is not None and unpaired:
        stdout.print(escape(_side_by_side_heading(result, run_dir, against)), soft_wrap=False)
        stdout.print(_side_by_side_table(result))
        stdout.print(
            escape(result["covers"] + " (docs/evaluation.md#runs-that-read-data-differently)"), soft_wrap=False
        )
    elif against is not None:
        stdout.print(escape(_comparison_heading(result, run_dir, against)), soft_wrap=False)
        stdout.print(_comparison_table(result, stdout.width), crop=False)
        stdout.print(escape(_comparison_line(result)), soft_wrap=False)
    else:
        _print_evaluation(result, run_dir, data)


def _print_evaluation(result: dict[str, Any], run_dir: Path, data: list[str]) -> None:
    """The tables of one run's evaluation (:func:`mvae_core.evaluate`'s ``result``): each number under its group,
    with its ``goal`` (:data:`mvae_core.goals.SHOWN_GOALS`, in the words of the comparison table) and its interval;
    under it what the goals and units are (:func:`_goals_line`), the first look and the intervals."""
    from mvae_core.evaluation import TIMING_VS_ORACLE  # torch is loaded by now: the run was evaluated
    from mvae_core.goals import SHOWN_GOALS

    table_view = Table(title=f"evaluate {run_dir} on {' '.join(data)}", title_justify="left")
    table_view.add_column("metric", no_wrap=True)
    table_view.add_column("goal", no_wrap=True)
    table_view.add_column("value", justify="right")
    table_view.add_row("[bold]data[/bold]")
    table_view.add_row("  loops · notes", "", f"{result['loops']} · {result['notes']}")
    table_view.add_row("[bold]run[/bold]")
    table_view.add_row("  model · seed", "", f"{escape(result['model'])} · {result['seed']}")
    intervals = result["intervals"]
    for group in ("reconstruction", "timing", "latent", "generated", "evaluated", "versions"):
        table_view.add_row(f"[bold]{group}[/bold]")
        for name, value in result[group].items():
            text = _spread(value) if name in ("spread_ratio", TIMING_VS_ORACLE) else _format(value)
            numeric = group not in ("evaluated", "versions")
            goal = GOALS[SHOWN_GOALS.get(f"{group}.{name}")] if numeric else ""
            interval = _resampled_interval(value, intervals.get(group), name)
            table_view.add_row(f"  {escape(name)}", goal, escape(text + interval))
    stdout.print(table_view)
    stdout.print(escape(_goals_line()), soft_wrap=False)  # hard-wrapped, as the table it explains
    stdout.print(_first_look(), soft_wrap=False)
    stdout.print(escape(_intervals_line(intervals)), soft_wrap=False)
    # no vertical rules, as mvae ablate's table: with them its seven columns of numbers need 83 of 80 columns
    pitch = Table(title="pitch structure per loop (generated vs data vs random notes in the data's key)",
                  title_justify="left", caption=escape(_gap_caption()), caption_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, collapse_padding=True)  # fmt: skip
    headers = ("data", "generated", "random\nnotes", "separation", "gap closed", "overlap")
    rows = []
    for feature, values in result["pitch"].items():
        spread = intervals["pitch"][feature]
        # each interval on a line of its own under its number: inline, the seven columns need over 100 columns
        rows.append((_format(values["data"]), _format(values["generated"]) + "\n" + _interval(spread["generated"]).strip(),
                     *(_format(values[c]) for c in ("baseline", "separation")),
                     _gap_text(feature, values) + "\n" + _gap_interval(values, spread).strip(),
                     _format(values["overlap"])))  # fmt: skip
    pitch.add_column("feature", no_wrap=True)
    for index, column in enumerate(headers):  # wrap at spaces only: no column narrower than its longest word
        words = [word for row in rows for word in row[index].split()] + column.split()
        pitch.add_column(column, justify="right", min_width=max(map(len, words)))
    for feature, row in zip(result["pitch"], rows, strict=True):
        pitch.add_row(feature, *map(escape, row))
    stdout.print(pitch)


def _comparison_table(result: dict[str, Any], width: int) -> Table:
    """:func:`mvae_core.compare`'s ``result`` as a table of at most ``width`` columns where it can be (80 and up):
    per group (a row of its name), each number of A and B, what is better (``goal``), A − B with its paired interval
    (``≠ 0`` where it excludes 0, joined by a no-break space: :data:`EXCLUDES_ZERO`) and the better run. Only the
    interval wraps, at its spaces (:func:`_wrapped`: never inside ``≠ 0``, which left a lone ``0`` on a line of its
    own that read as a value); a name wider than the
    room the other columns leave is broken after a ``.`` or ``_`` (:func:`_folded`), never inside a word. Where even
    that does not fit in ``width``, the table is at its natural width, wider than ``width`` (print it with
    ``crop=False``, so that the terminal wraps its lines): no column is dropped or cut."""
    rows = [
        (
            key,
            GOALS[entry["better_is"]],
            *(_format(entry[part]) for part in ("a", "b", "difference")),
            _interval(entry["interval"]).strip() + (f" {EXCLUDES_ZERO}" if entry["excludes_zero"] else "") or "n/a",
            VERDICTS[entry["better"]],
        )
        for key, entry in result["numbers"].items()
    ]
    headers = ("goal", "A", "B", "A − B", f"{_percent(result['level'])} paired interval", "better")
    interval = len(headers) - 1  # the interval's column: the names' first, the verdicts' last
    # each column as wide as its widest cell, but the interval's, which may narrow to its longest word
    natural = [
        max(len(cell) for cell in [row[index] for row in rows] + [column]) for index, column in enumerate(headers, 1)
    ]
    widths = [*natural]
    words = [word for row in rows for word in row[interval].split(" ")]  # "≠ 0" one word: its space does not break
    widths[interval - 1] = max(len(word) for word in [*words, *headers[-2].split()])
    # a divider before each column but the first; the names' column is no narrower than a group's name (a row of its
    # own) or the longest piece of a folded name
    room = width - len(headers) - sum(widths)
    groups, names = zip(*(key.split(".", 1) for key in result["numbers"]), strict=True)
    narrowest = max(*map(len, groups), *(len(line) for name in names for line in _folded(name, 0).splitlines()))
    fits = room >= narrowest
    if not fits:  # every column at its natural width, past ``width``: the terminal wraps the lines, nothing is lost
        room = max(*map(len, groups), *(len(f"  {name}") for name in names))
        widths = natural
    else:  # the interval's column gets what the others leave of ``width``, its natural width at most
        named = max(
            len("number"), *map(len, groups), *(len(line) for n in names for line in _folded(n, room).splitlines())
        )
        left = width - len(headers) - named - sum(widths) + widths[interval - 1]
        widths[interval - 1] = min(natural[interval - 1], left)
    # no padding: the box's blank divider parts the columns; with a space of padding on each side as well, the rows
    # of a timing error on quantized data ([8.81e-05, 0.000455] ≠ 0) need 104 columns and wrap in 100
    view = Table(
        box=box.SIMPLE_HEAD, show_edge=False, padding=0, width=None if fits else room + len(headers) + sum(widths)
    )
    view.add_column("number", no_wrap=True)
    for index, column in enumerate(headers, start=1):  # the interval's cells wrapped here, at its width
        view.add_column(column, justify="right", no_wrap=index != interval, min_width=widths[index - 1])
    group_before = None
    for key, *cells in rows:
        group, name = key.split(".", 1)
        if group != group_before:
            view.add_row(f"[bold]{group}[/bold]")
            group_before = group
        cells[interval - 1] = _wrapped(cells[interval - 1], widths[interval - 1])
        view.add_row(escape(_folded(name, room)), *map(escape, cells))
    return view


EXCLUDES_ZERO = "≠\u00a00"
"""The mark after a paired interval that excludes 0, its two parts joined by a no-break space."""


def _wrapped(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters where its words allow, broken only at its plain spaces (a
    no-break space, as in :data:`EXCLUDES_ZERO`, holds its two sides together); a word longer than ``width`` stands on
    a line of its own. Rich breaks at any whitespace, a no-break space too, so the comparison table breaks its
    intervals itself."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _side_by_side_heading(result: dict[str, Any], run_dir: Path, against: Path) -> str:
    """Which run is A, which B, with their models and the loops and notes each read of DATA."""
    runs = result["runs"]
    lines = [
        f"{side.upper()} = {path} ({runs[side]['model']}): {runs[side]['loops']} loops · {runs[side]['notes']} notes"
        for side, path in (("a", run_dir), ("b", against))
    ]
    return "\n".join([*lines, f"of {' '.join(result['data'])}, each read with its run's own data settings"])


def _side_by_side_table(result: dict[str, Any]) -> Table:
    """:func:`~mvae_core.evaluation_paired.side_by_side`'s ``result`` as a table: per group (a row of its name), each
    number's ``goal``, A's and B's number, each with its own interval under it (no difference, no verdict)."""
    view = Table(box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    view.add_column("number", no_wrap=True)
    view.add_column("goal", justify="right", no_wrap=True)
    level = _percent(result["level"])
    for side in ("A", "B"):
        view.add_column(f"{side} [{level} interval]", justify="right")
    group_before = None
    for key, entry in result["numbers"].items():
        group, name = key.split(".", 1)
        if group != group_before:
            view.add_row(f"[bold]{group}[/bold]")
            group_before = group
        cells = [_format(entry[side]) + "\n" + _interval(entry[f"{side}_interval"]).strip() for side in ("a", "b")]
        view.add_row(f"  {escape(name)}", GOALS[entry["better_is"]], *(escape(cell.strip()) for cell in cells))
    return view


def _folded(name: str, width: int) -> str:
    """``name`` as the comparison table writes it, indented two spaces under its group, in lines of at most ``width``
    characters where it can be: broken only after a ``.`` or ``_`` (``timing_mae_`` / ``half_steps``), each line after
    the first indented four spaces, so that it reads as the rest of the name and not as a row of its own."""
    lines = ["  "]
    for piece in re.findall(r"[^._]+[._]?|[._]", name):
        if lines[-1].strip() and len(lines[-1]) + len(piece) > width:
            lines.append("    ")
        lines[-1] += piece
    return "\n".join(lines)


def _comparison_heading(result: dict[str, Any], run_dir: Path, against: Path) -> str:
    """Which run is A, which B (with their models), and what they were compared on."""
    runs = result["runs"]
    return (
        f"A = {run_dir} ({runs['a']['model']})\nB = {against} ({runs['b']['model']})\n"
        f"on {result['loops']} loops · {result['notes']} notes of {' '.join(result['data'])}"
    )


GOALS = {"higher": "higher", "lower": "lower", "nearer 1": "1", "nearer the data's": "data", None: "-"}
"""The ``goal`` column of both tables: what is better for each number (:data:`mvae_core.goals.SHOWN_GOALS`, of which
a comparison's are :data:`~mvae_core.evaluation_paired.COMPARED`)."""
VERDICTS = {"a": "A", "b": "B", "neither": "neither", None: "n/a"}
"""The ``better`` column (:func:`~mvae_core.evaluation_paired.compared`'s ``better``)."""


def _comparison_line(result: dict[str, Any]) -> str:
    """What the comparison table's intervals and verdicts are, and what they are not (docs/evaluation.md defines
    them)."""
    return (
        f"A − B [low, high]: the paired {_percent(result['level'])} bootstrap interval over {result['resamples']} "
        "resamples that draw DATA's loops the same for both runs and each run's generated loops independently; ≠ 0: "
        "it excludes 0. better: the run whose number is higher (goal higher), lower (goal lower) or nearer 1 (goal "
        "1: |A − 1| against |B − 1|), where the paired interval of that difference excludes 0; neither where it "
        f"holds 0; none is claimed for goal -. Intervals and verdicts are {result['covers']}: another training "
        "seed can "
        "reverse a verdict (compare configurations with mvae ablate; "
        "docs/evaluation.md#comparing-two-runs-on-the-same-data)"
    )


FIRST_LOOK = (
    ("density_ratio", "1 = as many notes a loop as DATA"),
    ("spread_ratio", "1 = DATA's timing spread"),
    ("onset_f1_vs_origin", "over 1 = the latent point carries part of the loop"),
)
"""The rows a first look reads, with what their values mean (docs/evaluation.md defines every row)."""


def _goals_line() -> str:
    """What the single-run table's ``goal`` words mean, and the unit of each number whose name does not carry it
    (:data:`mvae_core.goals.UNITS`; the pitch features' under the pitch table, :func:`_gap_caption`)."""
    from mvae_core.goals import UNITS

    units: dict[str, list[str]] = {}
    for key, unit in UNITS.items():
        group, name = key.split(".", 1)
        if group != "pitch":
            units.setdefault(unit, []).append(name)
    said = "; ".join(f"{', '.join(names)} in {unit}" for unit, names in units.items())
    return (
        "goal: higher or lower is better; 1: nearer 1 is better; data: nearer DATA's own number (the data_ row of its "
        f"group); -: neither. Units: {said}; names ending _half_steps or _ms carry theirs; the rest are shares, F1 "
        "scores, ratios, distances (0 = the same) or counts"
    )


def _first_look() -> str:
    """The rows to read first and where every row is defined: the table's forty names mean little to someone who
    has not read docs/evaluation.md."""
    first = "; ".join(f"{name} {meaning}" for name, meaning in FIRST_LOOK)
    return f"first look: {first}. Every row is defined in docs/evaluation.md (Definitions)"


def _gap_caption() -> str:
    """The scale of the gap closed, what the words of its column mean (:func:`_gap_text`, :func:`_gap_interval`), and
    the units of the features whose values have one (:data:`mvae_core.goals.UNITS`)."""
    from mvae_core.goals import UNITS
    from mvae_core.pitch_structure import LEVEL, MIN_LOOPS, NO_GAP, NO_GAP_MEANS

    units = ", ".join(f"{key.split('.', 1)[1]} in {unit}" for key, unit in UNITS.items() if key.startswith("pitch."))
    return (
        "gap closed: 0 = as far from the data as random notes in the data's key, 1 = like the data, above 1 past it, "
        f"below 0 further from it than random notes; '{NO_GAP}' where {NO_GAP_MEANS}; n/a for notes, whose number the "
        f"random notes copy from the generated loops, and where fewer than {MIN_LOOPS} loops of DATA or of the "
        "generated ones have the feature "
        f"(no spread to measure); [{NO_GAP} in N %]: N % of the resamples have no gap, too many for a "
        f"{_percent(LEVEL)} interval; [gap in N %]: N % of them would score it. Features: {units}; in_key and "
        "stepwise are shares (docs/evaluation.md#pitch)"
    )


def _gap_text(feature: str, values: dict[str, Any]) -> str:
    """The gap closed, or the word for why there is none (:func:`_gap_caption`)."""
    from mvae_core.pitch_structure import NO_GAP, no_gap

    if values["gap_closed"] is not None:
        return _format(values["gap_closed"])
    return NO_GAP if no_gap(values) else "n/a"


def _interval(bounds: list[float | None] | None) -> str:
    """`` [low, high]`` to three significant digits, to follow a number; empty without an interval. An infinite end
    is written ``∞`` with an open bracket, as a half-open interval reads (``[1.5, ∞)``: more than 2.5 % of the
    resamples are infinite, such as a ratio to an origin that scores 0 in them); ``--json`` writes it as ``null``, the
    only end that can be null (docs/evaluation.md#intervals)."""
    if bounds is None or None in bounds:
        return ""
    low, high = bounds
    return f" {'(' if low == -math.inf else '['}{_end(low)}, {_end(high)}{')' if high == math.inf else ']'}"


def _end(value: float) -> str:
    """An interval's end to three significant digits, ``∞`` or ``-∞`` where it is infinite."""
    return _infinite(value) or f"{value:.3g}"


def _infinite(value: Any) -> str:
    """``∞`` or ``-∞`` for an infinite number, as the tables write it; empty for anything else."""
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return ""


def _resampled_interval(value: Any, intervals: dict[str, Any] | None, name: str) -> str:
    """:func:`_interval` of the number ``name`` in its group's ``intervals``; `` [n/a]`` where the number is resampled
    and a number but has no interval (DATA's loops too few to draw again: docs/evaluation.md#intervals)."""
    if intervals is None or name not in intervals:
        return ""
    if intervals[name] is None and isinstance(value, float) and math.isfinite(value):
        return " [n/a]"
    return _interval(intervals[name])


def _gap_interval(values: dict[str, Any], spread: dict[str, Any]) -> str:
    """What the resamples say of a gap closed (:func:`_gap_caption`): its interval, else how many resamples have no
    gap (a gap scored) or would score one (``no gap``); empty where it is n/a."""
    from mvae_core.pitch_structure import NO_GAP

    scored = spread["gap_scored"]
    if scored is None or (values["gap_closed"] is None and values["separation"] is None):
        return ""
    if values["gap_closed"] is None:
        return f" [gap in {_percent(scored)}]"
    if spread["gap_closed"] is None:
        return f" [{NO_GAP} in {_percent(1 - scored)}]"
    return _interval(spread["gap_closed"])


def _intervals_line(intervals: dict[str, Any]) -> str:
    """What the bracketed intervals of both tables are (docs/evaluation.md defines them)."""
    from mvae_core.evaluation import covers

    drawn = f" ({intervals['resamples']} resamples of DATA's and of the generated loops)"
    level = _percent(intervals["level"])
    return f"[low, high]: the {level} bootstrap interval {covers(drawn)} (docs/evaluation.md#intervals)"


def _percent(share: float) -> str:
    """``share`` (0 to 1) in whole percent, written as the docs write it (``95 %``)."""
    return f"{share * 100:.0f} %"


def _spread(value: float | None) -> str:
    """A timing ratio (the spread ratio, the timing error's to the feel oracle's) to as many digits as the other
    numbers (the training console's two decimals would show 1.004 and 1.007 both as 1.00), or the console's word,
    ``quantized``, where it is undefined (no spread in DATA's offsets, or no error of the oracle's)."""
    from mvae_core.progress import spread_text

    return _format(value) if value is not None and math.isfinite(value) else spread_text(value)


def _format(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return _infinite(value) or f"{value:.4g}"
    if isinstance(value, list):
        return " ".join(_format(v) for v in value)
    return str(value)
