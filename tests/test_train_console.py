"""What mvae_core.train (and mvae train) prints on its console besides the epoch lines."""

from __future__ import annotations

import errno
import os

import mvae_core
from mvae_core.data import table_store
from tests.training import TINY


def test_a_data_set_held_in_memory_because_the_cache_is_full_is_said_while_training(
    synth_dir, tmp_path, monkeypatch, capsys
):
    """Only mvae data inspect said it: a training (each torchrun rank) held its own copy of the set unknowingly."""

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(table_store.TableWriter, "__init__", no_space)
    monkeypatch.setenv("MVAE_CACHE_DIR", str(tmp_path / "cache"))
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, progress=True)
    out = " ".join(capsys.readouterr().err.split())  # a warning: on stderr, as the command line's
    assert f"warning: the data set cannot be written to the parse cache {tmp_path / 'cache'} (No space left" in out
    assert out.count("cannot be written to the parse cache") == 1


def test_a_run_path_with_colons_prints_as_it_is(synth_dir, tmp_path, capsys):
    """rich turned ':smile:' in a run's path into an emoji."""
    run = tmp_path / "a:smile:run"
    mvae_core.train(data=[synth_dir], out=run, overrides=TINY, plugins=[], epochs=1, progress=True)
    out = " ".join(capsys.readouterr().out.split())
    assert f"→ {run}" in out and "\N{SMILING FACE WITH SMILING EYES}" not in out
