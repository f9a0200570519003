"""Runs in an ablation's folder that this command's plan leaves out. A re-run with fewer seeds (an older command
from the shell's history, say) rewrote the summary without them; it keeps them, and says so, naming them and how to
summarise them again. The note's --seeds hint counts only the seeds of this plan's configurations: following it must
summarise the runs, not train new ones for seeds no configuration of the plan has."""

from __future__ import annotations

import csv
import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.ablation.out_folder import outside_plan
from mvae_core.ablation.plan import Configuration
from mvae_core.cli import app
from tests.training import TINY


def _seeds(args: list, seeds: int) -> list[str]:
    """``args`` with ``--seeds`` set to ``seeds``, as strings."""
    at = args.index("--seeds") + 1
    return [str(a) for a in [*args[:at], seeds, *args[at + 1 :]]]


@pytest.mark.slow
def test_runs_outside_the_plan_are_named_on_the_console_and_in_the_summary(tiny_ablation, tmp_path, wide_console):
    finished, two_seeds, first = tiny_ablation  # a finished ablation of 2 seeds (trained once for the session)
    assert first.exit_code == 0, first.output
    out = shutil.copytree(finished, tmp_path / "abl")
    args = [*_seeds(two_seeds, 2), *[a for s in TINY for a in ("--set", s)], "--out", str(out)]
    invoke = CliRunner().invoke
    result = invoke(app, _seeds(args, 1), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    note = (
        f"not summarised: 2 runs in {out} outside this plan (runs/all/seed-1, runs/none/seed-1); they are kept, "
        "give --seeds 2 to summarise them with the others"
    )
    # before: the 2-seed summary became a 1-seed one without a word about the runs it left out
    assert note in (out / "summary.md").read_text(encoding="utf-8")
    # on the console before the training (the plan) and again under the table, where a long ablation ends
    assert result.output.count(note) == 2 and result.output.rindex(note) > result.output.index("ablation: mean ± std")
    with open(out / "summary.csv", encoding="utf-8") as handle:
        assert [(r["config"], r["seed"]) for r in csv.DictReader(handle)] == [("all", "0"), ("none", "0")]
    assert (out / "runs" / "all" / "seed-1" / "model.safetensors").is_file()
    again = invoke(app, args, catch_exceptions=False)
    assert again.exit_code == 0 and "not summarised" not in again.output


def _run(out, name, seed):
    (out / "runs" / name / f"seed-{seed}").mkdir(parents=True)
    (out / "runs" / name / f"seed-{seed}" / "config.toml").write_text("", encoding="utf-8")


def test_the_seeds_hint_covers_this_plans_runs_not_another_plans(tmp_path):
    for name, seed in [("all", 0), ("all", 1), ("all", 2), ("other", 7)]:
        _run(tmp_path, name, seed)
    note = outside_plan([Configuration("all", ("all",))], 2, tmp_path)
    # before: '--seeds 8' (other/seed-7's seed), which would have trained all/seed-3 .. all/seed-7
    assert note.endswith("give seeds=3 and the plan that has other to summarise them with the others"), note
    assert note.command_line.endswith("give --seeds 3 and the plan that has other to summarise them with the others")
    assert "runs/all/seed-2" in note and "runs/other/seed-7" in note


def test_only_another_plans_runs_give_no_seeds_hint(tmp_path):
    _run(tmp_path, "all", 0)
    _run(tmp_path, "other", 4)
    note = outside_plan([Configuration("all", ("all",))], 1, tmp_path)
    assert note.endswith("give the plan that has other to summarise them with the others"), note
    assert note.command_line == note
