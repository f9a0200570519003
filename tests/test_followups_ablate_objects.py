"""mvae_core.ablate takes registered plugin names; a plugin object is refused with what to do, before anything runs."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.errors import OptionError


class P:
    @hookimpl
    def mvae_step_end(self):
        pass


@pytest.mark.parametrize("plugins", [["kl_anneal", P()], [("p", P())], P()])
def test_a_plugin_object_is_refused_naming_why_and_what_to_do(synth_dir, tmp_path, plugins):
    with pytest.raises(OptionError, match=r"^plugins takes registered plugin names, not .*P object.*: ablate trains "
                       r"each configuration in its own process.*package the plugin \(docs/plugins\.md"):  # fmt: skip
        mvae_core.ablate([synth_dir], plugins=plugins, out=tmp_path / "abl", seeds=1, epochs=1)
    assert not (tmp_path / "abl").exists()
