"""A ``mvae_core.train`` refused because another training runs in this process (:class:`TrainingInProgress`) writes
nothing: a new run read the data and left ``.lock``, ``config.toml``, ``data_report.json`` and ``split.json`` in a
folder that ``load`` then called a run that trained nothing (and that ``resume=True`` trained as a new run); a resume
rewrote its run's ``config.toml`` with the new epoch budget."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import mvae_core
from mvae_core import hookimpl
from mvae_core.trainer import TrainingInProgress
from tests.training import TINY


class Holding:
    """Holds training at its first step (saying so through ``inside``) until ``release`` is set."""

    def __init__(self) -> None:
        self.inside, self.release = threading.Event(), threading.Event()

    @hookimpl
    def mvae_step_end(self):
        self.inside.set()
        assert self.release.wait(timeout=60)


@contextmanager
def training_in_a_thread(data: Path, out: Path) -> Iterator[None]:
    """A training of ``data`` into ``out`` in another thread, held at its first step for the block; it then trains
    its epoch to the end."""
    holding, ended = Holding(), []

    def other_cell() -> None:
        ended.append(mvae_core.train([data], out, overrides=TINY, plugins=[("holding", holding)], epochs=1,
                                     progress=False))  # fmt: skip

    thread = threading.Thread(target=other_cell)
    thread.start()
    try:
        assert holding.inside.wait(timeout=60)
        yield
    finally:
        holding.release.set()
        thread.join(timeout=120)
    assert [result.outcome for result in ended] == ["trained"]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_new_run_refused_while_another_thread_trains_writes_nothing(synth_dir, tmp_path):
    refused = pytest.raises(TrainingInProgress, match=r"^another training is running in this process")
    with training_in_a_thread(synth_dir, tmp_path / "thread"), refused:
        mvae_core.train([synth_dir], tmp_path / "refused", overrides=TINY, plugins=[], epochs=1, progress=False)
    assert not (tmp_path / "refused").exists()


def test_a_resume_refused_while_another_thread_trains_leaves_its_run_as_it_was(synth_dir, tmp_path):
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, progress=False)
    before = _files(tmp_path / "run")
    with training_in_a_thread(synth_dir, tmp_path / "thread"), pytest.raises(TrainingInProgress):
        mvae_core.train(out=tmp_path / "run", epochs=2, resume=True, progress=False)
    assert _files(tmp_path / "run") == before


def test_a_train_call_made_while_another_still_reads_its_data_writes_nothing(synth_dir, tmp_path, monkeypatch):
    """The first call holds no trainer while it reads its data (often its longest part): a second call then trained
    to its end, and the first, refused at its trainer, left a run that trained nothing (helper-426)."""
    from mvae_core import session

    reading, go_on, ended = threading.Event(), threading.Event(), []
    prepare = session.prepare_data

    def slow_reading(*args, **kwargs):
        if not reading.is_set():  # the first call's reading, held until the second call has been made
            reading.set()
            assert go_on.wait(timeout=60)
        return prepare(*args, **kwargs)

    monkeypatch.setattr(session, "prepare_data", slow_reading)

    def first_call() -> None:
        result = mvae_core.train([synth_dir], tmp_path / "first", overrides=TINY, plugins=[], epochs=1, progress=False)
        ended.append(result.outcome)

    first = threading.Thread(target=first_call)
    first.start()
    try:
        assert reading.wait(timeout=60)
        with pytest.raises(TrainingInProgress):
            mvae_core.train([synth_dir], tmp_path / "second", overrides=TINY, plugins=[], epochs=1, progress=False)
    finally:
        go_on.set()
        first.join(timeout=120)
    assert ended == ["trained"] and not (tmp_path / "second").exists()
