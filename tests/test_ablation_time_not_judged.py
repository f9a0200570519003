"""Wall-clock and CPU seconds grow with the machine's load (the ablation's other runs share its cores), yet their
paired differences were bold in summary.md, counted among the intervals that exclude 0 and named on the console
among the findings, where a reader skimming them would take a load artefact for an effect. They are still shown,
with why they are not judged, but never bold nor counted, and summary.json's ``excludes_zero`` is null for them."""

from __future__ import annotations

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.console_summary import told_apart
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

ARMS = [Configuration("all", ("a",)), Configuration("no-a", ())]


def _row(config: str, seed: int, **values: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m"} | dict.fromkeys(METRICS) | values  # fmt: skip


# no-a − all: +1.0, +1.1 in seconds, CPU seconds and epochs (each an interval that excludes 0)
ROWS = [
    _row(c, s, seconds=base + s * (2 + shift), cpu_seconds=base + s * (2 + shift), epochs_run=base + s * (2 + shift))
    for c, base, shift in (("all", 10.0, 0.0), ("no-a", 11.0, 0.1))
    for s in range(2)
]


def _paired_line(text: str, config: str) -> dict[str, str]:
    section = text[text.index("## Paired differences against `all`") :]
    line = next(line for line in section.splitlines() if line.startswith(f"| {config} |"))
    return dict(zip(["pairs", *METRICS], line.strip("| ").split(" | ")[1:], strict=True))


def test_summary_md_shows_time_differences_unbolded_and_says_why_they_are_not_counted():
    text = markdown(ROWS, ARMS, ["about"])
    cells = _paired_line(text, "no-a")
    assert cells["epochs_run"] == "**+1.05 ± 0.071 [+0.4147, +1.685]**"  # judged: bold
    assert cells["seconds"] == cells["cpu_seconds"] == "+1.05 ± 0.071 [+0.4147, +1.685]"  # shown, not bold
    assert "1 of the 1 interval here is bold" in text  # epochs alone is counted
    assert "The seconds and CPU seconds columns are shown but not judged (never bold, not counted): they grow " in text


def test_the_console_does_not_list_time_differences_among_the_findings():
    lines = told_apart(ROWS, ARMS, ("all",))
    assert lines[0].startswith("against all, paired: 1 of 1 interval excludes 0 (")
    assert lines[1:] == ["  no-a: epochs +1.05 [+0.415, +1.69]"]


def test_summary_json_does_not_judge_time_differences_and_names_them():
    numbers = statistics(ROWS, ARMS, ("all",))
    (no_a,) = numbers["paired"]["all"]
    assert no_a["metrics"]["epochs_run"]["excludes_zero"] is True
    assert no_a["metrics"]["seconds"]["excludes_zero"] is None
    assert no_a["metrics"]["cpu_seconds"]["excludes_zero"] is None
    assert no_a["metrics"]["seconds"]["low"] > 0  # the interval itself is still there
    assert numbers["not_judged"]["metrics"] == ["seconds", "cpu_seconds"]
    assert "load" in numbers["not_judged"]["why"]
