"""A plugin package that prints as it is imported (a banner, a debug print at its module's top, a library it imports)
sends that to stderr wherever mvae imports it, as a model package's print does (``ModelInfo.imported``): only ``mvae
plugins`` did, so a training (``mvae train``, ``mvae_core.train`` in a script whose stdout is read) or any command
that imports the plugin began its stdout with the print, where a ``--json`` reader failed."""

from __future__ import annotations

import importlib.metadata

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.plugins import available_plugins
from tests.training import TINY

BANNER = "hello from mvae-chatty-plugin"


class Chatty:
    """Does nothing, printing as its package is imported."""

    @hookimpl
    def mvae_epoch_end(self):
        return None


class _Dist:
    name, version = "mvae-chatty-plugin", "1.0"


class _EntryPoint:
    name, dist = "chatty", _Dist()

    def load(self) -> type[Chatty]:
        print(BANNER)  # each load, as a package's first import prints
        return Chatty


@pytest.fixture(autouse=True)
def chatty(monkeypatch):
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: [_EntryPoint()] if group == "mvae.plugins" else []
    )


def test_importing_a_plugin_sends_its_print_to_stderr(capsys):
    assert available_plugins()["chatty"].imported() is Chatty
    printed = capsys.readouterr()
    assert BANNER in printed.err and BANNER not in printed.out


def test_a_training_with_the_plugin_keeps_its_print_off_stdout(capsys, synth_dir, tmp_path):
    overrides = [*TINY, 'plugins.enabled=["chatty"]']
    mvae_core.train([synth_dir], tmp_path / "run", overrides=overrides, epochs=1, progress=False)
    printed = capsys.readouterr()
    assert BANNER in printed.err and BANNER not in printed.out
