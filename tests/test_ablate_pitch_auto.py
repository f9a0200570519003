"""``data.pitch_low = "auto"`` in an ablation: summary.md's settings line said only ``data.pitch_low = "auto"``,
not that each run trained with the rows its data chose (the number its config.toml holds); and ``--init-from`` with
"auto" was refused by the plan check as another pitch in each row, where ``mvae train --init-from`` keeps the
weights' rows."""

from __future__ import annotations

import tomli_w

from mvae_core.ablation.about import chosen_per_run, set_per_run, settings_line
from mvae_core.ablation.plan import Configuration
from mvae_core.config import build_config


def test_the_settings_line_says_each_run_trains_with_the_rows_its_data_chose(tmp_path):
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    (tmp_path / "configs").mkdir()
    for arm in arms:
        tree = {"data": {"pitch_low": "auto"}, "plugins": {"enabled": [*arm.plugins]}}
        (tmp_path / "configs" / f"{arm.name}.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    built = [build_config(None, ["data.pitch_low=auto"]) for _ in arms]

    line = settings_line(arms, built, tmp_path, set_per_run(2, None) | chosen_per_run(built))

    assert (
        '`data.pitch_low = "auto"` (each run trains with the rows its data chose, the number in its config.toml)'
        in line
    )


def test_numbered_rows_are_not_explained(tmp_path):
    assert chosen_per_run([build_config(None, ["data.pitch_low=55"]), build_config(None, [])]) == {}
    assert (
        chosen_per_run([build_config(None, ["data.pitch_low=auto"]), build_config(None, ["data.pitch_low=48"])]) == {}
    )


def test_init_from_with_auto_keeps_the_weights_rows_as_train_does(tiny_run, tmp_path):
    from mvae_core.ablation.out_folder import built_configs
    from mvae_core.starting_weights import read_starting_weights
    from tests.training import TINY

    starting = read_starting_weights(tiny_run)
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    built, files = built_configs(arms, None, [*TINY, "data.pitch_low=auto"], tmp_path / "abl", starting)
    assert [cfg.data.pitch_low for cfg in built] == ["auto", "auto"] and len(files) == 2
