"""early_stopping cannot watch the numbers other plugins record: they join the epoch's record after its
mvae_epoch_end. A monitor there is a config error at start-up, not a failure after the first epoch."""

from __future__ import annotations

import pytest

from mvae_core.config import ConfigError, PluginsConfig
from mvae_core.host import PluginHost


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
