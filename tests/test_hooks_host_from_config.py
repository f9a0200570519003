"""docs/plugins.md's recipe for testing a plugin the way an installed entry point is built: the host from a
`PluginsConfig` and a `PluginInfo`, with the imports the page names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from mvae_core.config import PluginsConfig
from mvae_core.errors import ConfigError
from mvae_core.host import PluginHost
from mvae_core.models.base import Forward
from mvae_core.plugins import PluginInfo

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mvae-free-bits"


@pytest.fixture
def free_bits(monkeypatch: pytest.MonkeyPatch) -> dict[str, PluginInfo]:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.delitem(sys.modules, "mvae_free_bits", raising=False)
    from mvae_free_bits import FreeBits

    return {"free_bits": PluginInfo("free_bits", "package mvae-free-bits", "0.2.0", lambda: FreeBits)}


def test_the_documented_host_validates_the_section_and_calls_the_hook(free_bits):
    host = PluginHost.from_config(PluginsConfig(enabled=["free_bits"], free_bits={"nats": 1.0}), free_bits)
    output = Forward(None, torch.zeros(2, 3), torch.zeros(2, 3))
    (result,) = host.hook.mvae_loss(trainer=None, batch=None, output=output, terms={}, split="train")
    assert result["kl"].item() == pytest.approx(3.0)  # three dimensions at the floor of 1 nat
    with pytest.raises(ConfigError, match=r"plugins\.free_bits\.nats = -1"):
        PluginHost.from_config(PluginsConfig(enabled=["free_bits"], free_bits={"nats": -1}), free_bits)
