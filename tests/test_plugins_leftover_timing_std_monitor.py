"""``plugins.early_stopping.monitor = "timing_std.<x>"`` is checked before any data is read, as ``val.<term>`` is:
``timing_std``'s entries are validation's, the same in every run (``run_plugins.FIXED_TABLES``). Before, a typo
(``timing_std.recon_``) passed the config and stopped the run after its first epoch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mvae_core.config import ConfigError, build_config
from mvae_core.run_files import METRICS
from mvae_core.run_plugins import FIXED_TABLES, checked_config


def monitoring(entry: str) -> object:
    return build_config(None, ["plugins.enabled=['early_stopping']", f"plugins.early_stopping.monitor={entry}"])


def test_a_misspelt_timing_std_entry_is_refused_before_the_data_is_read() -> None:
    with pytest.raises(ConfigError) as refused:
        checked_config(monitoring("timing_std.recon_"))
    assert str(refused.value) == (
        "plugins.early_stopping.monitor = 'timing_std.recon_': timing_std has no entry 'recon_'; did you mean "
        "'recon'? Its entries: data, recon"
    )
    with pytest.raises(ConfigError, match=r"timing_std has no entry 'data.x'; did you mean 'data'\?"):
        checked_config(monitoring("timing_std.data.x"))  # a number, not a table


@pytest.mark.parametrize("entry", ["timing_std.data", "timing_std.recon"])
def test_every_timing_std_entry_is_accepted(entry: str) -> None:
    resolved, _ = checked_config(monitoring(entry))
    assert resolved.plugins.sections()["early_stopping"]["monitor"] == entry


def test_the_fixed_entries_are_those_a_run_records(tiny_run: Path) -> None:
    """What the check accepts is what validation writes in every epoch's record, so none is refused wrongly."""
    records = [json.loads(line) for line in (tiny_run / METRICS).read_text(encoding="utf-8").splitlines()]
    for table, entries in FIXED_TABLES.items():
        assert all(tuple(record[table]) == entries for record in records), table
