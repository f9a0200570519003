"""A hook implemented under another name (``@hookimpl(specname="mvae_epoch_end")``, as pluggy allows) is checked
as one named like its hook is: ``**kwargs`` there was accepted and stayed empty, and a misspelt hook or argument was
pluggy's message without the did-you-mean."""

from __future__ import annotations

import pytest

from mvae_core import hookimpl
from mvae_core.host import PluginHost
from mvae_core.plugins import PluginError


class TakesKwargs:
    @hookimpl(specname="mvae_epoch_end")
    def on_end(self, trainer, **kwargs):
        return None


class MisspeltHook:
    @hookimpl(specname="mvae_epoch_ends")
    def on_end(self, trainer):
        return None


class MisspeltArgument:
    @hookimpl(specname="mvae_epoch_end")
    def on_end(self, trainer, metrix):
        return None


@pytest.mark.parametrize(
    ("plugin", "said"),
    [
        (TakesKwargs(), "on_end(**kwargs): pluggy passes a hook only the arguments it names"),
        (MisspeltHook(), "mvae_epoch_ends is not a hook of mvae; did you mean 'mvae_epoch_end'?"),
        (MisspeltArgument(), "mvae_epoch_end has no argument 'metrix'; did you mean 'metrics'?"),
    ],
)
def test_a_hook_marked_under_another_name_is_checked_like_any_hook(plugin, said):
    with pytest.raises(PluginError, match="plugin 'p' has an invalid hook") as refused:
        PluginHost({"p": plugin})
    assert said in str(refused.value)


def test_a_hook_under_another_name_still_runs(synth_dir):
    from tests.training import make_trainer, tiny_config

    class Counter:
        def __init__(self) -> None:
            self.epochs: list[int] = []

        @hookimpl(specname="mvae_epoch_end")
        def count(self, epoch):
            self.epochs.append(epoch)

    counter = Counter()
    make_trainer(synth_dir, tiny_config(epochs=2), {"counter": counter}).fit()
    assert counter.epochs == [0, 1]
