"""The numbers plugins report (summary.csv's ``val.<term>`` and ``plugins.<plugin>.<key>`` columns) get paired
differences against the references, as the built-in metrics do: in summary.md (a table per reference, under its
table of the metrics), in summary.json (``paired[...][].plugin_numbers``) and on the console. Before, they had only
per-configuration statistics, so a free-bits plugin's KL per dimension could not be compared run by run with the
same seed; a pair where one run does not report the number says why instead of giving a number."""

from __future__ import annotations

import pytest

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("all", ("fb",)), Configuration("none", ()), Configuration("no-kl", ("fb",))]
KL = "plugins.fb.kl_per_dim"
TERM = "val.fb"


def _row(config: str, seed: int, numbers: dict[str, float | None], loops: str = "v") -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m", "plugin_numbers": numbers,
            "validation_loops": loops} | dict.fromkeys(METRICS)  # fmt: skip


ROWS = [
    _row("all", 0, {KL: 0.50, TERM: 1.0}),
    _row("all", 1, {KL: 0.70, TERM: 2.0}),
    _row("none", 0, {}),
    _row("none", 1, {}),
    _row("no-kl", 0, {KL: 0.60, TERM: None}),  # − all: +0.10, +0.11: an interval that excludes 0
    _row("no-kl", 1, {KL: 0.81, TERM: 2.5}),
]


def _section(text: str, title: str) -> str:
    start = text.index(title)
    return text[start : text.index("\n## ", start + 1)] if "\n## " in text[start + 1 :] else text[start:]


def _cells(section: str, config: str, header: list[str]) -> dict[str, str]:
    line = next(line for line in section.splitlines() if line.startswith(f"| {config} |"))
    return dict(zip(header, line.strip("| ").split(" | ")[1:], strict=True))


def test_summary_md_pairs_each_plugin_number_against_the_reference_with_a_word_where_a_run_lacks_it():
    text = markdown(ROWS, ARMS, ["about"])
    section = _section(text, "### Plugins' numbers against `all`")
    assert "| configuration | pairs | `plugins.fb.kl_per_dim` | `val.fb` |" in section
    header = ["pairs", KL, TERM]
    no_kl = _cells(section, "no-kl", header)
    assert no_kl == {"pairs": "2", KL: "**+0.105 ± 0.0071 [+0.04147, +0.1685]**", TERM: "+0.5; 1 n/a"}
    assert _cells(section, "none", header) == {"pairs": "2", KL: "not reported by none", TERM: "not reported by none"}
    assert "1 of the 1 interval here is bold" in section
    assert "Configuration − `all` of each number a plugin reports" in section


def test_a_reference_that_reports_no_plugin_number_says_so_instead_of_a_table():
    section = _section(markdown(ROWS, ARMS, ["about"]), "### Plugins' numbers against `none`")
    assert "`none`'s runs report no plugin number, so none is paired against it" in section
    assert "| configuration |" not in section


def test_summary_json_has_the_same_differences_and_words_unrounded():
    numbers = statistics(ROWS, ARMS, ("all", "none"))
    by_config = {d["config"]: d["plugin_numbers"] for d in numbers["paired"]["all"]}
    kl = by_config["no-kl"][KL]
    assert (kl["n"], kl["mean"], kl["excludes_zero"]) == (2, pytest.approx(0.105), True)
    assert kl["low"] == pytest.approx(0.105 - 12.706 * 0.005)  # std 0.01 / √2, over √2 pairs
    assert by_config["no-kl"][TERM] | {"mean": None} == {
        "n": 1, "mean": None, "std": None, "low": None, "high": None, "missing": {"n/a": 1}, "excludes_zero": None}  # fmt: skip
    assert by_config["none"][KL]["n"] == 0 and by_config["none"][KL]["missing"] == {"not reported by none": 2}
    against_none = {d["config"]: d["plugin_numbers"] for d in numbers["paired"]["none"]}
    assert against_none["all"][KL]["missing"] == {"not reported by none": 2}


def test_per_configuration_json_counts_a_number_recorded_as_null_as_summary_md_does():
    numbers = statistics(ROWS, ARMS, ("all",))
    term = next(c for c in numbers["configurations"] if c["config"] == "no-kl")["plugin_numbers"][TERM]
    assert (term["n"], term["missing"]) == (1, {"n/a": 1})
    assert "| no-kl | 2 / 2 | 0.705 ± 0.15 [-0.6291, 2.039] | 2.5; 1 n/a |" in markdown(ROWS, ARMS, ["about"])


def test_runs_that_validated_on_other_loops_are_not_paired_on_a_plugins_number():
    rows = [*ROWS[:4], _row("no-kl", 0, {KL: 0.6, TERM: 1.0}, loops="w"), ROWS[5]]
    numbers = statistics(rows, ARMS, ("all",))
    kl = next(d for d in numbers["paired"]["all"] if d["config"] == "no-kl")["plugin_numbers"][KL]
    assert (kl["n"], kl["missing"]) == (1, {"other validation loops": 1})
    assert "`other validation loops`" in _section(markdown(rows, ARMS, ["about"]), "### Plugins' numbers against")


def test_the_console_names_a_plugin_number_the_seeds_tell_apart():
    lines = told_apart(ROWS, ARMS, ("all", "none"))
    assert "  no-kl: plugins.fb.kl_per_dim +0.105 [+0.0415, +0.169]" in lines
    assert lines[0].startswith("against all, paired: 1 of 1 interval excludes 0")


def test_an_ok_run_that_does_not_report_a_number_its_configurations_other_runs_report_is_counted():
    rows = [_row("all", 0, {KL: 0.5}), _row("all", 1, {}), _row("none", 0, {}), _row("none", 1, {})]
    arms = ARMS[:2]
    assert "| all | 2 / 2 | 0.5; 1 not reported |" in markdown(rows, arms, ["about"])
    kl = statistics(rows, arms, ("all",))["configurations"][0]["plugin_numbers"][KL]
    assert (kl["n"], kl["missing"]) == (1, {"not reported": 1})


def test_the_python_result_gives_the_same_paired_plugin_numbers(tmp_path):
    from mvae_core.ablation.session import AblationResult

    result = AblationResult(tmp_path, ARMS, ROWS, [], [], None)
    (none, no_kl) = result.paired_plugin_numbers("all")
    assert (no_kl["config"], no_kl["pairs"], no_kl["numbers"][KL].mean) == ("no-kl", 2, pytest.approx(0.105))
    assert none["missing"][KL] == {"not reported by none": 2}
