"""A run's ``config.toml`` edited between a stop and ``--resume`` was taken in silence: ``train.lr`` written from
0.001 to 0.01 resumed without a word (and trained on at 0.001, the rate Adam's saved state holds, while config.toml
said 0.01), and ``model.hidden`` or ``latent_dim`` ended in a shape mismatch of tensors. The checkpoint now records
the settings the run trained with, and a resume compares: the epoch budget may change, settings of where and how the
run computes change with a warning naming them, any other edit is refused (exit 2) naming it with both values."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import torch
from typer.testing import CliRunner

import mvae_core
from mvae_core.checkpoint import SETTINGS, CheckpointError
from mvae_core.cli import app
from mvae_core.errors import ConfigError
from mvae_core.metrics_record import CLOCK_KEYS
from mvae_core.progress import mvaes_warning
from mvae_core.run import RunDir
from tests.training import TINY, trained_settings


@pytest.fixture(scope="module")
def one_epoch(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of 1 epoch without plugins, for each test to copy and edit."""
    out = tmp_path_factory.mktemp("edited") / "run"
    mvae_core.train([synth_dir], out, overrides=TINY, plugins=[], epochs=1, progress=False)
    return out


def _copy(run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(run, tmp_path / "run"))


def _edit(run: Path, **sections: dict[str, Any]) -> None:
    """``config.toml`` of ``run`` with the given settings of each section set, as an editor would leave it."""
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    for section, settings in sections.items():
        tree[section].update(settings)
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")


def test_an_edited_learning_rate_is_refused_naming_it_with_both_values(one_epoch, synth_dir, tmp_path):
    run = _copy(one_epoch, tmp_path)
    checkpoint = (run / "checkpoint.pt").read_bytes()
    _edit(run, train={"lr": 0.01})
    config = run / "config.toml"
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(refused.value) == (
        f"{config} was edited since the run's last checkpoint (train.lr 0.001 → 0.01); a resume continues the run "
        f"with the settings it trained with (only train.epochs, the data's place, where and how it computes and "
        "plugin settings marked so may change, and plugins may be taken out of plugins.enabled: docs/cli.md#resume): "
        "put back train.lr = "
        f"0.001 in {config}; to train with the new value, start a new run from it and the run's trained weights: "
        f"mvae_core.train(data=[{str(synth_dir)!r}], config={str(config)!r}, overrides={{'train.lr': 0.01}}, "
        f"init_from={str(run)!r}, out=NEW_RUN)"
    )
    assert (run / "checkpoint.pt").read_bytes() == checkpoint and len(RunDir(run).read_metrics()) == 1

    result = CliRunner().invoke(app, ["train", "--resume", str(run), "--epochs", "2"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said.count("error:") == 1, said
    assert "(train.lr 0.001 → 0.01)" in said and "Traceback" not in said
    command = said.split("start a new run from it and the run's trained weights: ")[1]
    assert command == f"mvae train {synth_dir} --config {config} --set train.lr=0.01 --init-from {run} --out NEW_RUN"

    _edit(run, train={"lr": 0.001})  # the fix it names: the old value back, and the new one in a new run
    assert mvae_core.train(out=run, resume=True, epochs=2, progress=False).epochs_run == 2
    new_run = tmp_path / "new"
    arguments = shlex.split(command.replace("NEW_RUN", str(new_run)))[1:]
    assert CliRunner().invoke(app, arguments).exit_code == 0
    assert tomllib.loads((new_run / "config.toml").read_text(encoding="utf-8"))["train"]["lr"] == 0.01


def test_every_setting_edited_is_named_a_model_setting_and_one_set_since_too(one_epoch, tmp_path):
    """``model.hidden`` ended in torch's shape mismatch; ``train.clip_grad_norm`` was not set when the run trained."""
    run = _copy(one_epoch, tmp_path)
    _edit(run, model={"hidden": 24}, train={"clip_grad_norm": 1.5})
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(out=run, resume=True, progress=False)
    message = str(refused.value)
    assert "(model.hidden 32 → 24, train.clip_grad_norm not set → 1.5)" in message
    assert f"put back model.hidden = 32 and remove train.clip_grad_norm in {run / 'config.toml'}" in message
    assert "overrides={'model.hidden': 24, 'train.clip_grad_norm': 1.5}" in message


def test_a_setting_no_longer_set_is_started_from_a_copy_without_it(one_epoch, tmp_path):
    run = _copy(one_epoch, tmp_path)
    payload = torch.load(run / "checkpoint.pt", weights_only=True)  # as a run trained with it
    payload[SETTINGS]["train"]["clip_grad_norm"] = 2.0
    torch.save(payload, run / "checkpoint.pt")  # config.toml leaves out a setting that is not set
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(out=run, resume=True, progress=False)
    message = str(refused.value)
    assert "(train.clip_grad_norm 2.0 → not set)" in message and "put back train.clip_grad_norm = 2.0 in" in message
    assert message.endswith(
        "start a new run from a copy of it without train.clip_grad_norm (NEW_CONFIG.toml) and the run's trained "
        f"weights: mvae_core.train(data={RunDir(run).read_data()!r}, config='NEW_CONFIG.toml', overrides={{}}, "
        f"init_from={str(run)!r}, out=NEW_RUN)"
    )


def test_an_edited_plugin_setting_is_refused(tiny_run, tmp_path):
    run = _copy(tiny_run, tmp_path)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    schedule = tree["plugins"]["kl_anneal"]["schedule"]
    was, schedule["epochs"] = schedule["epochs"], schedule["epochs"] / 2
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    with pytest.raises(ConfigError, match="was edited since") as refused:
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
    assert f"(plugins.kl_anneal.schedule.epochs {was} → {was / 2})" in str(refused.value)


def test_a_setting_the_file_lacks_at_its_default_resumes(tiny_run, tmp_path, capsys):
    """As a run's file looks after a new version of a plugin added a setting: the checkpoints written since record the
    setting at its default, the file (not rewritten by a resume without --epochs) lacks it. Not an edit."""
    run = _copy(tiny_run, tmp_path)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    assert tree["plugins"]["kl_anneal"].pop("per_step") is False  # its default
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    epochs = len(RunDir(run).read_metrics())
    resumed = mvae_core.train(out=run, resume=True, epochs=epochs + 1, progress=False)
    assert resumed.outcome == "trained" and "edited" not in capsys.readouterr().err


def test_a_plugin_setting_marked_as_one_that_may_change_resumes_with_a_warning(tiny_run, tmp_path, capsys):
    """ts_variance_monitor's settings only decide when it warns (MAY_CHANGE_ON_RESUME); kl_anneal's are refused."""
    run = _copy(tiny_run, tmp_path)
    _edit(run, plugins={"ts_variance_monitor": {"threshold": 0.2, "repeat_every": 3}})
    epochs = len(RunDir(run).read_metrics())
    resumed = mvae_core.train(out=run, resume=True, epochs=epochs + 1, progress=True)
    assert resumed.outcome == "trained"
    said = capsys.readouterr()
    assert (
        "(plugins.ts_variance_monitor.threshold 0.1 → 0.2, plugins.ts_variance_monitor.repeat_every 10 → 3): settings "
        "of where and how the run computes or watches"
    ) in " ".join((said.out + said.err).split())


def test_plugins_reordered_are_refused_naming_the_list_alone(tiny_run, tmp_path):
    """Only plugins taken out of the list may change on resume (tests/test_resume_without_plugin.py); taken out and
    the rest reordered is refused, and the [plugins.kl_anneal] settings, no longer run, are not listed one by one."""
    run = _copy(tiny_run, tmp_path)
    tree = tomllib.loads((run / "config.toml").read_text(encoding="utf-8"))
    was = list(tree["plugins"]["enabled"])
    assert was[0] == "kl_anneal"
    tree["plugins"]["enabled"] = was[:0:-1]  # kl_anneal taken out, the others in reverse
    del tree["plugins"]["kl_anneal"]
    (run / "config.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        mvae_core.train(out=run, resume=True, epochs=4, progress=False)
    message = str(refused.value)
    assert f"(plugins.enabled {json.dumps(was)} → {json.dumps(was[:0:-1])});" in message
    assert f"put back plugins.enabled = {json.dumps(was)} in" in message and "schedule" not in message


def test_an_edited_epoch_budget_resumes_to_it_without_a_word(one_epoch, tmp_path, capsys):
    run = _copy(one_epoch, tmp_path)
    _edit(run, train={"epochs": 2})
    result = mvae_core.train(out=run, resume=True, progress=True)
    assert (result.outcome, result.epochs_run) == ("trained", 2)
    said = capsys.readouterr()
    assert "was edited since" not in said.out + said.err and "does not record" not in said.out


def test_settings_of_where_the_run_computes_resume_with_a_warning_naming_them(one_epoch, tmp_path, capsys):
    run = _copy(one_epoch, tmp_path)
    _edit(run, train={"device": "cpu", "keep_freed_memory": False})
    result = mvae_core.train(out=run, resume=True, epochs=2, progress=True)
    assert result.epochs_run == 2
    said = capsys.readouterr()
    assert (
        f'warning: {run / "config.toml"} was edited since the run\'s last checkpoint (train.device "auto" → "cpu", '
        "train.keep_freed_memory true → false): settings of where and how the run computes or watches, not what, "
        "so it continues with them"
    ) in " ".join((said.out + said.err).split())
    recorded = trained_settings(run)  # the next resume compares with these
    assert recorded is not None and (recorded["train"]["device"], recorded["train"]["keep_freed_memory"]) == (
        "cpu",
        False,
    )


def _without_the_record(run: Path) -> None:
    """``checkpoint.pt`` of ``run`` as an mvae that did not record the settings wrote it."""
    payload = torch.load(run / "checkpoint.pt", weights_only=True)
    del payload[SETTINGS]
    torch.save(payload, run / "checkpoint.pt")


def test_a_checkpoint_without_the_record_resumes_with_a_note_and_its_next_one_has_it(one_epoch, tmp_path, capsys):
    run = _copy(one_epoch, tmp_path)
    _without_the_record(run)
    assert trained_settings(run) is None
    assert mvae_core.train(out=run, resume=True, epochs=2, progress=True).epochs_run == 2
    assert (
        f"{run / 'checkpoint.pt'} does not record the settings the run trained with (an older mvae wrote it), so this "
        f"resume cannot tell whether {run / 'config.toml'} was edited since; it trains with the file as it is (its "
        "next checkpoint records them)"
    ) in " ".join(capsys.readouterr().out.split())
    assert trained_settings(run) == RunDir(run).read_config().model_dump(mode="json")


def test_a_checkpoint_without_the_record_and_an_edited_layout_is_refused_by_its_tensors(one_epoch, tmp_path):
    """What a resume can tell without the record: the weights do not fit the model config.toml describes."""
    run = _copy(one_epoch, tmp_path)
    _without_the_record(run)
    _edit(run, model={"hidden": 24})
    with pytest.raises(CheckpointError) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(refused.value).startswith(
        f"{run / 'checkpoint.pt'}: its weights do not fit the model that the run's config.toml describes"
    )


def _metrics(run: Path) -> list[dict[str, Any]]:
    """The lines of ``run``'s metrics.jsonl but their clocks and the text of mvae's own warnings (which name the
    run's folder)."""
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [
        {k: [{**e, "message": "…"} if mvaes_warning(e) else e for e in v] if k == "events" else v
         for k, v in record.items() if k not in CLOCK_KEYS}
        for record in records
    ]  # fmt: skip


def test_a_resume_still_continues_bit_identically_and_records_what_it_trains_with(one_epoch, synth_dir, tmp_path):
    whole = tmp_path / "whole"
    mvae_core.train([synth_dir], whole, overrides=TINY, plugins=[], epochs=2, progress=False)
    resumed = _copy(one_epoch, tmp_path)
    mvae_core.train(out=resumed, resume=True, epochs=2, progress=False)
    a, b = (torch.load(run / "checkpoint.pt", weights_only=True) for run in (whole, resumed))
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    for key, state in a["optimizer"]["state"].items():
        assert all(torch.equal(value, b["optimizer"]["state"][key][name]) for name, value in state.items()), key
    assert _metrics(whole) == _metrics(resumed)
    assert a[SETTINGS] == b[SETTINGS] == RunDir(resumed).read_config().model_dump(mode="json")
    assert b[SETTINGS]["train"]["epochs"] == 2  # the new budget, recorded


def test_a_record_nested_thousands_deep_is_refused_naming_the_file(one_epoch, tmp_path):
    """A crafted checkpoint: the resume's comparison ended in a RecursionError."""
    run = _copy(one_epoch, tmp_path)
    payload = torch.load(run / "checkpoint.pt", weights_only=True)
    payload[SETTINGS] = node = {}
    for _ in range(3000):
        node["a"] = node = {}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # for pickle to write it
    try:
        torch.save(payload, run / "checkpoint.pt")
    finally:
        sys.setrecursionlimit(limit)
    with pytest.raises(CheckpointError) as refused:
        mvae_core.train(out=run, resume=True, epochs=2, progress=False)
    assert str(refused.value).startswith(f"{run / 'checkpoint.pt'}: its config is a dict, not the settings the run")
