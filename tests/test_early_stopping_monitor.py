"""``plugins.early_stopping.monitor`` is checked before training, against the numbers its epoch record can hold.

A name that is not in the epoch's record (``val_elb``) is a config error with the closest name. Before, the run
trained a whole epoch, then failed without a "did you mean". The names it is checked against
(metrics_record.RECORD_NUMBERS, RECORD_TABLES) are those of a real record.

early_stopping cannot watch the numbers other plugins record: they join the epoch's record after its
mvae_epoch_end. A monitor there is a config error at start-up, not a failure after the first epoch."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.host import PluginHost
from mvae_core.metrics_record import RECORD_NUMBERS, RECORD_TABLES
from mvae_plugins.early_stopping import _numeric_paths
from tests.training import SEED, make_trainer, tiny_config


def test_a_misspelt_monitor_is_refused_before_any_data_is_read(tmp_path: Path) -> None:
    empty = tmp_path  # no MIDI file here: the monitor is refused before any data is read, no epoch trained
    args = ["train", str(empty), "--set", "plugins.early_stopping.monitor=val_elb", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: plugins.early_stopping.monitor = 'val_elb': not a number of the epoch's record; did you mean "
        "'val_elbo'? (watch one of epoch, lr, val_elbo,"
    ), result.stderr


@pytest.mark.parametrize(("monitor", "said"), [("val", "val is a table: name a number in it"),
                                               ("lr.x", "lr is a number, not a table"),
                                               ("onset_f", "did you mean 'onset_f1'?")])  # fmt: skip
def test_other_monitors_that_cannot_be_in_the_record(tmp_path: Path, monitor: str, said: str) -> None:
    args = ["train", str(tmp_path), "--set", f"plugins.early_stopping.monitor={monitor}", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and said in result.stderr, result.stderr


def test_the_checked_names_are_those_of_a_real_epoch_record(synth_dir: Path) -> None:
    for overrides in ((), (SEED,)):
        records = []
        make_trainer(synth_dir, tiny_config(*overrides, epochs=1)).fit(on_epoch_end=records.append)
        tops = {path.split(".")[0] for path in _numeric_paths(records[0])}
        assert tops <= {*RECORD_NUMBERS, *RECORD_TABLES}, tops  # else a valid monitor would be refused
        assert set(RECORD_NUMBERS) <= tops


def test_a_monitor_among_the_plugins_recorded_numbers_is_refused_at_start_up():
    # before, the run trained its first epoch and then failed (exit 1): "monitor 'plugins.free_bits.dims_below_floor'
    # is not a numeric metric; available: epoch, lr, …", which did not say why a recorded number is not there
    section = {"monitor": "plugins.free_bits.dims_below_floor"}
    with pytest.raises(ConfigError) as error:
        PluginHost.from_config(PluginsConfig(enabled=["early_stopping"], early_stopping=section))
    assert str(error.value).startswith(
        "plugins.early_stopping.monitor = 'plugins.free_bits.dims_below_floor': the numbers plugins record join the "
        "epoch's record after every plugin's mvae_epoch_end, so early stopping cannot watch them;"
    )
    host = PluginHost.from_config(PluginsConfig(enabled=["early_stopping"], early_stopping={"monitor": "val.kl"}))
    assert host.configs["early_stopping"].monitor == "val.kl"
