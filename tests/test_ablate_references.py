"""Paired differences against configurations other than ``all`` and ``none``. An ablation of both models (docs/
ablation.md: ``seed-all`` and ``seed-none`` beside ``all`` and ``none``) had the seed model's fixes compared only
with melody_rnn's runs (``other model``), never with each other; summary.md's pairs were fixed to ``all`` and
``none``. A ``--configs`` file now names its ``references``."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import REFERENCES, Configuration, PlanError, read_plan
from mvae_core.ablation.summary_md import markdown
from mvae_core.cli import app
from tests.training import TINY

BOTH_MODELS = """
references = ["all", "seed-all"]
[configs.all]
plugins = ["all"]
[configs.none]
plugins = []
[configs.seed-all]
plugins = ["all"]
set = ['model.name = "seed"']
[configs.seed-none]
plugins = []
set = ['model.name = "seed"']
"""


def test_a_configs_file_names_its_references(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(BOTH_MODELS, encoding="utf-8")
    arms, references = read_plan(path)
    assert [a.name for a in arms] == ["all", "none", "seed-all", "seed-none"] and references == ("all", "seed-all")
    path.write_text(BOTH_MODELS.replace('references = ["all", "seed-all"]', ""), encoding="utf-8")
    assert read_plan(path)[1] == REFERENCES == ("all", "none")


@pytest.mark.parametrize(
    ("references", "message"),
    [
        ('["seed-al"]', "references names 'seed-al', which is no configuration of the file; did you mean 'seed-all'?"),
        ('["all", "all"]', "references names a configuration twice: all, all"),
        ('"all"', "references"),
    ],
)
def test_a_reference_that_is_no_configuration_is_a_plan_error(tmp_path, references, message):
    path = tmp_path / "c.toml"
    path.write_text(BOTH_MODELS.replace('["all", "seed-all"]', references), encoding="utf-8")
    with pytest.raises(PlanError, match="references") as raised:
        read_plan(path)
    assert message in str(raised.value)


def _row(config: str, seed: int, value: float) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": "ok", "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": config.split("-")[0]} | dict.fromkeys(
        METRICS) | {"best_val_elbo": value}  # fmt: skip


def test_the_summary_pairs_against_each_reference():
    arms = [Configuration("all", ("a",)), Configuration("seed-all", ("a",)), Configuration("seed-none", ())]
    rows = [_row(c, s, v) for c, s, v in [("all", 0, 9.0), ("all", 1, 9.5), ("seed-all", 0, 20.0),
                                           ("seed-all", 1, 22.0), ("seed-none", 0, 21.0), ("seed-none", 1, 23.5)]]  # fmt: skip
    text = markdown(rows, arms, ["about"], ("seed-all",))
    assert "## Paired differences against `all`" not in text and "against `none`" not in text
    section = text[text.index("## Paired differences against `seed-all`") :]
    line = next(line for line in section.splitlines() if line.startswith("| seed-none |"))
    assert line.startswith("| seed-none | 2 | n/a | +1.25 ± 0.35 [-1.926, +4.426] |"), line  # one model: a number
    assert "| all | 2 | n/a | other model |" in section


@pytest.mark.slow
def test_the_command_summarises_against_the_files_references(tiny_ablation, tmp_path, wide_console):
    finished, args, first = tiny_ablation  # leave-one-out of kl_anneal: all = [kl_anneal], none = []
    assert first.exit_code == 0, first.output
    out = shutil.copytree(finished, tmp_path / "abl")
    configs = tmp_path / "c.toml"
    configs.write_text(
        'references = ["none"]\n[configs.all]\nplugins = ["kl_anneal"]\n[configs.none]\nplugins = []\n',
        encoding="utf-8",
    )
    at = args.index("--plugins")
    again = [*args[:at], *args[at + 2 :], "--configs", configs, *[a for s in TINY for a in ("--set", s)], "--out", out]
    result = CliRunner().invoke(app, [str(a) for a in again], catch_exceptions=False)
    assert result.exit_code == 0 and "4 finished (skipped)" in result.output, result.output
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Paired differences against `none`" in summary and "against `all`" not in summary


def test_a_reference_without_others_to_pair_is_not_said_to_be_absent():
    """summary.md said 'No configuration is named `all`.' of an ablation whose only configuration is ``all``."""
    arms = [Configuration("all", ("a",)), Configuration("fix", ("a",))]
    rows = [_row("all", 0, 1.0)]
    alone = markdown(rows, arms[:1], ["about"], ("all",))
    assert "`all` is the only configuration: there is nothing to pair with it." in alone
    assert "No configuration is named `all`" not in alone
    absent = markdown(rows, arms, ["about"], ("none",))
    assert "No configuration is named `none`: name one so, or list the configurations to pair against as a " in absent


def test_empty_references_are_refused_naming_the_configurations(tmp_path) -> None:
    """``references = []`` was accepted and summary.md then had no paired differences at all, without a word."""
    path = tmp_path / "configs.toml"
    path.write_text('references = []\n[configs.base]\nplugins = []\n[configs.fix]\nplugins = ["kl_anneal"]\n')
    with pytest.raises(PlanError, match=r"references = \[\] names no configuration.*\(of base, fix\)"):
        read_plan(path)
