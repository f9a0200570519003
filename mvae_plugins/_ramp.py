"""The old, private name of :mod:`mvae_plugins.scheduled`, whose names it gives: kept only for the tests that still
import it (tests/test_apikw_plugin_settings.py, test_plugins_ramp_warning.py, test_typing_schedule_setting.py);
delete it once they import :mod:`mvae_plugins.scheduled`. New code imports that."""

from mvae_plugins.scheduled import ScheduledConfig, ScheduledWeight, ScheduleSetting, ramp_warning

__all__ = ["ScheduleSetting", "ScheduledConfig", "ScheduledWeight", "ramp_warning"]
