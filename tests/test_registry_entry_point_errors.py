"""An entry point that names its plugin wrongly is refused with the fix: `module.Class` written for `module:Class`,
or a module that is not installed."""

from __future__ import annotations

import importlib.metadata

import pytest

from mvae_core.plugins import PluginError, PluginInfo


def _plugin(value: str) -> PluginInfo:
    entry_point = importlib.metadata.EntryPoint(name="x", value=value, group="mvae.plugins")
    return PluginInfo("x", "package mvae-x", "0.1.0", entry_point.load)


def test_a_dot_written_for_the_colon_names_the_colon_form() -> None:
    with pytest.raises(PluginError) as refused:
        _plugin("textwrap.dedent").imported()  # textwrap is a module, not a package: as mvae_x.MyPlugin would be
    assert str(refused.value).startswith("plugin 'x' (package mvae-x) failed to import: No module named ")
    assert str(refused.value).endswith("names textwrap.dedent; write the module and what it holds with a colon: "
                                       "textwrap:dedent")  # fmt: skip


def test_a_module_that_is_not_installed_says_so() -> None:
    with pytest.raises(PluginError) as refused:
        _plugin("textwrp:dedent").imported()
    assert str(refused.value).endswith("names textwrp, a module that is not installed: check its spelling, and that "
                                       "the package ships it")  # fmt: skip
