"""``mvae ablate``: configurations of every mode, the statistics, and real tiny ablations (parallel workers, skipping
finished runs, resuming an unfinished one, a failing run that is reported and not fatal)."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shlex
import signal
import sys
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import mvae_core
from mvae_core import hookimpl
from mvae_core.ablation.cells import number
from mvae_core.ablation.columns import METRICS, NOT_STARTED
from mvae_core.ablation.console_summary import console_table
from mvae_core.ablation.estimates import paired, per_config, warnings_by_config
from mvae_core.ablation.facts import is_finished, read_facts, timing_stats
from mvae_core.ablation.plan import Configuration, PlanError, expand, read_plan
from mvae_core.ablation.runner import last_error_line, latest_attempt_start, start_worker, worker_env
from mvae_core.ablation.stats import T_975, Estimate, estimate, paired_difference, t_975
from mvae_core.ablation.summary_csv import produced_before, write_csv
from mvae_core.ablation.summary_md import markdown
from mvae_core.cli import app
from mvae_core.config import ConfigError, build_config
from mvae_core.errors import InputError, OptionError
from tests import training

runner = CliRunner()
TINY = [arg for override in training.TINY for arg in ("--set", override)]  # a small GRU too: runs train faster


def mvae(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def read_rows(out: Path) -> list[dict[str, str]]:
    with open(out / "summary.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- statistics -------------------------------------------------------------------------------------------------


def t_mass(q: float, df: int) -> float:
    """P(|T| ≤ q) for Student's t with ``df`` degrees of freedom, by Simpson's rule on its density."""
    x = np.linspace(0.0, q, 200_001)
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    density = np.exp(log_c - (df + 1) / 2 * np.log1p(x**2 / df))
    h = x[1] - x[0]
    simpson = h / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum() + 2 * density[2:-1:2].sum())
    return 2 * simpson


@pytest.mark.parametrize("df", sorted(T_975))
def test_the_t_table_holds_the_975_quantiles(df):
    assert t_mass(T_975[df], df) == pytest.approx(0.95, abs=2e-4)


def test_t_975_between_table_entries_takes_the_wider_one():
    assert t_975(3) == 3.182
    assert t_975(35) == T_975[30] and t_975(119) == T_975[60]
    assert t_975(121) == 1.960
    with pytest.raises(ValueError):
        t_975(0)


def test_estimate_of_known_numbers():
    e = estimate([2, 4, 4, 4, 5, 5, 7, 9])
    std = math.sqrt(32 / 7)  # Σ(x − 5)² = 32, n − 1 = 7
    half = 2.365 * std / math.sqrt(8)
    assert (e.n, e.mean) == (8, 5.0)
    assert e.std == pytest.approx(std) and e.low == pytest.approx(5 - half) and e.high == pytest.approx(5 + half)


def test_estimate_leaves_out_missing_values_and_needs_two_for_a_spread():
    assert estimate([3.0, None, float("nan"), float("inf")]) == Estimate(1, 3.0)
    assert estimate([]) == Estimate(0)
    e = estimate([1.0, None, 3.0])
    assert (e.n, e.mean, e.std) == (2, 2.0, pytest.approx(math.sqrt(2)))
    assert e.high - e.mean == pytest.approx(12.706 * math.sqrt(2) / math.sqrt(2))


def test_paired_difference_pairs_by_seed():
    values = {0: 10.0, 1: 12.0, 2: 11.0, 3: None, 5: 7.0}
    reference = {0: 9.0, 1: 10.0, 2: 11.0, 3: 4.0, 4: 5.0}
    e = paired_difference(values, reference)  # seeds 0, 1, 2: differences 1, 2, 0
    assert (e.n, e.mean, e.std) == (3, 1.0, pytest.approx(1.0))
    assert e.low == pytest.approx(1 - 4.303 / math.sqrt(3)) and e.high == pytest.approx(1 + 4.303 / math.sqrt(3))


def test_timing_stats_of_known_offsets():
    stats = timing_stats([0.0, 0.04, -0.05, 0.5, -0.5, 0.01], loops=3)
    assert stats["gen_timing_std"] == pytest.approx(float(np.std([0.0, 0.04, -0.05, 0.5, -0.5, 0.01], ddof=1)))
    assert stats["gen_within_0_05"] == pytest.approx(4 / 6) and stats["gen_notes_per_loop"] == 2.0
    assert timing_stats([], loops=4) == {"gen_timing_std": None, "gen_within_0_05": None, "gen_notes_per_loop": 0.0}
    assert timing_stats([0.3], loops=1)["gen_timing_std"] is None  # one note has no spread to measure


def row(
    config: str, seed: int, status: str = "ok", warnings: tuple[str, ...] = (), **values: float
) -> dict[str, object]:
    """A summary row as the command builds it, with the given metrics (the others missing)."""
    about = {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": status}
    about |= {"warnings": list(warnings), "produced": "new"}
    about |= {
        "stopped_by": "max epochs",
        "exit_code": 0 if status == "ok" else 1,
        "error": "" if status == "ok" else "boom",
    }
    return about | dict.fromkeys(METRICS) | values


def test_summary_statistics_per_configuration_and_against_the_references():
    arms = [Configuration("all", ("a", "b")), Configuration("none", ()), Configuration("no-a", ("b",))]
    rows = [
        row("all", 0, best_val_elbo=10.0, epochs_run=5),
        row("all", 1, best_val_elbo=12.0, epochs_run=7),
        row("none", 0, best_val_elbo=13.0, epochs_run=5),
        row("none", 1, best_val_elbo=16.0, epochs_run=5),
        row("no-a", 0, best_val_elbo=11.0, epochs_run=5),
        row("no-a", 1, "failed", best_val_elbo=99.0, epochs_run=1),
    ]
    stats = {e["config"]: e for e in per_config(rows, arms)}
    assert stats["all"]["best_val_elbo"].mean == 11.0 and stats["all"]["best_val_elbo"].std == pytest.approx(
        math.sqrt(2)
    )
    assert (stats["no-a"]["ok"], stats["no-a"]["runs"], stats["no-a"]["best_val_elbo"]) == (1, 2, Estimate(1, 11.0))
    against_all = {d["config"]: d for d in paired(rows, arms, "all")}
    assert against_all["none"]["best_val_elbo"].mean == 3.5  # (13 − 10 + 16 − 12) / 2
    assert against_all["none"]["best_val_elbo"].std == pytest.approx(math.sqrt(0.5))
    assert against_all["no-a"]["pairs"] == 1 and against_all["no-a"]["best_val_elbo"] == Estimate(1, 1.0)
    assert "all" not in against_all and paired(rows, arms, "missing") == []
    text = markdown(rows, arms, ["about"])
    assert "| all | 2 / 2 | max epochs ×2 | 6 ± 1.4 [-6.706, 18.71] | 11 ± 1.4 [-1.706, 23.71] |" in text
    assert "| runs/no-a/seed-1 | new | 1 | boom |" in text  # under "### Failed"
    assert "## Warnings\n\nNone." in text


def test_a_metric_missing_in_some_runs_says_how_many_and_why():
    """A quantized validation split has no spread ratio: the cell says so instead of averaging the other seeds
    silently (one "0" over two seeds looked like a measured mean) or showing a bare dash."""
    arms = [Configuration("all", ("a",)), Configuration("none", ())]
    rows = [
        row("all", 0, timing_spread_ratio=None, in_key_gap=0.75),
        row("all", 1, timing_spread_ratio=0.0, in_key_gap=0.85),
        row("none", 0, timing_spread_ratio=None),
        row("none", 1, timing_spread_ratio=None),
    ]
    text = markdown(rows, arms, ["about"])
    all_row = next(line for line in text.splitlines() if line.startswith("| all | 2 / 2"))
    cells = dict(zip(METRICS.values(), all_row.strip("| ").split(" | ")[3:], strict=True))
    assert cells["timing_spread_ratio"] == "0; 1 quantized"
    assert cells["in-key gap closed"].startswith("0.8 ± 0.071 [")  # both seeds: no count
    assert cells["onset_f1"] == "n/a"  # no run has it
    none_row = next(line for line in text.splitlines() if line.startswith("| none | 2 / 2"))
    assert "| quantized |" in none_row
    console = Console(width=80, record=True)
    console.print(console_table(rows, arms))
    lines = [line.split() for line in console.export_text().splitlines()]
    assert ["all", "n/a", "n/a", "0", "n/a", "n/a"] in lines and ["2/2", "ok", "1", "quantized"] in lines


def test_a_paired_difference_over_fewer_pairs_says_how_many_are_missing():
    """Two pairs, but the in-key gap of one seed could not be scored: the cell is one pair's difference and says
    so, instead of a bare number under "pairs 2" that reads as the mean of both."""
    arms = [Configuration("all", ("a",)), Configuration("none", ())]
    rows = [
        row("all", 0, in_key_gap=0.5, best_val_elbo=10.0),
        row("all", 1, in_key_gap=None, best_val_elbo=12.0),
        row("none", 0, in_key_gap=0.2, best_val_elbo=11.0),
        row("none", 1, in_key_gap=0.4, best_val_elbo=12.0),
    ]
    text = markdown(rows, arms, ["about"])
    none_row = next(line for line in text.splitlines() if line.startswith("| none | 2 |"))
    cells = dict(zip(METRICS.values(), none_row.strip("| ").split(" | ")[2:], strict=True))
    assert cells["in-key gap closed"] == "-0.3; farther from 1 by 0.3; 1 n/a"  # 0.2 is farther from 1 than 0.5
    assert cells["best val_elbo"].startswith("+0.5 ± 0.71 [")  # both pairs: no count
    assert cells["onset_f1"] == "n/a"  # two pairs, no value in any


def table_at_80_columns(rows: list[dict], arms: list[Configuration]) -> str:
    """The console table as an 80-column terminal shows it."""
    console = Console(width=80, record=True)
    console.print(console_table(rows, arms))
    return console.export_text()


def test_the_console_table_fits_80_columns_without_breaking_a_cell():
    """Piped, the console is 80 columns: every name, stop label and number stays whole (no "quantize|d",
    "max|epochs" or "19.3 ±|1.5"), each mean above its ± std."""
    arms = expand("leave-one-out", ["kl_anneal", "ts_ramp", "lr_step_decay", "early_stopping", "ts_variance_monitor"])
    rows = [
        row(arm.name, seed, epochs_run=[19, 18, 21][seed], best_val_elbo=[145.2, 146.9, 145.8][seed], timing_spread_ratio=None,
            gen_timing_std=0.574 + seed / 1000, cpu_seconds=[1180.4, 1201.9, 1190.0][seed])
        | {"stopped_by": "max epochs" if seed else "early_stopping"}
        for arm in arms
        for seed in range(3)
    ]  # fmt: skip
    text = table_at_80_columns(rows, arms)
    assert max(map(len, text.splitlines())) <= 80
    lines = [line.split() for line in text.splitlines()]
    assert ["no-ts_variance_monitor", "19.3", "146", "quantized", "0.575", "1191"] in lines
    assert ["3/3", "ok", "±", "1.5", "±", "0.86", "±", "0.001", "±", "11"] in lines
    assert ["max", "epochs", "×2"] in lines and ["early_stopping", "×1"] in lines


@pytest.mark.parametrize("mode", ["add-one", "factorial"])
def test_every_mode_s_console_table_fits_80_columns_with_every_number_whole(mode):
    """factorial's names (``kl_anneal+ts_ramp+lr_step_decay+early_stopping``) took the width: every number was cut
    to "2…" or "0.9…". A long name is now broken after a ``+`` or ``-``, and nothing is cut."""
    arms = expand(mode, ["kl_anneal", "ts_ramp", "lr_step_decay", "early_stopping", "ts_variance_monitor"])
    rows = [
        row(arm.name, seed, epochs_run=20 + seed, best_val_elbo=145.2 + seed, timing_spread_ratio=0.991 + seed / 100,
            gen_timing_std=0.574, cpu_seconds=1190.0 + seed)
        for arm in arms
        for seed in range(2)
    ]  # fmt: skip
    text = table_at_80_columns(rows, arms)
    assert "…" not in text and max(map(len, text.splitlines())) <= 80
    lines = [line.split() for line in text.splitlines()]
    assert ["all", "20.5", "146", "0.996", "0.574", "1190"] in lines
    names = "".join(line[0] for line in lines[4:] if line and not line[0][0].isdigit() and line[0] not in "±max")
    assert all(arm.name in names for arm in arms)


def test_numbers_from_10_to_the_digits_are_whole_not_exponents():
    assert (number(1180.4, digits=3), number(12345.6), number(-12345.6, signed=True)) == ("1180", "12346", "-12346")
    assert (number(145.83, digits=3), number(0.000123), number(None)) == ("146", "0.000123", "–")


def test_the_figure_marks_bars_over_fewer_runs_and_names_what_is_missing():
    pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")
    from matplotlib.figure import Figure

    from mvae_core.ablation.figure import _bars

    axes = Figure().add_subplot()
    bars = [("all", Estimate(1, 0.5), 2), ("none", Estimate(0), 2), ("no-a", Estimate(2, 0.4, 0.1, 0.3, 0.5), 2)]
    words = dict.fromkeys(("all", "none", "no-a"), "quantized")
    _bars(axes, "timing_spread_ratio", bars, {"all": "C0", "none": "C1", "no-a": "C2"}, words)
    assert sorted(text.get_text() for text in axes.texts) == ["1 of 2", "quantized"]
    assert len(axes.patches) == 2  # no bar where no run has a value


def test_the_figure_of_an_ablation_whose_every_run_failed_says_so_without_a_warning(tmp_path):
    """matplotlib's 'No artists with labels found to put in legend' UserWarning was printed amid the console's
    lines when every run had failed."""
    pytest.importorskip("matplotlib", reason="the figure needs matplotlib: pip install 'mvae[plot]'")
    from mvae_core.ablation.figure import draw

    arms = [Configuration("all", ("a",)), Configuration("none", ())]
    rows = [row(arm.name, 0, "failed") | {"val_curve": []} for arm in arms]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(rows, arms, tmp_path / "ablation.png")
    assert (tmp_path / "ablation.png").stat().st_size > 0


def test_each_warning_of_a_csv_row_reads_back_whole(tmp_path):
    """The warnings were joined by "; ", which kl_anneal's own message holds: splitting the cell gave 3 pieces."""
    warnings = (
        "kl_anneal: the kl schedule … ends with epoch 2 (multiplier 0.05 there); train for 21 epochs or more (--epochs 21; in Python, epochs=21)",
        "ts_ramp: the timeshift schedule … ends with epoch 2 (multiplier 0.1333 there); train for 15 epochs or more (--epochs 15; in Python, epochs=15)",
    )
    write_csv([row("all", 0, warnings=warnings)], tmp_path / "summary.csv")
    (cell,) = (r["warnings"] for r in read_rows(tmp_path))
    assert tuple(cell.splitlines()) == warnings


def test_each_stop_message_of_a_csv_row_reads_back_whole(tmp_path):
    """stop_reason joined a last epoch's stop messages by "; " as the warnings were; one per line, as they are."""
    from mvae_core.ablation.rows import run_row

    run = tmp_path / "runs" / "all" / "seed-0"
    run.mkdir(parents=True)
    stops = ["early_stopping: no improvement; best epoch 1", "my_plugin: budget spent; 3 of 3 hours"]
    events = [{"source": "core", "level": "stop", "message": m} for m in stops]
    (run / "metrics.jsonl").write_text(json.dumps({"epoch": 0, "val_elbo": None, "events": events}) + "\n")
    write_csv([run_row(tmp_path, "all", 0, None, samples=8, produced_before="new")], tmp_path / "summary.csv")
    (written,) = read_rows(tmp_path)
    assert written["stop_reason"].splitlines() == stops
    assert written["stopped_by"] == "early_stopping, my_plugin"


def test_plugin_warnings_reach_the_summary_per_configuration():
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    short = "kl_anneal: the kl schedule reaches its final multiplier 1 in epoch 21, but this run ends with epoch 2"
    rows = [row("all", 0, warnings=(short,)), row("all", 1, warnings=(short,)), row("none", 0), row("none", 1)]
    assert warnings_by_config(rows, arms) == [("all", short, "0, 1")]
    assert f"| all | {short} | 0, 1 |" in markdown(rows, arms, ["about"])


def test_the_warnings_are_those_of_the_latest_attempt(tmp_path):
    """A run extended from 3 to 4 epochs warned at the start of each attempt; only the latest holds."""
    run = tmp_path / "run"
    run.mkdir()
    warning = {"source": "kl_anneal", "level": "warning"}
    events = {0: "this run ends with epoch 3", 1: "a collapse", 3: "this run ends with epoch 4"}
    lines = [{"epoch": e, "events": [warning | {"message": events[e]}] if e in events else []} for e in range(4)]
    (run / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert read_facts(run, 0).warnings == tuple(f"kl_anneal: {events[e]}" for e in (0, 1, 3))
    assert read_facts(run, 3).warnings == ("kl_anneal: this run ends with epoch 4",)


def test_an_attempt_s_header_is_its_command_as_a_shell_reads_it(tmp_path):
    """A DATA folder named "My MIDI" was written unquoted: the header's command read as two paths."""
    log = tmp_path / "seed-0.log"
    command = (sys.executable, "-c", "print('epoch 1/3')", str(tmp_path / "My MIDI"))
    process, _ = start_worker(command, log, dict(os.environ), 2)
    assert process.wait() == 0 and latest_attempt_start(log) == 2
    header = log.read_text().splitlines()[0]
    assert shlex.split(header.removeprefix("$ ").removesuffix("  # attempt from epoch 3")) == list(command)


def test_the_best_epoch_is_counted_from_1_as_the_console_counts(tmp_path):
    """The last of 3 epochs was the best: the console said "epoch 3/3", the warnings "ends with epoch 3", and
    summary.csv's best_epoch said 2 beside epochs_run 3."""
    run = tmp_path / "run"
    run.mkdir()
    lines = [{"epoch": e, "val_elbo": elbo, "events": []} for e, elbo in enumerate([150.0, 140.0, 135.0])]
    (run / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    facts = read_facts(run, 0)
    assert (facts.best_epoch, facts.epochs_run, facts.best_val_elbo) == (3, 3, 135.0)


def test_a_non_finite_epoch_is_named_as_the_console_counts(tmp_path):
    """The 2nd epoch's val_elbo was NaN (null in metrics.jsonl): the failed row said "at epoch 1"."""
    from mvae_core.ablation.rows import run_row

    run = tmp_path / "runs" / "all" / "seed-0"
    run.mkdir(parents=True)
    lines = [{"epoch": e, "val_elbo": elbo, "events": []} for e, elbo in enumerate([150.0, None, 135.0])]
    (run / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    failed = run_row(tmp_path, "all", 0, None, samples=8, produced_before="new")
    assert (failed["status"], failed["error"]) == ("failed", "val_elbo is not finite at epoch 2")


def test_each_attempt_s_log_header_says_where_it_began(tmp_path):
    log = tmp_path / "logs" / "all" / "seed-0.log"
    assert latest_attempt_start(log) == 0  # no log: every epoch counts
    for first in (0, 3):
        process, _ = start_worker((sys.executable, "-c", "print('epoch 1/3')"), log, dict(os.environ), first)
        assert process.wait() == 0 and latest_attempt_start(log) == first
    assert log.read_text().startswith("$ ") and log.read_text().count("  # attempt from epoch ") == 2


def test_a_rerun_keeps_how_each_run_was_produced(tmp_path):
    rows = [
        row("all", 0) | {"action": "new", "produced": "new"},
        row("all", 1) | {"action": "resumed", "produced": "resumed"},
    ]
    write_csv(rows, tmp_path / "summary.csv")
    assert produced_before(tmp_path / "summary.csv") == {"runs/all/seed-0": "new", "runs/all/seed-1": "resumed"}
    assert produced_before(tmp_path / "missing.csv") == {}


# --- configurations -----------------------------------------------------------------------------------------------


def arms_of(configurations: list[Configuration]) -> list[tuple[str, tuple[str, ...]]]:
    return [(c.name, c.plugins) for c in configurations]


def test_leave_one_out_is_all_none_and_all_but_each():
    assert arms_of(expand("leave-one-out", ["a", "b", "c"])) == [
        ("all", ("a", "b", "c")),
        ("none", ()),
        ("no-a", ("b", "c")),
        ("no-b", ("a", "c")),
        ("no-c", ("a", "b")),
    ]


def test_add_one_is_none_each_alone_and_all():
    assert arms_of(expand("add-one", ["a", "b"])) == [
        ("none", ()),
        ("only-a", ("a",)),
        ("only-b", ("b",)),
        ("all", ("a", "b")),
    ]


def test_factorial_is_every_subset():
    arms = expand("factorial", ["a", "b", "c"])
    assert arms_of(arms) == [
        ("none", ()),
        ("a", ("a",)),
        ("b", ("b",)),
        ("c", ("c",)),
        ("a+b", ("a", "b")),
        ("a+c", ("a", "c")),
        ("b+c", ("b", "c")),
        ("all", ("a", "b", "c")),
    ]
    assert len(expand("factorial", list("abcde"))) == 32


def test_a_single_plugin_gives_no_duplicate_configurations():
    assert arms_of(expand("leave-one-out", ["a"])) == [("all", ("a",)), ("none", ())]
    assert arms_of(expand("add-one", ["a"])) == [("none", ()), ("only-a", ("a",))]


@pytest.mark.parametrize(
    "mode,plugins,message",
    [("leave-one-out", [], "at least one plugin"), ("add-one", ["a", "a"], "twice"), ("bogus", ["a"], "bogus")],
)
def test_bad_modes_and_plugin_lists_are_plan_errors(mode, plugins, message):
    with pytest.raises(PlanError, match=message):
        expand(mode, plugins)


def test_list_mode_reads_the_configs_file_in_order(tmp_path):
    path = tmp_path / "configs.toml"
    path.write_text(
        '[configs.base]\nplugins = []\n\n[configs."kl-fast"]\nplugins = ["kl_anneal"]\n'
        'set = ["train.lr=5e-4", "plugins.kl_anneal.schedule = {name = \\"constant\\", value = 1}"]\n'
    )
    assert read_plan(path)[0] == [
        Configuration("base", ()),
        Configuration(
            "kl-fast", ("kl_anneal",), ("train.lr=5e-4", 'plugins.kl_anneal.schedule = {name = "constant", value = 1}')
        ),
    ]


@pytest.mark.parametrize(
    "text,message",
    [
        ("[configs.a]\nset = []\n", "configs.a.plugins: Field required"),
        ("[configs.a]\nplugins = []\nseeds = 3\n", "configs.a.seeds"),
        (
            '[configs.a]\nplugins = []\nsett = ["x=1"]\n',
            "configs.a.sett = ['x=1']: unknown setting; did you mean configs.a.set?",
        ),
        ('[configs."../x"]\nplugins = []\n', "names a folder"),
        ("configs = {}\n", "configs"),
        ("[configs.a\n", "not valid TOML"),
    ],
)
def test_a_bad_configs_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "configs.toml"
    path.write_text(text)
    with pytest.raises(PlanError, match=re.escape(message)):
        read_plan(path)[0]


def test_a_configuration_tree_layers_base_overrides_and_plugins():
    arm = Configuration("x", ("kl_anneal",), ("train.lr=0.01",))
    base = {"train": {"lr": 0.5, "epochs": 9}, "plugins": {"enabled": ["all"]}}
    tree = arm.tree(base, ["model.hidden=32", "train.lr=0.1"])
    assert tree == {"train": {"lr": 0.01, "epochs": 9}, "plugins": {"enabled": ["kl_anneal"]}, "model": {"hidden": 32}}
    assert base["plugins"]["enabled"] == ["all"]  # the base is not changed


# --- run states and workers --------------------------------------------------------------------------------------


def test_a_run_is_finished_by_a_stop_event_or_its_epoch_budget():
    stop = {"source": "core", "level": "stop", "message": "early_stopping: no progress"}
    lines = [{"epoch": e, "events": []} for e in range(3)]
    assert not is_finished([], 3) and not is_finished(lines[:2], 3)
    assert is_finished(lines, 3) and is_finished(lines, 2)
    assert is_finished([*lines[:1], {"epoch": 1, "events": [stop]}], 10)


def test_worker_threads_share_the_cores():
    assert worker_env(jobs=2, total_cores=8)["OMP_NUM_THREADS"] == "4"
    assert worker_env(jobs=16, total_cores=2)["MKL_NUM_THREADS"] == "1"


def test_the_last_error_line_is_kept():
    assert last_error_line("data…\nerror: non-finite loss at epoch 3\nbye\n") == "non-finite loss at epoch 3"
    assert last_error_line("Traceback:\n  File x\nRuntimeError: boom\n\n") == "RuntimeError: boom"


# --- the command: bad input exits 2 before anything runs ---------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (["--mode", "list"], "--configs is needed by --mode 'list'"),
        (["--mode", "sideways"], "--mode 'sideways' is not a mode. Modes: leave-one-out, add-one, factorial, list."),
        (["--mode", "leave-one-ot"], "--mode 'leave-one-ot' is not a mode; did you mean 'leave-one-out'?"),
        (["--plugins", "kl_anneal,nope"], "unknown plugin 'nope'"),
        (["--plugins", "none"], "--plugins 'none' leaves nothing to switch"),
        (["--plugins", ""], "--plugins '' has an empty name"),
        (["--plugins", "kl_anneal,,ts_ramp"], "--plugins 'kl_anneal,,ts_ramp' has an empty name"),
        (["--seeds", "0"], "--seeds must be at least 1, got 0"),
        (["--set", "train.nonsense=1"], "configuration 'all'"),
        (["--set", "train.lr"], "--set expects dotted.key=value, got 'train.lr'"),
        # an unknown model started every run, each failed, and the command exited 1
        (["--set", 'model.name="melody_rn"'], "configuration 'all': model.name: unknown model 'melody_rn'"),
        (["--set", "model.melody_rnn.rnn_hiden=8"], "configuration 'all': model.melody_rnn.rnn_hiden"),
        (["--address", "auto"], "--address goes with --executor 'ray'"),
        (["--cpus-per-run", "2"], "--cpus-per-run goes with --executor 'ray'"),
        (["--gpus-per-run", "0.5"], "--gpus-per-run goes with --executor 'ray'"),
    ],
)
def test_bad_input_exits_2_and_runs_nothing(synth_dir, tmp_path, wide_console, args, message):
    result = mvae("ablate", synth_dir, *args, "--out", tmp_path / "abl")
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "abl").exists()


def test_a_mistyped_data_path_is_named_and_nothing_is_written(synth_dir, tmp_path, wide_console):
    """It said "no loops to train on in … (1 source(s) read, none usable)" after writing every configuration."""
    result = mvae("ablate", synth_dir, tmp_path / "solso", "--out", tmp_path / "abl")
    assert result.exit_code == 2 and f"DATA {tmp_path / 'solso'}: no such file or folder" in result.output
    assert not (tmp_path / "abl").exists()


def test_list_mode_takes_no_plugins(tmp_path, wide_console):
    (tmp_path / "c.toml").write_text("[configs.a]\nplugins = []\n")
    result = mvae("ablate", "--configs", tmp_path / "c.toml", "--plugins", "kl_anneal", "--out", tmp_path / "abl")
    assert result.exit_code == 2 and "error: --plugins does not apply to --mode 'list'" in result.output


def test_a_different_plan_in_the_same_folder_is_one_refusal_naming_every_difference(synth_dir, tmp_path, wide_console):
    out = tmp_path / "abl"
    (out / "configs").mkdir(parents=True)
    (out / "configs" / "all.toml").write_text('[plugins]\nenabled = ["kl_anneal"]\n')
    (out / "configs" / "none.toml").write_text("[plugins]\nenabled = []\n")
    result = mvae("ablate", synth_dir, "--plugins", "ts_ramp", "--set", "train.lr=5e-4", "--out", out)
    assert result.exit_code == 2
    assert (
        f"error: {out} holds an earlier ablation whose configurations differ from this plan ('all': plugins.enabled "
        '["kl_anneal"] → ["ts_ramp"], train.lr unset → 0.0005; \'none\': train.lr unset → 0.0005); choose another '
        f"output folder, or, to redo those configurations, delete their runs/<name> and configs/<name>.toml in {out}"
    ) in result.output
    assert sorted(p.name for p in (out / "configs").iterdir()) == ["all.toml", "none.toml"]  # nothing written


# --- real ablations (subprocess workers) -----------------------------------------------------------------------


@pytest.fixture
def ablation(tiny_ablation):
    """kl_anneal left out: configurations ``all`` and ``none`` × seeds 0, 1 × 2 epochs, two workers (the session's
    ``tiny_ablation``, which test_ablate_outside_plan.py copies too): its folder, its arguments and the result."""
    return tiny_ablation


@pytest.mark.slow
def test_a_tiny_ablation_writes_runs_and_a_summary(ablation):
    out, _, result = ablation
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert [(r["config"], r["seed"], r["status"], r["action"]) for r in rows] == [
        ("all", "0", "ok", "new"),
        ("all", "1", "ok", "new"),
        ("none", "0", "ok", "new"),
        ("none", "1", "ok", "new"),
    ]
    assert all(
        r["epochs_run"] == "2" and r["stopped_by"] == "max epochs" and float(r["best_val_elbo"]) > 0 for r in rows
    )
    assert all(0 <= float(r["gen_within_0_05"]) <= 1 and float(r["gen_notes_per_loop"]) > 0 for r in rows)
    gaps = [[r[key] for key in ("in_key_gap", "interval_gap", "stepwise_gap", "entropy_gap")] for r in rows]
    # a gap is empty where the synthetic validation loops are too close to random notes in that feature
    assert all(any(cell != "" for cell in row) for row in gaps), gaps
    assert all(math.isfinite(float(cell)) for row in gaps for cell in row if cell != ""), gaps
    for r in rows:
        config = tomllib.loads((out / r["run"] / "config.toml").read_text())
        assert config["train"]["seed"] == int(r["seed"]) and config["model"]["hidden"] == 32
        assert config["plugins"]["enabled"] == (["kl_anneal"] if r["config"] == "all" else [])
    summary = (out / "summary.md").read_text()
    assert "| all | 2 / 2 | max epochs ×2 | 2 ± 0 [2, 2] |" in summary
    assert "| none | 2 / 2 | max epochs ×2 | 2 ± 0 [2, 2] |" in summary
    assert (
        "## Paired differences against `all`" in summary
        and "| none | 2 | +0 in both pairs (no spread to judge) |" in summary
    )
    assert "(temperature 1, timing temperature 1, seed 0)" in summary  # generate's defaults, as the runs are judged
    assert (out / "ablation.png").read_bytes()[:4] == b"\x89PNG"
    assert "done in" in result.output
    assert all(float(r["cpu_seconds"]) > 0 for r in rows)
    # kl_anneal's 20-epoch schedule in a 2-epoch run: its start-up warning reaches the summary and the console
    assert ["kl_anneal: " in " ".join(r["warnings"].splitlines()) for r in rows] == [True, True, False, False]
    assert "| all | kl_anneal: the kl schedule" in summary and "warning: all (seeds 0, 1): kl_anneal" in result.output
    # and so do mvae's own: 6 files validate on 1, in every run (each names its own split.json)
    assert all("core: validation is " in r["warnings"] for r in rows)
    assert (
        "| none | core: validation is " in summary
        and "warning: none (seeds 0, 1): core: validation is" in result.output
    )  # one line for both seeds


@pytest.mark.slow
def test_running_the_same_command_again_skips_finished_runs(ablation):
    out, args, first = ablation
    assert first.exit_code == 0, first.output
    metrics = sorted(out.glob("runs/*/seed-*/metrics.jsonl"))
    before = {p: p.stat().st_mtime_ns for p in metrics}
    result = mvae(*args, *TINY, "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 finished (skipped), 0 to resume, 0 new" in result.output
    assert {p: p.stat().st_mtime_ns for p in metrics} == before and len(metrics) == 4
    assert [r["action"] for r in read_rows(out)] == ["skipped"] * 4
    assert [r["produced"] for r in read_rows(out)] == ["new"] * 4  # how each run was made is kept


@pytest.mark.slow
def test_without_matplotlib_the_summary_says_how_to_install_it(ablation, monkeypatch):
    """The figure's note names the extra as every other command does (tools.require_extra, one source)."""
    out, args, _ = ablation
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = mvae(*args, *TINY, "--out", out)
    assert result.exit_code == 0, result.output
    note = "warning: ablation.png not drawn: matplotlib not installed; install the 'plot' extra: "
    assert note in " ".join(result.stderr.split())


@pytest.mark.slow
def test_the_python_api_runs_the_same_ablation_and_returns_its_rows(ablation, synth_dir):
    out, _, first = ablation
    assert first.exit_code == 0, first.output
    lines = []
    overrides = [TINY[i + 1] for i in range(0, len(TINY), 2)]
    result = mvae_core.ablate(
        synth_dir, plugins=["kl_anneal"], seeds=2, epochs=2, jobs=2, samples=32, overrides=overrides,
        out=out, report=lines.append,
    )  # fmt: skip
    assert [(r["config"], r["seed"], r["status"], r["action"]) for r in result.rows] == [
        (config, seed, "ok", "skipped") for config in ("all", "none") for seed in (0, 1)
    ]
    assert result.failed == [] and [c.name for c in result.configurations] == ["all", "none"]
    assert result.written[:2] == [out / "summary.csv", out / "summary.md"] and all(p.exists() for p in result.written)
    assert {w[:2] for w in result.warnings} == {(r["config"], w) for r in result.rows for w in r["warnings"]}
    assert any(w[:2] == ("all", result.rows[0]["warnings"][0]) and w[2] == "0, 1" for w in result.warnings)  # kl
    assert any("4 finished (skipped), 0 to resume, 0 new" in line for line in lines)


@pytest.mark.slow
def test_other_data_in_the_same_folder_is_refused_naming_the_runs(ablation, synth_dir, pattern_dir):
    """The runs were trained on synth_dir: with other DATA, finished ones would be skipped, unfinished ones resumed
    on their own data and new seeds trained on the new one, under a summary naming only the new data."""
    out, _, first = ablation
    assert first.exit_code == 0, first.output
    before = (out / "summary.csv").read_text()
    overrides = [TINY[i + 1] for i in range(0, len(TINY), 2)]
    with pytest.raises(PlanError, match="holds runs trained on other data than") as caught:
        mvae_core.ablate(pattern_dir, plugins="kl_anneal", seeds=3, epochs=2, samples=32, overrides=overrides, out=out)
    runs = "runs/all/seed-0, runs/all/seed-1, runs/none/seed-0, runs/none/seed-1"
    assert f"({runs} on {synth_dir})" in str(caught.value)
    assert (out / "summary.csv").read_text() == before and not (out / "runs" / "all" / "seed-2").exists()


@pytest.mark.slow
def test_an_ablation_whose_data_moved_continues_from_the_new_place(tiny_ablation, tmp_path):
    """Its runs keep DATA by absolute path: after the folder moved, the re-run was refused as 'other data'. The runs
    are pointed at the new place (their split checked there), and the re-run skips them as finished."""
    import shutil

    from mvae_core.run import RunDir
    from mvae_core.run_data import relocate

    finished, plan, first = tiny_ablation  # all and none × seeds 0, 1, finished
    assert first.exit_code == 0, first.output
    data, out = shutil.copytree(plan[1], tmp_path / "midi"), shutil.copytree(finished, tmp_path / "abl")
    runs = sorted((out / "runs").glob("*/seed-*"))
    for run in runs:  # as if trained on the copy: the session's synth_dir cannot be moved
        relocate(run, [data], jobs=1)
    options = {option.lstrip("-"): value for option, value in zip(plan[2::2], plan[3::2], strict=True)}
    arguments = options | {"overrides": list(training.TINY), "out": out}  # tiny_ablation's plan, from Python
    moved, lines = data.rename(tmp_path / "moved"), []
    result = mvae_core.ablate(moved, report=lines.append, **arguments)
    assert sorted((r["config"], r["seed"], r["status"], r["action"]) for r in result.rows) == [
        (config, seed, "ok", "skipped") for config in ("all", "none") for seed in (0, 1)
    ]
    assert f"data moved: 4 runs now read {moved}" in lines
    assert all(RunDir(run).read_data() == [str(moved)] for run in runs)
    (moved / "melody_00.mid").rename(tmp_path / "melody_00.mid")  # moved again, one file short: not the runs' split
    again = shutil.copytree(moved, tmp_path / "again")
    shutil.rmtree(moved)
    with pytest.raises(PlanError, match=r"runs/all/seed-0: its data moved, and the data of .* changed since the run"):
        mvae_core.ablate(again, **arguments)
    with pytest.raises(PlanError, match=rf"\({re.escape(str(moved))} is gone: if it moved, give the new place of each"):
        mvae_core.ablate([again, plan[1]], **arguments)  # not the runs' one path: not taken for a move


@pytest.mark.slow
def test_ctrl_c_while_the_summary_is_measured_says_what_is_kept(ablation, synth_dir, monkeypatch):
    """Every run was finished: the command only measures the generated notes for the summary. A Ctrl-C then ended it
    with a bare KeyboardInterrupt (the console showed an empty line); it is the one ``stopped:`` message."""
    from mvae_core.ablation import rows
    from mvae_core.errors import RunInterrupted

    out, _, first = ablation
    assert first.exit_code == 0, first.output
    measure = rows.generated_numbers

    def interrupted(path, samples, kept):
        os.kill(os.getpid(), signal.SIGINT)  # the terminal's Ctrl-C, while the first run is measured
        return measure(path, samples, kept=kept)

    monkeypatch.setattr(rows, "generated_numbers", interrupted)
    overrides = [TINY[i + 1] for i in range(0, len(TINY), 2)]
    with pytest.raises(RunInterrupted, match=r"^interrupted; measuring the runs' generated notes") as caught:
        mvae_core.ablate(synth_dir, plugins="kl_anneal", seeds=2, epochs=2, jobs=2, samples=32, overrides=overrides,
                         out=out)  # fmt: skip
    assert caught.value.exit_code == 130 and "Run the same command again" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seeds": 0}, OptionError, "seeds must be at least 1, got 0"),
        ({"executor": "slurm"}, OptionError, "executor 'slurm': choose 'local' or 'ray'"),
        ({"address": "auto"}, OptionError, "address goes with executor 'ray'"),
        ({"cpus_per_run": 2}, OptionError, "cpus_per_run goes with executor 'ray'"),
        ({"plugins": "none"}, InputError, "plugins 'none' leaves nothing to switch on and off"),
        ({"mode": "leave-one-ot"}, InputError, "mode 'leave-one-ot' is not a mode; did you mean 'leave-one-out'?"),
        ({"overrides": ["train.lr"]}, OptionError, "overrides expects dotted.key=value, got 'train.lr'"),
        ({"overrides": ["train.epoch=3"]}, ConfigError, "did you mean train.epochs"),
        # as train takes them: one string is one assignment (it was read a letter at a time), a mapping is taken
        ({"overrides": "train.epoch=3"}, ConfigError, "did you mean train.epochs"),
        ({"overrides": {"train.epoch": 3}}, ConfigError, "did you mean train.epochs"),
        ({"overrides": {"train.lr": object()}}, OptionError, "overrides train.lr: <object object at"),
        # config as train takes it (a dict was a TypeError from pathlib), report a function (it failed after writing)
        ({"config": {"train": {"epoch": 3}}}, ConfigError, "did you mean train.epochs"),
        ({"config": 3}, OptionError, "config is a TOML file's path, a config tree (dict) or an MvaeConfig, got 3"),
        ({"report": True}, OptionError, "report takes a function of one line of text, such as print, got True"),
    ],
)
def test_the_python_api_refuses_bad_input_before_writing_anything(synth_dir, tmp_path, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)) as caught:
        mvae_core.ablate([str(synth_dir)], out=tmp_path / "abl", **kwargs)
    assert "--" not in str(caught.value)  # Python names the arguments; the command line renders its options
    assert not (tmp_path / "abl").exists()


@pytest.mark.slow
def test_an_unfinished_run_is_resumed_to_its_end(synth_dir, tmp_path):
    """The state a run interrupted after epoch 0 of 2 leaves: config says 2 epochs, checkpoint and metrics hold 1."""
    out = tmp_path / "abl"
    (tmp_path / "c.toml").write_text("[configs.bare]\nplugins = []\n")
    run = out / "runs" / "bare" / "seed-0"
    assert mvae("train", synth_dir, *TINY, "--plugins", "none", "--epochs", 1, "--out", run).exit_code == 0
    config = run / "config.toml"
    assert "epochs = 1\n" in config.read_text()
    config.write_text(config.read_text().replace("epochs = 1\n", "epochs = 2\n"))
    first_line = (run / "metrics.jsonl").read_text()
    result = mvae(
        "ablate", synth_dir, "--configs", tmp_path / "c.toml", "--seeds", 1, "--samples", 8, *TINY, "--out", out
    )
    assert result.exit_code == 0, result.output
    assert "1 to resume, 0 new" in result.output and "bare/seed-0 (resumed): done" in result.output
    lines = (run / "metrics.jsonl").read_text().splitlines(keepends=True)
    assert lines[0] == first_line and [json.loads(line)["epoch"] for line in lines] == [0, 1]
    assert [(r["status"], r["action"], r["epochs_run"]) for r in read_rows(out)] == [("ok", "resumed", "2")]


@pytest.mark.slow
def test_an_extended_ablation_keeps_the_warnings_of_the_latest_attempt(tiny_ablation, tmp_path):
    """kl_anneal warns at the start of each attempt how far its schedule gets; after --epochs 2 (the session's
    tiny_ablation) then 3, only the second warning describes the run (also when a later command skips it)."""
    import shutil

    finished, plan, first = tiny_ablation
    assert first.exit_code == 0, first.output
    out = shutil.copytree(finished, tmp_path / "abl")
    assert "ends with epoch 2 (" in {r["config"]: r for r in read_rows(out)}["all"]["warnings"]  # the first attempt
    seeds, epochs = plan.index("--seeds") + 1, plan.index("--epochs") + 1
    args = [*plan[:seeds], 1, *plan[seeds + 1 : epochs], 3, *plan[epochs + 1 :], *TINY]  # seed 0's two runs
    for _ in range(2):  # resumed, then skipped
        result = mvae(*args, "--out", out)
        assert result.exit_code == 0, result.output
        warnings = {r["config"]: r for r in read_rows(out)}["all"]["warnings"]  # the one run that warns
        assert "ends with epoch 3 (" in warnings and "ends with epoch 2 (" not in warnings, warnings
        assert "ends with epoch 2 (" not in (out / "summary.md").read_text()
    assert "2 finished (skipped)" in result.output


@pytest.mark.slow
def test_a_failing_run_is_reported_and_the_others_finish(synth_dir, tmp_path):
    configs = tmp_path / "c.toml"
    configs.write_text(
        '[configs.none]\nplugins = []\n\n[configs.overflow]\nplugins = []\nset = ["loss.coefficients.kl=1e300"]\n'
    )
    out = tmp_path / "abl"
    result = mvae(
        "ablate", synth_dir, "--configs", configs, "--seeds", 1, "--epochs", 1, "--jobs", 2, "--samples", 8, *TINY,
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    rows = {r["config"]: r for r in read_rows(out)}
    assert rows["none"]["status"] == "ok" and rows["none"]["epochs_run"] == "1"
    assert rows["overflow"]["status"] == "failed" and rows["overflow"]["exit_code"] == "1"
    assert "non-finite loss in epoch 1" in rows["overflow"]["error"]
    summary = (out / "summary.md").read_text()
    assert "| runs/overflow/seed-0 | new | 1 | non-finite loss in epoch 1" in summary  # under "### Failed"
    assert "| overflow | 0 / 1 |" in summary and "1 run failed, with: " in " ".join(result.output.split())  # not "each"


class P:
    """A plugin object: ablate takes registered names only."""

    @hookimpl
    def mvae_step_end(self):
        pass


@pytest.mark.parametrize("plugins", [["kl_anneal", P()], [("p", P())], P()])
def test_a_plugin_object_is_refused_naming_why_and_what_to_do(synth_dir, tmp_path, plugins):
    with pytest.raises(OptionError, match=r"^plugins takes registered plugin names, not .*P object.*: ablate trains "
                       r"each configuration in its own process.*package the plugin \(docs/plugins\.md"):  # fmt: skip
        mvae_core.ablate([synth_dir], plugins=plugins, out=tmp_path / "abl", seeds=1, epochs=1)
    assert not (tmp_path / "abl").exists()


def test_overrides_as_a_mapping_or_one_string_are_the_assignments_of_a_list():
    """The configuration files an ablation writes come from ``dotted.key=value`` assignments, whatever form the
    caller gave (train's: a mapping, numpy numbers too, a list or one string)."""
    import numpy as np

    from mvae_core.ablation.arguments import assignments

    given = {"train.lr": np.float64(3e-4), "data.transpositions": [-5, 5], "model.name": "seed", "train.epochs": 2}
    listed = ["train.lr=0.0003", "data.transpositions=[-5, 5]", 'model.name="seed"', "train.epochs=2"]
    assert assignments(given) == listed and assignments("train.lr=0.0003") == ["train.lr=0.0003"]
    assert build_config(None, assignments(given)) == build_config(None, [], given)


def test_an_ablation_result_says_what_it_is_in_a_notebook_cell(tmp_path):
    """Its repr was every field, every row of the summary: pages of dicts for the last line of a cell."""
    from mvae_core.ablation.plan import Configuration
    from mvae_core.ablation.session import AblationResult

    rows = [{"configuration": "all", "seed": s, "status": "ok"} for s in range(3)] + [{"status": "killed"}]
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    result = AblationResult(tmp_path / "abl", arms, rows, [tmp_path / "abl" / "summary.md"], [], None)
    assert repr(result) == f"AblationResult({str(tmp_path / 'abl')!r}, 2 configurations, 4 runs (1 failed), summary.md)"
    never = {"status": NOT_STARTED, "produced": NOT_STARTED, "error": "node n7 cannot see /shared"}
    result = AblationResult(tmp_path / "abl", arms, [*rows, never], [], [], None)
    assert repr(result).endswith("5 runs (1 failed, 1 not started), no summary)")
