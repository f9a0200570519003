"""Stopping `mvae serve` ends its background encoding of the training loops (the pad's dots): a thread left encoding
in torch while the process exits could abort it on Ctrl-C ("terminate called without an active exception", SIGABRT
instead of exit code 130), as a Ctrl-C in the first second of serving did."""

from __future__ import annotations

import threading

import pytest

from mvae_core.serve.engine import Engine, PointsStopped, TrainingPoints
from mvae_core.serve.server import LiveServer


def test_a_stopped_encoding_raises_before_its_first_chunk(tiny_run):
    stop = threading.Event()
    stop.set()
    with pytest.raises(PointsStopped):
        Engine(tiny_run).training_points(stop)


def test_stopping_the_points_ends_their_thread_and_leaves_them_not_ready(tiny_run):
    points = TrainingPoints(Engine(tiny_run))
    points.stop()  # before it starts: the thread, once started, ends without encoding
    points.start().stop()
    assert not any(t.name == "mvae-points" and t.is_alive() for t in threading.enumerate())
    assert points.get()["ready"] is False


def test_a_stopped_server_leaves_no_encoding_thread(tiny_run):
    with LiveServer(tiny_run, port=0):
        pass
    assert not any(t.name == "mvae-points" and t.is_alive() for t in threading.enumerate())


def test_a_stop_during_a_cold_parse_of_the_training_data_ends_it_after_the_file_being_parsed(
    tiny_run, tmp_path, monkeypatch
):
    """With a cold parse cache the points parse the training data first (a minute for a large set), and a Ctrl-C
    waited for the whole parse (10.9 s measured) before the server could stop."""
    monkeypatch.setenv("MVAE_CACHE_DIR", str(tmp_path / "cold"))
    stop = threading.Event()
    stop.set()
    with pytest.raises(PointsStopped):
        Engine(tiny_run).training_points(stop)
    assert len(list((tmp_path / "cold").rglob("*.npz"))) == 1  # of the run's 6 files, the one parsed when told
