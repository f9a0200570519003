"""schedules.md names the built-in plugins whose schedule a run's ``config.toml`` records in full: every built-in
with a schedule table in a real run's config (it named kl_anneal and ts_ramp after lr_step_decay had joined them)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "schedules.md"


def test_the_plugins_whose_schedule_config_toml_records_are_named(tiny_run):
    config = tomllib.loads((tiny_run / "config.toml").read_text(encoding="utf-8"))
    recorded = {name for name, table in config["plugins"].items() if isinstance(table, dict) and "schedule" in table}
    assert recorded, "the tiny run records no plugin schedule"
    text = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "records the full table, defaults included (for the built-in plugins " in text
    listed = text.split("(for the built-in plugins ", 1)[1].split(")", 1)[0].split(", and for", 1)[0]
    named = set(re.findall(r"`(\w+)`", listed))
    assert recorded <= named, f"schedules.md names {sorted(named)}; config.toml records {sorted(recorded)}"
    for name, table in config["plugins"].items():
        if name in recorded:
            assert "name" in table["schedule"] and len(table["schedule"]) > 1, (name, table["schedule"])
