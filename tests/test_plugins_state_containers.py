"""Plugin state is checked by exact type, containers too (helper-431 finding 1): a ``defaultdict``, a ``namedtuple``
or a subclass of list passed the save-time check, and then every resume refused the checkpoint, blaming the file. They
are refused at the first checkpoint naming the plugin, the type and the conversion; ``OrderedDict`` and ``Counter``,
which a ``weights_only`` load takes, still round-trip. A checkpoint that holds such state (written by an older mvae)
is refused naming the plugin whose state holds it."""

from __future__ import annotations

import collections
from typing import Any

import pytest
import torch

from mvae_core import hookimpl
from mvae_core.checkpoint import CheckpointError, load_checkpoint
from mvae_core.plugins import PluginError
from tests.training import make_trainer, tiny_config

Point = collections.namedtuple("Point", "x y")


class Items(list):
    """A list subclass, as a plugin might keep its history."""


class Keeps:
    def __init__(self, state: Any) -> None:
        self.state = state
        self.loaded: Any = None

    @hookimpl
    def mvae_state_dict(self) -> dict[str, Any]:
        return {"kept": self.state}

    @hookimpl
    def mvae_load_state_dict(self, state: dict[str, Any]) -> None:
        self.loaded = state["kept"]


@pytest.mark.parametrize(
    "state,refused",
    [
        (collections.defaultdict(list, {"a": [1]}), r"returned a defaultdict \(defaultdict\(.*convert it with dict"),
        (Point(1, 2), r"returned a Point \(Point\(x=1, y=2\)\).*convert a namedtuple with \._asdict\(\) or tuple"),
        (Items([1, 2]), r"returned a Items \(\[1, 2\]\).*convert it with list\(\.\.\.\)"),
    ],
    ids=["defaultdict", "namedtuple", "list-subclass"],
)
def test_container_subclasses_are_refused_at_the_first_checkpoint(synth_dir, tmp_path, state, refused):
    trainer = make_trainer(synth_dir, tiny_config(epochs=1), {"hist": Keeps({"h": state})}, tmp_path / "r")
    with pytest.raises(PluginError, match=rf"^plugin 'hist': mvae_state_dict {refused}") as error:
        trainer.fit()
    assert "not other subclasses of them" in str(error.value) and "weights_only=True" in str(error.value)


@pytest.mark.parametrize(
    "state", [collections.OrderedDict(a=torch.ones(2), b=1), collections.Counter(a=3)], ids=["OrderedDict", "Counter"]
)
def test_the_mappings_a_weights_only_load_takes_still_round_trip(synth_dir, tmp_path, state):
    make_trainer(synth_dir, tiny_config(epochs=1), {"keeps": Keeps(state)}, tmp_path / "r").fit()
    saved = load_checkpoint(tmp_path / "r" / "checkpoint.pt")["plugins"]["keeps"]["kept"]
    assert type(saved) is type(state) and list(saved) == list(state)


def test_a_checkpoint_whose_plugin_state_a_load_refuses_names_the_plugin(tmp_path):
    path = tmp_path / "checkpoint.pt"
    plugins = {"fine": {"n": 1}, "hist": {"h": collections.defaultdict(list, {"a": [1]})}}
    torch.save({"epoch": 0, "model": {"w": torch.ones(1)}, "plugins": plugins, "config": {}}, path)
    with pytest.raises(CheckpointError, match=r"collections\.defaultdict") as error:
        load_checkpoint(path)
    said = str(error.value)
    assert "it is in the state that plugin 'hist' saved (mvae_state_dict)" in said and "'fine'" not in said
    assert "A fix of the plugin does not change this file" in said and "init_from=" in said


def test_a_refused_global_outside_plugin_state_names_no_plugin(tmp_path):
    path = tmp_path / "checkpoint.pt"
    torch.save({"epoch": 0, "model": {"w": collections.defaultdict(list)}, "plugins": {"fine": {"n": 1}}}, path)
    with pytest.raises(CheckpointError, match=r"refusing to load it") as error:
        load_checkpoint(path)
    assert "mvae_state_dict" not in str(error.value)
