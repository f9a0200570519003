"""The 'not summarised' note's --seeds hint counts only the seeds of this plan's configurations: following it must
summarise the runs, not train new ones for seeds no configuration of the plan has."""

from __future__ import annotations

from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.session import _outside_plan


def _run(out, name, seed):
    (out / "runs" / name / f"seed-{seed}").mkdir(parents=True)
    (out / "runs" / name / f"seed-{seed}" / "config.toml").write_text("", encoding="utf-8")


def test_the_seeds_hint_covers_this_plans_runs_not_another_plans(tmp_path):
    for name, seed in [("all", 0), ("all", 1), ("all", 2), ("other", 7)]:
        _run(tmp_path, name, seed)
    note = _outside_plan([Configuration("all", ("all",))], 2, tmp_path)
    # before: '--seeds 8' (other/seed-7's seed), which would have trained all/seed-3 .. all/seed-7
    assert note.endswith("give --seeds 3 and the plan that has other to summarise them with the others"), note
    assert "runs/all/seed-2" in note and "runs/other/seed-7" in note


def test_only_another_plans_runs_give_no_seeds_hint(tmp_path):
    _run(tmp_path, "all", 0)
    _run(tmp_path, "other", 4)
    note = _outside_plan([Configuration("all", ("all",))], 1, tmp_path)
    assert note.endswith("give the plan that has other to summarise them with the others"), note
