"""What a plugin draws from torch's global random state as it is constructed, in ``mvae_added_terms`` and in
``mvae_watched_entries`` moves no stream: the caller's state is put back, as after ``mvae_check_config``. Only the
check was; a plugin drawing in the other two (or its ``__init__``) moved a notebook's ``torch.manual_seed`` stream
across ``mvae_core.train``, ``mvae data inspect``'s dry run and ``mvae ablate``'s checks of its configurations."""

from __future__ import annotations

import pytest
import torch

import mvae_core
import mvae_plugins
from mvae_core import hookimpl
from mvae_core.config import build_config
from mvae_core.run_plugins import checked_config
from tests.training import TINY


class Drawing:
    """Draws from torch's global random state as it starts and in the config-time hooks but ``mvae_check_config``."""

    def __init__(self) -> None:
        torch.rand(100)

    @hookimpl
    def mvae_added_terms(self):
        torch.rand(100)

    @hookimpl
    def mvae_watched_entries(self):
        torch.rand(100)
        return {}


@pytest.fixture
def drawing(monkeypatch: pytest.MonkeyPatch) -> str:
    """A registered plugin ``drawing`` (constructed by mvae from its section, as an installed one is)."""
    monkeypatch.setitem(mvae_plugins.BUILTIN_PLUGINS, "drawing", "tests.test_plugins_rng_config_time:Drawing")
    return "drawing"


def test_the_config_checks_leave_the_callers_random_state(drawing):
    """checked_config: what a training, a data inspection and every configuration of an ablation go through."""
    handed_over = Drawing()  # a plugin object draws as the caller constructs it, before the seed
    torch.manual_seed(7)
    expected = torch.rand(2)
    torch.manual_seed(7)
    checked_config(build_config(None, [f'plugins.enabled=["{drawing}", "object"]']), {"object": handed_over})
    assert torch.equal(torch.rand(2), expected)


def test_a_training_with_a_plugin_drawing_before_the_data_leaves_the_callers_random_state(drawing, synth_dir, tmp_path):
    torch.manual_seed(7)
    expected = torch.rand(2)
    torch.manual_seed(7)
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[drawing], epochs=1, progress=False)
    assert torch.equal(torch.rand(2), expected)
