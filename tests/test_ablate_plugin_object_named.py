"""``mvae_core.ablate(plugins=["ts_ramp", KlAnneal()])``: an object of an installed plugin's own class was refused
with "package the plugin", though it is packaged; the refusal now names the plugin to give instead."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.errors import OptionError
from mvae_plugins.kl_anneal import KlAnneal


def test_an_installed_plugins_object_is_told_its_name(synth_dir, tmp_path):
    with pytest.raises(OptionError) as refused:
        mvae_core.ablate([synth_dir], plugins=["ts_ramp", KlAnneal()], out=tmp_path / "ablation")
    assert "it is plugin 'kl_anneal': give that name, its settings as overrides" in str(refused.value)
    assert not (tmp_path / "ablation").exists()


def test_another_object_is_told_to_package_it(synth_dir, tmp_path):
    class Probe:
        pass

    with pytest.raises(OptionError, match="package the plugin"):
        mvae_core.ablate([synth_dir], plugins=["ts_ramp", Probe()], out=tmp_path / "ablation")
