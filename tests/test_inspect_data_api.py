"""``mvae data inspect`` as a call (``mvae_core.inspect_data``): the command's dry run of a config, its path check,
its reading and its summary lived in the command alone (helper-464 F4), so a notebook could not look at data before
training without the command line. The command prints what the call returns."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app


def test_the_call_gives_what_the_command_prints(synth_dir):
    mvae_core.inspect_data(synth_dir, overrides={"data.min_onsets": 2}, jobs=1)  # both read from the parse cache:
    inspected = mvae_core.inspect_data(synth_dir, overrides={"data.min_onsets": 2}, jobs=1)  # run alone, it failed
    assert isinstance(inspected, mvae_core.DataInspection)
    assert inspected.summary["sources_ok"] > 0 and inspected.summary["loops"] > 0
    assert inspected.as_json()["files"] == inspected.report.entries
    command = CliRunner().invoke(
        app, ["data", "inspect", str(synth_dir), "--set", "data.min_onsets=2", "--jobs", "1", "--json"]
    )
    assert command.exit_code == 0, command.output
    printed = json.loads(command.stdout)
    assert printed["files"] == json.loads(json.dumps(inspected.as_json()["files"]))
    same = {key for key in printed["summary"] if key != "seconds"}  # how long the reading took differs
    assert {key: printed["summary"][key] for key in same} == json.loads(
        json.dumps({key: inspected.summary[key] for key in same})
    )


def test_a_config_train_refuses_is_refused_before_any_data_is_read(synth_dir, tmp_path):
    with pytest.raises(mvae_core.ConfigError, match="unknown plugin 'kl_anneel'"):
        mvae_core.inspect_data(synth_dir, config={"plugins": {"enabled": ["kl_anneel"]}}, jobs=1)
    with pytest.raises(mvae_core.ConfigError, match=r"did you mean data\.min_onsets"):
        mvae_core.inspect_data(synth_dir, overrides=["data.min_onset=2"], jobs=1)


def test_a_runs_own_config_is_read_as_a_record_not_checked_again(synth_dir, tmp_path):
    record = tmp_path / "config.toml"
    record.write_text('[plugins]\nenabled = ["tracker"]\n\n[provenance]\nmvae = "0.1.0"\n')
    assert mvae_core.inspect_data([synth_dir], config=record, jobs=1).summary["sources_ok"] > 0
    plain = tmp_path / "plain.toml"
    plain.write_text('[plugins]\nenabled = ["tracker"]\n')
    with pytest.raises(mvae_core.ConfigError, match="unknown plugin 'tracker'"):
        mvae_core.inspect_data([synth_dir], config=plain, jobs=1)


def test_a_missing_path_and_a_bad_jobs_are_named_as_arguments(synth_dir, tmp_path):
    with pytest.raises(mvae_core.DataError, match=r"^data .*missing: no such file or folder"):
        mvae_core.inspect_data([synth_dir, tmp_path / "missing"], jobs=1)
    with pytest.raises(mvae_core.OptionError, match=r"^jobs must be a whole number"):
        mvae_core.inspect_data(synth_dir, jobs=1.5)


def test_ctrl_c_while_reading_is_a_run_interrupted(synth_dir, monkeypatch):
    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("mvae_core.inspection.load_dataset", stopped)
    with pytest.raises(mvae_core.RunInterrupted, match=r"^interrupted while reading data") as caught:
        mvae_core.inspect_data(synth_dir, jobs=1)
    assert caught.value.exit_code == 130
