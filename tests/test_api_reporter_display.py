"""A reporter of one's own (python_api.md): its display may be a plain function. One without a `started` method
ended in an AttributeError after the run folder was written."""

from __future__ import annotations

import contextlib

import mvae_core
from tests.training import TINY


class Collecting:
    """A reporter whose display is a plain function that keeps each epoch's val_elbo."""

    def __init__(self) -> None:
        self.elbos: list[float] = []

    def data(self, table, report, cfg, title) -> None: ...

    def note(self, message, level="info") -> None: ...

    def event(self, event) -> None: ...

    @contextlib.contextmanager
    def training(self, epochs, first_epoch):
        yield lambda record: self.elbos.append(record["val_elbo"])


def test_a_reporters_display_may_be_a_plain_function(synth_dir, tmp_path):
    reporter = Collecting()
    result = mvae_core.train(synth_dir, tmp_path / "run", overrides=TINY, epochs=2, progress=reporter)
    assert result.epochs_run == 2 and len(reporter.elbos) == 2
